"""Logging helpers referenced by settings.LOGGING."""

import copy
import logging


class OneLineClientErrors(logging.Filter):
    """Drop the traceback of a request refused with a 4xx (PermissionDenied, bad host…).

    Django logs the exception of a 403 with the warning; it is the client's doing, not a bug,
    so one line says enough. Server errors (5xx) keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> logging.LogRecord | bool:
        status = getattr(record, "status_code", None)
        if not record.exc_info or not isinstance(status, int) or not 400 <= status < 500:
            return True
        # A copy, so other handlers (e.g. mail to admins) still get the traceback.
        one_line = copy.copy(record)
        one_line.exc_info = None
        one_line.exc_text = None
        return one_line
