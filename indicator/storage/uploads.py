"""Uploads: stored survey files with their answers, approval, rejection and superseding.

Every change is one transaction with its audit row. The same bytes for the same round are stored once
(a repeat is reported as a duplicate of the first). Only approved uploads count in scores.

Superseding: when an upload is approved, every other approved upload of the same round whose villages
are all in the new one becomes ``superseded`` (kept, ``superseded_by`` set). An older upload that covers
further villages stays approved, but for each (village, round) only the most recently approved upload
counts (``indicator.storage.responses``). Rejecting an approved upload approves again what it superseded.

Collections (``Uploads.collection``) are uploads that grow one answer at a time instead of arriving as a
file: the seminar poll of a round is one (``indicator.storage.poll``), and the answers of a village's
survey in the app, per village and round, another (``indicator.storage.app_survey``).

Nothing personal is written: an upload keeps a sanitised copy of its file (``indicator.storage.kept``),
never the uploaded bytes; its file name (names too), import report and audit detail are masked
(``indicator.reading.personal``). Village names are stored in one spelling per village: the
registry's, else one already stored, whatever the case, spacing or look-alike letters of the file
(``indicator.names``).
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from indicator.errors import StorageError
from indicator.framework import Framework
from indicator.names import village_key
from indicator.reading.personal import mask, mask_free_text, mask_tree
from indicator.storage import kept as kept_copy
from indicator.storage.convert import as_utc, frame_of, from_json, to_json, utc_column, utcnow
from indicator.storage.engine import Database
from indicator.storage.responses import answer_tuples, insert_answers, long_form, village_registry
from indicator.storage.schema import KEY_KIND, ROLES, STATUSES, UPLOAD_LISTING, Role, Status, uploads

if TYPE_CHECKING:
    from indicator.reading import ImportReport, IsolatedReader

APPROVAL_LOCK = 0x414C594B  # PostgreSQL advisory lock key serialising approvals


@dataclass(frozen=True)
class UploadResult:
    """What storing a file did: the upload's id and status, and whether the file was already stored
    (then ``first_seen`` is when the first copy came). ``report`` is the reader's import report."""

    upload_id: int
    status: Status
    duplicate: bool
    first_seen: datetime | None
    report: ImportReport | Mapping[str, Any]


@dataclass(frozen=True)
class UploadRecord:
    """One stored upload, every column: ``content`` (the sanitised copy, see ``kept()``), and the mapping
    and import report as dicts."""

    id: int
    sha256: str
    filename: str
    size: int
    content: bytes
    uploaded_at: datetime
    round: int
    role: Role
    actor: str
    uploader_village: str | None
    village: str | None
    villages: list[str]
    respondents: int
    source_tool: str | None
    mapping: dict[str, str] | None
    report: dict[str, Any] | None
    framework_id: str | None
    framework_version: str | None
    status: Status
    superseded_by: int | None
    decided_at: datetime | None
    decided_by: str | None
    note: str | None
    content_kind: str | None = None

    def kept(self) -> pd.DataFrame | None:
        """The sanitised copy of the file as a table (``indicator.storage.kept``); None for a collection."""
        return kept_copy.decode(self.content) if self.content_kind == kept_copy.CONTENT_KIND else None

    @classmethod
    def from_row(cls, row: sa.Row) -> UploadRecord:
        """The record of an ``uploads`` row (JSON columns parsed, times as aware UTC)."""
        values = dict(row._mapping)
        values.update(
            mapping=from_json(values["mapping"]), report=from_json(values["report"]),
            villages=from_json(values["villages"]) or [], role=Role(values["role"]),
            status=Status(values["status"]), content=bytes(values["content"]),
            uploaded_at=as_utc(values["uploaded_at"]), decided_at=as_utc(values["decided_at"]),
        )
        return cls(**values)


@dataclass(frozen=True)
class _Known:
    """An upload already stored with the same bytes and round."""

    id: int
    status: Status
    uploaded_at: datetime | None


