"""Schemathesis against our own OpenAPI document: the household and evidence endpoints, with a
bounded number of generated requests each, as a village clerk with a token. No input may bring
a 500, and every documented answer must match the schema (ADR: the API is a contract with
other systems; a fuzzer finds the inputs a serializer forgot).

The schema is generated in-process (drf-spectacular) and the requests go through Django's WSGI
application in the test's own transaction: no server, no network."""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from api.models import ApiToken
from tests.factories import HouseholdFactory, SiteFactory

FUZZED = r"^/api/v1/(households|evidence)"
SITES = r"^/api/v1/sites/(\{id\}/)?$"  # the site list, entry, detail and correction, as the county office
MAX_EXAMPLES = 15


@pytest.fixture
def keep_connection():
    """Django's WSGI handler closes the database connection after each request; the test client
    stops that for tests (the test's transaction lives on that connection), and so do we."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(cast, areas, settings, keep_connection):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "1000000/hour"}}
    households = [HouseholdFactory(village=areas["village_a"]) for _ in range(3)]
    HouseholdFactory(village=areas["village_b"])
    _, key = ApiToken.issue(user=cast["clerk_a"], name="fuzz")
    _, county_key = ApiToken.issue(user=cast["county_office"], name="fuzz")
    sites = [SiteFactory(area=areas["town"]) for _ in range(2)]
    return {"key": key, "county_key": county_key, "households": households, "sites": sites}


def _schema(path_regex):
    spec = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    loaded = schemathesis.openapi.from_dict(spec)
    loaded.app = get_wsgi_application()
    return loaded.include(path_regex=path_regex)


schema = _schema(FUZZED)
site_schema = _schema(SITES)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_brings_a_server_error_and_answers_match_the_schema(case, fuzz_world):
    response = case.call(headers={"Authorization": f"Token {fuzz_world['key']}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance,
                                             content_type_conformance])


@site_schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_site_input_brings_a_server_error_and_answers_match_the_schema(case, fuzz_world):
    response = case.call(headers={"Authorization": f"Token {fuzz_world['county_key']}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance,
                                             content_type_conformance])
