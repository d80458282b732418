"""One factory per model; users are made through the service so they join their role's group."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import factory
from django.utils import timezone
from stdnum.cn import uscc

from applicants.models import Application, Enterprise, Status, User
from applicants.roles import Role
from applicants.services.accounts import user_create

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice

TEST_PASSWORD = "test-password-123"


def credit_code_for(n: int) -> str:
    """A valid unified social credit code, different for each n."""
    body = f"914115{n:011d}"[:17]
    return body + uscc.calc_check_digit(body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试数据企业{n}有限公司")
    credit_code = factory.Sequence(lambda n: credit_code_for(n + 1000))
    jurisdiction = "411502"
    applicant_type = "data_enterprise"
    legal_representative = "张三"
    contact_name = "李四"
    contact_phone = "0376-1234567"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.com")
    bank_name = "中国银行信阳分行"
    bank_account = factory.Sequence(lambda n: f"62166102{n:011d}")
    # Verified, so cases can be submitted as before identity checks; `unverified=True` (or
    # identity_status="pending") makes one that waits for its county.
    identity_status = "verified"

    class Params:
        unverified = factory.Trait(identity_status="pending")


def make_user(role: str, *, username: str | None = None, **fields: object) -> User:
    """A user of `role`, created by the same service the portal uses."""
    make_user.counter += 1  # type: ignore[attr-defined]
    if role == Role.ENTERPRISE and "enterprise" not in fields:
        fields["enterprise"] = EnterpriseFactory()
    if role == Role.COUNTY_REVIEWER and "jurisdiction" not in fields:
        fields["jurisdiction"] = "411502"
    username = username or f"{role}-{make_user.counter}"  # type: ignore[attr-defined]
    fields.setdefault("email", f"{username}@example.com")
    return user_create(
        username=username,
        password=TEST_PASSWORD,
        role=role,
        **fields,  # type: ignore[arg-type]
    )


make_user.counter = 0  # type: ignore[attr-defined]


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A case; pass status= to place it anywhere in the workflow (no audit entries are made)."""

    class Meta:
        model = Application

    enterprise = factory.SubFactory(EnterpriseFactory)
    item = "contest_provincial"
    project_name = factory.Sequence(lambda n: f"数据要素应用项目{n}")
    description = "项目简介"
    event_date = datetime.date(2025, 6, 1)
    facts = factory.LazyFunction(lambda: {"prize_level": "first"})
    jurisdiction = factory.SelfAttribute("enterprise.jurisdiction")
    applicant_type = factory.SelfAttribute("enterprise.applicant_type")
    status = Status.DRAFT
    created_by = factory.LazyAttribute(
        lambda o: make_user(Role.ENTERPRISE, enterprise=o.enterprise)
    )
    declaration_accepted = True
    submitted_at = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != Status.DRAFT),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )
    recommended_at = factory.Maybe(
        factory.LazyAttribute(
            lambda o: o.status not in {Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN}
        ),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )


# --- applicants: evidence files (PDF, PNG) as a browser would upload them ---------------------


def _tiny_pdf() -> bytes:
    """A valid one-page blank A4 PDF with a correct cross-reference table (uploads are parsed)."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<<>>>>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


TINY_PDF = _tiny_pdf()


def tiny_png() -> bytes:
    """A valid 1×1 white PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(
    name: str = "证书.pdf", content: bytes = TINY_PDF, content_type: str = "application/pdf"
):
    """An uploaded file for a form or service; the content decides its kind, never the name."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@contextmanager
def with_database_owner_rights() -> Iterator[None]:
    """What someone holding the database's owner rights can do: change rows with its triggers
    off (the audit table refuses UPDATE and DELETE otherwise). For tamper and setup steps."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def sign_in(client: object, user: User) -> None:
    """Sign `user` in on a test client the way a person would end up: every factor passed.

    The one helper tests use to log anyone in, so officials' second factor is handled in one place:
    an official gets a confirmed authenticator (if none yet) and the session is marked verified
    by it, as django_otp.login marks it after a real code.
    """
    from django_otp import DEVICE_ID_SESSION_KEY

    from applicants.two_factor.selectors import two_factor_required

    client.force_login(user)  # type: ignore[attr-defined]
    if two_factor_required(user=user):
        session = client.session  # type: ignore[attr-defined]
        session[DEVICE_ID_SESSION_KEY] = authenticator_of(user).persistent_id
        session.save()


def authenticator_of(user: User) -> "TOTPDevice":
    """The user's confirmed authenticator (TOTP device), enrolled now if there is none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def totp_code(device: "TOTPDevice") -> str:
    """The code the authenticator app shows now, or the next one if now's was used already
    (a code passes once: django-otp remembers the last time step it accepted)."""
    import time as clock

    from django_otp.oath import hotp

    device.refresh_from_db()

    def now_step() -> int:
        return (int(clock.time()) - device.t0) // device.step + device.drift

    step = max(now_step(), device.last_t + 1)
    if step > now_step() + device.tolerance:
        # Both codes the tolerance accepts are spent: wait for the clock's next step.
        clock.sleep(device.step - (clock.time() - device.t0) % device.step + 0.05)
        step = max(now_step(), device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def confirm_identity(client: object, user: User, password: str = TEST_PASSWORD) -> None:
    """Pass the re-authentication page (password, and a code for an official) as a person does."""
    from django.urls import reverse

    from applicants.two_factor.selectors import two_factor_required

    data = {"password": password}
    if two_factor_required(user=user):
        data["code"] = totp_code(authenticator_of(user))
    response = client.post(reverse("reauth"), data)  # type: ignore[attr-defined]
    assert response.status_code == 302, response.content.decode()[:2000]
