"""Backup and restore of one installation: the PostgreSQL database, the stored files (PDFs,
evidence, findings' attachments, export packages) and the audit chain's head, with a manifest
that holds SHA-256 and SM3 of every part.

A backup is a folder:

    manifest.json        what is in it, each part's size, SHA-256 and SM3; the audit chain head
    database.dump        pg_dump --format=custom (restored with pg_restore, any PostgreSQL ≥ 15)
    storage/<name>       every file of the archive storage under its own name (--storage copy), or
    storage.json         only their names, sizes and hashes (--storage list: an object store that
                         keeps its own versioned copies; restore then checks the target has them)

`restore` takes a folder whose manifest checks out, into an EMPTY database and an EMPTY storage
(it refuses anything else: a restore never mixes two installations), then runs verify_audit,
verify_storage and check_archive on the restored copy.
"""

import datetime
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.db import connection
from django.utils import timezone

from documents.hashing import digest_stream
from documents.storage import archive_storage

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
STORAGE_DIR = "storage"
LISTING = "storage.json"


class BackupError(Exception):
    """Something that makes the backup or restore unusable: the message says what (in Chinese)."""


@dataclass
class RestoreReport:
    tables: int = 0
    files: int = 0
    checks: dict = field(default_factory=dict)


def _pg_env() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backup/restore 仅支持 PostgreSQL（单机 SQLite 请在停机后复制数据库文件）。")
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args


def walk_storage(prefix: str = ""):
    """Every file name in the archive storage (local folders and S3 keys alike), sorted."""
    storage = archive_storage()
    try:
        dirs, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{prefix}/{name}" if prefix else name
    for name in sorted(dirs):
        yield from walk_storage(f"{prefix}/{name}" if prefix else name)


def _digest_file(path: Path) -> dict:
    with path.open("rb") as f:
        d = digest_stream(f)
    return {"size": d.size, "sha256": d.sha256, "sm3": d.sm3}


def _audit_head() -> dict:
    """The newest event of the log (of all its chains: one per county since issue 18) and the count."""
    from audit.models import AuditEvent

    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    return {"last_event_id": last[0] if last else None, "last_hash": last[1] if last else "",
            "events": AuditEvent.objects.count()}


def _migrations() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


def backup(target_root: Path, *, copy_files: bool = True, stdout=None) -> Path:
    """Write a new backup folder under target_root; returns it. The database is dumped first, in
    one snapshot; files written while the backup runs are in the storage but not referenced by the
    dump, which verify_storage ignores (it checks the files the database names)."""
    env, db_args = _pg_env()
    stamp = timezone.localtime().strftime("%Y%m%dT%H%M%S")
    folder = Path(target_root) / f"backup-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    os.chmod(folder, 0o700)  # the dump holds encrypted ID numbers, the files unmasked forms
    head = _audit_head()  # before the dump: the dump holds at least this chain
    result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                             "--file", str(folder / DUMP), *db_args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise BackupError(f"pg_dump 失败：{result.stderr.strip()[-500:]}")
    parts = {DUMP: _digest_file(folder / DUMP)}

    storage, files = archive_storage(), {}
    for name in walk_storage():
        with storage.open(name, "rb") as source:
            if copy_files:
                dest = folder / STORAGE_DIR / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                with dest.open("wb") as out:
                    shutil.copyfileobj(source, out, 1024 * 1024)
                files[name] = _digest_file(dest)
            else:
                d = digest_stream(source)
                files[name] = {"size": d.size, "sha256": d.sha256, "sm3": d.sm3}
    if not copy_files:
        (folder / LISTING).write_text(json.dumps(files, ensure_ascii=False, indent=1), encoding="utf-8")
        parts[LISTING] = _digest_file(folder / LISTING)

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"engine": "postgresql", "name": settings.DATABASES["default"]["NAME"],
                     "migrations": _migrations()},
        "storage": {"backend": settings.STORAGES["default"]["BACKEND"], "mode": "copy" if copy_files else "list",
                    "files": files},
        "audit_head": head,
        "parts": parts,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    if stdout:
        stdout.write(f"数据库 {parts[DUMP]['size']} 字节，文件 {len(files)} 个，审计事件 {head['events']} 条。")
    return folder


def read_manifest(folder: Path) -> dict:
    """The manifest, after checking every part and every copied file against it."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"无法读取备份清单 {folder / MANIFEST}：{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持。")
    for part, expected in manifest["parts"].items():
        if not (folder / part).exists() or _digest_file(folder / part) != expected:
            raise BackupError(f"备份文件 {part} 缺失或已被改动（哈希不符）。")
    if manifest["storage"]["mode"] == "copy":
        for name, expected in manifest["storage"]["files"].items():
            path = folder / STORAGE_DIR / name
            if not path.exists() or _digest_file(path) != expected:
                raise BackupError(f"备份中的文件 {name} 缺失或已被改动（哈希不符）。")
    return manifest


def _table_names() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def restore(folder: Path, *, stdout=None) -> RestoreReport:
    """Into an empty database and an empty storage; then the three checks. Raises BackupError."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    env, db_args = _pg_env()
    if _table_names():
        raise BackupError(f"目标数据库 {settings.DATABASES['default']['NAME']} 不是空库：恢复只能进入新建的空数据库。")
    if next(walk_storage(), None) is not None:
        raise BackupError("目标存储不是空的：恢复只能进入空的存储（新的目录或存储桶）。")

    result = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                             *db_args, str(folder / DUMP)], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败：{result.stderr.strip()[-500:]}")
    connection.close()  # the next query sees the restored schema from a fresh connection

    report = RestoreReport(tables=len(_table_names()))
    storage = archive_storage()
    files = manifest["storage"]["files"]
    if manifest["storage"]["mode"] == "copy":
        for name in files:
            with (folder / STORAGE_DIR / name).open("rb") as f:
                saved = storage.save(name, File(f))
            if saved != name:
                raise BackupError(f"文件 {name} 未能按原名写入存储（存为 {saved}）。")
            report.files += 1
    else:
        for name, expected in files.items():
            if not storage.exists(name):
                raise BackupError(f"存储中缺少清单列出的文件 {name}（清单模式：请先恢复对象存储）。")
            with storage.open(name, "rb") as f:
                d = digest_stream(f)
            if (d.size, d.sha256, d.sm3) != (expected["size"], expected["sha256"], expected["sm3"]):
                raise BackupError(f"存储中的文件 {name} 与备份清单的哈希不符。")
            report.files += 1

    head = _audit_head()
    if head["last_hash"] != manifest["audit_head"]["last_hash"] and head["events"] <= manifest["audit_head"]["events"]:
        raise BackupError("恢复后的审计链头与备份清单不符。")
    report.checks = run_checks(stdout=stdout)
    if stdout:
        stdout.write(f"已恢复 {report.tables} 张表、{report.files} 个文件；备份时间 "
                     f"{datetime.datetime.fromisoformat(manifest['created_at']):%Y-%m-%d %H:%M}。")
    return report


def run_checks(stdout=None) -> dict:
    """verify_audit, verify_storage and check_archive on this installation: {name: passed}."""
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    results = {}
    for name in ("verify_audit", "verify_storage", "check_archive"):
        out = StringIO()
        try:
            call_command(name, stdout=out, stderr=out)
            results[name] = True
        except (CommandError, SystemExit):
            results[name] = False
        if stdout:
            stdout.write(f"{name}：{'通过' if results[name] else '未通过'}。{out.getvalue().strip()[-300:]}")
    return results
