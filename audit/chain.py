"""Canonical serialisation and hashing of audit events."""

import hashlib
import json
from datetime import timezone

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
OPTIONAL_HASHED_FIELDS = ("actor_posts",)


def plain_json(data):
    """Round-trip through JSON so that what is hashed is exactly what the database gives back."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical(event) -> bytes:
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    for name in OPTIONAL_HASHED_FIELDS:
        if getattr(event, name) is not None:
            values[name] = getattr(event, name)
    values["occurred_at"] = event.occurred_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(event) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()
