"""The API's browsable docs (Swagger UI from the sidecar package) under the site's CSP."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI whose page carries the CSP nonce; its init script is a separate request.

    The split view serves the init code from its own URL (no inline script); the page template
    keeps the stock inline style in a static file and gives the scripts the nonce.
    """

    template_name = "api/swagger_ui.html"
    title = "信阳数据产业奖补平台 API"
