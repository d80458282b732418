"""Views of awards."""
