"""免申即享: importing a published winners list. Each row that names a registered, verified
enterprise and a listed reward item becomes a pre-filled draft for that enterprise, citing the
list's announcement (its document number) in place of the item's notice evidence. Every other
row is reported with its reason. Importing the same list again creates nothing new (the case's
`winner_key` is unique). docs/winners.md."""

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from applicants import policy
from applicants.audit import audit_append
from applicants.errors import ServiceError
from applicants.models import Application, Enterprise, Notification, Status, User
from applicants.roles import Role
from applicants.selectors import application_quote
from applicants.services.enterprises import credit_code_normalize
from applicants.services.notifications import mail_on_commit
from applicants.text import achievement_key, clean_text
from applicants.verification.states import IdentityStatus
from applicants.winners import errors, notices
from applicants.winners.models import WinnerImport
from applicants.winners.reading import WinnerRow, winners_rows
from rules import ItemRule, RulesInputError

# States of a case that make a new one for the same achievement a duplicate.
_ENDED = (Status.WITHDRAWN, Status.REJECTED)
# Accepted date spellings besides ISO (2025-03-01): 2025/3/1, 2025.3.1, 2025年3月1日.
_DATE_SEPARATORS = str.maketrans({"/": "-", ".": "-", "年": "-", "月": "-", "日": ""})


@dataclass
class ImportReport:
    created: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    # A dry run: the rows that would become drafts.
    would_create: list[dict] = field(default_factory=list)

    def skip(self, row: WinnerRow, reason: str, **params: object) -> None:
        message = (
            str(errors.SKIP_REASONS[reason]) % params
            if params
            else str(errors.SKIP_REASONS[reason])
        )
        self.skipped.append({"row": row.row, "reason": reason, "message": message})

    def as_command_output(self) -> dict:
        """The command's JSON: {"created": [CASE_NUMBER…], "skipped": [{row, reason, message}]}."""
        out: dict = {
            "created": [c["case"] for c in self.created],
            "skipped": self.skipped,
        }
        if self.would_create:
            out["would_create"] = self.would_create
        return out


@dataclass(frozen=True)
class _Match:
    row: WinnerRow
    enterprise: Enterprise
    member: User
    rule: ItemRule
    facts: dict[str, str]
    event_date: date
    document_number: str
    key: str
    cited_kind: str


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _items_by_name() -> dict[str, ItemRule]:
    """Every item of the version in force by its code and both titles, compared normalised."""
    names: dict[str, ItemRule] = {}
    for rule in policy.version_in_force().items.values():
        for name in (rule.code, rule.title_zh, rule.title_en):
            names[_norm(name)] = rule
    return names


def _cited_kind(rule: ItemRule) -> str:
    """The item's evidence the published list stands in for (its notice), or "" if none."""
    return next(
        (e.code for e in rule.evidence if e.code in settings.WINNERS_CITED_EVIDENCE_KINDS), ""
    )


def _level(rule: ItemRule, raw: str) -> str | None:
    """The prize level's code from its code or label ("一等奖", "一等", "First prize")."""
    spec = rule.fact(rule.level_fact) if rule.level_fact else None
    if spec is None:
        return ""
    wanted = _norm(raw)
    for choice in spec.choices:
        names = {_norm(choice.code), _norm(choice.label_zh), _norm(choice.label_en)}
        names.add(_norm(choice.label_zh).removesuffix("奖"))
        if wanted and wanted in names:
            return choice.code
    return None


def _date(value: date | str) -> date | None:
    if isinstance(value, date):
        return value
    text = value.strip().translate(_DATE_SEPARATORS).strip("-")
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        text = f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    try:
        return parse_date(text)
    except ValueError:
        return None


def winner_key(*, credit_code: str, item: str, document_number: str) -> str:
    return f"{credit_code}|{item}|{_norm(document_number)}"[:160]


def _project_name(rule: ItemRule, level: str, document_number: str) -> str:
    with translation.override("zh-hans"):
        title = rule.title("zh")
        label = rule.fact(rule.level_fact).choice(level).label("zh") if level else ""  # type: ignore[arg-type]
    name = f"{title}{'：' + label if label else ''}（{document_number}）"
    return clean_text(name)[:200]


def _members(enterprise_ids: Iterable[int]) -> dict[int, User]:
    """Each enterprise's first active member: the draft's 填报人."""
    first: dict[int, User] = {}
    users = User.objects.filter(
        enterprise_id__in=list(enterprise_ids), role=Role.ENTERPRISE, is_active=True
    ).order_by("pk")
    for user in users:
        first.setdefault(user.enterprise_id, user)  # type: ignore[arg-type]
    return first


