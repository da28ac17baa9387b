"""Authentication, the one error shape, throttling, the schema and its documentation page."""

import datetime
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from tests.api.conftest import assert_error


def test_no_credentials_is_401_in_the_error_shape(db):
    body = assert_error(APIClient().get("/api/v1/households/"), 401)
    assert body["code"] in ("not_authenticated", "authentication_failed")


def test_an_unknown_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert_error(client.get("/api/v1/households/"), 401)


def test_a_revoked_token_is_401(cast):
    token, key = ApiToken.issue(user=cast["clerk_a"], name="移动采集端")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/areas/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert_error(client.get("/api/v1/areas/"), 401)


def test_an_expired_token_is_401(cast):
    _, key = ApiToken.issue(user=cast["clerk_a"], name="过期", expires_at=timezone.now() - datetime.timedelta(days=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert_error(client.get("/api/v1/areas/"), 401)


def test_a_deactivated_official_token_is_401(cast):
    _, key = ApiToken.issue(user=cast["clerk_a"], name="停用")
    cast["clerk_a"].is_active = False
    cast["clerk_a"].save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_error(client.get("/api/v1/areas/"), 401)


def test_only_the_keys_hash_is_stored(cast):
    token, key = ApiToken.issue(user=cast["clerk_a"], name="对接")
    assert key not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert token.prefix == key[:8]


def test_the_browser_session_works_with_csrf(cast, household_a):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast["clerk_a"])
    assert client.get(f"/api/v1/households/{household_a.pk}/").status_code == 200
    assert_error(client.post(f"/api/v1/households/{household_a.pk}/transitions/submit_application/", {},
                             format="json"), 403)


def test_areas_lists_the_callers_posts(cast, as_user):
    rows = as_user(cast["reviewer"]).get("/api/v1/areas/").json()
    assert rows == [{"role": "role_township_reviewer", "role_label": "乡镇审核员", "area_code": "520999101000",
                     "area_name": "城关镇", "level": "township", "prefix": "520999101"}]


def test_throttling_per_token_is_429(cast, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "3/minute"}}
    from django.core.cache import cache

    cache.clear()
    _, key_one = ApiToken.issue(user=cast["clerk_a"], name="一")
    _, key_two = ApiToken.issue(user=cast["clerk_a"], name="二")
    one, two = APIClient(), APIClient()
    one.credentials(HTTP_AUTHORIZATION=f"Token {key_one}")
    two.credentials(HTTP_AUTHORIZATION=f"Token {key_two}")
    assert [one.get("/api/v1/areas/").status_code for _ in range(3)] == [200, 200, 200]
    r = one.get("/api/v1/areas/")
    assert_error(r, 429, "throttled")
    assert r["Retry-After"]
    assert two.get("/api/v1/areas/").status_code == 200  # each token has its own budget
    cache.clear()


def test_malformed_json_is_400(cast, as_user):
    r = as_user(cast["clerk_a"]).post("/api/v1/households/", data="{not json", content_type="application/json")
    assert_error(r, 400, "parse_error")


def test_unsupported_media_type_is_415(cast, as_user):
    r = as_user(cast["clerk_a"]).post("/api/v1/households/", data="a=b", content_type="text/plain")
    assert_error(r, 415)


def test_method_not_allowed_is_405(cast, household_a, as_user):
    assert_error(as_user(cast["clerk_a"]).delete(f"/api/v1/households/{household_a.pk}/"), 405)


def test_schema_is_openapi_3(cast, as_user):
    r = as_user(cast["clerk_a"]).get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    schema = json.loads(r.content)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/households/", "/api/v1/households/{id}/transitions/{name}/",
                 "/api/v1/evidence/{id}/file", "/api/v1/tasks/{id}/claim", "/api/v1/areas/", "/api/v1/sites/"):
        assert path in schema["paths"], path


@pytest.mark.parametrize("query", [{}, {"format": "yaml"}, {"format": "json"}])
def test_anonymous_schema_request_is_401_as_json_in_the_error_shape(db, query):
    r = APIClient().get("/api/schema/", query)
    assert r.status_code == 401
    assert r["Content-Type"].startswith("application/json")
    body = json.loads(r.content)
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "not_authenticated" and body["message"] == "身份认证信息未提供。"


def test_the_schema_is_still_yaml_by_default_when_signed_in(cast, as_user):
    r = as_user(cast["clerk_a"]).get("/api/schema/")
    assert r.status_code == 200 and "openapi:" in r.content.decode()


def test_docs_page_uses_local_assets_only(cast):
    client = APIClient()
    client.force_login(cast["clerk_a"])
    r = client.get("/api/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "swagger-ui" in html and "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_a_json_body_over_the_request_limit_is_413(cast, as_user):
    big = json.dumps({"number": "1" * 3_000_000})
    r = as_user(cast["clerk_a"]).post("/api/v1/households/", data=big, content_type="application/json")
    assert_error(r, 413, "too_large")


def test_unknown_api_addresses_answer_json_404(cast, as_user):
    assert_error(as_user(cast["clerk_a"]).post("/api/v2/anything/", {}, format="json"), 404, "not_found")
