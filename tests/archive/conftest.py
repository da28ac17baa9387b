"""The lifecycle helpers of tests/workflows, reused: the archive files what the walk leaves."""

from tests.workflows.conftest import archive_root, give, household, officials  # noqa: F401
from tests.workflows.test_documents import family, named  # noqa: F401
