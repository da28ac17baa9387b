"""Real-browser tests: Playwright's Python package driving Debian's chromium (docs/traps.md: it cannot
download a browser here) against pytest-django's live server on 127.0.0.1.

Screenshots go to test-artifacts/ (gitignored; CI keeps them as artifacts)."""

import io
import os
import shutil
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from tests.second_factor import code_for

# Playwright's sync API runs an event loop in this thread (the session's browser keeps it running for
# the rest of the worker, other tests included); the ORM calls the tests make are still plain
# synchronous calls. tests/ops keeps this out of its `check --deploy` subprocess.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "pw-for-tests-1"  # tests/conftest.py make_official


@pytest.fixture(scope="session")
def browser():
    from playwright import sync_api

    executable = shutil.which("chromium")
    # Not a skip: `make test` installs chromium, and a journey that silently did not run is no test.
    assert executable, "chromium is not installed: run scripts/setup.sh --dev (make test does)"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def session_for(browser, live_server):
    """A logged-in page per official, each in its own browser context (cookies apart)."""
    contexts = []

    def session_for(user):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                      base_url=live_server.url, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.get_username())
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        # The second factor, as an official does it: enrol an authenticator the first time (its
        # secret read as the app would from the QR code), then type its current code.
        page.wait_for_url(lambda url: "/accounts/login/enrol/" in url or "/accounts/login/verify/" in url)
        enrolling = "/enrol/" in page.url
        device = TOTPDevice.objects.get(user=user, confirmed=not enrolling)
        page.fill("input[name=code]", code_for(device))
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if enrolling:  # the backup codes are shown once, then the official goes on
            page.click("text=我已保存，进入系统")
        return page

    yield session_for
    for context in contexts:
        context.close()


@pytest.fixture
def image_file(tmp_path):
    def image_file(name, color=(120, 160, 200)):
        path = tmp_path / name
        buffer = io.BytesIO()
        Image.new("RGB", (320, 240), color).save(buffer, format="PNG")
        path.write_bytes(buffer.getvalue())
        return str(path)

    return image_file
