"""Sign-in with the organisation's account (ui/account.py, ui/signin.py) through AppTest.

AppTest seeds ``st.user`` (``at.user``) and ``st.secrets`` (``at.secrets``), so the allow-list, the
role that follows the identity and the prompt's messages are tested here; the provider's round trip, the
identity cookie across a reload and a new tab, and the return to the address asked for are tested in
Chromium against a local OpenID provider (tests/e2e/test_signin_e2e.py).
"""

from __future__ import annotations

import pytest

from indicator.i18n import t
from ui import testing

AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "alykyla", "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ANNA = {"is_logged_in": True, "email": "Anna.Koordinaattori@Kylat.fi", "name": "Anna"}


@pytest.fixture
def demo_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", testing.demo_database(tmp_path))
    monkeypatch.delenv("ALYKYLA_COORDINATOR_HASH", raising=False)
    monkeypatch.delenv("ALYKYLA_DEV_PASSPHRASE", raising=False)
    monkeypatch.delenv("ALYKYLA_COORDINATORS", raising=False)
    return tmp_path


def opened(address: str, *, user: dict | None = None, secrets: dict | None = None, lang: str = "fi"):
    at = testing.app(address=address)
    at.query_params["lang"] = lang
    if user is not None:
        at.user = user
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def titles(at) -> list[str]:
    return [e.value for e in at.title]


def test_an_allowed_account_is_a_coordinator_at_a_direct_address(demo_env):
    at = opened("hallinta", user=ANNA, secrets={"auth": AUTH, "coordinators": ["anna.koordinaattori@kylat.fi"]})
    assert titles(at) == [t("common.nav_admin", "fi")]  # the page asked for, not the prompt
    assert at.session_state["role"] == "coordinator"
    captions = [c.value for c in at.sidebar.caption]
    assert any(c.startswith("Kirjautunut koordinaattorina: anna\\.koordinaattori@kylat\\.fi") for c in captions)
    assert at.sidebar.button(key="common.logout")


def test_the_allow_list_can_come_from_the_environment_as_one_line(demo_env, monkeypatch):
    monkeypatch.setenv("ALYKYLA_COORDINATORS", " ville@kylat.fi , ANNA.koordinaattori@kylat.fi ")
    at = opened("teemaryhmat", user=ANNA, secrets={"auth": AUTH})
    assert titles(at) == [t("groups.title", "fi")]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_an_account_not_on_the_list_is_told_so_and_gets_no_coordinator_page(demo_env, lang):
    at = opened("hallinta", user=ANNA, secrets={"auth": AUTH, "coordinators": ["ville@kylat.fi"]}, lang=lang)
    assert titles(at) == [t("common.signin_required_title", lang)]
    assert at.session_state["role"] == "public"
    assert at.main.error[0].value == t("account.not_coordinator", lang,
                                       email="anna\\.koordinaattori@kylat\\.fi")
    assert not at.main.subheader and not at.get("download_button")  # nothing of the admin page
    assert at.main.button(key="account_logout_prompt")
    assert not at.main.text_input  # no passphrase form for someone who is already signed in


def test_an_unverified_address_does_not_count(demo_env):
    user = {**ANNA, "email_verified": False}
    at = opened("hallinta", user=user, secrets={"auth": AUTH, "coordinators": ["anna.koordinaattori@kylat.fi"]})
    assert titles(at) == [t("common.signin_required_title", "fi")]
    assert at.session_state["role"] == "public"


def test_entra_sign_in_name_stands_in_for_a_missing_email(demo_env):
    user = {"is_logged_in": True, "preferred_username": "anna.koordinaattori@kylat.fi", "name": "Anna"}
    at = opened("hallinta", user=user, secrets={"auth": AUTH, "coordinators": ["anna.koordinaattori@kylat.fi"]})
    assert titles(at) == [t("common.nav_admin", "fi")]


def test_the_prompt_offers_the_account_first_and_the_passphrase_folded(demo_env, monkeypatch):
    monkeypatch.setenv("ALYKYLA_COORDINATOR_HASH", testing.test_hash())
    at = opened("hallinta", secrets={"auth": AUTH})
    button = at.main.button(key="account_login_page_default")
    assert button.label == t("account.sign_in", "fi") == "Kirjaudu organisaation tunnuksella"
    assert t("account.lasts", "fi") in [c.value for c in at.main.caption]
    assert [e.label for e in at.main.expander] == [t("account.passphrase_title", "fi")]
    assert at.main.text_input[0].label == t("common.login_passphrase", "fi")
    sidebar = at.sidebar.button(key="account_login_sidebar_default")
    assert sidebar.label == "Kirjaudu organisaation tunnuksella"


def test_the_passphrase_still_signs_in_where_an_account_is_configured(demo_env, monkeypatch):
    monkeypatch.setenv("ALYKYLA_COORDINATOR_HASH", testing.test_hash())
    at = opened("hallinta", secrets={"auth": AUTH})
    at.main.text_input[0].input(testing.TEST_PASSPHRASE)
    at.main.button(key="FormSubmitter:common_login_page-Kirjaudu").click().run()
    assert at.session_state["role"] == "coordinator"
    assert titles(at) == [t("common.nav_admin", "fi")]


def test_named_providers_get_a_button_each(demo_env):
    section = {k: v for k, v in AUTH.items() if k in ("redirect_uri", "cookie_secret")}
    section["microsoft"] = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    section["google"] = dict(section["microsoft"])
    at = opened("hallinta", secrets={"auth": section})
    labels = [b.label for b in at.main.button]
    assert labels[:2] == ["Kirjaudu organisaation tunnuksella (Microsoft)",
                          "Kirjaudu organisaation tunnuksella (Google)"]


def test_without_auth_the_prompt_is_the_passphrase_form_as_before(demo_env, monkeypatch):
    monkeypatch.setenv("ALYKYLA_COORDINATOR_HASH", testing.test_hash())
    at = opened("hallinta", secrets={"auth": {"cookie_secret": "x" * 32}})  # incomplete: no provider
    assert not [b for b in at.main.button if b.label.startswith("Kirjaudu organisaation")]
    assert at.main.text_input[0].label == t("common.login_passphrase", "fi")
    assert not at.main.expander
