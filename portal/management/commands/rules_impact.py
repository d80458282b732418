from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.errors import ServiceError
from awards.revisions.impact import rules_impact
from awards.revisions.services import MAX_FILE_KB, candidate_parse
from portal.management.json_command import InvalidInput, JsonCommand
from rules import NoVersionInForce
from rules.loader import load_rulebook


class Command(JsonCommand):
    help = (
        "rules_impact CANDIDATE_FILE [--base VERSION] [--as-of DATE]: price every case not yet "
        "paid under the rules in force (or the named --base version) and under the candidate, "
        'with the same facts. Prints {"base", "candidate", "parameters", "cases", "totals", '
        '"plan"} and exits 0; an invalid candidate prints {"errors": …}, exit 2. Stores nothing.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("candidate", help="the candidate rules file (.toml)")
        parser.add_argument("--base", help="the version to compare with (default: as in force)")
        parser.add_argument("--as-of", dest="as_of", help="the date to price as of (YYYY-MM-DD)")

    def run(self, **options: Any) -> dict[str, Any]:
        path = Path(options["candidate"])
        try:
            content = path.read_bytes()[: MAX_FILE_KB * 1024 + 1]
        except OSError as exc:
            message = _("无法读取文件 %(path)s：%(reason)s") % {
                "path": path,
                "reason": exc.strerror or exc,
            }
            raise InvalidInput({"candidate": [message]}) from None
        try:
            _text, candidate = candidate_parse(file_name=path.name, content=content)
        except ServiceError as invalid:
            raise InvalidInput({"candidate": [str(invalid.message)]}) from None
        as_of = timezone.localdate()
        if options["as_of"]:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError:
                raise InvalidInput({"as_of": [_("日期格式应为 YYYY-MM-DD。")]}) from None
        base = None
        if options["base"]:
            try:
                base = load_rulebook().version(options["base"])
            except NoVersionInForce:
                message = _("没有名为“%(version)s”的规则版本。") % {"version": options["base"]}
                raise InvalidInput({"base": [message]}) from None
        return rules_impact(candidate, base=base, as_of=as_of)
