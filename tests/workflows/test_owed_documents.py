"""Documents that survive a crash (issue 15 item 2): the documents a move calls for are written as
outbox rows in the move's own transaction; when the process dies after the commit — an exception
in the after-commit hook, or a process killed with SIGKILL — they stay owed, show on the case,
and the drain (`manage.py render_pending`, the periodic job) renders them, each once, with the 文号
the gap-free sequence gives it; a failure is retried with back-off, and 重新生成 renders it now."""

import io
import json
import os
import subprocess
import sys
import textwrap
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEvent
from documents.models import Document, RenderOrder
from registry.models import SiteStage as T
from tests.workflows.test_site_walk import (
    fresh,
    site,  # noqa: F401, F811  (fixture)
    site_officials,  # noqa: F401, F811  (fixture)
    walk_site,
)
from workflows import outbox

OWED = RenderOrder.Status.OWED


def crash_after_commit(ids):
    raise SystemExit("the process dies after the commit")


def test_a_move_whose_after_commit_hook_raises_leaves_its_document_owed_then_drained(
        site, site_officials, django_capture_on_commit_callbacks):
    with mock.patch.object(outbox.render_owed, "delay", side_effect=crash_after_commit):
        with pytest.raises(SystemExit), django_capture_on_commit_callbacks(execute=True):
            walk_site(site, site_officials, to=T.PLAN_APPROVAL)
    assert fresh(site).stage == T.PLAN_APPROVAL  # the move stands
    assert not Document.objects.filter(site=site).exists()
    [order] = outbox.owed_for(site=site)
    assert (order.doc_type, order.status, order.attempts) == ("site_selection_opinion", OWED, 0)

    out = io.StringIO()
    call_command("render_pending", stdout=out)
    assert "本次生成 1 份，失败 0 份，仍待生成 0 份" in out.getvalue()
    [document] = Document.objects.filter(site=site)
    assert document.doc_type == "site_selection_opinion" and document.serial == 1
    order.refresh_from_db()
    assert order.status == RenderOrder.Status.DONE and order.version_ids == [document.versions.get().pk]

    call_command("render_pending", stdout=io.StringIO())  # a second drain renders nothing again
    assert Document.objects.get(site=site).number == document.number and document.versions.count() == 1


def test_a_failed_render_is_retried_with_back_off_then_failed_and_regenerated_on_request(
        site, site_officials, settings, django_capture_on_commit_callbacks):
    settings.DOCUMENTS_RENDER_MAX_ATTEMPTS = 2
    with mock.patch("workflows.sites.document_types.generate_document", side_effect=RuntimeError("font missing")):
        with django_capture_on_commit_callbacks(execute=True):
            walk_site(site, site_officials, to=T.PLAN_APPROVAL)
        [order] = outbox.owed_for(site=site)
        assert order.status == OWED and order.attempts == 1 and "font missing" in order.last_error
        assert order.next_attempt_at > order.created_at  # backed off: not due at once
        assert outbox.drain()["done"] == 0  # not yet due
        RenderOrder.objects.filter(pk=order.pk).update(next_attempt_at=order.created_at)
        with pytest.raises(CommandError, match="1 份文书生成失败"):
            call_command("render_pending", stdout=io.StringIO())
        order.refresh_from_db()
        assert order.status == RenderOrder.Status.FAILED and order.attempts == 2
    assert AuditEvent.objects.filter(action="document.render_failed").count() == 2

    regenerated = outbox.regenerate(order, actor=site_officials["county_office"])
    assert regenerated.status == RenderOrder.Status.DONE
    assert Document.objects.get(site=site).serial == 1  # the failures used no number
    assert AuditEvent.objects.filter(action="document.render_retry").count() == 1
    assert outbox.owed_for(site=site) == []


KILLED_CHILD = textwrap.dedent("""
    import json, os, signal, sys
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from registry.models import ResettlementSite
    from registry.models import SiteStage as T
    from workflows import outbox
    from workflows.urlconf import ensure_urlconf
    ensure_urlconf()
    from tests.workflows.test_site_walk import walk_site

    names = json.loads(sys.argv[1])
    users = {key: get_user_model().objects.get(username=name) for key, name in names.items()}
    site = ResettlementSite.objects.get(pk=int(sys.argv[2]))
    # The process is killed (SIGKILL: no handler, no cleanup) the moment the move has committed.
    outbox.render_owed.delay = lambda ids: os.kill(os.getpid(), signal.SIGKILL)
    walk_site(site, users, to=T.PLAN_APPROVAL)
    print("not killed")
""")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_process_killed_with_sigkill_after_the_commit_leaves_the_document_owed_for_the_drain(site, site_officials):
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    names = {key: user.username for key, user in site_officials.items()}
    child = subprocess.run([sys.executable, "-c", KILLED_CHILD, json.dumps(names), str(site.pk)],
                           cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert child.returncode == -9, child.stdout + child.stderr
    assert "not killed" not in child.stdout
    assert fresh(site).stage == T.PLAN_APPROVAL and not Document.objects.filter(site=site).exists()
    [order] = outbox.owed_for(site=site)
    assert order.status == OWED and order.doc_type == "site_selection_opinion"

    call_command("render_pending", stdout=io.StringIO())
    [document] = Document.objects.filter(site=site)
    assert document.serial == 1 and document.number.endswith("第1号")
    assert outbox.owed_for(site=site) == []


# Every document type can be generated again -------------------------------------------------------

from documents.services import regenerate_document  # noqa: E402
from tests.workflows.test_documents import family, named, walk  # noqa: E402, F401


def test_every_document_of_a_walked_case_and_site_can_be_generated_again_with_its_number(
        named, give, areas, family, site, site_officials, django_capture_on_commit_callbacks):  # noqa: F811
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        walk_site(site, site_officials, to=T.FOLLOW_UP)
    documents = list(Document.objects.filter(households=family)) + list(Document.objects.filter(site=site))
    kinds = {d.doc_type for d in documents}
    assert len(kinds) >= 12, kinds
    for document in documents:
        actor = named["county_office"]
        version = regenerate_document(document, actor=actor, reason="重新生成核对")
        assert version.version == 2 and Document.objects.get(pk=document.pk).number == document.number


def test_documents_later_leaves_a_moves_documents_owed_for_render_pending(
        site, site_officials, django_capture_on_commit_callbacks):
    """The demo's first start (seed_* --documents-later, scripts/run.sh): the move commits its
    outbox rows but renders nothing after commit; `render_pending` beside the server renders them."""
    with django_capture_on_commit_callbacks(execute=True), outbox.documents_later():
        walk_site(site, site_officials, to=T.PLAN_APPROVAL)
    assert fresh(site).stage == T.PLAN_APPROVAL
    assert not Document.objects.filter(site=site).exists()
    [order] = outbox.owed_for(site=site)
    assert order.status == OWED
    call_command("render_pending", stdout=io.StringIO())
    assert Document.objects.filter(site=site).count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # outside it, a move renders at once again
        walk_site(site, site_officials, to=T.TENDER)
    assert not outbox.owed_for(site=site)
