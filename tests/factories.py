"""One factory per model; users are made through the service so they join their role's group."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import factory
from django.utils import timezone
from stdnum.cn import uscc

from applicants.models import Application, Enterprise, Status, User
from applicants.roles import Role
from applicants.services.accounts import user_create

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

    The one helper tests use to log anyone in, so officials' second factor is handled in one place.
    """
    client.force_login(user)  # type: ignore[attr-defined]
