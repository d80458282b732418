"""`manage.py check`: the telephone the public list gives for objections is the office's own.

Required for `check --deploy` (a published 公示 names where to object); when set, it must read
as a telephone number, so a typo does not reach the notice.
"""

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from applicants.errors import ServiceError
from awards.announcements.contact import objector_phone_clean

OBJECTION_PHONE_MISSING = "awards.E020"
OBJECTION_PHONE_MALFORMED = "awards.E021"


@register("announcements")
def objection_phone_valid(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """OBJECTION_PHONE, when set, is a mainland mobile or a landline with its area code."""
    phone = settings.OBJECTION_PHONE
    if not phone:
        return []
    try:
        objector_phone_clean(phone)
    except ServiceError:
        return [
            Error(
                f"OBJECTION_PHONE is {phone!r}, which is not a telephone number.",
                hint="Write it as 区号-号码 (e.g. the office's 0376-… line) or a mobile number.",
                id=OBJECTION_PHONE_MALFORMED,
            )
        ]
    return []


@register("announcements", deploy=True)
def objection_phone_set(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """Production publishes the office's telephone for objections (异议受理电话)."""
    if settings.OBJECTION_PHONE:
        return []
    return [
        Error(
            "OBJECTION_PHONE is not set: the public 公示 list would give no telephone for "
            "objections.",
            hint="Set OBJECTION_PHONE to the 发展改革委 office's line (docs/awards.md).",
            id=OBJECTION_PHONE_MISSING,
        )
    ]
