"""A candidate revision of the shipped rules for the tests: one cap lowered, one fixed amount
raised, one item removed and the balance-sheet threshold tightened."""

from pathlib import Path

DRAFT = Path(__file__).resolve().parents[2] / "rules" / "versions" / "2025-01-01-draft.toml"


def candidate_text(version: str = "2026-revision", effective_from: str = "2026-07-01") -> str:
    text = DRAFT.read_text(encoding="utf-8")
    replacements = [
        ('version = "2025-draft"', f'version = "{version}"'),
        ("effective_from = 2025-01-01", f"effective_from = {effective_from}"),
        # first_transaction: the cap from 200,000 to 100,000.
        ('rate = "0.04"\ncap = "200000.00"', 'rate = "0.04"\ncap = "100000.00"'),
        # honor_provincial: 100,000 to 150,000 (the first fixed "100000.00" in the file).
        ('amount = "100000.00"', 'amount = "150000.00"'),
        # first_balance_sheet: more than 1,000,000 instead of 500,000.
        (
            'threshold = { amount = "500000.00", strict = true }',
            'threshold = { amount = "1000000.00", strict = true }',
        ),
        # The platform group would hold one item: it goes with the removed one.
        (
            '[[overlap_groups]]\ncode = "platform"\nlabel_zh = "数据技术创新平台"\n'
            'label_en = "Data technology innovation platforms"\n'
            'items = ["platform_provincial", "platform_national"]\n',
            "",
        ),
    ]
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    # platform_provincial is the file's last item: removed with its evidence.
    return text[: text.index("[items.platform_provincial]")]


def compare_waiting() -> None:
    """Do a worker's part: compute each comparison a request asked for (in the tests' transaction
    the on-commit hand-over to the worker never fires)."""
    from awards.revisions.models import ReportState, RulesCandidate
    from awards.revisions.services import candidate_report_compute

    for candidate in RulesCandidate.objects.filter(report_state=ReportState.COMPUTING):
        candidate_report_compute(candidate_id=candidate.pk, generation=candidate.report_generation)


def uploaded(actor, text: str | None = None, name: str = "修订.toml"):  # type: ignore[no-untyped-def]
    """A candidate uploaded by `actor` and compared (the worker's part done)."""
    from awards.revisions.services import candidate_upload

    candidate = candidate_upload(
        actor=actor, file_name=name, content=(text or candidate_text()).encode("utf-8")
    )
    compare_waiting()
    candidate.refresh_from_db()
    return candidate
