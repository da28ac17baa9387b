"""Production refuses to start on the development keys."""

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
