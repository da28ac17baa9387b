"""The production stack on loopback for the smoke test: Redis, the S3 server, gunicorn and a
Celery worker, each started from the Procfile's own line (as honcho would run it) with
production settings, in its own process group, and stopped — every one, whatever happened —
within a bounded time."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


class Deadline:
    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds

    def left(self) -> float:
        return self.ends - time.monotonic()

    def wait_for(self, what: str, probe, *, within: float, every: float = 0.5):
        """Call probe() until it returns something true; fail after `within` seconds (or the deadline)."""
        ends = min(time.monotonic() + within, self.ends)
        last = None
        while time.monotonic() < ends:
            try:
                found = probe()
                if found:
                    return found
            except Exception as exc:  # noqa: BLE001  (not up yet)
                last = exc
            time.sleep(every)
        raise AssertionError(f"timed out waiting for {what} (last error: {last!r})")


class Stack:
    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir = workdir
        self.env = env
        self.processes: dict[str, subprocess.Popen] = {}

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def start(self, name: str, command: str | list[str]) -> subprocess.Popen:
        out = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115  (closed with the process)
        argv = ["bash", "-c", f"exec {command}"] if isinstance(command, str) else command
        process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()
        self.processes[name] = process
        return process

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def stop(self, grace: float = 15) -> None:
        """SIGTERM to every process group, then SIGKILL to what is left after `grace` seconds."""
        for process in self.processes.values():
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        ends = time.monotonic() + grace
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, ends - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for process in self.processes.values():
            _signal_group(process, signal.SIGKILL)  # children the group leader left behind, too
            if process.poll() is None:
                process.wait(timeout=5)

    def alive(self) -> list[str]:
        return [name for name, p in self.processes.items() if p.poll() is None]


def _signal_group(process: subprocess.Popen, sig) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def production_env(*, database_url: str, redis_url: str, s3_port: int, web_port: int, workdir: Path) -> dict[str, str]:
    """Production settings (DEBUG unset) with this stack's addresses; the ID-number keys are the
    test process's own (and its audit chain keys), so the servers read what the test wrote."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "IDNUMBER_KEYS", "IDNUMBER_INDEX_KEY", "AUDIT_CHAIN_KEYS")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "smoke-" + "x7Kq2" * 12,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "AWS_STORAGE_BUCKET_NAME": "relocation-smoke",
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "smokeAccessKey17",
        "AWS_SECRET_ACCESS_KEY": "smoke-secret-" + "q" * 20,
        "OPS_S3_DIR": str(workdir / "s3"),
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DOCUMENTS_PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "WEB_CONCURRENCY": "2",  # two cores, shared
        "CELERY_WORKER_CONCURRENCY": "1",
        # Plain HTTP on loopback, as make prod's var/prod.env: cookies without the Secure flag.
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "PYTHONUNBUFFERED": "1",
    })
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '/usr/bin:/bin')}"
    return env


def redis_command(port: int, workdir: Path) -> list[str]:
    return ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(workdir), "--protected-mode", "yes"]


def json_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"^\{.*\}$", line)]
