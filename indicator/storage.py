"""Stored surveys: uploads with their original bytes, long-form answers, audit log, documents, poll.

``Store(url=None)`` opens (and creates) the database: the URL, else env ``DATABASE_URL``, else the
embedded SQLite file ``data/alykyla.db``. SQLite and PostgreSQL (``postgresql://...``) run the same code.
Every change is one transaction and writes an audit row. Only approved uploads count in scores.

Public API (all on ``Store``)
-----------------------------
add_upload(content, filename, round, framework, *, role="village", actor="anonymous",
           uploader_village=None, village=None, overrides=None, approve=False) -> UploadResult
store_read(content, filename, round, framework, frame, report, **same keywords) -> UploadResult
                                            (the storing half of add_upload, for an already read file)
approve(upload_id, actor) -> None           supersedes older approved uploads of the same village(s), round
reject(upload_id, actor, note=None) -> None keeps the file, status "rejected"; what it superseded returns
uploads(status=None) -> DataFrame           one row per upload (no bytes) with villages and respondents
upload(upload_id) -> dict                   every column incl. content bytes, mapping and report (dicts)
responses(status="approved", framework=None) -> DataFrame   the responses table with round and upload_id
scores(framework, options=None) -> Scores   scoring.score over the approved responses of all rounds
progress(framework, *, method="slope", registry=None) -> DataFrame   (registry: see village_registry())
audit_log(limit=None) -> DataFrame          newest first
save_document(kind, name, payload, actor="anonymous"), document(kind, name) -> payload | None,
documents(kind) -> DataFrame, delete_document(kind, name, actor="anonymous") -> bool
add_activity(goal_id, title, done_on, *, area=None, groups=(), villages=(), note=None, actor=...) -> int,
activities() -> DataFrame, delete_activity(activity_id, actor="anonymous") -> bool
add_poll_response(session_key, values, round, actor="poll") -> bool, poll_responses(round=None) -> DataFrame
state_token() -> str, is_empty() -> bool, load_demo(framework) -> int
export_xlsx(path, framework=None) -> None, restore_xlsx(path) -> None

Superseding: when an upload is approved, every other approved upload of the same round whose villages
are all in the new one becomes ``superseded`` (kept, ``superseded_by`` set). An older upload that covers
further villages stays approved, but for each (village, round) only the most recently approved upload
counts in ``responses()``.

Poll answers (seminar polls): one upload per round with role ``poll``, village ``db.POLL_VILLAGE`` and
status approved; each answering browser session is one respondent (key: the poll session id). They never
enter ``responses()``/``scores()``; ``poll_responses(round)`` gives them, one row per answer, for charts.
A session answers each round once (unique (session_key, round) in ``poll_sessions``) and at most
``poll_rate_limit`` = (answers, seconds) are taken in any window (default ``POLL_RATE_LIMIT``).

Module functions: ``village_registry()`` (the shipped registry or None), ``demo_files()``,
``long_form(frame, framework)`` (responses table -> long rows).
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from indicator import db
from indicator.db import activities, audit, documents, poll_sessions, responses, uploads
from indicator.errors import IndicatorError, StorageError
from indicator.framework import Framework

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
POLL_RATE_LIMIT: tuple[int, float] = (300, 60.0)  # at most this many poll answers per this many seconds
APPROVAL_LOCK = 0x414C594B  # PostgreSQL advisory lock key serialising approvals
SHEET_ROWS = 1_000_000  # a sheet holds 1,048,576 rows; longer tables continue on "name.2", ...
BACKUP_FORMAT = "alykyla-mittaristo-backup-1"
UPLOAD_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in uploads.columns if c.name not in ("content", "mapping", "report")
)


@dataclass(frozen=True)
class UploadResult:
    """What ``add_upload`` did: the upload's id and status, and whether the file was already stored."""

    upload_id: int
    status: str
    duplicate: bool
    first_seen: datetime | None
    report: Any  # indicator.reading.ImportReport


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything stored is UTC."""
    if value is None or pd.isna(value):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)  # NaN stays NaN (Python reads it back)


def from_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def long_form(frame: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Responses table -> rows (respondent, village, item, value), missing answers and villages dropped."""
    items = [i for i in framework.item_ids if i in frame.columns]
    keys = frame.reindex(columns=["respondent", "village"]).astype(object)
    respondent = keys["respondent"].where(keys["respondent"].notna(), None)
    if respondent.isna().any() or respondent.astype(str).duplicated().any():
        respondent = pd.Series([str(n) for n in range(1, len(frame) + 1)], index=frame.index)
    wide = pd.concat([respondent.astype(str).rename("respondent"), keys["village"]], axis=1)
    wide[items] = frame[items].apply(pd.to_numeric, errors="coerce").astype(float)
    out = wide.melt(id_vars=["respondent", "village"], value_vars=items, var_name="item", value_name="value")
    out = out[out["value"].notna() & out["village"].notna()]
    out["village"] = out["village"].astype(str).str.strip()
    return out[out["village"] != ""].reset_index(drop=True)


