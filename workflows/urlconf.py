"""viewflow reverses task URLs (flow_task.reverse) while it moves a process; outside a request —
a Celery worker, a management command — Django has not loaded the URLconf yet and that fails
(docs/traps.md, viewflow). Loading it through Django's resolver names no module of a higher app."""

from django.urls import get_resolver


def ensure_urlconf() -> None:
    get_resolver().url_patterns  # noqa: B018  (the property imports ROOT_URLCONF once per process)
