"""Annual exams: blueprint → papers (A/B) → roster → sittings (server-owned timer) → grading → reports,
exports. ``quiz.exam.service.ExamService`` is the one entry point; everything lives in the bank's database.
"""
