"""The approvals tests use the cast (tests/conftest.py) and the lifecycle helpers of the
workflows tests: evidence uploads, the county bureaus, a household of village A."""

import pytest

from tests.workflows.conftest import archive_root, give, household, officials, upload  # noqa: F401
from tests.workflows.test_walk import approve, walk_to_approval  # noqa: F401


@pytest.fixture
def login(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def in_approval(officials, give, areas, household):
    """A household of village A that passed 评议 and a clean 公示: waiting for the township."""
    walk_to_approval(household, officials, give, areas)
    return household
