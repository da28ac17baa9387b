"""Where documents and evidence are written: Django's storage API, names we generate.

Local files by default, S3-compatible object storage by configuration (config/settings.py);
the same code either way. Nothing here serves a URL: files leave only through scoped views.
"""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.utils import timezone

DOCUMENTS_PREFIX = "documents"
EVIDENCE_PREFIX = "evidence"
MANAGED_PREFIXES = (DOCUMENTS_PREFIX, EVIDENCE_PREFIX)


class StorageOverwriteError(Exception):
    pass


def archive_storage():
    return storages[settings.DOCUMENTS_STORAGE_ALIAS]


def new_name(prefix: str, area_code: str, extension: str) -> str:
    """<prefix>/<county>/<yyyy>/<mm>/<random>.<ext>: no part of it comes from a user."""
    today = timezone.localdate()
    return f"{prefix}/{area_code[:6]}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.{extension}"


def write_once(name: str, content) -> str:
    """Store `content` (bytes or a file object) under exactly `name`, never over an existing file."""
    storage = archive_storage()
    if storage.exists(name):
        raise StorageOverwriteError(name)
    if isinstance(content, (bytes, bytearray)):
        content = ContentFile(bytes(content))
    elif not isinstance(content, File):
        content = File(content)
    if hasattr(content, "seek"):
        content.seek(0)
    stored = storage.save(name, content)
    if stored != name:  # the backend renamed it: something appeared under our random name
        raise StorageOverwriteError(name)
    return stored


def discard(name: str) -> None:
    """Remove a file whose record never committed (a rolled-back generation or upload).
    Never called on a file that has a record."""
    storage = archive_storage()
    if name and storage.exists(name):
        storage.delete(name)


def open_stored(name: str):
    return archive_storage().open(name, "rb")


def walk(prefix: str):
    """Every file name under `prefix` in the archive storage (recursive; works for local
    folders and for S3 key prefixes alike)."""
    try:
        dirs, files = archive_storage().listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for f in files:
        yield f"{prefix}/{f}"
    for d in dirs:
        yield from walk(f"{prefix}/{d}")
