"""selectors of awards."""
