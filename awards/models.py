"""Models of awards: review decisions, audit trail, budgets and payouts."""
