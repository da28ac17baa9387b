"""/api/schema/ answered 500 to concurrent first requests ('NoneType' object has no attribute
'startswith': drf-spectacular writes its extension classes' target_class while loading them).
The document is now built one at a time (api/schema.py)."""

import threading

from django.db import connection
from django.test import RequestFactory
from drf_spectacular.plumbing import ComponentRegistry  # noqa: F401  (drf-spectacular loaded)
from rest_framework.test import force_authenticate

from api.schema import SchemaView


def test_concurrent_requests_for_the_schema_all_succeed(cast):
    factory = RequestFactory()
    statuses, errors = [], []

    def fetch():
        try:
            request = factory.get("/api/schema/", HTTP_ACCEPT="application/json")
            force_authenticate(request, user=cast["clerk_a"])
            response = SchemaView.as_view()(request)
            response.render()
            statuses.append(response.status_code)
        except Exception as error:  # a 500 in the server
            errors.append(repr(error))
        finally:
            connection.close()  # each thread's own connection (PostgreSQL keeps the test database busy otherwise)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and statuses == [200] * 6
