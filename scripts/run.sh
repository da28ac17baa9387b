#!/usr/bin/env bash
# Set up and run the system on its embedded defaults: SQLite in var/, local files in var/media,
# documents rendered inline, demo data loaded on first run, server on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export DEBUG="${DEBUG:-1}"
ADDR="${RUN_ADDR:-127.0.0.1:8000}"
.venv/bin/python manage.py migrate --noinput -v 0
# seed_demo changes nothing when the demo county exists; it prints the demo logins either way.
.venv/bin/python manage.py seed_demo
# The demo's documents are written as owed and rendered in the background once the server is up
# (render_pending below): the first start serves pages sooner; a document not yet rendered shows
# as 生成中 on its case page until then.
.venv/bin/python manage.py seed_site_demo --documents-later
.venv/bin/python manage.py seed_lifecycle_demo --documents-later
.venv/bin/python manage.py seed_supervision_demo
# Every demo account shares one published authenticator secret (second factor, issue 16): printed here.
.venv/bin/python manage.py demo_second_factor
mkdir -p var
# Then the integrity checks, so that the auditors' 完整性检查 page shows a result after a first start.
(.venv/bin/python manage.py render_pending && .venv/bin/python manage.py run_integrity_checks) \
  > var/render_pending.log 2>&1 &
echo "==> 演示文书正在后台生成，随后运行完整性检查（var/render_pending.log）"
echo "==> 系统已启动： http://$ADDR/   （Ctrl+C 停止）"
exec .venv/bin/python manage.py runserver "$ADDR"
