"""The production smoke test (issue 17): the stack of `make prod` on loopback — gunicorn, a
separate Celery worker on its own Redis, PostgreSQL, S3 storage on a real S3 server (SeaweedFS,
which checks signatures) — with production settings. A clerk signs in, one case moves a stage
through the JSON API and another through the web page; each PDF is rendered by the worker
process (queued while no worker runs, rendered once one starts) and stored in the S3 server
(read back, hash equal); static files are served under their manifest names; /healthz reports
every part; `manage.py backup` reads every object back from the S3 server.

PostgreSQL only (`postgres` marker: skipped on SQLite with that reason): the servers share the
test database with this process, and SQLite's test database lives in memory. The document a move
owes is an outbox row (documents.RenderOrder, issue 15) written with the move; the worker renders
it from the Celery message sent after commit."""

import hashlib
import html.parser
import json
import time

import boto3
import pytest
import redis
import requests
from botocore.config import Config
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from documents.models import Document, Evidence, RenderOrder
from registry.models import AreaLevel, Household
from tests.conftest import make_official
from tests.factories import AreaFactory, HouseholdFactory
from tests.ops.stack import (Deadline, Stack, free_port, procfile, production_env, redis_command)

pytestmark = [pytest.mark.postgres, pytest.mark.production, pytest.mark.django_db(transaction=True)]

PASSWORD = "Smoke-test-pass-2026"
EVIDENCE = ("hukou_scan", "current_house_photo", "signed_application")
RENDER_TASK = "workflows.tasks.render_lifecycle_documents"


@pytest.fixture
def stack(tmp_path, transactional_db):
    """Everything started here is stopped here (SIGTERM, then SIGKILL after 15 s), pass or fail."""
    db = connection.settings_dict
    database_url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    ports = {name: free_port() for name in ("redis", "s3", "web")}
    env = production_env(database_url=database_url, redis_url=f"redis://127.0.0.1:{ports['redis']}/0",
                         s3_port=ports["s3"], web_port=ports["web"], workdir=tmp_path)
    running = Stack(tmp_path, env)
    running.ports = ports
    running.url = f"http://127.0.0.1:{ports['web']}"
    running.deadline = Deadline(600)
    try:
        yield running
    finally:
        running.stop()
        assert running.alive() == [], "a process of the stack outlived its stop"


def s3_client(env):
    return boto3.client("s3", endpoint_url=env["AWS_S3_ENDPOINT_URL"], region_name=env["AWS_S3_REGION_NAME"],
                        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                        config=Config(retries={"max_attempts": 1}, connect_timeout=3, read_timeout=10))


class Forms(html.parser.HTMLParser):
    """Each <form>: its action and fields, as a browser would submit them unchanged."""

    def __init__(self, text):
        super().__init__()
        self.forms, self._textarea = [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "class": a.get("class", ""), "fields": []})
        elif self.forms and tag in ("input", "textarea", "select") and a.get("name"):
            self.forms[-1]["fields"].append({"tag": tag, **a})
            if tag == "textarea":
                self._textarea = self.forms[-1]["fields"][-1]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] = self._textarea.get("value", "") + data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def csrf_of(page: str) -> str:
    for form in Forms(page).forms:
        for field in form["fields"]:
            if field["name"] == "csrfmiddlewaretoken":
                return field["value"]
    raise AssertionError("no CSRF token on the page")


def sign_in(base_url: str, username: str, password: str, totp_device) -> requests.Session:
    """The one place the smoke test signs in, as an official does: the password form, then the
    second factor (a code from the user's authenticator, computed here as the app would)."""
    from tests.second_factor import code_for

    session = requests.Session()
    page = session.get(f"{base_url}/accounts/login/", timeout=30)
    assert page.status_code == 200 and "登录" in page.text
    step = session.post(f"{base_url}/accounts/login/", timeout=30, allow_redirects=False, data={
        "csrfmiddlewaretoken": csrf_of(page.text), "username": username, "password": password})
    assert step.status_code == 302 and step.headers["Location"].endswith("/accounts/login/verify/"), step.text[:500]
    verify = session.get(f"{base_url}/accounts/login/verify/", timeout=30)
    totp_device.refresh_from_db()
    done = session.post(f"{base_url}/accounts/login/verify/", timeout=30, allow_redirects=False, data={
        "csrfmiddlewaretoken": csrf_of(verify.text), "code": code_for(totp_device)})
    assert done.status_code == 302, done.text[:500]
    return session


