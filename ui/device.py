"""Who is asking, as far as a public page can tell: a signed device cookie and the network address.

``device_id()`` gives this browser a random id that survives reloads and new tabs: a signed token kept in
the cookie ``alykyla_device`` (set by a line of JavaScript the first time, read from
``st.context.cookies`` on every later visit). It is not an identity (clearing cookies gives a new one),
so limits also count per address (``client_address()``) and in total. The signing key is
``ALYKYLA_SECRET`` (env or secrets), else a random key kept in the database, shared by every app process.
"""

from __future__ import annotations

import hashlib
import os

import streamlit as st

from indicator import tokens
from ui import context

COOKIE = "alykyla_device"
MAX_AGE = 400 * 24 * 3600  # browsers cap a cookie's life at 400 days
SESSION_KEY = "_device_token"


def _secret() -> bytes:
    configured = os.environ.get("ALYKYLA_SECRET") or _secret_from_secrets()
    if configured:
        return hashlib.sha256(configured.encode("utf-8")).digest()
    return context.store().secret("device_cookie")


def _secret_from_secrets() -> str | None:
    try:
        value = st.secrets.get("alykyla_secret")
    except (FileNotFoundError, KeyError):  # no secrets.toml
        return None
    return str(value) if value else None


def device_id() -> str:
    """This browser's device id (a verified token from its cookie, or a new one whose cookie is set now)."""
    secret = _secret()
    token = st.session_state.get(SESSION_KEY) or st.context.cookies.get(COOKIE)
    value = tokens.verify(secret, token)
    if value is None:
        token = tokens.issue(secret)
        value = tokens.verify(secret, token)
        _set_cookie(token)
    st.session_state[SESSION_KEY] = token
    return str(value)


def _set_cookie(token: str) -> None:
    """Store the token in the browser (the token is [A-Za-z0-9_.-] only: safe inside the script)."""
    if not tokens.TOKEN.match(token):
        raise ValueError("not a token")
    st.html(
        "<script>document.cookie = '" + COOKIE + "=" + token + "; Max-Age=" + str(MAX_AGE)
        + "; Path=/; SameSite=Lax' + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


def client_address() -> str:
    """The visitor's network address: the connection's, or behind a trusted reverse proxy (env
    ``ALYKYLA_TRUSTED_PROXY=1``) the first ``X-Forwarded-For`` entry; ``local`` for loopback."""
    if os.environ.get("ALYKYLA_TRUSTED_PROXY") == "1":
        forwarded = st.context.headers.get("X-Forwarded-For") or st.context.headers.get("X-Real-Ip")
        if isinstance(forwarded, str) and forwarded:
            return forwarded.split(",")[0].strip()[:64]
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "local"
