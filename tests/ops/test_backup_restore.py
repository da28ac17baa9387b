"""manage.py backup → manage.py restore into an empty database and an empty storage: every
table's rows and every file's hash are equal, and verify_audit, verify_storage and check_archive
pass on the restored copy. PostgreSQL only (pg_dump/pg_restore; `postgres` marker)."""

import hashlib
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from documents.evidence.services import ingest_evidence
from documents.services import generate_document
from ops.backup import BackupError, read_manifest, restore
from registry.models import AreaLevel
from tests.api.helpers import png
from tests.conftest import make_official
from tests.factories import AreaFactory, HouseholdFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def installation(media):
    """A small county: areas, officials, households with evidence and a generated PDF each."""
    county = AreaFactory(code="520999000000", name="示例县", level=AreaLevel.COUNTY)
    town = AreaFactory(code="520999101000", name="城关镇", level=AreaLevel.TOWNSHIP, parent=county)
    village = AreaFactory(code="520999101201", name="村A", level=AreaLevel.VILLAGE, parent=town)
    clerk = make_official("backup_clerk", "role_village_clerk", village)
    for i in range(2):
        household = HouseholdFactory(village=village)
        for j, kind in enumerate(("hukou_scan", "current_house_photo")):
            ingest_evidence(actor=clerk, upload=SimpleUploadedFile(f"{kind}.png", png((i * 60, j * 90, 30)), "image/png"),
                            stage="apply", kind=kind, household=household)
        generate_document("application_form", actor=None, household=household)
    return village


def connect(dbname):
    db = connection.settings_dict
    return psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"] or "postgres",
                           dbname=dbname, autocommit=True)


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    with connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tables_and_rows(dbname, *, last_event_id) -> dict[str, tuple[int, str]]:
    """Every table of the public schema: (row count, MD5 of its rows in a fixed order). The audit
    log up to the backup's chain head: the restored copy's checks append their own events after it
    (and move the head, which verify_audit then walks)."""
    found = {}
    with connect(dbname) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for table in names:
            where = f"WHERE id <= {int(last_event_id)}" if table == "audit_auditevent" else ""
            if table == "audit_chainhead":
                continue
            found[table] = conn.execute(
                f'SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), \'\')) '
                f'FROM "{table}" t {where}').fetchone()
    return found


def file_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def manage(*args, database, media_root):
    """A command of the restored installation: production settings on the new database and files."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    db = connection.settings_dict
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "restore-" + "k" * 50,
                "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}",
                "MEDIA_ROOT": str(media_root)})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_a_backup_restores_into_an_empty_database_and_storage_with_every_row_and_file_equal(
        installation, media, tmp_path, empty_database):
    out = StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    folder = next((tmp_path / "backups").iterdir())
    manifest = read_manifest(folder)
    assert manifest["audit_head"]["events"] > 0 and len(manifest["storage"]["files"]) == 6  # 4 scans, 2 PDFs
    assert {"sha256", "sm3", "size"} <= set(manifest["parts"]["database.dump"])

    restored_media = tmp_path / "restored-media"
    result = manage("restore", str(folder), database=empty_database, media_root=restored_media)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "三项核验均通过" in result.stdout

    head = manifest["audit_head"]["last_event_id"]
    source = tables_and_rows(connection.settings_dict["NAME"], last_event_id=head)
    copy = tables_and_rows(empty_database, last_event_id=head)
    assert source.keys() == copy.keys() and len(source) > 50
    assert source["audit_auditevent"][0] == manifest["audit_head"]["events"]
    assert {t: v for t, v in source.items() if copy[t] != v} == {}
    assert file_hashes(Path(media)) == file_hashes(restored_media) != {}

    for check in ("verify_audit", "verify_storage", "check_archive"):
        ran = manage(check, database=empty_database, media_root=restored_media)
        assert ran.returncode == 0, (check, ran.stdout + ran.stderr)


def test_a_backup_whose_file_was_altered_is_refused(installation, tmp_path):
    call_command("backup", str(tmp_path / "backups"), stdout=StringIO())
    folder = next((tmp_path / "backups").iterdir())
    scan = next(p for p in (folder / "storage").rglob("*.png"))
    scan.write_bytes(scan.read_bytes() + b"\0")
    with pytest.raises(BackupError, match="哈希不符"):
        read_manifest(folder)


def test_restore_refuses_a_database_that_is_not_empty(installation, tmp_path):
    call_command("backup", str(tmp_path / "backups"), "--storage", "list", stdout=StringIO())
    folder = next((tmp_path / "backups").iterdir())
    assert json.loads((folder / "storage.json").read_text())  # names and hashes, no copies
    assert not (folder / "storage").exists()
    with pytest.raises(BackupError, match="不是空库"):
        restore(folder)
