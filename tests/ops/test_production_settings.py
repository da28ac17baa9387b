"""Production settings serve: the manifest storage can collect every static file, and
`manage.py check --deploy` is silent with the production variables (README, "Production")."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "IDNUMBER_KEYS": "k1:000102030405060708090a0b0c0d0e0f",
    "IDNUMBER_INDEX_KEY": "00ff",
    "ALLOWED_HOSTS": "reloc.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://reloc.example.gov.cn",
    "DOCUMENTS_PUBLIC_BASE_URL": "https://reloc.example.gov.cn",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def check_deploy(**env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is the browser tests' (tests/e2e/conftest.py), never production's.
    clean = {k: v for k, v in os.environ.items()
             if k not in PRODUCTION and k not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**clean, **env, "DJANGO_SETTINGS_MODULE": "config.settings"}, capture_output=True, text=True,
    )


def test_check_deploy_is_silent_with_the_production_variables():
    result = check_deploy(**PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_what_is_missing_without_them():
    result = check_deploy(**{k: PRODUCTION[k] for k in ("SECRET_KEY", "IDNUMBER_KEYS", "IDNUMBER_INDEX_KEY")})
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W020", "ops.W001"):
        assert warning in result.stderr


def test_the_manifest_storage_collects_every_static_file(tmp_path):
    """viewflow's vendored node_modules names fonts it does not ship: left out, the manifest is written."""
    storage = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                                                          "staticfiles": storage}):
        call_command("collectstatic", "--noinput", "-v", "0")
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert '"css/app.css": "css/app.' in manifest
    assert not list(tmp_path.glob("viewflow/**/node_modules"))


def _database_setting(**env):
    clean = {k: v for k, v in os.environ.items()
             if k not in PRODUCTION and k not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "CONN_MAX_AGE")}
    code = ("import django; django.setup(); from django.conf import settings; d = settings.DATABASES['default'];"
            "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**clean, **PRODUCTION, **env, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_persistent_connections_come_from_the_environment():
    """Production keeps connections between requests (CONN_MAX_AGE, issue 18), checked before reuse;
    unset, each request opens its own as Django does by default."""
    assert _database_setting(CONN_MAX_AGE="60") == ["60", "True"]
    assert _database_setting() == ["0", "True"]


def test_postgresql_connections_run_without_jit_unless_asked():
    """JIT compiling cost 0.8 s on a 0.3 s count (issue 18): web statements are short."""
    code = ("import django; django.setup(); from django.conf import settings;"
            "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))")
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "POSTGRES_JIT")}
    base = {**env, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/relocation"}
    for extra, expected in (({}, "-c jit=off"), ({"POSTGRES_JIT": "1"}, "")):
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                env={**base, **extra})
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected
