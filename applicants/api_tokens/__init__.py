"""API tokens (API 令牌): per-user, named, expiring, revocable, stored only as a hash."""
