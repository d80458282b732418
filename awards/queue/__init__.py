"""The reviewers' queue: what each row shows, prepared in one pass."""
