"""免申即享: a published list of provincial or national winners becomes pre-filled drafts."""