def check_round(round: int) -> None:
    """A round is a year (1900-2200) given as an integer (numpy integers too, not bools)."""
    if isinstance(round, bool) or not isinstance(round, numbers.Integral) or not 1900 <= int(round) <= 2200:
        raise StorageError(f"a round must be a year such as 2025, got {round!r}", code="storage.bad_round",
                           params={"round": repr(round)})


def check_role(role: str) -> Role:
    """The role named ``role``, or a StorageError listing the roles."""
    if role not in ROLES:
        choices = ", ".join(ROLES)
        raise StorageError(f"unknown role {role!r}; choose one of {choices}", code="storage.unknown_role",
                           params={"role": str(role), "choices": choices})
    return Role(role)


class Uploads:
    """The uploads of one database (``Store.uploads``)."""

    def __init__(self, database: Database) -> None:
        self.db = database

    # --- storing ------------------------------------------------------------------------------------

    def add(
        self, content: bytes, filename: str, round: int, framework: Framework, *, role: str = Role.VILLAGE,
        actor: str = "anonymous", uploader_village: str | None = None, village: str | None = None,
        overrides: Mapping[str, str] | None = None, approve: bool = False, village_column: str | None = None,
        village_default: str | None = None, keep_free_text: bool = False, registry: pd.DataFrame | None = None,
        reader: IsolatedReader | None = None,
    ) -> UploadResult:
        """Read a survey file and store its sanitised copy, answers and an audit row in one transaction.

        The same bytes for the same round are stored once: a repeat returns ``duplicate=True`` and
        the first upload's id and time. ``approve=True`` approves it in the same transaction (a pending
        repeat is approved then; a rejected or superseded one keeps its status). ``keep_free_text`` keeps
        the file's other columns (masked) in the copy. Raises ``ReadError`` for an unusable file (nothing
        is stored). The file is read in a worker process with a memory cap and a time limit: ``reader``
        (one shared by the caller), else a new one.
        """
        from indicator.reading import IsolatedReader

        result = (reader or IsolatedReader()).read(
            content, framework, filename=filename, village=village, overrides=overrides,
            village_column=village_column, village_default=village_default)
        return self.store_read(
            content, filename, round, framework, result.responses, result.report,
            role=role, actor=actor, uploader_village=uploader_village, village=village, approve=approve,
            kept=result.kept, keep_free_text=keep_free_text, registry=registry,
        )

    def store_read(
        self, content: bytes, filename: str, round: int, framework: Framework, frame: pd.DataFrame,
        report: ImportReport | Mapping[str, Any], *, role: str = Role.VILLAGE, actor: str = "anonymous",
        uploader_village: str | None = None, village: str | None = None, approve: bool = False,
        kept: pd.DataFrame | None = None, keep_free_text: bool = False, registry: pd.DataFrame | None = None,
        max_pending: int | None = None, max_answers: int | None = None,
    ) -> UploadResult:
        """Store an already read file (``add`` after ``read_survey``); same rules as ``add``.

        ``content`` is the uploaded bytes: only their SHA-256 and size are kept. ``kept`` is the reader's
        sanitised copy (``ReadResult.kept``; without it the answers themselves are kept as the copy).
        Village names take the registry's spelling (``registry``, default the shipped one), else one
        already stored. Quotas for anonymous uploads: ``max_pending`` pending uploads per village (counted
        in the write transaction) and ``max_answers`` answers per file (StorageError beyond either).
        Everything is prepared before the write transaction opens, which then only inserts.
        """
        check_round(round)
        role = check_role(role)
        sha = hashlib.sha256(content).hexdigest()
        known = self._find(sha, round)
        if known is not None:
            return self._repeat(known, report, approve, actor, role)
        rows = long_form(frame, framework)
        if max_answers is not None and len(rows) > max_answers:
            raise StorageError(f"the file holds {len(rows)} answers; at most {max_answers} are taken from one file",
                               code="storage.too_many_answers", params={"answers": len(rows), "limit": max_answers},
                               file=mask_free_text(filename))
        names = self._spellings([*rows["village"].unique(), village, uploader_village], registry)
        rows["village"] = rows["village"].map(names)
        village, uploader_village = names.get(village), names.get(uploader_village)
        villages = sorted(rows["village"].unique())
        masked_name = mask_free_text(filename)
        masked_report = _masked_report(_report_dict(report), filename, masked_name)
        copy = kept_copy.sanitised_copy(kept, frame, masked_report, keep_free_text=keep_free_text)
        masked_report["kept_free_text"] = bool(keep_free_text and kept is not None)
        row = _upload_row(content, masked_name, round, framework, masked_report, rows, villages, role=role,
                          actor=actor, uploader_village=uploader_village, village=village, sha=sha)
        row.update(kept_copy.stored(copy))
        answers = answer_tuples(rows)
        try:
            with self.db.write() as conn:
                if max_pending is not None:
                    _check_pending(conn, villages, max_pending, row["filename"])
                upload_id = conn.execute(sa.insert(uploads).values(row).returning(uploads.c.id)).scalar_one()
                insert_answers(conn, upload_id, answers)
                self.db.audit(conn, actor, role, "upload", upload_id, filename=row["filename"], round=int(round),
                              sha256=sha, villages=villages, answers=len(rows),
                              kept_free_text=masked_report["kept_free_text"])
                if approve:
                    self._approve(conn, upload_id, actor, role)
        except sa.exc.IntegrityError:  # the same file came in at the same moment from elsewhere
            known = self._find(sha, round)
            if known is None:
                raise StorageError("the database refused the upload", code="storage.upload_refused",
                                   file=filename) from None
            return UploadResult(known.id, known.status, True, known.uploaded_at, report)
        return UploadResult(upload_id, Status.APPROVED if approve else Status.PENDING, False, None, report)

    def _repeat(self, known: _Known, report: ImportReport | Mapping[str, Any], approve: bool, actor: str,
                role: str) -> UploadResult:
        """A file stored before: asked to approve a pending one, approve that one."""
        status = known.status
        if approve and status == Status.PENDING:
            with self.db.write() as conn:
                if _get_row(conn, known.id).status == Status.PENDING:
                    self._approve(conn, known.id, actor, role)
            status = Status.APPROVED
        return UploadResult(known.id, status, True, known.uploaded_at, report)

    def _spellings(self, written: list[Any], registry: pd.DataFrame | None) -> dict[Any, Any]:
        """Written village name -> the name to store: the registry's spelling of the same village
        (``indicator.names.village_key``), else one already stored, else the first spelling met, masked."""
        registry = village_registry() if registry is None else registry
        known = [*(registry["village"].astype(str) if registry is not None else []), *self.village_names()]
        by_key: dict[str, str] = {}
        for name in known:
            by_key.setdefault(village_key(name), name)
        out: dict[Any, Any] = {None: None}
        for name in written:
            if isinstance(name, str) and name.strip():
                out[name] = by_key.setdefault(village_key(name), mask(" ".join(name.split())))
        return out

    def village_names(self) -> list[str]:
        """Every village name stored with an upload (poll collections left out), in upload order."""
        with self.db.read() as conn:
            lists = conn.execute(sa.select(uploads.c.villages).where(uploads.c.role != Role.POLL.value)
                                 .order_by(uploads.c.id)).scalars().all()
        return list(dict.fromkeys(name for text in lists for name in from_json(text) or []))

    def _find(self, sha: str, round: int) -> _Known | None:
        with self.db.read() as conn:
            row = conn.execute(
                sa.select(uploads.c.id, uploads.c.status, uploads.c.uploaded_at).where(
                    uploads.c.sha256 == sha, uploads.c.round == int(round)
                )
            ).one_or_none()
        return None if row is None else _Known(row.id, Status(row.status), as_utc(row.uploaded_at))

    def collection(self, key: str, round: int, *, filename: str, role: Role, village: str, source_tool: str,
                   actor: str, action: str, status: Status = Status.APPROVED,
                   on_create: Callable[[sa.Connection, int], None] | None = None) -> int:
        """The id of the upload that collects answers one at a time under ``key`` (e.g. ``poll:2026``),
        created on first use with audit ``action`` (race-safe across processes).

        A new collection has ``status`` (approved for the poll, pending for answers that await a
        coordinator); ``on_create(conn, upload_id)`` runs in the creating transaction (e.g. to copy answers in).
        """
        content = key.encode()
        sha = hashlib.sha256(content).hexdigest()
        for _ in range(3):
            known = self._find(sha, round)
            if known is not None:
                return known.id
            try:
                with self.db.write() as conn:
                    now = utcnow()
                    decided = status != Status.PENDING
                    new_id = conn.execute(sa.insert(uploads).values(
                        sha256=sha, filename=filename, size=len(content), content=content, content_kind=KEY_KIND,
                        uploaded_at=now,
                        round=int(round), role=role.value, actor=actor, village=village,
                        villages=to_json([village]), source_tool=source_tool, status=Status(status).value,
                        decided_at=now if decided else None, decided_by=actor if decided else None,
                    ).returning(uploads.c.id)).scalar_one()
                    if on_create is not None:
                        on_create(conn, int(new_id))
                    self.db.audit(conn, actor, role, action, new_id, round=int(round))
                return int(new_id)
            except sa.exc.IntegrityError:
                continue
        raise StorageError(f"could not open the collection {key!r}", code="storage.collection_not_opened",
                           params={"key": key})

    # --- deciding -----------------------------------------------------------------------------------

    def approve(self, upload_id: int, actor: str = "anonymous", *, role: str = Role.ADMIN) -> None:
        """Approve an upload; older approved uploads covering only its villages (same round) are superseded."""
        with self.db.write() as conn:
            self._approve(conn, upload_id, actor, role)

    def _approve(self, conn: sa.Connection, upload_id: int, actor: str, role: str) -> None:
        if conn.dialect.name == "postgresql":  # approvals one at a time, so superseding sees the others
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({APPROVAL_LOCK})")
        current = _get_row(conn, upload_id)
        if current.role == Role.POLL:
            raise StorageError(f"upload {upload_id} holds poll answers and cannot be approved",
                               code="storage.poll_not_approvable", params={"upload_id": upload_id})
        conn.execute(
            sa.update(uploads).where(uploads.c.id == upload_id).values(
                status=Status.APPROVED.value, decided_at=utcnow(), decided_by=actor, superseded_by=None
            )
        )
        covered = _supersede(conn, upload_id, current.round, actor)
        self.db.audit(conn, actor, role, "approve", upload_id, previous=current.status, superseded=covered)

    def reject(self, upload_id: int, actor: str = "anonymous", note: str | None = None, *,
               role: str = Role.ADMIN) -> None:
        """Reject an upload: it stays stored (bytes and answers) but never counts; uploads that it had
        superseded are approved again."""
        with self.db.write() as conn:
            current = _get_row(conn, upload_id)
            conn.execute(
                sa.update(uploads).where(uploads.c.id == upload_id).values(
                    status=Status.REJECTED.value, decided_at=utcnow(), decided_by=actor, note=note
                )
            )
            restored: list[int] = []
            if current.status == Status.APPROVED:  # the uploads it had superseded count again
                restored = conn.execute(
                    sa.select(uploads.c.id).where(uploads.c.superseded_by == upload_id,
                                                  uploads.c.status == Status.SUPERSEDED.value)
                ).scalars().all()
                conn.execute(sa.update(uploads).where(uploads.c.id.in_(restored)).values(
                    status=Status.APPROVED.value, superseded_by=None))
            self.db.audit(conn, actor, role, "reject", upload_id, previous=current.status, note=note,
                          restored=sorted(restored))

    # --- older databases ----------------------------------------------------------------------------

    def scrub_raw_copies(self) -> list[int]:
        """Uploads stored before copies were sanitised still hold the uploaded bytes: replace each by the
        copy of its stored answers (``kept.answers_copy``), mask its file name, report and audit detail, then
        rewrite the database file (SQLite ``VACUUM``) so that the old bytes are gone from it. Returns the
        ids changed; a database that is already clean costs one query. ``Store`` calls this when it opens."""
        raw = (uploads.c.content_kind.is_(None))
        with self.db.read() as conn:
            ids = conn.execute(sa.select(uploads.c.id).where(raw, uploads.c.role != Role.POLL.value)
                               .order_by(uploads.c.id)).scalars().all()
            polls = conn.execute(sa.select(uploads.c.id).where(raw, uploads.c.role == Role.POLL.value)).scalars().all()
        if not ids and not polls:
            return []
        with self.db.write() as conn:
            conn.execute(sa.update(uploads).where(uploads.c.id.in_(polls)).values(content_kind=KEY_KIND))
            for upload_id in ids:
                _scrub_one(conn, int(upload_id))
            if ids:
                self.db.audit(conn, "system", Role.ADMIN, "scrub_raw_copies", uploads=len(ids))
        if ids:
            self.db.vacuum()
        return [int(i) for i in ids]

    # --- reading ------------------------------------------------------------------------------------

    def table(self, status: str | None = None) -> pd.DataFrame:
        """One row per upload (of this status), newest first: every column but the bytes, the mapping and
        the report (``schema.UPLOAD_LISTING``); ``villages`` as "A, B", times as UTC, ``superseded_by`` Int64."""
        if status is not None and status not in STATUSES:
            choices = ", ".join(STATUSES)
            raise StorageError(f"unknown status {status!r}; choose one of {choices}", code="storage.unknown_status",
                               params={"status": str(status), "choices": choices})
        query = sa.select(*(uploads.c[c] for c in UPLOAD_LISTING)).order_by(uploads.c.id.desc())
        if status is not None:
            query = query.where(uploads.c.status == str(status))
        with self.db.read() as conn:
            table = frame_of(conn.execute(query))
        table["villages"] = table["villages"].map(lambda t: ", ".join(from_json(t) or [])).astype(object)
        table["superseded_by"] = table["superseded_by"].astype("Int64")
        for column in ("uploaded_at", "decided_at"):
            table[column] = utc_column(table[column])
        return table.reset_index(drop=True)

    def get(self, upload_id: int) -> UploadRecord:
        """Everything about one upload (StorageError when there is none)."""
        with self.db.read() as conn:
            return UploadRecord.from_row(_get_row(conn, upload_id))


# --- helpers -------------------------------------------------------------------------------------------


def _upload_row(content: bytes, filename: str, round: int, framework: Framework, report: dict[str, Any],
                rows: pd.DataFrame, villages: list[str], *, role: Role, actor: str, uploader_village: str | None,
                village: str | None, sha: str) -> dict[str, Any]:
    """The ``uploads`` row of a new pending upload, without its copy (``kept.stored``): of the uploaded
    ``content`` only its size (and the hash ``sha``)."""
    return {
        "sha256": sha, "filename": filename, "size": len(content),
        "uploaded_at": utcnow(), "round": int(round), "role": role.value, "actor": actor,
        "uploader_village": uploader_village,
        "village": village or (villages[0] if len(villages) == 1 else None),
        "villages": to_json(villages), "respondents": int(rows["respondent"].nunique()),
        "source_tool": report.get("source_tool"),
        "mapping": to_json(dict(report.get("mapped") or {})),
        "report": to_json(report),
        "framework_id": framework.id, "framework_version": framework.version, "status": Status.PENDING.value,
    }


def _scrub_one(conn: sa.Connection, upload_id: int) -> None:
    """One upload's bytes replaced by the copy of its stored answers; file name, report and audit masked."""
    from indicator.storage.schema import audit, responses

    long = frame_of(conn.execute(sa.select(responses.c.respondent, responses.c.village, responses.c.item,
                                           responses.c.value).where(responses.c.upload_id == upload_id)))
    if len(long):
        wide = long.pivot_table(index=["respondent", "village"], columns="item", values="value", aggfunc="first")
        wide = wide.reset_index()
        wide.columns.name = None
    else:
        wide = pd.DataFrame(columns=["respondent", "village"])
    row = _get_row(conn, upload_id)
    conn.execute(sa.update(uploads).where(uploads.c.id == upload_id).values(
        **kept_copy.stored(kept_copy.answers_copy(wide)), filename=mask_free_text(row.filename),
        report=to_json(_masked_report(from_json(row.report) or {}, row.filename, mask_free_text(row.filename)))))
    for audit_id, detail in conn.execute(sa.select(audit.c.id, audit.c.detail).where(audit.c.upload_id == upload_id)):
        if detail:
            conn.execute(sa.update(audit).where(audit.c.id == audit_id).values(
                detail=to_json(mask_tree(from_json(detail)))))


