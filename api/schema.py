"""drf-spectacular: the API's token scheme in the OpenAPI document, and the document's view."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "接口令牌：`Authorization: Token <密钥>`（由系统管理员按用户签发，可吊销）"}


class SchemaView(SpectacularAPIView):
    """The OpenAPI document (YAML or JSON); its refusals (401 anonymous, 406) answer in the API's
    JSON error shape whatever format the document was asked in."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response
