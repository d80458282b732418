"""The officials' case page: what it reads and shows."""
