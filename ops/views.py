from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from . import health


@require_GET
def healthz(request):
    """For load balancers and monitoring: no login, no personal data, never cached."""
    status, body = health.report()
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    add_never_cache_headers(response)
    return response