def _match_rows(rows: list[WinnerRow], report: ImportReport) -> list[_Match]:
    """Every row checked against the registry, the rules and the cases already filed; the rows
    that pass are returned, the others are in `report.skipped`. A constant number of queries."""
    items = _items_by_name()
    codes: dict[int, str] = {}
    for row in rows:
        try:
            codes[row.row] = credit_code_normalize(row.credit_code)
        except ServiceError:
            codes[row.row] = ""
    enterprises = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in={c for c in codes.values() if c})
    }
    members = _members(e.pk for e in enterprises.values())
    keys_taken = {
        a.winner_key: a
        for a in Application.objects.exclude(winner_key="")
        .filter(enterprise__in=list(enterprises.values()))
        .only("id", "created_at", "winner_key", "status")
    }
    filed: dict[tuple[int, str], list[Application]] = {}
    for case in (
        Application.objects.filter(enterprise__in=list(enterprises.values()))
        .exclude(status__in=_ENDED)
        .only("id", "created_at", "enterprise_id", "item", "event_date", "project_key", "status")
    ):
        filed.setdefault((case.enterprise_id, case.item), []).append(case)
    today = timezone.localdate()
    seen: set[str] = set()
    planned: dict[tuple[int, str], list[tuple[date, str]]] = {}
    matches = []
    for row in rows:
        code = codes[row.row]
        if not code:
            report.skip(row, "invalid_credit_code", code=row.credit_code)
            continue
        rule = items.get(_norm(row.item))
        if rule is None:
            report.skip(row, "unknown_item", item=row.item)
            continue
        cited_kind = _cited_kind(rule)
        if rule.first_time or not cited_kind:
            report.skip(row, "item_not_listed", item=rule.title_zh)
            continue
        level = _level(rule, row.prize_level)
        if level is None:
            report.skip(row, "unknown_prize_level", level=row.prize_level)
            continue
        event_date = _date(row.event_date)
        if event_date is None:
            report.skip(row, "invalid_date", date=row.event_date)
            continue
        document_number = clean_text(row.document_number)
        if not document_number:
            report.skip(row, "missing_document_number")
            continue
        enterprise = enterprises.get(code)
        if enterprise is None:
            report.skip(row, "no_enterprise", code=code, name=row.enterprise_name or "—")
            continue
        if enterprise.identity_status != IdentityStatus.VERIFIED:
            report.skip(row, "not_verified", name=enterprise.name)
            continue
        member = members.get(enterprise.pk)
        if member is None:
            report.skip(row, "no_member", name=enterprise.name)
            continue
        facts = {rule.level_fact: level} if rule.level_fact else {}
        if event_date > today or _outside_window(rule, event_date, facts, enterprise):
            report.skip(row, "out_of_window", date=event_date.isoformat())
            continue
        key = winner_key(credit_code=code, item=rule.code, document_number=document_number)
        if key in keys_taken:
            report.skip(row, "already_imported", ref=keys_taken[key].reference)
            continue
        project_key = achievement_key(_project_name(rule, level, document_number))
        # The same row twice, or the same achievement (date or name) again further down the list.
        earlier = planned.get((enterprise.pk, rule.code), [])
        if key in seen or any(d == event_date or k == project_key for d, k in earlier):
            report.skip(row, "duplicate_row")
            continue
        duplicate = next(
            (
                c
                for c in filed.get((enterprise.pk, rule.code), [])
                if c.event_date == event_date or c.project_key == project_key
            ),
            None,
        )
        if duplicate is not None:
            report.skip(
                row,
                "duplicate_application",
                name=enterprise.name,
                ref=duplicate.reference,
                status=duplicate.get_status_display(),
            )
            continue
        seen.add(key)
        planned.setdefault((enterprise.pk, rule.code), []).append((event_date, project_key))
        matches.append(
            _Match(
                row, enterprise, member, rule, facts, event_date, document_number, key, cited_kind
            )
        )
    return matches


def _outside_window(
    rule: ItemRule, event_date: date, facts: dict[str, str], enterprise: Enterprise
) -> bool:
    try:
        quote = application_quote(
            item=rule.code,
            event_date=event_date,
            facts=facts,
            applicant_type=enterprise.applicant_type,
            jurisdiction=enterprise.jurisdiction,
        )
    except RulesInputError:
        return False
    return any(r.code == "before_retroactive_start" for r in quote.reasons)