def api_headers(session: requests.Session) -> dict:
    return {"X-CSRFToken": session.cookies["csrftoken"]}


def upload_evidence(session, base_url, household_id):
    from tests.api.helpers import png

    for i, kind in enumerate(EVIDENCE):
        response = session.post(f"{base_url}/api/v1/households/{household_id}/evidence/", timeout=60,
                                headers=api_headers(session), data={"kind": kind, "stage": "apply"},
                                files={"file": (f"{kind}.png", png((40 * i, 90, 160)), "image/png")})
        assert response.status_code == 201, response.text


def decide_on_the_web(session, base_url, household_id):
    """The household's page, its decision form submitted as shown (同意, with an opinion)."""
    page = session.get(f"{base_url}/cases/{household_id}/", timeout=30)
    assert page.status_code == 200
    form = next(f for f in Forms(page.text).forms if f["action"].endswith(f"/cases/{household_id}/decide/"))
    data = {}
    for field in form["fields"]:
        name, kind = field["name"], field.get("type", field["tag"])
        if kind == "radio":
            if field.get("value") == "approve":
                data[name] = "approve"
        elif name.endswith("opinion"):
            data[name] = "材料齐全，同意申报。"
        elif kind not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    answer = session.post(f"{base_url}{form['action']}", data=data, timeout=120, allow_redirects=False,
                          headers={"Referer": page.url})
    assert answer.status_code == 302, answer.text[:1000]


def application_form(household_id):
    return Document.objects.filter(doc_type="application_form", households__pk=household_id).first() or \
        Document.objects.filter(doc_type="application_form", household_id=household_id).first()


