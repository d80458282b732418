from typing import Any

from django.core.management.base import CommandParser
from django.utils import translation

from applicants.errors import ServiceError
from applicants.models import Application
from applicants.programmes import programme_requested, unknown_programme_error
from awards.payouts.planning import PlanOutcome
from awards.payouts.services import payouts_plan_now, payouts_plan_preview
from portal.management.json_command import InvalidInput, JsonCommand


class Command(JsonCommand):
    help = (
        "Plan a programme's payout years now (the same service as the finance desk's button), "
        "as a stored run, and print its result as one JSON object (exit 0; 2 if refused). "
        "--dry-run changes nothing: the plan a run would make on the stored state."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", default="", help='"city" (default) or a county code')
        parser.add_argument("--dry-run", action="store_true", help="a what-if: write nothing")
        parser.add_argument("--lang", default="zh", choices=["zh", "en"], help="message language")

    def run(self, **options: Any) -> dict[str, Any]:
        programme, lang = programme_requested(options["programme"]), options["lang"]
        errors = unknown_programme_error(programme, lang)
        if errors:
            raise InvalidInput(errors)
        with translation.override("zh-hans" if lang == "zh" else "en"):
            if options["dry_run"]:
                return _answer(payouts_plan_preview(programme), run=None, dry_run=True)
            try:
                run, outcome = payouts_plan_now(programme)
            except ServiceError as exc:
                raise InvalidInput({exc.field or "programme": [str(exc.message)]}) from None
            if outcome is None:
                raise InvalidInput({"run": [run.error]})
            return _answer(outcome, run=run.pk, dry_run=False)


def _answer(outcome: PlanOutcome, *, run: int | None, dry_run: bool) -> dict[str, Any]:
    """The run's stored result, with every change and the queue's head named by case number."""
    head = outcome.result["queued"]["head"]
    ids = [c.application_id for c in outcome.changes] + [entry["case"] for entry in head]
    references = {
        a.pk: a.reference for a in Application.objects.filter(pk__in=ids).only("created_at")
    }
    result = dict(outcome.result)
    result["queued"] = {
        **result["queued"],
        "head": [{**entry, "case": references[entry["case"]]} for entry in head],
    }
    return {
        **result,
        "dry_run": dry_run,
        "run": run,
        "changes": outcome.changes_summary(),
        "changed": [
            {
                "case": references[c.application_id],
                "kind": c.kind,
                "from_year": c.from_year,
                "to_year": c.to_year,
                "amount": f"{c.amount:.2f}",
            }
            for c in outcome.changes
        ],
    }
