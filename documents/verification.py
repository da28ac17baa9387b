"""Verification codes (核验码) and the QR code that points to /verify/<code>/.

A code is 20 characters of Crockford's base32 drawn with `secrets` (100 bits: unguessable, yet
short enough to type from paper, printed as five groups of four). It is both the URL token and
the short code printed next to the QR code. Typing is forgiving: case, spaces and hyphens are
ignored and the look-alikes O/I/L read as 0/1.
"""

import secrets

import segno
from django.conf import settings
from django.urls import reverse

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """The canonical code for what someone typed or scanned, or None if it cannot be one."""
    code = "".join(ch for ch in (typed or "").upper() if ch not in " -\t").translate(_LOOKALIKES)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verify_url(code: str) -> str:
    return settings.DOCUMENTS_PUBLIC_BASE_URL.rstrip("/") + reverse("documents:verify", args=[code])


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data: URI (vector in the PDF; the fetcher allows data: only)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=0, dark="#000")
