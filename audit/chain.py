"""Canonical serialisation and hashing of audit events.

An event's hash is HMAC-SM3 over its canonical form (which includes the previous event's hash and
the key id) under the key named by its `key_id` (settings.AUDIT_CHAIN_KEYS): someone who can
rewrite the table but does not hold the key cannot recompute a chain that verifies. Events
recorded before the chain was keyed (`key_id` empty) keep their SHA-256; the verifier accepts them
only before the first keyed event, and the signed checkpoints (audit/checkpoints.py) anchor the
head outside the database, so downgrading the whole chain to SHA-256 is detected too.
"""

import hashlib
import hmac
import json
from datetime import timezone
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "ip_address",
    "action",
    "target_type",
    "target_id",
    "area_code",
    "data",
    "prev_hash",
)
# Fields added later: hashed only when set, so that events recorded before they existed (null)
# keep their hash and still verify, while a new event's value is covered like any other field.
OPTIONAL_HASHED_FIELDS = ("actor_posts", "key_id", "chain")


class UnknownKey(Exception):
    """An event or checkpoint names a key id that is not configured."""


@lru_cache(maxsize=8)
def _parse_keys(spec: str) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        kid, _, hexkey = part.partition(":")
        try:
            key = bytes.fromhex(hexkey)
        except ValueError:
            key = b""
        if not kid or len(key) < 16:
            raise ImproperlyConfigured("AUDIT_CHAIN_KEYS 格式不对：须为“编号:十六进制密钥”（每个密钥至少 16 字节），逗号分隔。")
        keys.append((kid, key))
    if not keys:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEYS 未设置：审计链须有密钥。")
    return tuple(keys)


def current_key_id() -> str:
    """The key id new events and checkpoints are keyed with (the first configured)."""
    return _parse_keys(settings.AUDIT_CHAIN_KEYS)[0][0]


def key_for(key_id: str) -> bytes:
    for kid, key in _parse_keys(settings.AUDIT_CHAIN_KEYS):
        if kid == key_id:
            return key
    raise UnknownKey(key_id)


def keyed_digest(key_id: str, message: bytes) -> str:
    return hmac.new(key_for(key_id), message, "sm3").hexdigest()


def plain_json(data):
    """Round-trip through JSON so that what is hashed is exactly what the database gives back."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical(event) -> bytes:
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    for name in OPTIONAL_HASHED_FIELDS:
        if getattr(event, name) not in (None, ""):
            values[name] = getattr(event, name)
    values["occurred_at"] = event.occurred_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(event) -> str:
    """HMAC-SM3 under the event's key; SHA-256 for an event recorded before the chain was keyed.
    Raises UnknownKey when the event names a key that is not configured."""
    if event.key_id:
        return keyed_digest(event.key_id, canonical(event))
    return hashlib.sha256(canonical(event)).hexdigest()
