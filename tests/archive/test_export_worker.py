"""With a real Celery worker (the in-memory broker, a worker thread), requesting a village export
returns at once; the progress page shows the job waiting while the worker holds it, then the
download once the worker is done."""

import threading

import pytest

from archive import jobs
from archive.models import ExportJob
from tests.factories import HouseholdFactory


@pytest.mark.django_db(transaction=True)
def test_with_a_worker_the_request_returns_at_once_and_the_page_follows_the_job(client, officials, give, areas,
                                                                                monkeypatch):
    import celery.contrib.testing.tasks  # noqa: F401  (docs/traps.md: start_worker needs it imported first)
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    household = HouseholdFactory(village=areas["village_a"])
    give(household, "hukou_scan")
    gate, started = threading.Event(), threading.Event()
    real = jobs.write_bag_zip

    def held(*args, **kwargs):
        started.set()
        assert gate.wait(60), "the test never opened the gate"
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs, "write_bag_zip", held)
    client.force_login(officials["clerk_a"])
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        job = _run_with_worker(app, start_worker, client, areas, gate, started)
    finally:
        app.conf.task_always_eager = eager
    job = ExportJob.objects.get(pk=job.pk)
    assert job.status == "finished" and job.sha256
    page = client.get(f"/archive/exports/{job.pk}/").content.decode()
    assert f"/archive/exports/{job.pk}/download/" in page and 'http-equiv="refresh"' not in page


def _run_with_worker(app, start_worker, client, areas, gate, started):
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        response = client.post(f"/archive/exports/new/village/{areas['village_a'].pk}/")
        job = ExportJob.objects.get()
        assert response.status_code == 302
        assert started.wait(60), "the worker never picked the job up"
        page = client.get(f"/archive/exports/{job.pk}/").content.decode()
        assert "打包中" in page and 'http-equiv="refresh"' in page and "/download/" not in page
        gate.set()
        for _ in range(600):  # the worker finishes on its own thread; wait for it, not for a time
            if ExportJob.objects.get(pk=job.pk).status != "running":
                break
            threading.Event().wait(0.1)
    return job
