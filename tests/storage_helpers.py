"""Helpers for the storage tests: database URLs for both backends and small survey files.

PostgreSQL runs when ``TEST_DATABASE_URL`` names a server: each test gets a fresh random schema that
is dropped afterwards. Without it the PostgreSQL cases skip locally and fail in CI (``CI=true``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from indicator.storage.engine import resolve_url

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
HEADER = ("Kylä", "T1", "T2", "Y1", "Y2")


def pg_server_url() -> str:
    """The PostgreSQL server URL for tests; skip (locally) or fail (CI) when there is none."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI")
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (a server URL, e.g. postgresql://postgres@host/postgres)")
    return url


@contextmanager
def fresh_pg_database(server_url: str) -> Iterator[str]:
    """Create a random schema on the server, yield a URL whose search_path is it, drop it afterwards."""
    name = f"alykyla_test_{uuid.uuid4().hex[:12]}"
    server = resolve_url(server_url)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    try:
        yield server.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.dispose()


@contextmanager
def database_url(backend: str, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """A URL of an empty database of this backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    else:
        with fresh_pg_database(pg_server_url()) as url:
            yield url


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """An empty database on SQLite and (when available) PostgreSQL."""
    with database_url(request.param, tmp_path) as url:
        yield url


def survey_csv(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER, comment: str = "") -> bytes:
    """A semicolon CSV survey file; ``comment`` adds a column so that otherwise equal files differ."""
    head = list(header) + (["Huomio"] if comment else [])
    lines = [";".join(head)]
    for row in rows:
        cells = ["" if v is None else str(v) for v in row] + ([comment] if comment else [])
        lines.append(";".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


# Two respondents whose hand-computed scores (small framework) are:
# T1 mean 4 -> 75; T2 50 % yes -> 50; talous (75*1 + 50*3) / 4 = 56.25;
# Y1 median 6 -> 50; Y2 median 22.5 -> (22.5 - 40) / (5 - 40) = 50; yhteiso 50;
# index (56.25*2 + 50*1) / 3 = 54.1666...
KNOWN_ROWS: tuple[tuple[object, ...], ...] = (("{v}", 3, "Kyllä", 6, 40), ("{v}", 5, "Ei", 6, 5))
KNOWN_INDEX = (56.25 * 2 + 50.0) / 3


def known_file(village: str, comment: str = "") -> bytes:
    """A two-respondent file for one village whose index is ``KNOWN_INDEX``."""
    return survey_csv([tuple(village if v == "{v}" else v for v in row) for row in KNOWN_ROWS], comment=comment)


def village_file(village: str, t1: Sequence[float], comment: str = "") -> bytes:
    """One village, one respondent per T1 value (T2 yes, Y1 6, Y2 5): talous = mean(T1 scores, 100 x3)."""
    return survey_csv([(village, v, "Kyllä", 6, 5) for v in t1], comment=comment)


def expected_village_index(t1: Sequence[float]) -> float:
    """Index of ``village_file``: T1 score 100*(mean-1)/4; talous (T1 + 300)/4; yhteiso (50+100)/2."""
    t1_score = 100 * (sum(t1) / len(t1) - 1) / 4
    talous = (t1_score + 3 * 100) / 4
    return (2 * talous + 75.0) / 3


def counts(url: str, tables: Mapping[str, str] | None = None) -> dict[str, int]:
    """Row counts of the main tables, read with a fresh engine."""
    engine = sa.create_engine(resolve_url(url), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return {
                t: conn.exec_driver_sql(f"SELECT COUNT(*) FROM {t}").scalar_one()
                for t in (tables or ("uploads", "responses", "audit"))
            }
    finally:
        engine.dispose()
