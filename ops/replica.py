"""Reads from a PostgreSQL streaming replica, for the pages that only read.

With DATABASE_REPLICA_URL set, the alias "replica" exists and GET/HEAD requests whose path starts
with one of DATABASE_REPLICA_PATHS read through it: by default the auditors' log browser and
the archive's completeness report — pages that read a lot, change nothing the page then reads
back, and can stand a replica a second or two behind (exports, which write a record and read it
back, are not in the default list). Everything else, every write
(including the audit events those pages record) and every read inside a transaction of a write
goes to the primary ("default"). Without DATABASE_REPLICA_URL nothing changes.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_reading = contextvars.ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_from_replica():
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not (_reading.get() and replica_configured()):
            return None
        # Inside a transaction on the primary (an audit event being written, say) reads stay there:
        # they must see the transaction's own rows.
        return None if connections["default"].in_atomic_block else REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's WAL, schema included


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method in ("GET", "HEAD") and replica_configured()
                and request.path.startswith(tuple(settings.DATABASE_REPLICA_PATHS))):
            with reading_from_replica():
                return self.get_response(request)
        return self.get_response(request)
