"""The village survey answered in the app (``/vastaa``): open and closed rounds, one answer per device,
and the answers as one pending upload per village and round that grows as they arrive.

Rounds. A coordinator opens or closes a round (a year) for every village or for one village. Each
decision is a document of kind ``survey_round`` named ``<round>:<village>`` (``<round>:*`` for every
village) holding ``{"open": bool}``; for a village the newest of its own and the all-villages decision
counts, so "close all" after "open Sippola" closes Sippola too, and "open Sippola" after "close all"
opens Sippola alone. A resident answers the newest round open for the village.

Answers. ``add`` stores one resident's answers as respondents of the village's pending collection
(``Uploads.collection``; source tool ``app``, role ``village``, key ``app:<village>:<n>``) in one
transaction with the device's mark (``survey_devices``: the SHA-256 of the device id and the round,
unique, so a device answers a round once however many tabs or reloads). The respondent key is random,
so answers cannot be tied to a device or to the order they came in; nothing else about the resident is
stored. The collection is approved or rejected by a coordinator like any upload.

After a decision the next answer opens a new pending collection. It starts with a copy of the answers of
the newest approved collection of that village and round (``report["carried"]`` says how many), so that
approving it, which supersedes the older one as any newer upload of the village does, keeps every answer
approved so far. ``waiting`` counts what awaits approval without those copies.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd
import sqlalchemy as sa

from indicator.errors import StorageError, clip
from indicator.framework import Framework
from indicator.storage.convert import frame_of, from_json, to_json, utc_column
from indicator.storage.documents import Documents
from indicator.storage.engine import Database
from indicator.storage.limits import Limits
from indicator.storage.schema import Role, Status, documents, responses, survey_devices, uploads
from indicator.storage.uploads import Uploads, check_round

ROUND_KIND = "survey_round"  # documents of this kind hold the open/closed decisions
ALL_VILLAGES = "*"
SOURCE_TOOL = "app"
ACTOR = "vastaa"
RATE_SCOPE = "vastaa"
ADDRESS_LIMIT: tuple[int, float] = (60, 3600.0)  # answers per network address per this many seconds


class Outcome(StrEnum):
    """What ``AppSurvey.add`` did with one resident's answers."""

    STORED = "stored"
    ALREADY_ANSWERED = "already_answered"  # this device answered this round before
    CLOSED = "closed"  # the round is not open for the village
    RATE_LIMITED = "rate_limited"  # too many answers from this network address lately
    EMPTY = "empty"  # not one question answered ("don't know" everywhere is no answer)


@dataclass(frozen=True)
class RoundState:
    """One round as decided: open for every village (``all_open``), and the villages whose own, newer
    decision differs (``opened`` while all are closed, ``closed`` while all are open)."""

    round: int
    all_open: bool
    opened: tuple[str, ...]
    closed: tuple[str, ...]

    def is_open(self, village: str) -> bool:
        return village in self.opened or (self.all_open and village not in self.closed)


def device_key(device: str) -> str:
    """What is stored of a device id: its SHA-256 (hex)."""
    return hashlib.sha256(str(device).encode("utf-8")).hexdigest()


def answer_values(values: Mapping[str, float | None], framework: Framework) -> dict[str, float]:
    """The answers to keep: framework items with a finite value (None and NaN are "don't know"); a value
    outside what the item type allows is a StorageError (the page offers only allowed values)."""
    kept: dict[str, float] = {}
    for item_id, value in values.items():
        if value is None or item_id not in framework.item_ids:
            continue
        number = float(value)
        if math.isnan(number):
            continue
        kind = framework.item(item_id).type
        allowed = (kind == "likert5" and number in (1, 2, 3, 4, 5)) or (kind == "yesno" and number in (0, 1)) \
            or (kind == "number" and math.isfinite(number))
        if not allowed:
            raise StorageError(f"{item_id}: {value!r} is not an answer to a {kind} question",
                               code="storage.app_bad_answer", params={"item": item_id, "value": clip(value)})
        kept[item_id] = number
    return kept


class _Decided(Exception):
    """The collection was approved or rejected while an answer was being stored: use the next one."""


