#!/usr/bin/env bash
# make prod: the production stack on this machine — gunicorn, a Celery worker and Celery beat on
# Redis, PostgreSQL, and S3 storage on a local SeaweedFS (or local files) — with production
# settings (DEBUG off). Variables come from the environment, else from var/prod.env, which is
# written on the first run with new random keys (keep it: the ID-number keys decrypt the data, the
# audit chain keys verify the log).
#   PROD_STORAGE=s3 (default) | local      DATABASE_URL, REDIS_URL, GUNICORN_BIND override
# Stop with Ctrl+C: honcho stops every process.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

ENV_FILE="${PROD_ENV_FILE:-var/prod.env}"
mkdir -p var
if [ ! -f "$ENV_FILE" ]; then
    echo "==> 生成 $ENV_FILE（随机密钥；请妥善保管，身份证号密钥丢失则数据无法解密）"
    umask 077
    .venv/bin/python - "$ENV_FILE" "${PROD_STORAGE:-s3}" <<'PY'
import secrets, sys
path, storage = sys.argv[1], sys.argv[2]
lines = [
    f"SECRET_KEY={secrets.token_urlsafe(50)}",
    f"IDNUMBER_KEYS=k{secrets.randbelow(900) + 100}:{secrets.token_hex(16)}",
    f"IDNUMBER_INDEX_KEY={secrets.token_hex(32)}",
    f"AUDIT_CHAIN_KEYS=a{secrets.randbelow(900) + 100}:{secrets.token_hex(32)}",
    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/relocation",
    "CONN_MAX_AGE=60",
    "REDIS_URL=redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS=127.0.0.1,localhost",
    "DOCUMENTS_PUBLIC_BASE_URL=http://127.0.0.1:8000",
    "GUNICORN_BIND=127.0.0.1:8000",
    # Plain HTTP on this machine: cookies without the Secure flag. Behind a TLS proxy, drop these
    # two and set the SECURE_* variables (README, "Production").
    "SESSION_COOKIE_SECURE=0",
    "CSRF_COOKIE_SECURE=0",
]
if storage == "s3":
    lines += [
        "AWS_STORAGE_BUCKET_NAME=relocation",
        "AWS_S3_ENDPOINT_URL=http://127.0.0.1:8333",
        "AWS_S3_REGION_NAME=us-east-1",
        f"AWS_ACCESS_KEY_ID=reloc{secrets.token_hex(6)}",
        f"AWS_SECRET_ACCESS_KEY={secrets.token_urlsafe(30)}",
    ]
else:
    lines.append("OPS_SINGLE_MACHINE=1")
open(path, "w").write("\n".join(lines) + "\n")
PY
fi
# A file written before the audit chain was keyed gets its key now (kept with the others).
if ! grep -q '^AUDIT_CHAIN_KEYS=' "$ENV_FILE"; then
    echo "AUDIT_CHAIN_KEYS=a$(.venv/bin/python -c 'import secrets; print(f"{secrets.randbelow(900) + 100}:{secrets.token_hex(32)}")')" >> "$ENV_FILE"
fi
# Variables already in the environment win over the file.
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    name="${line%%=*}"
    [ -z "${!name:-}" ] && export "$line"
done < "$ENV_FILE"
export DJANGO_SETTINGS_MODULE=config.settings
unset DEBUG

db_name="${DATABASE_URL##*/}"
if [[ "$DATABASE_URL" == postgres* ]] && command -v psql >/dev/null; then
    server="${DATABASE_URL%/*}/postgres"
    if ! psql "$server" -tAc "SELECT 1 FROM pg_database WHERE datname='$db_name'" | grep -q 1; then
        echo "==> 创建数据库 $db_name"
        psql "$server" -qc "CREATE DATABASE \"$db_name\""
    fi
fi
.venv/bin/python manage.py migrate --noinput -v 0
echo "==> 收集静态文件（首次约需两分钟：压缩）"
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python manage.py check --deploy || true   # shows what a real deployment still has to set

procs="web worker beat"
[ -n "${AWS_STORAGE_BUCKET_NAME:-}" ] && [[ "${AWS_S3_ENDPOINT_URL:-}" == http://127.0.0.1* ]] && procs="s3 $procs"
echo "==> 启动 $procs ： http://${GUNICORN_BIND}/   健康检查 /healthz   （Ctrl+C 停止）"
echo "    首次使用：.venv/bin/python manage.py createsuperuser（同样需先载入 $ENV_FILE 中的变量）"
exec .venv/bin/honcho -f Procfile start $procs
