"""Questions and people: verified questions from the law's structure, a question bank, practice, exams, contests.

Rooms (each imports the shared modules at this root and the rooms listed before it; generation also reads
the checklist item type, ``checklist.items``, which imports nothing of quiz):

- shared: ``models`` (Question, types), ``settings`` (QuizSettings), ``source`` (articles read from kb),
  ``text``, ``quantities`` (amounts and time limits in text), ``grading`` (one answer graded), ``db`` (the
  bank's tables), ``sheets`` (XLSX/CSV rows)
- ``people``: units, accounts and roles, sessions, the admins' audit, scopes (``models``, ``tables``)
- ``generation``: questions made from articles and checked against them (``generate``, ``checks``,
  ``generators/`` one module per type, ``mutations``, ``terms``, ``statements``)
- ``bank``: the question bank (``store.QuestionBank``) and its XLSX/CSV exchange
- ``checklist``: 应知应会 checklists read (``items``), turned into questions (``questions``), kept (``store``)
- ``practice``: practice runs, the wrong-answer book and mastery (``runs``), new practice sets (``sets``)
- ``exam``: annual exams (blueprint, papers, roster, scoring, report, documents)
- ``contest``: knowledge contests (state machine, service, screens, export)
- ``hours``: training records (学时): rules, activities, reports, the yearly plan
"""
