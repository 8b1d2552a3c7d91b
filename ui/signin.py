"""Coordinator sign-in as drawn in the dashboard: the sidebar box and the prompt page.

Two ways in: the organisation's account (``ui.account``, Streamlit's ``st.login``; it lasts across reloads
and new tabs) when ``[auth]`` is configured, and the passphrase (``ui.auth``; it lasts for the browser
session). This module only lays out the buttons and forms.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Callable

import streamlit as st

from indicator.errors import StorageError
from indicator.i18n import t
from ui import account, auth, context, device
from ui import format as fmt

ADDRESS_KEY = "_router_address"  # the address of this run's page, set by the router (app.py)


def address() -> str:
    """The address of the page this run shows ("" for the front page)."""
    return str(st.session_state.get(ADDRESS_KEY) or "")


def passphrase_configured() -> bool:
    """True when a passphrase can sign in (a hash in secrets or env, or the development passphrase)."""
    return bool(auth.coordinator_hash() or os.environ.get("ALYKYLA_DEV_PASSPHRASE"))


def _button_label(lang: str) -> Callable[[str | None], str]:
    def label(provider: str | None) -> str:
        if provider is None or len(account.providers()) == 1:
            return t("account.sign_in", lang)
        return t("account.sign_in_with", lang, provider=provider.capitalize())

    return label


def sign_out() -> None:
    """Sign out: from the account (Streamlit clears its cookie and opens the provider's sign-out), or end
    the passphrase session."""
    auth.sign_out()
    if account.signed_in():
        st.logout()  # its redirect to the provider is a message of this run: a rerun here could drop it
        return
    st.rerun()


def not_coordinator(lang: str) -> None:
    """Signed in with an account that is not on the coordinators' list: say so, offer to sign out."""
    st.error(t("account.not_coordinator", lang, email=fmt.plain(account.email() or "–")), icon=":material/block:")
    if st.button(t("common.logout", lang), key="account_logout_prompt", icon=":material/logout:"):
        sign_out()


def form(lang: str, key: str) -> None:
    """A passphrase form (``key`` names it); a right passphrase signs in and reruns at the same address."""
    with st.form(key, clear_on_submit=True, border=False):
        passphrase = st.text_input(t("common.login_passphrase", lang), type="password")
        submitted = st.form_submit_button(t("common.login_submit", lang))
    if submitted:
        tried = _attempt(passphrase)
        if tried.ok:
            st.rerun()
        if tried.wait > 0:
            st.error(t("common.login_wait", lang, minutes=max(1, math.ceil(tried.wait / 60))))
        else:
            st.error(t("common.login_failed", lang))


def _attempt(passphrase: str) -> auth.Attempt:
    """One sign-in try, slowed down per address and per session (``auth.attempt_sign_in``); when the
    database cannot count tries (read-only, unreachable), the passphrase is still checked."""
    session = st.session_state.setdefault("_signin_session", secrets.token_urlsafe(16))
    try:
        return auth.attempt_sign_in(passphrase, context.store().limits, device.client_address(), session)
    except StorageError:
        return auth.Attempt(auth.sign_in(passphrase))


def coordinator_box(lang: str) -> None:
    """The sidebar's sign-in for coordinators (account button, passphrase form), or who is signed in with
    a sign-out button."""
    who = account.email()
    if context.is_coordinator() or account.signed_in():
        if who and not account.is_coordinator():
            st.caption(t("account.not_coordinator_short", lang, email=fmt.plain(who)))
        else:
            st.caption(t("account.signed_in_as", lang, email=fmt.plain(who)) if who else t("common.signed_in", lang))
        if st.button(t("common.logout", lang), key="common.logout", icon=":material/logout:"):
            sign_out()
        return
    with st.expander(t("common.login_title", lang), icon=":material/lock:"):
        if account.configured():
            account.login_buttons(_button_label(lang), "account_login_sidebar", address())
            st.caption(t("account.lasts", lang))
        if passphrase_configured() or not account.configured():
            form(lang, "common_login")


def prompt() -> None:
    """The page the public gets at a coordinator address: what the page needs, and the ways to sign in.

    After a passphrase the rerun stays at the same address, where the coordinator page is then registered;
    after the provider's round trip the router comes back to it (``ui.account.land``). An account that is
    signed in but not on the coordinators' list gets a clear message and no coordinator page.
    """
    lang = context.lang()
    st.title(t("common.signin_required_title", lang))
    if account.signed_in() and not account.is_coordinator():
        not_coordinator(lang)
        return
    st.info(t("common.signin_required", lang), icon=":material/lock:")
    if not account.configured():
        form(lang, "common_login_page")
        return
    account.login_buttons(_button_label(lang), "account_login_page", address(), primary=True)
    st.caption(t("account.lasts", lang))
    if passphrase_configured():
        with st.expander(t("account.passphrase_title", lang), icon=":material/password:"):
            st.caption(t("account.passphrase_lasts", lang))
            form(lang, "common_login_page")
