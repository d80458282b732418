"""The finance desk: budgets, the payout plan, payments and recoveries."""
