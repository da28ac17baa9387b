"""The cast shared by the tests (docs/style.md): one fictional county, two townships, three villages,
and one official per post. Scope tests read as sentences over these names.

    示例县 520999 ─ 城关镇 520999101 ─ 村A 520999101201, 村B 520999101202
                 └ 石桥乡 520999102 ─ 村C 520999102201
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from guardian.shortcuts import assign_perm

from registry.models import AreaLevel
from tests.factories import AreaFactory, HouseholdFactory


@pytest.fixture(autouse=True)
def audit_checkpoints_per_test(monkeypatch, tmp_path_factory):
    """Each test's signed audit checkpoints in a folder of its own (created only when one is written):
    a checkpoint left by another test's chain would not match this test's events."""
    import uuid

    from django.core.files.storage import FileSystemStorage

    from audit import checkpoints

    folder = tmp_path_factory.getbasetemp() / f"checkpoints-{uuid.uuid4().hex}"
    monkeypatch.setattr(checkpoints, "_storage", lambda: FileSystemStorage(location=folder))


@pytest.fixture(autouse=True)
def test_client_logins_pass_the_second_factor(request, monkeypatch):
    """`client.login()`/`force_login()` skip the sign-in forms, so they also stand for the second
    step: the session gets the user's confirmed TOTP device, as django_otp.login() would record it
    (tests/second_factor.py). The real two-step sign-in is tested in tests/accounts; a test marked
    `password_only` keeps Django's bare session, which accounts/middleware.py refuses."""
    if request.node.get_closest_marker("password_only"):
        return
    from django.test import Client

    from tests.second_factor import mark_verified

    original = Client._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        mark_verified(self, user)

    monkeypatch.setattr(Client, "_login", _login)


def pytest_configure(config):
    """The project's Chinese catalog compiled before any page is rendered. `make test` compiles it
    (scripts/setup.sh); a plain `pytest` in a fresh checkout did not, and every admin page then
    showed Django's untranslated 'Add'/'Change' (the "flake" of tests/approvals/test_no_english.py,
    issue 14). Compiled once, by the xdist controller (or the only process), when missing or older
    than its .po."""
    if hasattr(config, "workerinput"):
        return
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    stale = [po for po in root.glob("locale/*/LC_MESSAGES/*.po")
             if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
    if stale:
        import subprocess
        import sys

        # As scripts/setup.sh does it: this catalog only, never the packages' under .venv.
        subprocess.run([sys.executable, "manage.py", "compilemessages", "-l", "zh_Hans", "-v", "0",
                        "--ignore=.venv"], cwd=root, check=True)


def pytest_collection_modifyitems(config, items):
    """Locking, triggers and concurrency only show on PostgreSQL (SQLite ignores FOR UPDATE and
    has no triggers here); .ci/run runs the whole suite on both databases."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (as .ci/run does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def areas(db):
    county = AreaFactory(code="520999000000", name="示例县", level=AreaLevel.COUNTY)
    town = AreaFactory(code="520999101000", name="城关镇", level=AreaLevel.TOWNSHIP, parent=county)
    other_town = AreaFactory(code="520999102000", name="石桥乡", level=AreaLevel.TOWNSHIP, parent=county)
    return {
        "county": county,
        "town": town,
        "other_town": other_town,
        "village_a": AreaFactory(code="520999101201", name="村A", level=AreaLevel.VILLAGE, parent=town),
        "village_b": AreaFactory(code="520999101202", name="村B", level=AreaLevel.VILLAGE, parent=town),
        "village_c": AreaFactory(code="520999102201", name="村C", level=AreaLevel.VILLAGE, parent=other_town),
    }


def make_official(username, role, area, *, staff=True):
    user = get_user_model().objects.create_user(username, password="pw-for-tests-1", is_staff=staff)
    assign_perm(f"registry.{role}", user, area)
    return user


@pytest.fixture
def cast(areas):
    """Officials by post, named for what they are in the tests."""
    return {
        "clerk_a": make_official("clerk_a", "role_village_clerk", areas["village_a"]),
        "clerk_b": make_official("clerk_b", "role_village_clerk", areas["village_b"]),
        "head_a": make_official("head_a", "role_village_head", areas["village_a"]),
        "reviewer": make_official("reviewer", "role_township_reviewer", areas["town"]),
        "leader": make_official("leader", "role_township_leader", areas["town"]),
        "other_reviewer": make_official("other_reviewer", "role_township_reviewer", areas["other_town"]),
        "county_office": make_official("county_office", "role_county_office", areas["county"]),
        "housing": make_official("housing", "role_county_housing", areas["county"]),
        "auditor": make_official("auditor", "role_auditor", areas["county"]),
    }


@pytest.fixture
def household_a(areas):
    return HouseholdFactory(village=areas["village_a"])


@pytest.fixture
def household_b(areas):
    return HouseholdFactory(village=areas["village_b"])


@pytest.fixture(scope="session", autouse=True)
def live_server_serves_static_files_from_the_apps():
    """pytest-django's live server serves static files through Django's finders only when it finds
    the plain name "django.contrib.staticfiles" in INSTALLED_APPS; the settings install that app
    through ops.staticfiles (whose only difference is what collectstatic leaves out), so it would
    serve from STATIC_ROOT, empty in tests, and the browser tests would see pages without CSS."""
    import django.test.testcases as testcases  # noqa: PLC0415  (a test-only swap of Django's handler)
    from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: PLC0415

    saved = testcases._StaticFilesHandler
    testcases._StaticFilesHandler = StaticFilesHandler
    yield
    testcases._StaticFilesHandler = saved
