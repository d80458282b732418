"""Writes of payments: batches for the treasury (`batches`) and the bank's return (`bank_returns`).

Callers use this package's names; the modules are split by topic.
"""

from awards.payments.services.bank_returns import (
    MAX_UPLOAD_BYTES,
    ImportRefused,
    ImportResult,
    RowOutcome,
    bank_return_commit,
    bank_return_discard,
    bank_return_preview,
    bank_return_upload,
)
from awards.payments.services.batches import (
    EXPORT_FORMATS,
    batch_cancel,
    batch_create,
    batch_export,
    batch_get_for,
)

__all__ = [
    "EXPORT_FORMATS",
    "MAX_UPLOAD_BYTES",
    "ImportRefused",
    "ImportResult",
    "RowOutcome",
    "bank_return_commit",
    "bank_return_discard",
    "bank_return_preview",
    "bank_return_upload",
    "batch_cancel",
    "batch_create",
    "batch_export",
    "batch_get_for",
]