def _frame(result: sa.CursorResult) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in result.fetchall()], columns=list(result.keys()))


def _raw_frame(conn: sa.Connection, query: sa.Select) -> pd.DataFrame:
    """A large plain-typed query through the driver's cursor (SQLAlchemy's row objects cost 3x)."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
        columns = [d[0] for d in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=columns)
    finally:
        cursor.close()


def _insert_answers(conn: sa.Connection, upload_id: int, rows: pd.DataFrame) -> None:
    """Bulk insert of long-form answers inside the open transaction (PostgreSQL COPY, SQLite executemany)."""
    if not len(rows):
        return
    data = list(zip([upload_id] * len(rows), rows["respondent"].tolist(), rows["village"].tolist(),
                    rows["item"].tolist(), rows["value"].astype(float).tolist(), strict=True))
    names = "upload_id, respondent, village, item, value"
    cursor = conn.connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(f"COPY responses ({names}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO responses ({names}) VALUES (?, ?, ?, ?, ?)", data)
    finally:
        cursor.close()


class Store:
    """The survey database (see the module docstring for the API)."""

    def __init__(self, url: str | None = None, *, poll_rate_limit: tuple[int, float] = POLL_RATE_LIMIT) -> None:
        self.url = db.resolve_url(url).render_as_string(hide_password=True)
        self.poll_rate_limit = poll_rate_limit
        try:
            self.engine = db.create_engine(url)
            db.create_schema(self.engine)
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            raise StorageError(f"cannot open the database: {db.failure_reason(exc)}", file=self.url) from None

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def close(self) -> None:
        """Release pooled connections (the Store can still be used afterwards)."""
        self.engine.dispose()

    # --- transactions ---------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """One write transaction (SQLite: BEGIN IMMEDIATE)."""
        with self.engine.connect() as conn:
            conn.execution_options(write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @staticmethod
    def _audit(
        conn: sa.Connection, actor: str, role: str, action: str, upload_id: int | None = None, **detail: Any
    ) -> None:
        conn.execute(
            sa.insert(audit).values(
                at=utcnow(), actor=actor, role=role, action=action, upload_id=upload_id,
                detail=to_json(detail) if detail else None,
            )
        )

    # --- uploads --------------------------------------------------------------------------------

    def add_upload(
        self,
        content: bytes,
        filename: str,
        round: int,
        framework: Framework,
        *,
        role: str = "village",
        actor: str = "anonymous",
        uploader_village: str | None = None,
        village: str | None = None,
        overrides: Mapping[str, str] | None = None,
        approve: bool = False,
        village_column: str | None = None,
        village_default: str | None = None,
    ) -> UploadResult:
        """Read a survey file and store bytes, answers and an audit row in one transaction.

        The same bytes for the same round are stored once: a repeat returns ``duplicate=True`` and
        the first upload's id and time. ``approve=True`` approves it in the same transaction (a pending
        repeat is approved then; a rejected or superseded one keeps its status).
        Raises ``ReadError`` for an unusable file (nothing is stored).
        """
        from indicator.reading import read_survey

        result = read_survey(content, framework, filename=filename, village=village, overrides=overrides,
                             village_column=village_column, village_default=village_default)
        return self.store_read(
            content, filename, round, framework, result.responses, result.report,
            role=role, actor=actor, uploader_village=uploader_village, village=village, approve=approve,
        )

    def store_read(
        self,
        content: bytes,
        filename: str,
        round: int,
        framework: Framework,
        frame: pd.DataFrame,
        report: Any,
        *,
        role: str = "village",
        actor: str = "anonymous",
        uploader_village: str | None = None,
        village: str | None = None,
        approve: bool = False,
    ) -> UploadResult:
        """Store an already read file (``add_upload`` after ``read_survey``); same rules as ``add_upload``."""
        _check_round(round)
        if role not in db.ROLES:
            raise StorageError(f"unknown role {role!r}; choose one of {', '.join(db.ROLES)}")
        sha = hashlib.sha256(content).hexdigest()
        known = self._find(sha, round)
        if known is not None:
            status = known["status"]
            if approve and status == "pending":  # asked to approve what is already here: approve that
                with self._write() as conn:
                    if _get_upload(conn, known["id"]).status == "pending":
                        self._approve(conn, known["id"], actor, role)
                status = "approved"
            return UploadResult(known["id"], status, True, known["uploaded_at"], report)
        rows = long_form(frame, framework)
        villages = sorted(rows["village"].unique())
        row = {
            "sha256": sha, "filename": filename, "size": len(content), "content": content,
            "uploaded_at": utcnow(), "round": int(round), "role": role, "actor": actor,
            "uploader_village": uploader_village,
            "village": village or (villages[0] if len(villages) == 1 else None),
            "villages": to_json(villages), "respondents": int(rows["respondent"].nunique()),
            "source_tool": getattr(report, "source_tool", None),
            "mapping": to_json(dict(getattr(report, "mapped", {}) or {})),
            "report": to_json(_report_dict(report)),
            "framework_id": framework.id, "framework_version": framework.version, "status": "pending",
        }
        try:
            with self._write() as conn:
                upload_id = conn.execute(sa.insert(uploads).values(row).returning(uploads.c.id)).scalar_one()
                _insert_answers(conn, upload_id, rows)
                self._audit(conn, actor, role, "upload", upload_id, filename=filename, round=int(round),
                            sha256=sha, villages=villages, answers=len(rows))
                if approve:
                    self._approve(conn, upload_id, actor, role)
        except sa.exc.IntegrityError:
            known = self._find(sha, round)
            if known is None:
                raise StorageError("the database refused the upload", file=filename) from None
            return UploadResult(known["id"], known["status"], True, known["uploaded_at"], report)
        return UploadResult(upload_id, "approved" if approve else "pending", False, None, report)

    def _find(self, sha: str, round: int) -> dict[str, Any] | None:
        with self._read() as conn:
            row = conn.execute(
                sa.select(uploads.c.id, uploads.c.status, uploads.c.uploaded_at).where(
                    uploads.c.sha256 == sha, uploads.c.round == int(round)
                )
            ).one_or_none()
        if row is None:
            return None
        return {"id": row.id, "status": row.status, "uploaded_at": as_utc(row.uploaded_at)}

    def approve(self, upload_id: int, actor: str = "anonymous", *, role: str = "admin") -> None:
        """Approve an upload; older approved uploads covering only its villages (same round) are superseded."""
        with self._write() as conn:
            self._approve(conn, upload_id, actor, role)

    def _approve(self, conn: sa.Connection, upload_id: int, actor: str, role: str) -> None:
        if conn.dialect.name == "postgresql":  # approvals one at a time, so superseding sees the others
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({APPROVAL_LOCK})")
        current = _get_upload(conn, upload_id)
        if current.role == "poll":
            raise StorageError(f"upload {upload_id} holds poll answers and cannot be approved")
        conn.execute(
            sa.update(uploads).where(uploads.c.id == upload_id).values(
                status="approved", decided_at=utcnow(), decided_by=actor, superseded_by=None
            )
        )
        mine = _villages_of(conn, [upload_id]).get(upload_id, set())
        others = conn.execute(
            sa.select(uploads.c.id).where(
                uploads.c.status == "approved", uploads.c.round == current.round,
                uploads.c.role != "poll", uploads.c.id != upload_id,
            )
        ).scalars().all()
        theirs = _villages_of(conn, others)
        covered = [uid for uid in others if mine and theirs.get(uid, set()) <= mine]
        if covered:
            conn.execute(
                sa.update(uploads).where(uploads.c.id.in_(covered)).values(
                    status="superseded", superseded_by=upload_id, decided_at=utcnow(), decided_by=actor
                )
            )
        self._audit(conn, actor, role, "approve", upload_id, previous=current.status, superseded=sorted(covered))

    def reject(self, upload_id: int, actor: str = "anonymous", note: str | None = None, *, role: str = "admin") -> None:
        """Reject an upload: it stays stored (bytes and answers) but never counts; uploads that it had
        superseded are approved again."""
        with self._write() as conn:
            current = _get_upload(conn, upload_id)
            conn.execute(
                sa.update(uploads).where(uploads.c.id == upload_id).values(
                    status="rejected", decided_at=utcnow(), decided_by=actor, note=note
                )
            )
            restored = []
            if current.status == "approved":  # the uploads it had superseded count again
                restored = conn.execute(
                    sa.select(uploads.c.id).where(uploads.c.superseded_by == upload_id, uploads.c.status == "superseded")
                ).scalars().all()
                conn.execute(sa.update(uploads).where(uploads.c.id.in_(restored)).values(
                    status="approved", superseded_by=None))
            self._audit(conn, actor, role, "reject", upload_id, previous=current.status, note=note,
                        restored=sorted(restored))

    def uploads(self, status: str | None = None) -> pd.DataFrame:
        """One row per upload (without the bytes), newest first, with ``villages`` and ``respondents``."""
        if status is not None and status not in db.STATUSES:
            raise StorageError(f"unknown status {status!r}; choose one of {', '.join(db.STATUSES)}")
        query = sa.select(*(uploads.c[c] for c in UPLOAD_COLUMNS)).order_by(uploads.c.id.desc())
        if status is not None:
            query = query.where(uploads.c.status == status)
        with self._read() as conn:
            table = _frame(conn.execute(query))
        table["villages"] = table["villages"].map(lambda t: ", ".join(from_json(t) or [])).astype(object)
        table["superseded_by"] = table["superseded_by"].astype("Int64")
        for column in ("uploaded_at", "decided_at"):
            table[column] = pd.to_datetime(table[column].map(as_utc), utc=True)
        return table.reset_index(drop=True)

    def upload(self, upload_id: int) -> dict[str, Any]:
        """Everything about one upload: columns, original bytes, mapping and import report as dicts."""
        with self._read() as conn:
            row = _get_upload(conn, upload_id)
        out = dict(row._mapping)
        out.update(mapping=from_json(out["mapping"]), report=from_json(out["report"]),
                   villages=from_json(out["villages"]) or [],
                   uploaded_at=as_utc(out["uploaded_at"]), decided_at=as_utc(out["decided_at"]))
        return out

    # --- responses and scores -------------------------------------------------------------------

    def responses(self, status: str | None = "approved", framework: Framework | None = None) -> pd.DataFrame:
        """The responses table (village, round, respondent, upload_id, items) of uploads with this status.

        For ``approved`` only the most recently approved upload of each (village, round) counts.
        ``status=None`` gives every non-poll upload. With ``framework`` every item is a column.
        """
        chosen = sa.select(uploads.c.id, uploads.c.round, uploads.c.decided_at).where(uploads.c.role != "poll")
        if status is not None:
            chosen = chosen.where(uploads.c.status == status)
        query = sa.select(responses.c.upload_id, responses.c.respondent, responses.c.village, responses.c.item,
                          responses.c.value).where(responses.c.upload_id.in_(chosen.with_only_columns(uploads.c.id)))
        with self._read() as conn:
            picked = _frame(conn.execute(chosen)).rename(columns={"id": "upload_id"})
            long = _raw_frame(conn, query)
        long = long.merge(picked, on="upload_id")  # inner: an upload decided meanwhile is left out
        if status == "approved" and len(long):
            long = _latest_per_village(long)
        return _wide(long, framework)

    def scores(self, framework: Framework, options: Any = None) -> Any:
        """``indicator.scoring.score`` over the approved responses of every round."""
        from indicator.scoring import ScoreOptions, score

        return score(self.responses(framework=framework), framework, options or ScoreOptions())

    def progress(
        self, framework: Framework, *, method: str = "slope", registry: pd.DataFrame | None = None,
        options: Any = None,
    ) -> pd.DataFrame:
        """Progress toward the target year from the stored scores (``indicator.progress.progress``)."""
        from indicator.progress import progress

        return progress(self.scores(framework, options).table, framework, method=method, registry=registry)

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """The audit log, newest first: id, at, actor, role, action, upload_id, detail (dict)."""
        query = sa.select(audit).order_by(audit.c.id.desc())
        if limit is not None:
            query = query.limit(int(limit))
        with self._read() as conn:
            table = _frame(conn.execute(query))
        table["at"] = pd.to_datetime(table["at"].map(as_utc), utc=True)
        table["upload_id"] = table["upload_id"].astype("Int64")
        table["detail"] = table["detail"].map(from_json).astype(object)
        return table

    # --- documents and activities ---------------------------------------------------------------

    def save_document(self, kind: str, name: str, payload: Any, actor: str = "anonymous") -> None:
        """Save (or replace) the json payload named ``name`` of this kind (weight set, grouping, ...)."""
        text = to_json(payload)
        values = {"payload": text, "created_at": utcnow(), "actor": actor}
        for attempt in range(3):
            try:
                with self._write() as conn:
                    where = (documents.c.kind == kind) & (documents.c.name == name)
                    done = conn.execute(sa.update(documents).where(where).values(values)).rowcount
                    if not done:
                        conn.execute(sa.insert(documents).values(kind=kind, name=name, **values))
                    self._audit(conn, actor, "admin", "save_document", kind=kind, name=name)
                return
            except sa.exc.IntegrityError:
                if attempt == 2:
                    raise StorageError(f"could not save document {kind}/{name}") from None

    def document(self, kind: str, name: str) -> Any:
        """The payload of one document, or None."""
        with self._read() as conn:
            text = conn.execute(
                sa.select(documents.c.payload).where(documents.c.kind == kind, documents.c.name == name)
            ).scalar_one_or_none()
        return from_json(text)

    def documents(self, kind: str | None = None) -> pd.DataFrame:
        """Documents (of one kind): kind, name, payload (parsed), created_at, actor; sorted by name."""
        query = sa.select(documents.c.kind, documents.c.name, documents.c.payload, documents.c.created_at,
                          documents.c.actor).order_by(documents.c.kind, documents.c.name)
        if kind is not None:
            query = query.where(documents.c.kind == kind)
        with self._read() as conn:
            table = _frame(conn.execute(query))
        table["payload"] = table["payload"].map(from_json).astype(object)
        table["created_at"] = pd.to_datetime(table["created_at"].map(as_utc), utc=True)
        return table

    def delete_document(self, kind: str, name: str, actor: str = "anonymous") -> bool:
        with self._write() as conn:
            gone = conn.execute(
                sa.delete(documents).where(documents.c.kind == kind, documents.c.name == name)
            ).rowcount
            if gone:
                self._audit(conn, actor, "admin", "delete_document", kind=kind, name=name)
        return bool(gone)

    def add_activity(
        self, goal_id: str, title: str, done_on: date, *, area: str | None = None, groups: Iterable[Any] = (),
        villages: Iterable[str] = (), note: str | None = None, actor: str = "anonymous",
    ) -> int:
        """Record one action toward a project goal (e.g. a kick-off event held); returns its id."""
        if not str(goal_id).strip() or not str(title).strip():
            raise StorageError("an activity needs a goal and a title")
        row = {"goal_id": goal_id, "title": title, "done_on": done_on, "area": area,
               "groups": to_json(list(groups)), "villages": to_json(list(villages)), "note": note,
               "actor": actor, "created_at": utcnow()}
        with self._write() as conn:
            new_id = conn.execute(sa.insert(activities).values(row).returning(activities.c.id)).scalar_one()
            self._audit(conn, actor, "admin", "add_activity", goal_id=goal_id, activity_id=new_id)
        return int(new_id)

    def activities(self) -> pd.DataFrame:
        """Project-goal records, oldest first; ``groups`` and ``villages`` are lists."""
        with self._read() as conn:
            table = _frame(conn.execute(sa.select(activities).order_by(activities.c.done_on, activities.c.id)))
        for column in ("groups", "villages"):
            table[column] = table[column].map(lambda t: from_json(t) or []).astype(object)
        table["created_at"] = pd.to_datetime(table["created_at"].map(as_utc), utc=True)
        return table

    def delete_activity(self, activity_id: int, actor: str = "anonymous") -> bool:
        with self._write() as conn:
            gone = conn.execute(sa.delete(activities).where(activities.c.id == activity_id)).rowcount
            if gone:
                self._audit(conn, actor, "admin", "delete_activity", activity_id=activity_id)
        return bool(gone)

    # --- seminar poll ---------------------------------------------------------------------------

    def add_poll_response(self, session_key: str, values: Mapping[str, float], round: int,
                          actor: str = "poll") -> bool:
        """Store one browser session's poll answers; False when it already answered or the rate limit hit."""
        _check_round(round)
        answers = {str(k): float(v) for k, v in values.items() if v is not None and math.isfinite(float(v))}
        upload_id = self._poll_upload(round, actor)
        limit, seconds = self.poll_rate_limit
        now = utcnow()
        try:
            with self._write() as conn:
                recent = conn.execute(
                    sa.select(sa.func.count()).select_from(poll_sessions).where(
                        poll_sessions.c.at >= now - timedelta(seconds=seconds))
                ).scalar_one()
                if recent >= limit:
                    return False
                session_id = conn.execute(
                    sa.insert(poll_sessions).values(session_key=session_key, round=int(round), at=now)
                    .returning(poll_sessions.c.id)
                ).scalar_one()
                conn.execute(sa.update(uploads).where(uploads.c.id == upload_id).values(
                    respondents=uploads.c.respondents + 1))
                if answers:
                    conn.execute(sa.insert(responses), [
                        {"upload_id": upload_id, "respondent": str(session_id), "village": db.POLL_VILLAGE,
                         "item": item, "value": value} for item, value in answers.items()
                    ])
        except sa.exc.IntegrityError:  # this session already answered this round
            return False
        return True

    def _poll_upload(self, round: int, actor: str) -> int:
        """The per-round upload holding poll answers (created on first use, race-safe)."""
        content = f"poll:{int(round)}".encode()
        sha = hashlib.sha256(content).hexdigest()
        for _ in range(3):
            known = self._find(sha, round)
            if known is not None:
                return known["id"]
            try:
                with self._write() as conn:
                    now = utcnow()
                    new_id = conn.execute(sa.insert(uploads).values(
                        sha256=sha, filename=f"poll-{int(round)}", size=len(content), content=content,
                        uploaded_at=now, round=int(round), role="poll", actor=actor, village=db.POLL_VILLAGE,
                        villages=to_json([db.POLL_VILLAGE]),
                        source_tool="poll", status="approved", decided_at=now, decided_by=actor,
                    ).returning(uploads.c.id)).scalar_one()
                    self._audit(conn, actor, "poll", "open_poll", new_id, round=int(round))
                return int(new_id)
            except sa.exc.IntegrityError:
                continue
        raise StorageError(f"could not open the poll of round {round}")

    def poll_responses(self, round: int | None = None) -> pd.DataFrame:
        """Poll answers, one row each: round, respondent (poll session), item, value, at."""
        query = (
            sa.select(uploads.c.round, responses.c.respondent, responses.c.item, responses.c.value,
                      poll_sessions.c.at)
            .join(uploads, uploads.c.id == responses.c.upload_id)
            .join(poll_sessions, sa.cast(poll_sessions.c.id, sa.String) == responses.c.respondent)
            .where(uploads.c.role == "poll")
            .order_by(poll_sessions.c.id, responses.c.item)
        )
        if round is not None:
            query = query.where(uploads.c.round == int(round))
        with self._read() as conn:
            table = _frame(conn.execute(query))
        table["at"] = pd.to_datetime(table["at"].map(as_utc), utc=True)
        return table

    # --- state ----------------------------------------------------------------------------------

    def state_token(self) -> str:
        """A short text that changes whenever stored data change (for Streamlit cache keys)."""
        parts = [sa.select(sa.func.max(t.c.id)).scalar_subquery() for t in (audit, poll_sessions)]
        parts.append(sa.select(sa.func.count()).select_from(uploads).scalar_subquery())
        with self._read() as conn:
            values = conn.execute(sa.select(*parts)).one()
        url_key = hashlib.sha1(self.url.encode()).hexdigest()[:8]
        return f"{url_key}-" + "-".join(str(v or 0) for v in values)

    def is_empty(self) -> bool:
        """True when nothing at all is stored."""
        with self._read() as conn:
            return all(
                conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is None
                for t in db.TABLES
            )

    def load_demo(self, framework: Framework, actor: str = "demo") -> int:
        """Ingest and approve every demo file; returns how many were newly stored."""
        stored = 0
        for path, round_ in demo_files():
            result = self.add_upload(Path(path).read_bytes(), Path(path).name, round_, framework,
                                     role="admin", actor=actor, approve=True)
            stored += not result.duplicate
        return stored

    # --- backup ---------------------------------------------------------------------------------

    def export_xlsx(self, path: str | Path, framework: Framework | None = None) -> None:
        """Write the whole database (uploads with base64 bytes, answers, audit, documents, activities,
        poll) plus computed scores and progress to one xlsx; every text cell is formula-safe."""
        from indicator.xlsxsafe import write_xlsx

        with self._read() as conn:
            dumped = db.dump_tables(conn)
        sheets: dict[str, pd.DataFrame] = {"meta": pd.DataFrame(
            {"key": ["format", "schema_version", "exported_at"],
             "value": [BACKUP_FORMAT, str(db.SCHEMA_VERSION), utcnow().isoformat()]})}
        sheets.update(self._computed_sheets(framework))
        for table in db.TABLES:
            frame = pd.DataFrame(dumped[table.name], columns=[c.name for c in table.columns])
            for part, start in enumerate(range(0, max(len(frame), 1), SHEET_ROWS), start=1):
                sheets[table.name if part == 1 else f"{table.name}.{part}"] = frame.iloc[start : start + SHEET_ROWS]
        sheets[db.BLOB_SHEET] = pd.DataFrame(dumped[db.BLOB_SHEET], columns=["table", "row", "column", "part", "text"])
        target = Path(path)
        partial = target.with_name(f".{target.name}.partial")
        try:
            write_xlsx({k: v.astype(object) for k, v in sheets.items()}, partial)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise StorageError(f"cannot write the backup: {exc.strerror}", file=str(target)) from None

    def _computed_sheets(self, framework: Framework | None) -> dict[str, pd.DataFrame]:
        """Scores and progress for the export (empty when no framework can be loaded)."""
        from indicator.framework import load
        from indicator.progress import progress

        try:
            framework = framework or load()
        except IndicatorError:
            return {}
        scores = self.scores(framework).table
        return {"scores": scores, "progress": progress(scores, framework, registry=village_registry())}

    def restore_xlsx(self, path: str | Path) -> None:
        """Fill an empty database from an ``export_xlsx`` workbook (ids and times kept) in one transaction."""
        if not self.is_empty():
            raise StorageError("the database is not empty; restore only into an empty database", file=str(path))
        sheets = _join_parts(_read_workbook(Path(path)))
        meta = {r.get("key"): r.get("value") for r in sheets.get("meta", [])}
        if meta.get("format") != BACKUP_FORMAT:
            raise StorageError("not a database export of this tool (no 'meta' sheet with its format)",
                               file=str(path))
        with self._write() as conn:
            counts = db.load_tables(conn, sheets)
            self._audit(conn, "restore", "admin", "restore", file=Path(path).name, rows=counts)