def _check_pending(conn: sa.Connection, villages: list[str], limit: int, filename: str) -> None:
    """StorageError when a village of the new upload already has ``limit`` pending uploads."""
    lists = conn.execute(sa.select(uploads.c.villages).where(
        uploads.c.status == Status.PENDING.value, uploads.c.role != Role.POLL.value)).scalars().all()
    waiting = [name for text in lists for name in from_json(text) or []]
    full = [v for v in villages if waiting.count(v) >= limit]
    if full:
        raise StorageError(f"{full[0]} already has {limit} uploads waiting for a coordinator; wait until they are "
                           "handled", code="storage.too_many_pending", params={"village": full[0], "limit": limit},
                           file=filename)


def _supersede(conn: sa.Connection, upload_id: int, round: int, actor: str) -> list[int]:
    """Mark superseded the other approved uploads of ``round`` whose villages are all in this one."""
    mine = _villages_of(conn, [upload_id]).get(upload_id, set())
    others = conn.execute(
        sa.select(uploads.c.id).where(
            uploads.c.status == Status.APPROVED.value, uploads.c.round == round,
            uploads.c.role != Role.POLL.value, uploads.c.id != upload_id,
        )
    ).scalars().all()
    theirs = _villages_of(conn, others)
    covered = [uid for uid in others if mine and theirs.get(uid, set()) <= mine]
    if covered:
        conn.execute(
            sa.update(uploads).where(uploads.c.id.in_(covered)).values(
                status=Status.SUPERSEDED.value, superseded_by=upload_id, decided_at=utcnow(), decided_by=actor
            )
        )
    return sorted(covered)