def test_the_production_stack_moves_a_case_and_the_worker_renders_its_pdf_into_s3(stack):
    from tests.second_factor import confirmed_device

    deadline, env, url = stack.deadline, stack.env, stack.url
    processes = procfile()

    # The cast: one village, its clerk (with an authenticator), two households in 申报.
    county = AreaFactory(code="520999000000", name="示例县", level=AreaLevel.COUNTY)
    town = AreaFactory(code="520999101000", name="城关镇", level=AreaLevel.TOWNSHIP, parent=county)
    village = AreaFactory(code="520999101201", name="村A", level=AreaLevel.VILLAGE, parent=town)
    clerk = make_official("smoke_clerk", "role_village_clerk", village)
    # The servers hash as production does (PBKDF2), not with the test settings' fast MD5.
    clerk.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    clerk.save()
    device = confirmed_device(clerk)
    by_api, by_web = HouseholdFactory(village=village), HouseholdFactory(village=village)

    # Redis and the S3 server; then collectstatic with production settings (manifest storage).
    stack.start("redis", redis_command(stack.ports["redis"], stack.workdir))
    stack.start("s3", processes["s3"])
    broker = redis.Redis(port=stack.ports["redis"], socket_timeout=3)
    deadline.wait_for("Redis", broker.ping, within=30)
    s3 = s3_client(env)
    deadline.wait_for("the S3 bucket", lambda: s3.head_bucket(Bucket=env["AWS_STORAGE_BUCKET_NAME"]), within=90)
    wrong = s3_client({**env, "AWS_SECRET_ACCESS_KEY": "not-the-secret"})
    with pytest.raises(Exception, match="SignatureDoesNotMatch|AccessDenied|InvalidAccessKeyId"):
        wrong.list_objects_v2(Bucket=env["AWS_STORAGE_BUCKET_NAME"])  # a real server: it checks signatures
    collected = stack.run("collectstatic", "--noinput", "-v", "1", timeout=max(30, deadline.left() - 240))
    assert collected.returncode == 0, collected.stderr[-3000:]
    assert (stack.workdir / "static" / "staticfiles.json").exists()

    # gunicorn from the Procfile; no worker yet.
    stack.start("web", processes["web"])
    deadline.wait_for("gunicorn", lambda: requests.get(f"{url}/healthz", timeout=10).status_code in (200, 503),
                      within=90)

    login_page = requests.get(f"{url}/accounts/login/", timeout=30)
    assert login_page.status_code == 200
    css = next(p for p in login_page.text.split('"') if p.startswith("/static/css/app.") and p.endswith(".css"))
    assert css != "/static/css/app.css"  # the manifest's hashed name
    served = requests.get(f"{url}{css}", timeout=30)
    assert served.status_code == 200 and "text/css" in served.headers["Content-Type"]
    assert "immutable" in served.headers.get("Cache-Control", "")

    session = sign_in(url, clerk.username, PASSWORD, device)

    # 1. Through the API: evidence into S3, then 申报 → 评议. The render is queued, not run inline.
    upload_evidence(session, url, by_api.pk)
    moved = session.post(f"{url}/api/v1/households/{by_api.pk}/transitions/submit_application/", timeout=120,
                         headers=api_headers(session), json={"opinion": "同意", "decision": "approve"})
    assert moved.status_code == 200, moved.text
    assert Household.objects.get(pk=by_api.pk).stage == "review"
    time.sleep(3)
    assert application_form(by_api.pk) is None, "rendered inline: the web process must only queue it"
    owed = RenderOrder.objects.get(doc_type="application_form", household_id=by_api.pk)
    assert owed.status == RenderOrder.Status.OWED  # the outbox row, committed with the move
    assert broker.llen("celery") >= 1  # waiting in Redis for a worker
    health = requests.get(f"{url}/healthz", timeout=30).json()
    assert health["checks"]["outbox"]["owed"] >= 1 and health["checks"]["celery"]["ok"] is False

    stack.start("worker", processes["worker"])
    api_document = deadline.wait_for("the worker's PDF", lambda: application_form(by_api.pk), within=180, every=1)
    assert "Task " + RENDER_TASK in stack.log("worker") and "received" in stack.log("worker")
    assert RENDER_TASK not in stack.log("web")
    owed.refresh_from_db()
    assert owed.status == RenderOrder.Status.DONE and api_document.versions.get().pk in owed.version_ids

    # 2. Through the web page: the second household, with the worker running.
    upload_evidence(session, url, by_web.pk)
    decide_on_the_web(session, url, by_web.pk)
    assert Household.objects.get(pk=by_web.pk).stage == "review"
    page = session.get(f"{url}/cases/{by_web.pk}/", timeout=30)
    assert "评议" in page.text
    web_document = deadline.wait_for("the worker's second PDF", lambda: application_form(by_web.pk), within=180)

    # Each PDF is in the S3 server: read back directly, its hash is the recorded one and the one
    # the API serves.
    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    for document in (api_document, web_document):
        version = document.versions.get()
        stored = s3.get_object(Bucket=bucket, Key=version.storage_name)["Body"].read()
        assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == version.sha256
        served = session.get(f"{url}/api/v1/documents/{document.pk}/pdf", timeout=60)
        assert served.status_code == 200 and hashlib.sha256(served.content).hexdigest() == version.sha256
    evidence = Evidence.objects.filter(household=by_api).first()
    assert s3.head_object(Bucket=bucket, Key=evidence.storage_name)["ContentLength"] == evidence.size
    failures = [line for line in stack.log("worker").splitlines() if "render_failed" in line or '"ERROR"' in line]
    assert failures == []

    # /healthz: every part, after an integrity run that re-hashed the S3 objects.
    checked = stack.run("run_integrity_checks", timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    health = requests.get(f"{url}/healthz", timeout=30)
    body = health.json()
    assert health.status_code == 200 and body["status"] == "ok", body
    assert body["checks"]["outbox"]["owed"] == 0
    for part in ("database", "storage", "cache", "redis", "celery", "integrity", "outbox"):
        assert body["checks"][part]["ok"] is True, (part, body)
    assert stack.log("web").count('"logger": "gunicorn.access"') >= 10  # JSON lines with the request id

    # A backup made with these settings reads every object back from the S3 server.
    backed_up = stack.run("backup", str(stack.workdir / "backups"), timeout=180)
    assert backed_up.returncode == 0, backed_up.stdout + backed_up.stderr
    manifest = json.loads(next((stack.workdir / "backups").glob("backup-*/manifest.json")).read_text())
    for document in (api_document, web_document):
        version = document.versions.get()
        assert manifest["storage"]["files"][version.storage_name]["sha256"] == version.sha256
