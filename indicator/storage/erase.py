"""Erasing one village: its survey data and everything derived from it, in one transaction.

``erase_village(database, name)`` finds every stored spelling of the village (``indicator.names``: case,
spaces and look-alike letters do not count) and removes:

- its uploads: an upload of this village only is deleted with its answers and sanitised copy; an upload
  that also holds other villages keeps theirs and loses this village's answers, its rows of the copy and
  its name (in the villages list, file name and import report);
- poll answers tied to it (the seminar poll asks no village, so normally none), and the app survey's marks
  of which (hashed) devices answered for it (``survey_devices``) with its open/closed decisions
  (``survey_round`` documents named after it);
- derived documents: its rows in saved theme groupings (they were computed from its answers), its name in
  the village lists of strategies, actions and project-goal records. Free texts written by coordinators
  (a strategy's vision, an action's description) are not rewritten: ``Erasure.mentions`` lists those that
  still name the village, for a coordinator to edit;
- its name from the audit log: the detail of a deleted upload's audit rows is emptied, other details
  have the name replaced by ``[erased]``. The erasure itself is audited with counts only, no name.

Deleted rows are overwritten in the database file (SQLite ``secure_delete``) and the WAL is emptied
afterwards (``Database.checkpoint``). Backups exported before the erasure still hold the village: delete
or re-export them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from indicator.errors import StorageError
from indicator.names import village_key
from indicator.storage import kept as kept_copy
from indicator.storage.app_survey import ROUND_KIND
from indicator.storage.convert import from_json, to_json
from indicator.storage.engine import Database
from indicator.storage.schema import (
    CONTENT_KIND,
    SECRET_KIND,
    Role,
    actions,
    activities,
    audit,
    documents,
    responses,
    strategies,
    survey_devices,
    uploads,
)

ERASED = "[erased]"
GROUPING_KIND = "grouping"


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed (``names``: the stored spellings; never written to the database)."""

    names: tuple[str, ...]
    uploads_deleted: tuple[int, ...] = ()
    uploads_changed: tuple[int, ...] = ()
    respondents: int = 0
    answers: int = 0
    poll_answers: int = 0
    survey_devices: int = 0
    groupings: tuple[str, ...] = ()
    strategies: tuple[int, ...] = ()
    actions: tuple[int, ...] = ()
    activities: tuple[int, ...] = ()
    audit_rows: int = 0
    mentions: tuple[str, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """How many of each were removed or changed (what the audit log keeps)."""
        return {"uploads_deleted": len(self.uploads_deleted), "uploads_changed": len(self.uploads_changed),
                "respondents": self.respondents, "answers": self.answers, "poll_answers": self.poll_answers,
                "survey_devices": self.survey_devices, "groupings": len(self.groupings), "strategies": len(self.strategies), "actions": len(self.actions),
                "activities": len(self.activities), "audit_rows": self.audit_rows}


def erase_village(database: Database, name: str, actor: str = "coordinator") -> Erasure:
    """Remove one village's data (module docstring); StorageError when nothing of it is stored."""
    key = village_key(name)
    with database.write() as conn:
        names = tuple(sorted(n for n in _stored_names(conn) if village_key(n) == key))
        if not names or not key:
            raise StorageError(f"nothing is stored for the village {name!r}", code="storage.no_such_village",
                               params={"village": name})
        pattern = _name_pattern(names)
        found = _Erasing(conn, set(names), pattern)
        found.uploads()
        found.documents()
        found.plans()
        found.audit_details()
        result = found.result(names)
        database.audit(conn, actor, Role.ADMIN, "erase", **result.counts())
    database.checkpoint()
    return result


def _stored_names(conn: sa.Connection) -> set[str]:
    """Every village name the database holds anywhere (answers, uploads, plans, saved groupings)."""
    names = set(conn.execute(sa.select(responses.c.village).distinct()).scalars())
    for text, one, uploader in conn.execute(sa.select(uploads.c.villages, uploads.c.village,
                                                      uploads.c.uploader_village)):
        names.update(from_json(text) or [])
        names.update(n for n in (one, uploader) if n)
    for table in (strategies, actions, activities):
        for text in conn.execute(sa.select(table.c.villages)).scalars():
            names.update(from_json(text) or [])
    for payload in conn.execute(sa.select(documents.c.payload).where(documents.c.kind == GROUPING_KIND)).scalars():
        names.update(str(row.get("village")) for row in (from_json(payload) or {}).get("assignments") or [])
    return {n for n in names if isinstance(n, str)}


def _name_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """The names as whole words in any case, with up to four letters of a Finnish or Swedish ending
    ("Sippolan", "Sippolassa", "sippola_2025.csv")."""
    spelled = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{spelled})[^\W\d_]{{0,4}}(?![^\W_])", re.IGNORECASE)


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    """Every text inside ``value`` (nested dicts and lists) with the village's names replaced by ERASED."""
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, dict):
        return {_scrub(k, pattern): _scrub(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    return value


class _Erasing:
    """One erasure under way inside the write transaction ``conn``; collects what it did."""

    def __init__(self, conn: sa.Connection, names: set[str], pattern: re.Pattern[str]) -> None:
        self.conn, self.names, self.pattern = conn, names, pattern
        self.done: dict[str, Any] = {"uploads_deleted": [], "uploads_changed": [], "respondents": 0, "answers": 0,
                                     "poll_answers": 0, "survey_devices": 0, "groupings": [], "strategies": [], "actions": [],
                                     "activities": [], "audit_rows": 0, "mentions": []}

    def result(self, names: tuple[str, ...]) -> Erasure:
        done = {k: tuple(v) if isinstance(v, list) else v for k, v in self.done.items()}
        return Erasure(names=names, **done)

    def _mine(self, villages: Iterable[str]) -> list[str]:
        return [v for v in villages if v in self.names]

    # --- uploads and answers -------------------------------------------------------------------------

    def uploads(self) -> None:
        conn = self.conn
        rows = conn.execute(sa.select(uploads.c.id, uploads.c.role, uploads.c.villages)).all()
        for upload_id, role, text in rows:
            villages = from_json(text) or []
            gone = self._delete_answers(upload_id, role)
            if role == Role.POLL.value or not self._mine(villages) and not gone:
                continue
            if set(villages) <= self.names:
                conn.execute(sa.update(uploads).where(uploads.c.superseded_by == upload_id).values(superseded_by=None))
                conn.execute(sa.delete(uploads).where(uploads.c.id == upload_id))
                self.done["uploads_deleted"].append(int(upload_id))
            else:
                self._keep_others(int(upload_id), [v for v in villages if v not in self.names])
        conn.execute(sa.update(uploads).where(uploads.c.uploader_village.in_(self.names))
                     .values(uploader_village=None))
        self.done["survey_devices"] = conn.execute(
            sa.delete(survey_devices).where(survey_devices.c.village.in_(self.names))).rowcount

    def _delete_answers(self, upload_id: int, role: str) -> int:
        """Delete the village's answers of one upload; counts answers (and respondents)."""
        mine = sa.and_(responses.c.upload_id == upload_id, responses.c.village.in_(self.names))
        respondents = self.conn.execute(
            sa.select(sa.func.count(sa.distinct(responses.c.respondent))).where(mine)).scalar_one()
        count = self.conn.execute(sa.delete(responses).where(mine)).rowcount
        if role == Role.POLL.value:
            self.done["poll_answers"] += count
        else:
            self.done["answers"] += count
            self.done["respondents"] += int(respondents)
        return count

    def _keep_others(self, upload_id: int, others: list[str]) -> None:
        """An upload that holds other villages too: their answers stay, this village's name goes."""
        conn = self.conn
        row = conn.execute(sa.select(uploads).where(uploads.c.id == upload_id)).one()
        report = from_json(row.report) or {}
        values: dict[str, Any] = {
            "villages": to_json(others), "village": others[0] if len(others) == 1 else None,
            "filename": self.pattern.sub(ERASED, row.filename),
            "respondents": conn.execute(sa.select(sa.func.count(sa.distinct(responses.c.respondent)))
                                        .where(responses.c.upload_id == upload_id)).scalar_one(),
        }
        if row.content_kind == CONTENT_KIND:
            values["content"] = kept_copy.encode(self._other_rows(kept_copy.decode(row.content), report))
        report["villages"] = [v for v in report.get("villages") or [] if village_key(v) not in self._keys()]
        values["report"] = to_json(_scrub(report, self.pattern))
        conn.execute(sa.update(uploads).where(uploads.c.id == upload_id).values(values))
        self.done["uploads_changed"].append(upload_id)

    def _keys(self) -> set[str]:
        return {village_key(n) for n in self.names}

    def _other_rows(self, table: Any, report: dict[str, Any]) -> Any:
        """The copy without the rows of this village (its village column: the report's, else ``village``)."""
        column = report.get("village_column") or "village"
        if column not in table.columns:
            return table
        keys = table[column].map(lambda v: village_key(v) if isinstance(v, str) else "")
        return table[~keys.isin(self._keys())]

    # --- documents, plans, audit ---------------------------------------------------------------------

    def documents(self) -> None:
        """Saved groupings lose the village's rows; the app survey's decisions for it go; other documents
        naming it have the name replaced."""
        conn = self.conn
        for doc_id, kind, name, text in conn.execute(sa.select(
                documents.c.id, documents.c.kind, documents.c.name, documents.c.payload)
                .where(documents.c.kind != SECRET_KIND)).all():
            if kind == ROUND_KIND and str(name).partition(":")[2] in self.names:
                conn.execute(sa.delete(documents).where(documents.c.id == doc_id))
                continue
            if not self.pattern.search(text or ""):
                continue
            payload = from_json(text)
            if kind == GROUPING_KIND and isinstance(payload, dict):
                rows = payload.get("assignments") or []
                payload["assignments"] = [r for r in rows if str(r.get("village")) not in self.names]
                self.done["groupings"].append(str(name))
            payload = _scrub(payload, self.pattern)
            conn.execute(sa.update(documents).where(documents.c.id == doc_id).values(payload=to_json(payload)))

    def plans(self) -> None:
        """The village out of the village lists of strategies, actions and activities; free texts that
        still name it are listed in ``mentions``."""
        texts = {strategies: ("name", "vision"), actions: ("title", "description", "learnt"),
                 activities: ("title", "note")}
        labels = {strategies: "strategy", actions: "action", activities: "activity"}
        for table, columns in texts.items():
            for row in self.conn.execute(sa.select(table.c.id, table.c.villages, *(table.c[c] for c in columns))):
                villages = from_json(row.villages) or []
                if self._mine(villages):
                    kept = [v for v in villages if v not in self.names]
                    self.conn.execute(sa.update(table).where(table.c.id == row.id).values(villages=to_json(kept)))
                    self.done[table.name].append(int(row.id))
                for column in columns:
                    if self.pattern.search(str(getattr(row, column) or "")):
                        self.done["mentions"].append(f"{labels[table]} {row.id}: {column}")

    def audit_details(self) -> None:
        """Deleted uploads' audit rows keep their action only; other details lose the name."""
        deleted = self.done["uploads_deleted"]
        for audit_id, upload_id, detail in self.conn.execute(sa.select(audit.c.id, audit.c.upload_id, audit.c.detail)):
            if upload_id in deleted and detail is not None:
                new = None
            elif detail and self.pattern.search(detail):
                new = to_json(_scrub(from_json(detail), self.pattern))
            else:
                continue
            self.conn.execute(sa.update(audit).where(audit.c.id == audit_id).values(detail=new))
            self.done["audit_rows"] += 1
