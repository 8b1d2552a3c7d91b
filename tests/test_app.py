"""The router: pages per role, language, shared filters in the URL, coordinator sign-in and hashing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from indicator.i18n import LANGUAGES, t
from ui import auth, testing


@pytest.fixture
def demo_env(monkeypatch, tmp_path):
    """Each test its own copy of the demo database and a known coordinator hash; no dev passphrase."""
    monkeypatch.setenv("DATABASE_URL", testing.demo_database(tmp_path))
    monkeypatch.setenv("ALYKYLA_COORDINATOR_HASH", testing.test_hash())
    monkeypatch.delenv("ALYKYLA_DEV_PASSPHRASE", raising=False)
    monkeypatch.delenv("ALYKYLA_UPLOAD_CODES", raising=False)
    return tmp_path


def test_a_reader_worker_runs_app_py_without_loading_the_app():
    """A survey file is read in a worker from Python's fork server, and such a worker first runs the main
    script of the process that asked (the server's: app.py) as ``__mp_main__``, as ``runpy.run_path`` does
    here. app.py then only defines its ``main``: no Streamlit, no app module, no library in the worker (it
    cost about 0.2 CPU-seconds per file read before)."""
    code = ("import json, runpy, sys; before = set(sys.modules); "
            f"found = runpy.run_path({str(testing.APP)!r}, run_name='__mp_main__'); "
            "print(json.dumps([sorted({m.split('.')[0] for m in set(sys.modules) - before}), callable(found['main'])]))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, has_main = json.loads(run.stdout)
    assert has_main
    assert not set(loaded) & {"streamlit", "indicator", "ui", "pages", "pandas", "plotly", "sqlalchemy"}, loaded


def sign_in(at, passphrase: str):
    at.sidebar.text_input[0].input(passphrase)
    return at.sidebar.button[0].click().run()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_default_page_renders_in_each_language(demo_env, lang):
    at = testing.app()
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    assert at.session_state["lang"] == lang
    assert at.title[0].value == t("common.app_title", lang)
    assert at.sidebar.selectbox(key="area").label == t("common.filter_area", lang)


def test_coordinator_page_files_are_not_registered_for_the_public(demo_env):
    at = testing.app().run()
    for page in ("pages/hallinta.py", "pages/teemaryhmat.py"):
        with pytest.raises(ValueError, match="Could not find"):
            at.switch_page(page)


def test_wrong_passphrase_keeps_the_public_role(demo_env):
    at = sign_in(testing.app().run(), "arvaus")
    assert not at.exception
    assert at.session_state["role"] == "public"
    assert at.sidebar.error[0].value == t("common.login_failed", "fi")
    with pytest.raises(ValueError):
        at.switch_page("pages/hallinta.py")


def test_sign_in_opens_admin_and_sign_out_closes_it(demo_env):
    at = sign_in(testing.app().run(), testing.TEST_PASSPHRASE)
    assert at.session_state["role"] == "coordinator"
    at.switch_page("pages/hallinta.py").run()
    assert not at.exception
    assert at.title[0].value == t("common.nav_admin", "fi")
    at.sidebar.button(key="common.logout").click().run()
    assert at.session_state["role"] == "public"
    assert at.title[0].value == t("common.signin_required_title", "fi")  # the same address asks to sign in
    assert not at.get("download_button")  # the admin page's database export is gone


def test_filters_come_from_and_go_to_the_url(demo_env):
    at = testing.app()
    at.query_params.update({"area": "sepra", "round": "2025"})
    at.run()
    assert at.sidebar.selectbox(key="area").value == "sepra"
    assert at.sidebar.selectbox(key="round").value == 2025
    assert "Kouvola" not in at.sidebar.selectbox(key="municipality").options  # Kouvola is in Kasvu
    at.sidebar.selectbox(key="municipality").set_value("Kotka").run()
    assert at.query_params["municipality"] == "Kotka"
    at.sidebar.selectbox(key="area").set_value("all").run()
    assert "area" not in at.query_params  # the default is left out of the URL


def test_invalid_url_values_are_ignored(demo_env):
    at = testing.app()
    at.query_params.update({"area": "atlantis", "round": "1999", "lang": "de"})
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="area").value == "all"
    assert at.sidebar.selectbox(key="round").value == 2026  # latest demo round
    assert at.session_state["lang"] == "fi"


def test_hash_round_trip_and_rejections():
    encoded = auth.hash_passphrase("oikea lause", iterations=1_000)
    assert encoded.startswith("pbkdf2_sha256$1000$")
    assert auth.verify("oikea lause", encoded)
    assert not auth.verify("väärä lause", encoded)
    assert not auth.verify("oikea lause", "pbkdf2_sha256$x$y")
    assert not auth.verify("oikea lause", "md5$1$abc$def")
    assert auth.hash_passphrase("a", salt=b"s" * 16) != auth.hash_passphrase("b", salt=b"s" * 16)


def test_dev_passphrase_only_without_a_hash(monkeypatch):
    monkeypatch.delenv("ALYKYLA_COORDINATOR_HASH", raising=False)
    monkeypatch.delenv("ALYKYLA_DEV_PASSPHRASE", raising=False)
    assert not auth.check_coordinator("kehitys")  # nothing configured: nobody signs in
    monkeypatch.setenv("ALYKYLA_DEV_PASSPHRASE", "kehitys")
    assert auth.check_coordinator("kehitys")
    monkeypatch.setenv("ALYKYLA_COORDINATOR_HASH", testing.test_hash())
    assert not auth.check_coordinator("kehitys")  # a configured hash wins
    assert auth.check_coordinator(testing.TEST_PASSPHRASE)


def test_upload_codes_from_the_environment(monkeypatch):
    codes = {"Utti": auth.hash_passphrase("utti123", iterations=1000)}
    monkeypatch.setenv("ALYKYLA_UPLOAD_CODES", json.dumps(codes))
    assert auth.needs_upload_code("Utti") and not auth.needs_upload_code("Verla")
    assert auth.check_upload_code("Utti", "utti123")
    assert not auth.check_upload_code("Utti", "väärä")
    assert auth.check_upload_code("Verla", "")


def test_hash_command_prints_a_verifiable_hash(monkeypatch, capsys):
    answers = iter(["pitkä lause 1", "pitkä lause 1"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert auth.main(["hash"]) == 0
    assert auth.verify("pitkä lause 1", capsys.readouterr().out.strip())
    assert auth.main(["nothing"]) == 2


def test_round_filter_follows_a_new_latest_round(demo_env):
    from indicator.framework import load
    from indicator.storage import Store

    at = testing.app().run()
    assert at.sidebar.selectbox(key="round").value == 2026
    csv = "Kylä;E2\n" + "\n".join("Verla;4" for _ in range(6)) + "\n"
    Store(os.environ["DATABASE_URL"]).uploads.add(csv.encode(), "uusi.csv", 2027, load(), approve=True)
    at.run()
    assert at.sidebar.selectbox(key="round").value == 2027
    at.sidebar.selectbox(key="round").set_value(2024).run()
    at.run()
    assert at.sidebar.selectbox(key="round").value == 2024  # a deliberate choice stays


def test_locale_formats_and_plain_text():
    from datetime import UTC, datetime

    import pandas as pd

    from ui import format as fmt

    assert fmt.number(1234.56, "fi") == "1\u202f234,6" and fmt.number(1234.56, "en") == "1,234.6"
    assert fmt.number(float("nan"), "fi") == fmt.MISSING and fmt.integer(7, "sv") == "7"
    assert fmt.date(datetime(2026, 6, 30, 21, 30, tzinfo=UTC), "fi", with_time=True) == "1.7.2026 00:30"
    assert fmt.plain("**x** [a](b)") == r"\*\*x\*\* \[a\]\(b\)"
    styled = fmt.styled(pd.DataFrame({"n": pd.array([3], dtype="Int64"), "v": [2.26]}), "fi").to_html()
    assert ">3<" in styled and ">2,3<" in styled
