"""Writes of applicants, one module per topic."""
