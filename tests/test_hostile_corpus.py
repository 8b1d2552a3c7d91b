"""The hostile corpus (tests/hostile_corpus.py) through every door a file comes in: the library's isolated
reader, the command line (``import``, ``ingest``) and the upload page. Each file gives one clear message
(or, for the odd-but-readable ones, a correct reading), stores nothing, and stays within the goal of one
upload: at most 10 s (of the reader's CPU; on a busy test machine the wall clock may run longer, never past
the reader's 30 s) and 1 GB."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from indicator.cli import main
from indicator.framework import load
from indicator.i18n import t
from indicator.reading import Budget, IsolatedReader, read_isolated
from indicator.storage import Store
from tests.hostile_corpus import HEADER, Hostile, content, corpus
from ui import testing

FRAMEWORK = load()
SECONDS = 10.0  # CPU seconds of the worker (the goal; the budget stops it there)
WALL = Budget().wall  # waiting on a busy machine, at most
PEAK = 2**30
ENTRIES = corpus()
REFUSED = [e for e in ENTRIES if e.refused]
IDS = [e.name for e in ENTRIES]


def test_the_corpus_is_large_and_generated() -> None:
    assert len(ENTRIES) >= 40
    assert len(set(IDS)) == len(IDS)
    assert len(REFUSED) >= 40
    assert len(content("far_cell_xfd")) < 5_000  # the 5 KB file that killed the server
    kinds = {Path(e.filename).suffix for e in ENTRIES}
    assert kinds == {".xlsx", ".xls", ".ods", ".csv"}


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_library(entry: Hostile) -> None:
    outcome = IsolatedReader().run(content(entry.name), FRAMEWORK, filename=entry.filename)
    if entry.refused:
        assert outcome.error is not None, f"{entry.name} was read: {entry.why}"
        message = str(outcome.error)
        assert re.search(entry.refused, message), message
        assert "\n" not in message and len(message) < 600
        assert "tell the maintainers" not in message  # no unexpected exception behind it
    else:
        assert outcome.error is None, str(outcome.error)
        entry.check(outcome.result)
    assert outcome.cpu is None or outcome.cpu <= SECONDS  # the file's own cost, whatever the machine's load
    assert outcome.seconds <= WALL
    assert outcome.peak is None or outcome.peak <= PEAK


@pytest.fixture
def corpus_file(tmp_path: Path):
    def write(entry: Hostile) -> Path:
        path = tmp_path / entry.filename
        path.write_bytes(content(entry.name))
        return path
    return write


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_command_line_import(entry: Hostile, corpus_file, capsys) -> None:
    path = corpus_file(entry)
    start = time.monotonic()
    code = main(["import", str(path)])
    elapsed = time.monotonic() - start
    out, err = capsys.readouterr()
    if entry.refused:
        assert code == 2 and out == ""
        assert len(err.splitlines()) == 1 and re.search(entry.refused, err), err
    else:
        assert code == 0, err
        assert out.startswith(f"{path}: ")
    assert elapsed <= WALL


@pytest.mark.parametrize("name", ["far_cell_lying_dimension", "ss_row_index", "cell_bomb_200mb", "csv_100k_villages",
                                  "unpacks_to_496mb"])
def test_command_line_ingest_stores_nothing(name: str, corpus_file, tmp_path: Path, capsys) -> None:
    entry = next(e for e in ENTRIES if e.name == name)
    url = f"sqlite:///{tmp_path / 'ingest.db'}"
    code = main(["ingest", str(corpus_file(entry)), "--round", "2025", "--db", url])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.splitlines()) == 1 and re.search(entry.refused, err), err
    store = Store(url)
    try:
        assert store.uploads.table().empty
        assert store.responses(status=None).empty
    finally:
        store.close()


def test_command_line_scores_good_files_next_to_a_refused_one(corpus_file, tmp_path: Path, capsys) -> None:
    """``score`` stops at the first unusable file with its one line, whatever the file did to its reader."""
    good = tmp_path / "hyva.csv"
    good.write_text(";".join(HEADER) + "\nSippola;4;5;Kyllä\nSippola;3;4;Ei\n", encoding="utf-8")
    bad = corpus_file(next(e for e in ENTRIES if e.name == "far_cell_no_dimension"))
    code = main(["score", str(good), str(bad), "--round", "2025"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "too large or damaged" in err
    assert main(["score", str(good), "--round", "2025", "--format", "json"]) == 0
    assert '"village": "Sippola"' in capsys.readouterr().out


# --- the upload page ----------------------------------------------------------------------------------------


def _upload(entry: Hostile):
    at = testing.opened("lataa", query={"lang": "en"})
    start = time.monotonic()
    at = at.file_uploader(key="upload_file").set_value((entry.filename, content(entry.name), "text/csv")).run()
    return at, time.monotonic() - start


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_upload_page(entry: Hostile, empty_url: str) -> None:
    at, elapsed = _upload(entry)
    assert not at.exception
    if entry.refused:
        assert len(at.error) == 1, [e.value for e in at.error]
        shown = re.sub(r"\\(.)", r"\1", at.error[0].value)  # the page escapes Markdown
        shown = re.sub(r"(?<=\d),(?=\d{3})", "", shown)  # and groups the digits of counts
        assert shown.startswith(f"**{t('upload.read_failed', 'en')}**")
        assert re.search(entry.refused, shown), shown
        assert not at.metric  # no report of a refused file
    else:
        assert not at.error, [e.value for e in at.error]
        report = read_isolated(content(entry.name), FRAMEWORK, filename=entry.filename).report
        shown = {m.label: m.value for m in at.metric}
        assert shown[t("upload.kpi_rows", "en")] == f"{report.rows:,}"
    store = Store(empty_url)
    try:
        assert store.uploads.table().empty  # nothing is stored before the coordinator's save
    finally:
        store.close()
    assert elapsed <= WALL + 5  # the read, plus the page around it
