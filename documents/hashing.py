"""Fixity: SHA-256 and SM3 (GB/T 32905) of stored files, both through OpenSSL's hashlib."""

import hashlib
from dataclasses import dataclass

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Digests:
    sha256: str
    sm3: str
    size: int


def digest_bytes(data: bytes) -> Digests:
    sha, sm3 = hashlib.sha256(data), hashlib.new("sm3", data)
    return Digests(sha.hexdigest(), sm3.hexdigest(), len(data))


def digest_stream(stream) -> Digests:
    """Hash a readable binary file object in chunks (large scans never sit in memory whole)."""
    sha, sm3, size = hashlib.sha256(), hashlib.new("sm3"), 0
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        sha.update(chunk)
        sm3.update(chunk)
        size += len(chunk)
    return Digests(sha.hexdigest(), sm3.hexdigest(), size)
