"""Questions and people: verified questions from the law's structure, a question bank, practice.

Public entry points (the CLI and the app call these, thinly):

- ``quiz.generate.generate(kb, count, laws=(), types=(), seed=None, chapters=(), articles=(), checklist=(),
  registry=QUESTION_TYPES)`` → ``list[Question]`` (``QUESTION_TYPES.with_llm(complete)`` adds 简答/案例分析)
- ``quiz.models.Question`` (``to_json()``), ``quiz.models.dump_json(questions)``
- ``quiz.checks.check_question(question, index)`` → problems (empty: the key is supported)
- ``quiz.checklist.load_checklist(path)`` → ``Checklist`` of ``ChecklistItem``;
  ``quiz.checklist_questions.checklist_questions(kb, items)`` → questions item by item;
  ``quiz.checklist_store.ChecklistStore(bank)``: loaded checklists in the bank's database
- ``quiz.bank.QuestionBank.open(home, settings)``: add/list/filter/set_status/mark_changed
- ``quiz.exchange.export_questions(questions, path)`` / ``import_questions(path, index)`` (XLSX/CSV)
- ``quiz.practice.Practice(bank)``: submit, wrong_book, due, session_questions, mastery_by_law,
  mastery_by_checklist_item, adopt; ``checklist_mastery(items, mastery)``
"""
