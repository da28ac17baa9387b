"""manage.py verify_storage: clean on a fresh store; names altered, missing and unexpected files."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from documents.evidence.services import ingest_evidence
from documents.services import generate_document

from . import files


@pytest.fixture
def stored(cast, family_a, archive_root):
    version = generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    item = ingest_evidence(actor=cast["clerk_a"], household=family_a, stage="apply", kind="hukou_scan",
                           upload=SimpleUploadedFile("hukou.pdf", files.pdf()))
    return version, item


def run() -> str:
    out = StringIO()
    call_command("verify_storage", stdout=out)
    return out.getvalue()


def test_a_fresh_store_is_clean(stored):
    assert "已核验 2 个文件：被改动 0，缺失 0，无记录 0。 存储完整。" in run()
    assert AuditEvent.objects.get(action="storage.verify").data == {"checked": 2, "altered": 0, "missing": 0,
                                                                     "unexpected": 0}


def test_one_changed_byte_is_named(stored, archive_root):
    version, item = stored
    path = archive_root / item.storage_name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    out = StringIO()
    with pytest.raises(CommandError) as err:
        call_command("verify_storage", stdout=out)
    assert f"[已被改动] {item.storage_name}" in out.getvalue()
    assert "SHA-256" in out.getvalue() and "SM3" in out.getvalue()
    assert "被改动 1" in str(err.value)
    assert version.storage_name not in out.getvalue()


def test_missing_and_unexpected_files_are_named(stored, archive_root):
    version, _ = stored
    (archive_root / version.storage_name).unlink()
    planted = archive_root / "evidence" / "520999" / "planted.jpg"
    planted.write_bytes(files.jpeg())
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_storage", stdout=out)
    assert f"[文件缺失] {version.storage_name}" in out.getvalue()
    assert "[无记录的文件] evidence/520999/planted.jpg" in out.getvalue()


def test_the_command_exits_non_zero_from_the_shell(tmp_path):
    """A real `manage.py verify_storage` process on a scratch database and storage."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "media")}
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, capture_output=True)
    clean = subprocess.run([*manage, "verify_storage"], env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr
    planted = tmp_path / "media" / "documents" / "x.pdf"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"%PDF-1.7")
    dirty = subprocess.run([*manage, "verify_storage"], env=env, capture_output=True, text=True)
    assert dirty.returncode == 1
    assert "[无记录的文件] documents/x.pdf" in dirty.stdout
    assert "存储完整性校验未通过" in dirty.stderr


def test_a_file_replaced_together_with_its_rows_hashes_is_named_by_the_audit_event(stored, archive_root):
    """Issue 15: someone with the database and the storage swaps an evidence file and rewrites the
    row's size and hashes to match; the evidence.upload event (keyed, in the chain) still holds the
    first hash, and verify_storage names the file."""
    from django.db import connection

    from documents.hashing import digest_stream

    _, item = stored
    path = archive_root / item.storage_name
    forged = files.pdf() + b"\n% forged\n"
    path.write_bytes(forged)
    with open(path, "rb") as f:
        digests = digest_stream(f)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # as a superuser would: the write-once trigger skipped
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE documents_evidence SET size = %s, sha256 = %s, sm3 = %s WHERE id = %s",
                       [digests.size, digests.sha256, digests.sm3, item.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_storage", stdout=out)
    assert f"[已被改动] {item.storage_name}" in out.getvalue()
    assert "记录的哈希与其入库审计事件不符" in out.getvalue() and item.sha256[:12] in out.getvalue()