def _masked_report(report: dict[str, Any], filename: str, masked_name: str) -> dict[str, Any]:
    """The import report as stored: the file name masked wherever it appears, then ``mask_tree``."""
    def renamed(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(filename, masked_name) if filename else value
        if isinstance(value, Mapping):
            return {k: renamed(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [renamed(v) for v in value]
        return value

    return mask_tree(renamed(report))


def _report_dict(report: ImportReport | Mapping[str, Any]) -> dict[str, Any]:
    if hasattr(report, "to_dict"):
        return report.to_dict()
    return dict(report) if isinstance(report, Mapping) else {}


def _get_row(conn: sa.Connection, upload_id: int) -> sa.Row:
    row = conn.execute(sa.select(uploads).where(uploads.c.id == int(upload_id))).one_or_none()
    if row is None:
        raise StorageError(f"there is no upload {upload_id}", code="storage.no_upload",
                           params={"upload_id": upload_id})
    return row


def _villages_of(conn: sa.Connection, upload_ids: list[int]) -> dict[int, set[str]]:
    if not upload_ids:
        return {}
    rows = conn.execute(sa.select(uploads.c.id, uploads.c.villages).where(uploads.c.id.in_(upload_ids))).all()
    return {upload_id: set(from_json(text) or []) for upload_id, text in rows}