def _create(match: _Match, *, record: WinnerImport, actor: User | None) -> Application | None:
    """The draft, its audit entry and its notifications; None if a concurrent import made it."""
    citation = {
        "document_number": match.document_number,
        "event_date": match.event_date.isoformat(),
        "evidence_kind": match.cited_kind,
        "import": record.pk,
        "row": match.row.row,
        "file_name": record.file_name,
        "listed_name": match.row.enterprise_name,
        "prize_level": match.row.prize_level,
    }
    level = match.facts.get(match.rule.level_fact or "", "")
    case = Application(
        enterprise=match.enterprise,
        item=match.rule.code,
        project_name=_project_name(match.rule, level, match.document_number),
        event_date=match.event_date,
        facts=match.facts,
        jurisdiction=match.enterprise.jurisdiction,
        applicant_type=match.enterprise.applicant_type,
        created_by=match.member,
        cited_announcement=citation,
        winner_key=match.key,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        return None
    audit_append(
        action="winner_draft_created",
        actor=actor,
        application=case,
        to_status=Status.DRAFT,
        data={"import": record.pk, "row": match.row.row, "document_number": match.document_number},
    )
    return case


def _notify(cases: list[Application]) -> None:
    """Each member of each enterprise is told its draft is ready (and mailed after commit)."""
    by_enterprise: dict[int, list[Application]] = {}
    for case in cases:
        by_enterprise.setdefault(case.enterprise_id, []).append(case)
    rows, mails = [], []
    with translation.override("zh-hans"):
        subject = _("【信阳数据产业奖补平台】免申即享：已为您预填申报")
        for user in User.objects.filter(
            enterprise_id__in=list(by_enterprise), is_active=True
        ).order_by("pk"):
            for case in by_enterprise[user.enterprise_id]:  # type: ignore[index]
                params = notices.winner_draft_params(case)
                message = notices.winner_draft_text(params)
                rows.append(
                    Notification(
                        recipient=user,
                        application=case,
                        message=message,
                        code=notices.WINNER_DRAFT,
                        params=params,
                    )
                )
                if user.email:
                    mails.append((user.email, subject, message))
    Notification.objects.bulk_create(rows, batch_size=2000)
    mail_on_commit(mails)


def _one_import_at_a_time() -> None:
    """Two imports at once wait for each other, so each one's duplicate checks see every draft
    the other made (PostgreSQL; SQLite serialises writers on its own)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["winners_import"])


def winners_import(
    *, name: str, content: bytes, actor: User | None, via: str, dry_run: bool = False
) -> tuple[ImportReport, WinnerImport | None]:
    """Import one list. A dry run stores nothing; a real one stores the drafts, the import with
    its report, and audit entries, in one transaction. WinnersFileError if unreadable."""
    rows = winners_rows(name=name, content=content)
    report = ImportReport()
    if dry_run:
        for match in _match_rows(rows, report):
            report.would_create.append(
                {
                    "row": match.row.row,
                    "credit_code": match.enterprise.credit_code,
                    "enterprise": match.enterprise.name,
                    "item": match.rule.code,
                }
            )
        return report, None
    with transaction.atomic():
        _one_import_at_a_time()
        matches = _match_rows(rows, report)
        record = WinnerImport.objects.create(
            created_by=actor,
            via=via,
            file_name=name[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            rows=len(rows),
        )
        cases = []
        for match in matches:
            case = _create(match, record=record, actor=actor)
            if case is None:
                report.skip(match.row, "imported_meanwhile")
                continue
            cases.append(case)
            report.created.append(
                {
                    "row": match.row.row,
                    "case": case.reference,
                    "id": case.pk,
                    "enterprise": match.enterprise.name,
                    "credit_code": match.enterprise.credit_code,
                    "item": match.rule.code,
                }
            )
        report.skipped.sort(key=lambda s: s["row"])
        record.created_count = len(report.created)
        record.skipped_count = len(report.skipped)
        record.report = {"created": report.created, "skipped": report.skipped}
        record.save(update_fields=["created_count", "skipped_count", "report"])
        audit_append(
            action="winners_imported",
            actor=actor,
            data={
                "import": record.pk,
                "file_name": record.file_name,
                "sha256": record.sha256,
                "via": via,
                "rows": len(rows),
                "created": record.created_count,
                "skipped": record.skipped_count,
            },
        )
        _notify(cases)
    return report, record
