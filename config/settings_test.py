"""Test settings: the production settings with test-only keys and a fast password hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("IDNUMBER_KEYS", "test1:0f0e0d0c0b0a09080706050403020100")
os.environ.setdefault("IDNUMBER_INDEX_KEY", "746573742d696e6465782d6b6579")
os.environ.setdefault("AUDIT_CHAIN_KEYS", "test-audit1:746573742d61756469742d636861696e2d6b6579")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
AXES_ENABLED = True
