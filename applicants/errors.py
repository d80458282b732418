"""The one error type services raise; views turn it into form errors, the API into 4xx bodies."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A refused operation, with a message for the user and, if it concerns one, the field."""

    status_code = 400

    def __init__(self, message: object, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class NotAllowed(ServiceError):
    """The actor's role or jurisdiction does not allow this operation."""

    status_code = 403

    def __init__(self, message: object = None, **kwargs: object) -> None:
        super().__init__(message or NOT_ALLOWED, code="not_allowed", **kwargs)  # type: ignore[arg-type]


class Conflict(ServiceError):
    """The case changed under the actor (someone else decided first)."""

    status_code = 409

    def __init__(self, message: object, **kwargs: object) -> None:
        super().__init__(message, code="conflict", **kwargs)  # type: ignore[arg-type]


NOT_ALLOWED = _("您无权进行此操作。")
REASON_REQUIRED = _("此操作必须填写理由。")
ALREADY_DECIDED = _("该申报当前状态为“%(status)s”，已被他人处理或不再允许此操作，请刷新后查看。")
UNKNOWN_ACTION = _("未知的操作。")
