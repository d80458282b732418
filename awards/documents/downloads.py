"""The one way a stored document leaves the server: the PDF it was signed as."""

from django.http import FileResponse

from applicants.downloads import private_file
from awards.documents.models import Document


def document_response(document: Document, *, as_attachment: bool) -> FileResponse:
    """The document's PDF; the caller has checked access (`documents_visible_to`)."""
    return private_file(
        document.file.open("rb"),
        content_type="application/pdf",
        file_name=f"{document.get_kind_display()}-{document.code}.pdf",
        as_attachment=as_attachment,
    )
