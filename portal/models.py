"""portal has no tables; this module exists so that post_migrate is sent for it."""