# --- helpers ------------------------------------------------------------------------------------------


def _check_round(round: int) -> None:
    if isinstance(round, bool) or not isinstance(round, numbers.Integral) or not 1900 <= int(round) <= 2200:
        raise StorageError(f"a round must be a year such as 2025, got {round!r}")


def _report_dict(report: Any) -> dict[str, Any]:
    if hasattr(report, "to_dict"):
        return report.to_dict()
    return dict(report) if isinstance(report, Mapping) else {}


def _get_upload(conn: sa.Connection, upload_id: int) -> sa.Row:
    row = conn.execute(sa.select(uploads).where(uploads.c.id == int(upload_id))).one_or_none()
    if row is None:
        raise StorageError(f"there is no upload {upload_id}")
    return row


def _villages_of(conn: sa.Connection, upload_ids: list[int]) -> dict[int, set[str]]:
    if not upload_ids:
        return {}
    rows = conn.execute(sa.select(uploads.c.id, uploads.c.villages).where(uploads.c.id.in_(upload_ids))).all()
    return {upload_id: set(from_json(text) or []) for upload_id, text in rows}


def _latest_per_village(long: pd.DataFrame) -> pd.DataFrame:
    """Keep, for each (village, round), only the answers of the most recently approved upload."""
    keys = long[["village", "round", "decided_at", "upload_id"]].drop_duplicates(["village", "round", "upload_id"])
    keys = keys.assign(decided_at=pd.to_datetime(keys["decided_at"].map(as_utc), utc=True))
    latest = keys.sort_values(["decided_at", "upload_id"]).drop_duplicates(["village", "round"], keep="last")
    return long.merge(latest[["village", "round", "upload_id"]], on=["village", "round", "upload_id"])


