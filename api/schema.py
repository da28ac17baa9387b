"""drf-spectacular: the API's token scheme in the OpenAPI document, and the document's view."""

import threading

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "接口令牌：`Authorization: Token <密钥>`（由系统管理员按用户签发，可吊销）"}


_BUILDING = threading.Lock()


class SchemaView(SpectacularAPIView):
    """The OpenAPI document (YAML or JSON); its refusals (401 anonymous, 406) answer in the API's
    JSON error shape whatever format the document was asked in."""

    def _get_schema_response(self, request):
        # drf-spectacular loads its extension classes lazily on first use, writing
        # `target_class` in place: two first requests at once saw it half-written ('NoneType'
        # object has no attribute 'startswith', a 500). One document is built at a time.
        with _BUILDING:
            return super()._get_schema_response(request)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


class DocsView(SpectacularSwaggerSplitView):
    """The documentation page with its start-up script served as a file (?script), not inline, so
    the Content-Security-Policy's script-src 'self' holds on this page too."""
