"""This app's own public address, for links that must lead back to it (the seminar's poll QR code).

The address is env ``ALYKYLA_PUBLIC_URL`` (or ``public_url`` in secrets), e.g. ``https://kylat.example.fi/``;
without it, the address the page was opened at (``st.context.url``). Behind a reverse proxy set it, so
that the QR code shows the address people can reach.
"""

from __future__ import annotations

import os

import streamlit as st


def public_url() -> str | None:
    """The configured public address of the app, ending in "/" (None when none is configured)."""
    value = os.environ.get("ALYKYLA_PUBLIC_URL") or _from_secrets()
    if not value:
        return None
    value = str(value).strip()
    return value if value.endswith("/") else value + "/"


def _from_secrets() -> str | None:
    try:
        value = st.secrets.get("public_url")
    except (FileNotFoundError, KeyError, AttributeError, st.errors.StreamlitSecretNotFoundError):
        return None
    return str(value) if value else None


def own_addresses() -> list[str]:
    """This app's addresses, the configured public one first: what a poll link may point to."""
    return [a for a in (public_url(), str(st.context.url or "")) if a]