def _wide(long: pd.DataFrame, framework: Framework | None) -> pd.DataFrame:
    keys = ["village", "round", "respondent", "upload_id"]
    items = list(framework.item_ids) if framework is not None else sorted(long["item"].unique()) if len(long) else []
    if len(long):
        wide = long.set_index([*keys, "item"])["value"].unstack("item").reset_index()
        wide.columns.name = None
    else:
        wide = pd.DataFrame(columns=keys)
    wide = wide.reindex(columns=[*keys, *items, *(c for c in wide.columns if c not in keys and c not in items)])
    wide["village"] = wide["village"].astype(object)
    wide["respondent"] = wide["respondent"].astype(object)
    wide["round"] = wide["round"].astype("Int64")
    wide["upload_id"] = wide["upload_id"].astype("Int64")
    for item in wide.columns[len(keys):]:
        wide[item] = wide[item].astype(float)
    return wide.sort_values(["round", "village", "upload_id", "respondent"], kind="stable").reset_index(drop=True)


def village_registry() -> pd.DataFrame | None:
    """The shipped village registry, or None when it cannot be read (progress then has no area rows)."""
    from indicator.registry import load_villages

    try:
        return load_villages()
    except IndicatorError:
        return None


def _sheet_part(name: str) -> tuple[str, int]:
    """``responses.2`` -> (``responses``, 2); any other name is part 1 of itself."""
    base, _, suffix = name.rpartition(".")
    return (base, int(suffix)) if base and suffix.isdigit() else (name, 1)


