"""Coordinator sign-in with the organisation's account: Streamlit's own ``st.login`` (OpenID Connect).

The association's Microsoft 365 (Entra ID) or Google accounts sign a coordinator in; Streamlit keeps the
identity in its signed cookie ``_streamlit_user`` (30 days), so the sign-in lasts across reloads, new tabs
and app processes (they share ``[auth] cookie_secret``). Which accounts are coordinators is an allow-list:

- ``coordinators = ["anna@kylat.fi", "ville@kylat.fi"]`` at the top level of ``secrets.toml``, or
- env ``ALYKYLA_COORDINATORS="anna@kylat.fi,ville@kylat.fi"``.

E-mails are compared without regard to case. An account that signs in but is not on the list gets a clear
"not a coordinator" message and no coordinator page. The provider is configured in the ``[auth]`` section
of ``secrets.toml`` exactly as Streamlit documents it (``redirect_uri``, ``cookie_secret``, ``client_id``,
``client_secret``, ``server_metadata_url``; or one ``[auth.<name>]`` table per provider); README.md and
docs/deploy.md say how. The passphrase (``ui.auth``) stays as the minimal fallback; it lasts only for the
browser session.

After the provider's round trip Streamlit opens the app's front page, so the address the coordinator asked
for is kept for a quarter of an hour in the cookie ``alykyla_next`` (set by one line of JavaScript where a
sign-in button is shown) and the router goes on to it (``land``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from ui import auth

ENV = "ALYKYLA_COORDINATORS"
NEXT_COOKIE = "alykyla_next"
NEXT_MAX_AGE = 15 * 60
LANDED_KEY = "_account_landed"  # set once the router has taken this session to the remembered address
ADDRESS = re.compile(r"^[a-z0-9_-]{1,40}$")
PROVIDER_KEYS = ("client_id", "server_metadata_url")


def _auth_section() -> Mapping[str, object]:
    value = auth._secret("auth")
    return value if isinstance(value, Mapping) else {}


def providers() -> list[str | None]:
    """The providers ``st.login`` can use: None for the ``[auth]`` section's own (Streamlit's "default"),
    then each ``[auth.<name>]`` table, in the file's order. Empty when sign-in with an account is off."""
    section = _auth_section()
    if not section.get("redirect_uri") or not section.get("cookie_secret"):
        return []
    named = [str(name) for name, value in section.items()
             if isinstance(value, Mapping) and all(value.get(k) for k in PROVIDER_KEYS)]
    own = [None] if all(section.get(k) for k in PROVIDER_KEYS) else []
    return [*own, *named]


def configured() -> bool:
    """True when ``[auth]`` names at least one provider (the sign-in button is shown)."""
    return bool(providers())


def coordinators() -> frozenset[str]:
    """The allow-list of coordinator e-mails (lower case): secrets ``coordinators``, else env ``ALYKYLA_COORDINATORS``."""
    value = auth._secret("coordinators")
    if isinstance(value, str):
        listed: Sequence[object] = value.split(",")
    elif isinstance(value, Sequence):
        listed = value
    else:
        listed = os.environ.get(ENV, "").split(",")
    return frozenset(str(e).strip().lower() for e in listed if str(e).strip())


def email() -> str | None:
    """The signed-in account's e-mail (lower case), or None when nobody is signed in with an account.

    Entra ID gives ``email`` only when the account has one; its ``preferred_username`` (the sign-in name,
    an address) stands in then. An address the provider says is not verified does not count."""
    user = st.user.to_dict()
    if user.get("is_logged_in") is not True or user.get("email_verified") is False:
        return None
    for claim in ("email", "preferred_username"):
        value = user.get(claim)
        if isinstance(value, str) and "@" in value:
            return value.strip().lower()
    return None


def signed_in() -> bool:
    """True when someone is signed in with an account (a coordinator or not)."""
    return st.user.to_dict().get("is_logged_in") is True


def is_coordinator() -> bool:
    """True when the signed-in account is on the allow-list."""
    address = email()
    return address is not None and address in coordinators()


def sync_role() -> None:
    """Give the session the coordinator role when its account is on the list (called by the router first
    thing in every run, so the role follows the identity cookie after a reload or in a new tab)."""
    if is_coordinator():
        st.session_state["role"] = "coordinator"


def remember(address: str) -> None:
    """Keep ``address`` in the browser for the round trip to the provider (see the module docstring)."""
    if not ADDRESS.match(address):
        return
    st.html("<script>document.cookie = '" + NEXT_COOKIE + "=" + address + "; Max-Age=" + str(NEXT_MAX_AGE)
            + "; Path=/; SameSite=Lax' + (location.protocol === 'https:' ? '; Secure' : '');</script>",
            unsafe_allow_javascript=True)


def _forget() -> None:
    st.html("<script>document.cookie = '" + NEXT_COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax';</script>",
            unsafe_allow_javascript=True)


def land(at_root: bool, addresses: Sequence[str], go: Callable[[str], None]) -> None:
    """Once per session of a signed-in account: from the front page, on to the remembered address (where
    an account not on the list then reads that it is not a coordinator's).

    ``at_root``: the run is at ``/`` (where Streamlit lands after the provider); ``addresses``: the known
    ones; ``go(address)`` switches page. The cookie is cleared on the next run, wherever that is.
    """
    if not signed_in():
        return
    landed = st.session_state.get(LANDED_KEY)
    wanted = st.context.cookies.get(NEXT_COOKIE)
    if landed == "cleared" or not wanted:
        return
    if landed:
        _forget()
        st.session_state[LANDED_KEY] = "cleared"
        return
    st.session_state[LANDED_KEY] = "switched"
    if at_root and wanted in addresses:
        go(wanted)


def login_buttons(label: Callable[[str | None], str], key: str, address: str, *, primary: bool = False) -> None:
    """One button per provider; a click remembers ``address`` and hands over to ``st.login``."""
    names = providers()
    if not names:
        return
    remember(address)
    for name in names:
        if st.button(label(name), key=f"{key}_{name or 'default'}", icon=":material/badge:",
                     type="primary" if primary else "secondary"):
            if name:
                st.login(name)
            else:
                st.login()
