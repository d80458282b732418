"""admin of awards."""