class AppSurvey:
    """The app survey of one database (``Store.app_survey``)."""

    def __init__(self, database: Database, uploads: Uploads, documents: Documents, limits: Limits) -> None:
        self.db = database
        self.uploads = uploads
        self.documents = documents
        self.limits = limits

    # --- rounds -------------------------------------------------------------------------------------

    def set_open(self, round: int, is_open: bool, *, village: str | None = None, actor: str = "coordinator") -> None:
        """Open or close ``round`` for ``village``, or for every village when ``village`` is None."""
        check_round(round)
        name = ALL_VILLAGES if village is None else village.strip()
        if not name:
            raise StorageError("a village name is needed", code="storage.app_no_village")
        self.documents.save(ROUND_KIND, f"{int(round)}:{name}", {"open": bool(is_open)}, actor=actor)

    def _decisions(self) -> pd.DataFrame:
        """Every open/close decision: round, village (``*`` for all), open, at — newest last."""
        with self.db.read() as conn:
            table = frame_of(conn.execute(
                sa.select(documents.c.name, documents.c.payload, documents.c.created_at)
                .where(documents.c.kind == ROUND_KIND)))
        parts = table["name"].astype(str).str.split(":", n=1, expand=True).reindex(columns=[0, 1])
        decided = pd.DataFrame({
            "round": pd.to_numeric(parts[0], errors="coerce").astype("Int64"),
            "village": parts[1].astype(object),
            "open": table["payload"].map(lambda p: bool((from_json(p) or {}).get("open"))).astype(bool),
            "at": utc_column(table["created_at"]),
        })
        return decided.dropna(subset=["round", "village"]).sort_values("at", kind="stable").reset_index(drop=True)

    def round_state(self, round: int) -> RoundState:
        """How ``round`` stands (``RoundState``)."""
        decided = self._decisions()
        return _state(int(round), decided[decided["round"] == int(round)])

    def rounds(self) -> list[RoundState]:
        """Every round with a decision, newest first."""
        decided = self._decisions()
        return [_state(int(r), decided[decided["round"] == r])
                for r in sorted(decided["round"].unique(), reverse=True)]

    def is_open(self, round: int, village: str) -> bool:
        return self.round_state(round).is_open(village)

    def open_round(self, village: str) -> int | None:
        """The newest round open for ``village``, or None."""
        return next((s.round for s in self.rounds() if s.is_open(village)), None)

    # --- answers ------------------------------------------------------------------------------------

    def answered(self, device: str, round: int) -> str | None:
        """The village this device answered ``round`` for, or None when it has not answered it."""
        with self.db.read() as conn:
            return conn.execute(sa.select(survey_devices.c.village).where(
                survey_devices.c.round == int(round), survey_devices.c.device == device_key(device))
            ).scalar_one_or_none()

    def add(self, framework: Framework, device: str, village: str, round: int,
            values: Mapping[str, float | None], *, address: str | None = None) -> Outcome:
        """Store one resident's answers (item id -> value; None is "don't know") for ``village``.

        Checked in this order: something answered, the round open for the village, this device not yet
        answered, at most ``ADDRESS_LIMIT`` answers from ``address`` (when given). The mark and the answers
        are one transaction: two tabs sending at once store one answer.
        """
        check_round(round)
        answers = answer_values(values, framework)
        if not answers:
            return Outcome.EMPTY
        if not self.is_open(round, village):
            return Outcome.CLOSED
        if self.answered(device, round) is not None:
            return Outcome.ALREADY_ANSWERED
        if address is not None:
            limit, seconds = ADDRESS_LIMIT
            if not self.limits.hit(RATE_SCOPE, address, limit=limit, seconds=seconds):
                return Outcome.RATE_LIMITED
        for _ in range(3):
            upload_id = self._collection(framework, village, round)
            try:
                self._store(upload_id, device, village, round, answers)
            except _Decided:
                continue
            except sa.exc.IntegrityError:  # the device's mark exists: another tab was quicker
                return Outcome.ALREADY_ANSWERED
            return Outcome.STORED
        raise StorageError("the answers could not be stored", code="storage.app_not_stored",
                           params={"village": village})

    def _store(self, upload_id: int, device: str, village: str, round: int, answers: Mapping[str, float]) -> None:
        respondent = secrets.token_hex(8)
        with self.db.write() as conn:
            grown = conn.execute(sa.update(uploads).where(
                uploads.c.id == upload_id, uploads.c.status == Status.PENDING.value,
            ).values(respondents=uploads.c.respondents + 1)).rowcount
            if not grown:
                raise _Decided
            conn.execute(sa.insert(survey_devices).values(round=int(round), device=device_key(device),
                                                          village=village))
            conn.execute(sa.insert(responses), [
                {"upload_id": upload_id, "respondent": respondent, "village": village, "item": item,
                 "value": value} for item, value in answers.items()])

    def _collection(self, framework: Framework, village: str, round: int) -> int:
        """The pending collection of (village, round), opened when there is none (copying the newest
        approved one's answers)."""
        with self.db.read() as conn:
            mine = conn.execute(sa.select(uploads.c.id, uploads.c.status).where(
                uploads.c.source_tool == SOURCE_TOOL, uploads.c.village == village,
                uploads.c.round == int(round), uploads.c.role == Role.VILLAGE.value,
            ).order_by(uploads.c.id.desc())).all()
        if mine and mine[0].status == Status.PENDING:
            return int(mine[0].id)
        carried = next((int(row.id) for row in mine if row.status == Status.APPROVED), None)
        number = len(mine) + 1

        filename = _filename(village, round, number)

        def fill(conn: sa.Connection, upload_id: int) -> None:
            _fill(conn, upload_id, framework, filename, village, carried)

        return self.uploads.collection(
            f"app:{village}:{number}", round, filename=filename, role=Role.VILLAGE,
            village=village, source_tool=SOURCE_TOOL, actor=ACTOR, action="open_app_survey",
            status=Status.PENDING, on_create=fill)

    def waiting(self, village: str | None = None) -> pd.DataFrame:
        """Answers awaiting a coordinator's decision, per village and round: village, round, answers (every
        pending upload's respondents of the village, files and app alike; answers an app collection carries
        over from an approved one are not counted again), app (of them, answered in the app)."""
        query = (sa.select(uploads.c.id, uploads.c.round, uploads.c.source_tool, uploads.c.report,
                           responses.c.village, sa.func.count(sa.distinct(responses.c.respondent)).label("n"))
                 .join(uploads, uploads.c.id == responses.c.upload_id)
                 .where(uploads.c.status == Status.PENDING.value, uploads.c.role != Role.POLL.value)
                 .group_by(uploads.c.id, uploads.c.round, uploads.c.source_tool, uploads.c.report,
                           responses.c.village))
        if village is not None:
            query = query.where(responses.c.village == village)
        with self.db.read() as conn:
            rows = frame_of(conn.execute(query))
        if rows.empty:
            return pd.DataFrame({"village": pd.Series(dtype=object), "round": pd.Series(dtype="Int64"),
                                 "answers": pd.Series(dtype="Int64"), "app": pd.Series(dtype="Int64")})
        carried = rows["report"].map(lambda r: int((from_json(r) or {}).get("carried") or 0))
        app = rows["source_tool"] == SOURCE_TOOL
        rows = rows.assign(answers=(rows["n"] - carried.where(app, 0)).clip(lower=0),
                           app=(rows["n"] - carried).clip(lower=0).where(app, 0))
        out = rows.groupby(["village", "round"], as_index=False)[["answers", "app"]].sum()
        out = out[out["answers"] > 0].astype({"village": object, "round": "Int64", "answers": "Int64",
                                              "app": "Int64"})
        return out.sort_values(["village", "round"]).reset_index(drop=True)


