"""Writes of awards, by topic: decisions (the review steps and the approved amount),
announcements (公示 and public objections) and payouts (budgets, scheduling, payment).

Every change of a case's status goes through `applicants.services.cases.case_transition`.
"""
