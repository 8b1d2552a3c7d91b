"""Is a deployment well? The checks behind ``python -m indicator check`` (docs/deploy.md).

Each check returns what it found as one short English phrase and whether that is a problem: every app
process answers its health address, the database answers, its schema is the one this code needs, and the
disks have room. ``run_checks`` runs them all; ``Findings.line()`` says the result in one line.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HEALTH_PATH = "/_stcore/health"  # Streamlit's own health address: "ok" while the server runs
DEFAULT_MIN_FREE_MB = 1024


@dataclass(frozen=True)
class Finding:
    """One check's result: ``text`` (a short phrase) and whether it is a problem."""

    text: str
    problem: bool = False


@dataclass(frozen=True)
class Findings:
    """Every check's result, in the order they ran."""

    items: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(f.problem for f in self.items)

    def line(self) -> str:
        """One line: ``ok: <everything found>``, or ``PROBLEM: <only the problems>``."""
        if self.ok:
            return "ok: " + "; ".join(f.text for f in self.items)
        return "PROBLEM: " + "; ".join(f.text for f in self.items if f.problem)


def app_health(base_url: str, timeout: float = 5.0) -> Finding:
    """Whether the app process at ``base_url`` answers ``/_stcore/health`` with ``ok``."""
    if not base_url.startswith(("http://", "https://")):
        return Finding(f"app {base_url} is not an http(s) address", True)
    address = base_url.rstrip("/") + HEALTH_PATH
    try:
        with urllib.request.urlopen(address, timeout=timeout) as reply:
            body = reply.read(100).strip()
    except urllib.error.HTTPError as exc:
        return Finding(f"app {base_url} answers HTTP {exc.code}", True)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return Finding(f"app {base_url} does not answer ({_plain(reason)})", True)
    if body != b"ok":
        return Finding(f"app {base_url} answers {body[:40]!r} instead of ok", True)
    return Finding(f"app {base_url} answers")


def database_state(url: str | None) -> Finding:
    """Whether the database answers and has the schema this code needs (reads only; never migrates)."""
    import sqlalchemy as sa

    from indicator.storage import migrations
    from indicator.storage.engine import create_engine, failure_reason, resolve_url

    shown = resolve_url(url).render_as_string(hide_password=True)
    try:
        engine = create_engine(url)
        try:
            state = migrations.status(engine)
        finally:
            engine.dispose()
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        return Finding(f"database {shown} does not answer ({failure_reason(exc)})", True)
    if state.current:
        return Finding(f"database {shown} answers, {state.describe()}")
    return Finding(f"database {shown}: {state.describe()} (python -m indicator migrate)", True)


def free_space(path: str | Path, min_free_mb: float = DEFAULT_MIN_FREE_MB) -> Finding:
    """Whether the file system holding ``path`` has at least ``min_free_mb`` megabytes free."""
    folder = Path(path)
    while not folder.exists() and folder != folder.parent:  # a database file not made yet: its folder
        folder = folder.parent
    try:
        free = shutil.disk_usage(folder).free / 2**20
    except OSError as exc:
        return Finding(f"cannot see the free space of {path} ({_plain(exc)})", True)
    text = f"{_size(free)} free in {folder}"
    if free < min_free_mb:
        return Finding(f"only {text} (less than {_size(min_free_mb)})", True)
    return Finding(text)


def sqlite_folder(url: str | None) -> Path | None:
    """The folder of an SQLite database file (whose disk is checked too), None for other databases."""
    from indicator.storage.engine import resolve_url

    parsed = resolve_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve().parent


def run_checks(*, db_url: str | None, apps: Sequence[str] = (), disks: Sequence[str | Path] = (),
               min_free_mb: float = DEFAULT_MIN_FREE_MB, timeout: float = 5.0) -> Findings:
    """Every check: each app's health, the database and its schema, free space on each disk (and on the
    SQLite file's disk)."""
    found = [app_health(app, timeout) for app in apps]
    found.append(database_state(db_url))
    folders = list(disks)
    sqlite = sqlite_folder(db_url)
    if sqlite is not None:
        folders.append(sqlite)
    found.extend(free_space(folder, min_free_mb) for folder in dict.fromkeys(str(f) for f in folders))
    return Findings(tuple(found))


def _size(megabytes: float) -> str:
    return f"{megabytes / 1024:.1f} GB" if megabytes >= 1024 else f"{megabytes:.0f} MB"


def _plain(reason: object) -> str:
    """An error's own words on one short line (an OS error without its number)."""
    text = reason.strerror if isinstance(reason, OSError) and reason.strerror else reason
    return " ".join(str(text).split())[:120]