def _state(round: int, decided: pd.DataFrame) -> RoundState:
    """``RoundState`` from one round's decisions (newest last)."""
    latest = decided.drop_duplicates("village", keep="last")
    everyone = latest[latest["village"] == ALL_VILLAGES]
    all_open = bool(everyone["open"].iloc[0]) if len(everyone) else False
    since = everyone["at"].iloc[0] if len(everyone) else None
    own = latest[latest["village"] != ALL_VILLAGES]
    if since is not None:
        own = own[own["at"] > since]
    differ = own[own["open"] != all_open]
    names = tuple(sorted(differ["village"].astype(str), key=str.casefold))
    return RoundState(round, all_open, () if all_open else names, names if all_open else ())


def _filename(village: str, round: int, number: int) -> str:
    """The collection's name in upload listings: ``vastaa-2026-Sippola`` (``-2`` and on for later ones)."""
    suffix = f"-{number}" if number > 1 else ""
    return f"vastaa-{int(round)}-{village}{suffix}"[:500]


def _fill(conn: sa.Connection, upload_id: int, framework: Framework, filename: str, village: str,
          carried: int | None) -> None:
    """A new collection's framework, import report and (when ``carried``) the copied answers."""
    count = 0
    if carried is not None:
        columns = (responses.c.respondent, responses.c.village, responses.c.item, responses.c.value)
        conn.execute(sa.insert(responses).from_select(
            ["upload_id", "respondent", "village", "item", "value"],
            sa.select(sa.literal(upload_id, sa.Integer), *columns).where(responses.c.upload_id == carried)))
        count = int(conn.execute(sa.select(sa.func.count(sa.distinct(responses.c.respondent)))
                                 .where(responses.c.upload_id == upload_id)).scalar_one())
    report = {"file": filename, "source_tool": SOURCE_TOOL, "villages": [village],
              "mapped": {item: item for item in framework.item_ids}, "unmapped": [], "problems": [],
              "dropped_personal": [], "warnings": [], "carried": count, "continues": carried}
    conn.execute(sa.update(uploads).where(uploads.c.id == upload_id).values(
        respondents=count, framework_id=framework.id, framework_version=framework.version,
        mapping=to_json(report["mapped"]), report=to_json(report)))
