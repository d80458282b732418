"""Moved to `awards.announcements.services`; kept so that existing imports keep working."""

from awards.announcements.services import (
    announce_before_save,
    confirm_before_save,
    objection_file,
    objection_resolve,
)

__all__ = ["announce_before_save", "confirm_before_save", "objection_file", "objection_resolve"]
