"""The lifecycle helpers of tests/workflows, and a client logged in as one of the cast."""

import pytest

from tests.workflows.conftest import archive_root, give, household, officials, upload  # noqa: F401


@pytest.fixture
def login(client):
    def login(user):
        client.force_login(user)
        return client

    return login
