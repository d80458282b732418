"""The notification an enterprise gets when a winners list prepared a draft for it."""

from collections.abc import Mapping

from django.utils.translation import gettext as _

from applicants.models import Application

WINNER_DRAFT = "winner_draft"


def winner_draft_params(case: Application) -> dict[str, str]:
    return {
        "ref": case.reference,
        "project": case.project_name,
        "document_number": case.cited_announcement.get("document_number", ""),
    }


def winner_draft_text(params: Mapping[str, object]) -> str:
    return _(
        "免申即享：根据公布名单（%(document_number)s），平台已为您预填申报 %(ref)s"
        "「%(project)s」。请核对信息、补充名单中没有的材料后提交。"
    ) % {
        "document_number": params["document_number"],
        "ref": params["ref"],
        "project": params["project"],
    }
