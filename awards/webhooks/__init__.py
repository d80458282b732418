"""Webhooks: a signed POST to an integration's URL when a case changes state (docs/webhooks.md)."""