def _join_parts(sheets: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Sheets ``name``, ``name.2``, ``name.3``... (a table longer than a sheet) joined back in order."""
    joined: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(sheets, key=_sheet_part):
        joined.setdefault(_sheet_part(name)[0], []).extend(sheets[name])
    return joined


def _read_workbook(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every sheet of a workbook as a list of row dicts (header row = keys), values as stored."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise StorageError("backup file not found", file=str(path)) from None
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise StorageError(f"cannot read the backup workbook: {exc}", file=str(path)) from None
    sheets = {}
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [str(h) if h is not None else "" for h in next(rows, ())]
            sheets[sheet.title] = [dict(zip(header, row, strict=False)) for row in rows]
    finally:
        book.close()
    return sheets


def demo_files() -> list[tuple[Path, int]]:
    """The demo survey files with their rounds: ``indicator.demo`` when present, else ``data/demo/<round>/*``."""
    try:
        from indicator.demo import demo_files as shipped
    except ImportError:
        shipped = None
    if shipped is not None:
        return list(shipped())
    files = []
    for folder in sorted(DEMO_DIR.glob("[12][0-9][0-9][0-9]")):
        files += [(p, int(folder.name)) for p in sorted(folder.iterdir()) if p.is_file()]
    return files


def default_url() -> str:
    """The URL a Store opens without arguments (for messages)."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{db.DEFAULT_DB_PATH}"
