"""SM4-GCM encryption at rest and the HMAC-SM3 blind index (docs/architecture.md decision 8).

Nothing else in the project touches the keys. A stored value reads "kid$base64(nonce|ct|tag)";
the key id lets keys rotate: old values decrypt with their own key, new ones use the first key.
"""

import base64
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

NONCE_BYTES = 12
TAG_BYTES = 16


@lru_cache(maxsize=8)
def _parse_keys(spec: str) -> tuple[str, dict[str, bytes]]:
    keys = {}
    active = None
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        kid, _, hexkey = part.partition(":")
        try:
            key = bytes.fromhex(hexkey)
        except ValueError as exc:
            raise ImproperlyConfigured(f"IDNUMBER_KEYS 中密钥 {kid} 不是十六进制") from exc
        if len(key) != 16 or not kid or "$" in kid:
            raise ImproperlyConfigured(f"IDNUMBER_KEYS 中密钥 {kid!r} 须为 16 字节（32 位十六进制）SM4 密钥")
        keys[kid] = key
        active = active or kid
    if not keys:
        raise ImproperlyConfigured("IDNUMBER_KEYS 为空")
    return active, keys


def _keys():
    return _parse_keys(settings.IDNUMBER_KEYS)


def encrypt(plaintext: str, *, associated: bytes = b"") -> str:
    kid, keys = _keys()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(keys[kid]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated)
    ciphertext = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return f"{kid}${base64.b64encode(nonce + ciphertext + encryptor.tag).decode()}"


def decrypt(stored: str, *, associated: bytes = b"") -> str:
    kid, _, payload = stored.partition("$")
    _, keys = _keys()
    if kid not in keys:
        raise ImproperlyConfigured(f"缺少密钥 {kid}：无法解密（IDNUMBER_KEYS 须保留旧密钥直至重新加密）")
    raw = base64.b64decode(payload)
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(keys[kid]), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(associated)
    return (decryptor.update(ciphertext) + decryptor.finalize()).decode()


def active_key_id() -> str:
    return _keys()[0]


def blind_index(value: str) -> str:
    """HMAC-SM3 of the normalised value: equal values give equal indexes, the value stays hidden."""
    key = bytes.fromhex(settings.IDNUMBER_INDEX_KEY)
    return hmac.new(key, value.encode(), "sm3").hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored SM4-GCM encrypted; Python code sees the plaintext."""

    description = "SM4-GCM encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        # Ciphertexts are randomised: any lookup would silently match nothing. Search the index.
        if lookup_name not in ("isnull",):
            return None
        return super().get_lookup(lookup_name)
