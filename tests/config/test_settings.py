"""Production refuses to start on the development keys."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start(**env):
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DEBUG", "SECRET_KEY", "IDNUMBER_KEYS", "IDNUMBER_INDEX_KEY", "DJANGO_SETTINGS_MODULE")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"}, capture_output=True, text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = start(IDNUMBER_KEYS="k1:000102030405060708090a0b0c0d0e0f", IDNUMBER_INDEX_KEY="00ff")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_the_id_number_keys():
    result = start(SECRET_KEY="a-real-secret")
    assert result.returncode != 0 and "IDNUMBER_KEYS" in result.stderr


def test_production_starts_with_its_keys_and_development_with_none():
    assert start(SECRET_KEY="s", IDNUMBER_KEYS="k1:000102030405060708090a0b0c0d0e0f",
                 IDNUMBER_INDEX_KEY="00ff").returncode == 0
    assert start(DEBUG="1").returncode == 0


def cache_settings(**env):
    dropped = ("REDIS_URL", "CACHE_KEY_PREFIX", "DJANGO_SETTINGS_MODULE")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", "import json, django; django.setup(); from django.conf import settings; "
                               "from django.core.cache import caches; "
                               "print(json.dumps([settings.CACHES['default'], type(caches['default']).__name__]))"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"},
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_cache_is_redis_when_redis_url_is_set_so_throttles_are_shared_by_workers():
    config, backend = cache_settings(REDIS_URL="redis://cache.example:6379/1")
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == "redis://cache.example:6379/1"
    assert config["KEY_PREFIX"] == "reloc"
    assert backend == "RedisCache"  # the redis package is installed (requirements.txt): the backend loads


def test_the_cache_stays_in_memory_without_redis_url():
    config, backend = cache_settings()
    assert config["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert backend == "LocMemCache"
