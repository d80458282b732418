"""The one way a finished payout export leaves the server (the page and the API)."""

from django.http import FileResponse, Http404
from django.utils import timezone

from applicants.downloads import private_file
from applicants.models import User
from awards.reports import services
from awards.reports.exports import CONTENT_TYPES, file_name
from awards.reports.models import ExportState, PayoutExport


def export_file_response(*, actor: User, export: PayoutExport) -> FileResponse:
    """The export's file, once written (404 before); the caller has checked it is `actor`'s."""
    if export.state != ExportState.DONE:
        raise Http404
    return private_file(
        services.payout_export_file(actor=actor, export=export),
        content_type=CONTENT_TYPES[export.format],
        file_name=file_name(
            export.format, on=timezone.localdate(export.requested_at), number=export.pk
        ),
    )
