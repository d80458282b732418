"""services of awards."""
