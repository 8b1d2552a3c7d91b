"""``migrate`` and ``check`` (indicator/cli/server.py, indicator/deployment.py): one line, exit 0 when well and
3 when something needs attention, naming only the problems."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from indicator.cli import main
from indicator.deployment import Finding, Findings, free_space
from indicator.storage import Store, migrations


def free_port() -> int:
    """A loopback port nobody listens on (taken and given back)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Health(http.server.BaseHTTPRequestHandler):
    """Streamlit's health address: ``ok`` at /_stcore/health."""

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        ok = self.path == "/_stcore/health"
        self.send_response(200 if ok else 404)
        self.end_headers()
        self.wfile.write(b"ok" if ok else b"no")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def app() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_well_deployment_is_one_ok_line(app, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'ok.db'}"
    Store(url).close()
    code, out, err = run(capsys, "check", "--app", app, "--db", url, "--min-free-mb", "1")
    assert (code, err) == (0, "") and out.count("\n") == 1
    assert out.startswith(f"check: ok: app {app} answers; database {url} answers, schema current (revision ")
    assert f"free in {tmp_path}" in out


def test_problems_are_named_and_nothing_else(app, tmp_path, capsys):
    dead = f"http://127.0.0.1:{free_port()}"
    url = f"sqlite:///{tmp_path / 'old.db'}"
    Store(url).close()
    with sa.create_engine(url).begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0004'"))
    code, out, err = run(capsys, "check", "--app", app, "--app", dead, "--db", url, "--min-free-mb", "1")
    assert (code, err) == (3, "")
    assert out == (f"check: PROBLEM: app {dead} does not answer (Connection refused); database {url}: schema at "
                   f"revision 0004; migrate upgrades it to {migrations.HEAD} (python -m indicator migrate)\n")


def test_apps_from_the_environment_and_a_database_that_does_not_answer(app, monkeypatch, capsys):
    monkeypatch.setenv("ALYKYLA_CHECK_APPS", f"{app} {app}/")
    port = free_port()
    code, out, _ = run(capsys, "check", "--db", f"postgresql://nobody@127.0.0.1:{port}/none")
    assert code == 3
    assert out.startswith(f"check: PROBLEM: database postgresql+psycopg://nobody@127.0.0.1:{port}/none does not "
                          "answer (")
    assert app not in out  # the apps answered


def test_free_space_threshold(tmp_path):
    assert not free_space(tmp_path, min_free_mb=1).problem
    short = free_space(tmp_path / "not-yet" / "x.db", min_free_mb=1e12)
    assert short.problem and short.text.startswith("only ") and f"free in {tmp_path} (less than" in short.text


def test_findings_line():
    well = Findings((Finding("a answers"), Finding("1.0 GB free in /")))
    assert well.ok and well.line() == "ok: a answers; 1.0 GB free in /"
    ill = Findings((Finding("a answers"), Finding("b does not answer", True), Finding("x", True)))
    assert not ill.ok and ill.line() == "PROBLEM: b does not answer; x"
