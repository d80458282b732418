"""HTML to PDF with WeasyPrint, fetching nothing but the portal's own static files.

Everything a user typed reaches the template escaped, so it is text; the fetcher is the second
wall: no network, no `file://`, no `data:` — only files the static finders know, by their URL.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The base URL documents are rendered under: never fetched, only resolved against.
BASE_URL = "https://documents.portal.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves `{% static %}` URLs from the finders; refuses every other URL."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
        if not url.startswith(prefix) or ".." in url or "?" in url:
            raise ValueError(f"documents fetch only the portal's static files, not {url[:80]!r}")
        found = finders.find(url.removeprefix(prefix))
        if not found:
            raise ValueError(f"no such static file: {url[:80]!r}")
        path = found if isinstance(found, str) else found[0]
        with open(path, "rb") as handle:
            body = handle.read()
        kind = "text/css" if path.endswith(".css") else "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": kind})


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def render_pdf(template: str, context: dict[str, Any]) -> RenderedPdf:
    """Render a Django template to a PDF (fonts from the system by the PDF_FONT_FAMILY setting)."""
    html = render_to_string(template, {**context, "pdf_font_family": settings.PDF_FONT_FAMILY})
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))
