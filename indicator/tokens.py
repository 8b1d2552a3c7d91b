"""Signed tokens: a random id with an HMAC, so a browser can carry an id the server can trust it issued.

``issue(secret)`` makes ``<id>.<signature>``; ``verify(secret, token)`` gives the id back only when the
signature is right. Used for the device cookie that keeps one vote per device across reloads.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def sign(secret: bytes, value: str) -> str:
    """The signature of ``value`` (16 bytes of HMAC-SHA256, url-safe base64)."""
    return _b64(hmac.new(secret, value.encode("ascii"), hashlib.sha256).digest()[:16])


def issue(secret: bytes) -> str:
    """A new token: 16 random bytes and their signature."""
    value = _b64(secrets.token_bytes(16))
    return f"{value}.{sign(secret, value)}"


def verify(secret: bytes, token: object) -> str | None:
    """The token's id when ``token`` is well formed and signed with ``secret``; else None."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    value, signature = token.split(".")
    return value if hmac.compare_digest(signature, sign(secret, value)) else None
