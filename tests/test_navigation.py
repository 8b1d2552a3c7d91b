"""The router's addresses (ui/navigation.py, app.py): every page at its own and its former address, the
menu per role, and the sign-in prompt the public gets at a coordinator address.

``ui.testing.app(address=...)`` opens the app as a browser's first request would: AppTest starts every
run in Streamlit's legacy ``pages/`` mode, as a fresh server does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indicator.i18n import t
from ui import testing
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent

PUBLIC_MENU = ["Etusivu", "Kylä", "Mittaristo", "Eteneminen 2030", "Hankkeen tavoitteet", "Vastaa asukaskyselyyn",
               "Lataa kysely", "Seminaari", "Kysely"]
COORDINATOR_MENU = ["Hallinta", "Teemaryhmät", "Strategiat"]
COORDINATOR_ADDRESSES = ["hallinta", "teemaryhmat", "admin", "groups", "strategiat"]

# What tells each page apart (its title, or for the seminar screen its call to answer the poll).
SHOWS = {
    "etusivu": ("title", "common.app_title"),
    "kyla": ("title", "village.title"),
    "mittaristo": ("title", "framework.title"),
    "eteneminen": ("title", "progress.title"),
    "tavoitteet": ("title", "goals.title"),
    "vastaa": ("title", "common.nav_answer"),
    "lataa": ("title", "common.nav_upload"),
    "seminaari": ("markdown", "seminar.poll.cta"),
    "kysely": ("title", "poll.title"),
    "hallinta": ("title", "common.nav_admin"),
    "teemaryhmat": ("title", "groups.title"),
    "strategiat": ("title", "strategy.title"),
}


@pytest.fixture
def demo_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", testing.demo_database(tmp_path))
    monkeypatch.setenv("ALYKYLA_COORDINATOR_HASH", testing.test_hash())
    monkeypatch.delenv("ALYKYLA_DEV_PASSPHRASE", raising=False)
    return tmp_path


def opened(address: str | None, role: str = "public"):
    return testing.opened(address, state={"role": role})


def shows(at, page: str) -> bool:
    kind, key = SHOWS[page]
    texts = [e.value for e in (at.title if kind == "title" else at.markdown)]
    return any(t(key, "fi") in text for text in texts)


def menu(at) -> list[str]:
    return [link.value for link in at.sidebar.get("page_link")]


def test_every_address_is_a_file_in_pages_and_every_file_an_address():
    """A fresh server answers an address without a file in pages/ with "Page not found" (ui/navigation.py)."""
    addresses = [address for spec in PAGES for address in spec.addresses]
    assert len(addresses) == len(set(addresses)) == 22
    assert {path.stem for path in (ROOT / "pages").glob("*.py")} == set(addresses)


def test_the_public_menu_lists_no_coordinator_page(demo_env):
    at = opened(None)
    assert menu(at) == PUBLIC_MENU
    assert [c.value for c in at.sidebar.caption if c.value == t("common.nav_section_coordinator", "fi")] == []


def test_a_coordinator_sees_the_coordinator_pages_in_their_own_section(demo_env):
    at = opened(None, role="coordinator")
    assert menu(at) == PUBLIC_MENU + COORDINATOR_MENU
    captions = [c.value for c in at.sidebar.caption]
    assert t("common.nav_section_public", "fi") in captions
    assert t("common.nav_section_coordinator", "fi") in captions


def test_the_front_page_is_the_default_and_the_menu_links_to_root(demo_env):
    at = opened(None)
    assert shows(at, "etusivu")
    assert [link.proto.page for link in at.sidebar.get("page_link")][:2] == ["", "kyla"]


@pytest.mark.parametrize(
    ("address", "page", "role"),
    [(address, spec.address, "coordinator" if spec.coordinator else "public")
     for spec in PAGES for address in spec.addresses],
)
def test_every_address_opens_its_page(demo_env, address, page, role):
    at = opened(address, role)
    assert shows(at, page), [e.value for e in at.title]
    others = [other for other in SHOWS if other != page and SHOWS[other] != SHOWS[page]]
    assert not any(shows(at, other) for other in others)


@pytest.mark.parametrize("address", COORDINATOR_ADDRESSES)
def test_a_coordinator_address_asks_the_public_to_sign_in(demo_env, address):
    at = opened(address)
    assert [e.value for e in at.title] == [t("common.signin_required_title", "fi")]
    assert at.info[0].value == t("common.signin_required", "fi")
    assert at.main.text_input[0].label == t("common.login_passphrase", "fi")
    assert menu(at) == PUBLIC_MENU  # the frame is drawn, without coordinator pages
    assert at.sidebar.selectbox(key="area").label == t("common.filter_area", "fi")
    # no coordinator content: the admin page's headings and export, the groups page's controls
    assert not at.main.subheader and not at.get("download_button") and not at.main.number_input


def test_signing_in_at_a_coordinator_address_opens_that_page(demo_env):
    at = opened("groups")
    at.main.text_input[0].input(testing.TEST_PASSPHRASE)
    at.main.button[0].click().run()
    assert not at.exception
    assert at.session_state["role"] == "coordinator"
    assert shows(at, "teemaryhmat")


def test_a_wrong_passphrase_on_the_prompt_keeps_it(demo_env):
    at = opened("hallinta")
    at.main.text_input[0].input("arvaus")
    at.main.button[0].click().run()
    assert at.session_state["role"] == "public"
    assert at.main.error[0].value == t("common.login_failed", "fi")
    assert [e.value for e in at.title] == [t("common.signin_required_title", "fi")]


def test_embedded_pages_draw_no_menu(demo_env):
    at = testing.app(address="seminaari")
    at.context["is_embedded"] = True  # what the browser reports for ?embed=true
    at.run()
    assert not at.exception
    assert menu(at) == []
    assert shows(at, "seminaari")
