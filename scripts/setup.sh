#!/usr/bin/env bash
# Install everything the system needs on a fresh Debian machine, idempotently:
# Debian packages (CJK fonts, qpdf, gettext, ...), a virtualenv with the pinned requirements,
# and the compiled Chinese message catalog.  Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
[ "${1:-}" = "--dev" ] && DEV=1

# Debian packages: the PDF fonts (AR PL SungtiL GB for text, WenQuanYi Micro Hei for headings,
# Noto CJK for rare name characters), harfbuzz-subset (without it font subsetting is 30x slower),
# qpdf to check PDF/A output, poppler for PDF
# text/pictures in tests, gettext to compile translations; chromium for the browser tests.
DEBS="fonts-arphic-gbsn00lp fonts-wqy-microhei fonts-noto-cjk fontconfig libharfbuzz-subset0 qpdf poppler-utils gettext"
[ $DEV = 1 ] && DEBS="$DEBS chromium"
# manage.py backup/restore call pg_dump/pg_restore; the production smoke test starts its own
# redis-server (tests/ops). Installed only when missing (a PostgreSQL server brings its client).
command -v pg_dump >/dev/null || DEBS="$DEBS postgresql-client"
[ $DEV = 1 ] && ! command -v redis-server >/dev/null && DEBS="$DEBS redis-server"

missing=""
for pkg in $DEBS; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "==> 安装系统软件包:$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
    for cand in python3.11 python3; do
        if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
            PY="$cand"; break
        fi
    done
fi
[ -n "$PY" ] || { echo "需要 Python 3.11（可用 PYTHON=/path/to/python3.11 指定）" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
    echo "==> 创建虚拟环境 .venv"
    "$PY" -m venv .venv
fi
REQ=requirements.txt
[ $DEV = 1 ] && REQ=requirements-dev.txt
# Reinstall only when the requirements changed since the last successful install.
stamp=".venv/.installed-$(sha256sum requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-$DEV"
if [ ! -f "$stamp" ]; then
    echo "==> 安装 Python 依赖 ($REQ)"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r "$REQ"
    touch "$stamp"
fi

# Compiled catalogs are build output (not committed): compile the project's zh_Hans catalog.
if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then
    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python manage.py compilemessages -l zh_Hans -v 0 \
        --ignore=.venv
fi
