"""Knowledge contests (知识竞赛): teams, rounds of 必答/抢答/风险题, questions drawn from the bank, buzzers.

- ``quiz.contest.machine.Contest``: the state machine (pure Python, an injectable ``quiz.contest.clock``)
- ``quiz.contest.service.ContestService(bank, settings, clock=None)``: create, draw, buzz, judge, reveal,
  adjust, export; persisted in the bank's database (``quiz.contest.db``)
- ``quiz.contest.views``: what the big screen (``screen_view``, no key before the reveal) and the host see
- ``quiz.contest.export``: results as XLSX/CSV
"""
