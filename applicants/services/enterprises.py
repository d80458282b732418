"""Writes for enterprises: registration (单位注册) and the members who act for them."""

import unicodedata
from dataclasses import asdict, dataclass, fields, replace

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from applicants import policy
from applicants.errors import (
    CREDIT_CODE_CHECKSUM,
    CREDIT_CODE_FORMAT,
    CREDIT_CODE_LENGTH,
    CREDIT_CODE_TAKEN,
    FIELD_REQUIRED,
    NOT_AN_ENTERPRISE_USER,
    UNKNOWN_APPLICANT_TYPE,
    UNKNOWN_JURISDICTION,
    USERNAME_TAKEN,
    NotAllowed,
    ServiceError,
)
from applicants.models import Enterprise, User
from applicants.roles import Role
from applicants.services.accounts import user_create
from applicants.text import clean_text
from applicants.verification.services import enterprise_registered


def credit_code_normalize(raw: str) -> str:
    """The code as stored (upper case, no spaces); ServiceError unless it passes GB 32100.

    Normalised before any check, so "91411502ma45…", full-width "９１４１…" and a code typed
    with spaces are one code, stored once, upper case.
    """
    code = "".join(unicodedata.normalize("NFKC", raw).split()).replace("-", "").upper()
    try:
        return uscc.validate(code)
    except InvalidLength:
        raise ServiceError(CREDIT_CODE_LENGTH, field="credit_code") from None
    except InvalidChecksum:
        raise ServiceError(CREDIT_CODE_CHECKSUM, field="credit_code") from None
    except ValidationError:
        raise ServiceError(CREDIT_CODE_FORMAT, field="credit_code") from None


CREDIT_CODE_TAKEN_CODE = "credit_code_taken"


@dataclass(frozen=True)
class EnterpriseInput:
    name: str
    credit_code: str
    jurisdiction: str
    applicant_type: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    contact_email: str
    bank_name: str
    bank_account: str

    def cleaned(self) -> "EnterpriseInput":
        """Every field `clean_text`-ed; ServiceError on one left empty (all are required)."""
        values = {f.name: clean_text(getattr(self, f.name)) for f in fields(self)}
        for name, value in values.items():
            if not value:
                raise ServiceError(FIELD_REQUIRED, field=name)
        return replace(self, **values)


@transaction.atomic
def enterprise_register(
    *,
    enterprise: EnterpriseInput,
    username: str,
    password: str,
    licence: UploadedFile | None,
    display_name: str = "",
) -> User:
    """Register an enterprise and its first member; returns that member.

    The business licence is required: the enterprise waits for its county to verify it before
    any case can be submitted (applicants/verification). A registered code is refused with
    code "credit_code_taken" (the page then offers a claim).
    """
    enterprise = enterprise.cleaned()
    code = credit_code_normalize(enterprise.credit_code)
    if enterprise.jurisdiction not in dict(policy.jurisdiction_choices()):
        raise ServiceError(UNKNOWN_JURISDICTION, field="jurisdiction")
    if enterprise.applicant_type not in dict(policy.applicant_type_choices()):
        raise ServiceError(UNKNOWN_APPLICANT_TYPE, field="applicant_type")
    if Enterprise.objects.filter(credit_code=code).exists():
        raise ServiceError(CREDIT_CODE_TAKEN, field="credit_code", code=CREDIT_CODE_TAKEN_CODE)
    _check_username_free(username)
    try:
        # The savepoint keeps the transaction usable when a concurrent registration wins.
        with transaction.atomic():
            created = Enterprise.objects.create(**{**asdict(enterprise), "credit_code": code})
    except IntegrityError:
        raise ServiceError(
            CREDIT_CODE_TAKEN, field="credit_code", code=CREDIT_CODE_TAKEN_CODE
        ) from None
    member = _member_create(
        enterprise=created,
        username=username,
        password=password,
        display_name=display_name or enterprise.contact_name,
        email=enterprise.contact_email,
    )
    enterprise_registered(enterprise=created, actor=member, licence=licence)
    return member


@transaction.atomic
def enterprise_member_invite(
    *, inviter: User, username: str, display_name: str, email: str, password: str
) -> User:
    """A member creates a colleague's account in the same enterprise (邀请同事)."""
    if inviter.role != Role.ENTERPRISE or inviter.enterprise_id is None:
        raise NotAllowed(NOT_AN_ENTERPRISE_USER)
    _check_username_free(username)
    # The inviter knows this password: the colleague must choose their own at first sign-in.
    return _member_create(
        enterprise=Enterprise.objects.get(pk=inviter.enterprise_id),
        username=username,
        password=password,
        display_name=display_name,
        email=email,
        must_change_password=True,
    )


def _check_username_free(username: str) -> None:
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(USERNAME_TAKEN, field="username")


def _member_create(
    *,
    enterprise: Enterprise,
    username: str,
    password: str,
    display_name: str,
    email: str,
    must_change_password: bool = False,
) -> User:
    try:
        with transaction.atomic():
            return user_create(
                username=username,
                password=password,
                role=Role.ENTERPRISE,
                display_name=clean_text(display_name),
                email=email,
                enterprise=enterprise,
                must_change_password=must_change_password,
            )
    except IntegrityError:
        raise ServiceError(USERNAME_TAKEN, field="username") from None
