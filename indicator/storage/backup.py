"""The whole database as one xlsx workbook, and back.

``export_xlsx`` writes a ``meta`` sheet (format, schema version, time), the computed ``scores`` and
``progress`` (for readers of the file; restore ignores them) and every table of ``schema.TABLES``, one
sheet each (a table longer than a sheet continues on ``name.2``, ``name.3``, ...). Bytes are base64
text, times ISO text; a text longer than a cell goes to the ``blobs`` sheet in parts. Every text cell is
escaped with ``indicator.cellsafe.escape_reversible``, so the file is formula-safe and reads back exactly.

``restore_xlsx`` fills an empty database from such a file in one transaction, keeping ids and times.
"""

from __future__ import annotations

import base64
import math
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from indicator.cellsafe import escape_reversible, unescape_reversible
from indicator.errors import IndicatorError, StorageError
from indicator.framework import Framework
from indicator.storage.convert import utcnow
from indicator.storage.engine import Database
from indicator.storage.responses import village_registry
from indicator.storage.schema import SCHEMA_VERSION, SECRET_KIND, TABLES, Role, documents, uploads

if TYPE_CHECKING:
    from indicator.scoring import Scores

BACKUP_FORMAT = "alykyla-mittaristo-backup-1"
SHEET_ROWS = 1_000_000  # a sheet holds 1,048,576 rows; longer tables continue on "name.2", ...
CELL_LIMIT = 32_000  # a spreadsheet cell holds at most 32,767 characters
BLOB_SHEET = "blobs"
BLOB_COLUMNS: tuple[str, ...] = ("table", "row", "column", "part", "text")

Rows = list[dict[str, Any]]


class Backup:
    """Export and restore of one database (``Store.backup``); ``scores`` gives the Scores to include."""

    def __init__(self, database: Database, scores: Callable[[Framework], Scores],
                 after_restore: Callable[[], object] | None = None) -> None:
        self.db = database
        self.scores = scores
        self.after_restore = after_restore  # the Store's cleaning of restored uploads that hold raw bytes

    def export_xlsx(self, path: str | Path, framework: Framework | None = None) -> None:
        """Write the whole database (uploads with their sanitised copies as base64, answers, audit, documents, activities,
        poll) plus computed scores and progress to one xlsx; every text cell is formula-safe."""
        from indicator.xlsxsafe import write_xlsx

        with self.db.read() as conn:
            dumped = dump_tables(conn)
        sheets: dict[str, pd.DataFrame] = {"meta": pd.DataFrame(
            {"key": ["format", "schema_version", "exported_at"],
             "value": [BACKUP_FORMAT, str(SCHEMA_VERSION), utcnow().isoformat()]})}
        sheets.update(self._computed_sheets(framework))
        for table in TABLES:
            frame = pd.DataFrame(dumped[table.name], columns=[c.name for c in table.columns])
            for part, start in enumerate(range(0, max(len(frame), 1), SHEET_ROWS), start=1):
                sheets[table.name if part == 1 else f"{table.name}.{part}"] = frame.iloc[start : start + SHEET_ROWS]
        sheets[BLOB_SHEET] = pd.DataFrame(dumped[BLOB_SHEET], columns=list(BLOB_COLUMNS))
        target = Path(path)
        partial = target.with_name(f".{target.name}.partial")
        try:
            write_xlsx({k: v.astype(object) for k, v in sheets.items()}, partial)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise StorageError(f"cannot write the backup: {exc.strerror}", code="storage.backup_not_written",
                               params={"reason": str(exc.strerror)}, file=str(target)) from None

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
        if not self.db.is_empty():
            raise StorageError("the database is not empty; restore only into an empty database",
                               code="storage.restore_not_empty", file=str(path))
        sheets = _join_parts(_read_workbook(Path(path)))
        meta = {r.get("key"): r.get("value") for r in sheets.get("meta", [])}
        if meta.get("format") != BACKUP_FORMAT:
            raise StorageError("not a database export of this tool (no 'meta' sheet with its format)",
                               code="storage.not_a_backup", file=str(path))
        with self.db.write() as conn:
            counts = load_tables(conn, sheets)
            self.db.audit(conn, "restore", Role.ADMIN, "restore", file=Path(path).name, rows=counts)
        if self.after_restore is not None:  # a backup of an older version holds uploaded bytes: clean them now
            self.after_restore()


# --- tables <-> rows of cells ----------------------------------------------------------------------------


def dump_tables(conn: sa.Connection) -> dict[str, Rows]:
    """Every table as rows of spreadsheet-safe cells; texts too long for a cell go to ``blobs`` in parts."""
    out: dict[str, Rows] = {BLOB_SHEET: []}
    for table in TABLES:
        rows = []
        order = list(table.primary_key.columns)
        query = sa.select(table).order_by(*order)
        if table is documents:  # stored keys stay in their database
            query = query.where(documents.c.kind != SECRET_KIND)
        for n, record in enumerate(conn.execute(query).mappings()):
            row = {}
            for column in table.columns:
                cell = _encode(record[column.name], column)
                if isinstance(cell, str) and len(cell) > CELL_LIMIT:
                    out[BLOB_SHEET] += _blob_parts(table.name, n, column.name, cell)
                    cell = None
                row[column.name] = escape_reversible(cell)
            rows.append(row)
        out[table.name] = rows
    return out


def _blob_parts(table: str, row: int, column: str, text: str) -> Rows:
    """A long text as ``blobs`` rows of at most ``CELL_LIMIT`` characters each."""
    parts = [text[i : i + CELL_LIMIT] for i in range(0, len(text), CELL_LIMIT)]
    return [{"table": table, "row": row, "column": column, "part": k, "text": escape_reversible(p)}
            for k, p in enumerate(parts)]


def load_tables(conn: sa.Connection, sheets: dict[str, Rows]) -> dict[str, int]:
    """Insert dumped rows (ids kept) into empty tables; returns rows per table."""
    blobs = _blob_texts(sheets.get(BLOB_SHEET, []))
    counts: dict[str, int] = {}
    for table in TABLES:
        rows = [_decode_row(table, n, raw, blobs) for n, raw in enumerate(sheets.get(table.name, []))]
        links = [(r["id"], r.pop("superseded_by")) for r in rows] if table is uploads else []
        if rows:
            conn.execute(sa.insert(table), rows)
        for upload_id, later in links:  # after every upload exists (an upload may point to a later one)
            if later is not None:
                conn.execute(sa.update(uploads).where(uploads.c.id == upload_id).values(superseded_by=later))
        counts[table.name] = len(rows)
    if conn.dialect.name == "postgresql":  # new ids continue after the restored ones
        for table in TABLES:
            if "id" in table.columns:
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
    return counts


def _blob_texts(blob_rows: Rows) -> dict[tuple[str, int, str], str]:
    """(table, row, column) -> the long text joined from its ``blobs`` parts."""
    parts: dict[tuple[str, int, str], list[tuple[int, str]]] = {}
    for blob in blob_rows:
        key = (str(blob["table"]), int(blob["row"]), str(blob["column"]))
        parts.setdefault(key, []).append((int(blob["part"]), str(unescape_reversible(blob["text"]) or "")))
    return {key: "".join(text for _, text in sorted(texts)) for key, texts in parts.items()}


def _decode_row(table: sa.Table, n: int, raw: dict[str, Any],
                blobs: dict[tuple[str, int, str], str]) -> dict[str, Any]:
    """Row ``n`` of a table's sheet as database values (long texts taken from ``blobs``)."""
    row = {}
    for column in table.columns:
        long_text = blobs.get((table.name, n, column.name))
        value = long_text if long_text is not None else unescape_reversible(raw.get(column.name))
        row[column.name] = _decode(value, column)
    return row


def _encode(value: object, column: sa.Column) -> object:
    """A database value as a spreadsheet cell: bytes base64, times ISO text, the rest as is."""
    if value is None:
        return None
    if isinstance(column.type, sa.LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _decode(value: object, column: sa.Column) -> object:
    """A spreadsheet cell as the column's database value (the inverse of ``_encode``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    kind = column.type
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(str(value))
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(str(value))
    if isinstance(kind, sa.Date):
        return date.fromisoformat(str(value)[:10])
    if isinstance(kind, sa.Boolean):
        return value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1")
    if isinstance(kind, sa.Integer):
        return int(value)
    if isinstance(kind, sa.Float):
        return float(value)
    return str(value)


# --- the workbook ------------------------------------------------------------------------------------------


def _sheet_part(name: str) -> tuple[str, int]:
    """``responses.2`` -> (``responses``, 2); any other name is part 1 of itself."""
    base, _, suffix = name.rpartition(".")
    return (base, int(suffix)) if base and suffix.isdigit() else (name, 1)


def _join_parts(sheets: dict[str, Rows]) -> dict[str, Rows]:
    """Sheets ``name``, ``name.2``, ``name.3``... (a table longer than a sheet) joined back in order."""
    joined: dict[str, Rows] = {}
    for name in sorted(sheets, key=_sheet_part):
        joined.setdefault(_sheet_part(name)[0], []).extend(sheets[name])
    return joined


def _read_workbook(path: Path) -> dict[str, Rows]:
    """Every sheet of a workbook as a list of row dicts (header row = keys), values as stored."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise StorageError("backup file not found", code="storage.backup_missing", file=str(path)) from None
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise StorageError(f"cannot read the backup workbook: {exc}", code="storage.backup_unreadable",
                           params={"reason": str(exc)}, file=str(path)) from None
    sheets = {}
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [str(h) if h is not None else "" for h in next(rows, ())]
            sheets[sheet.title] = [dict(zip(header, row, strict=False)) for row in rows]
    finally:
        book.close()
    return sheets
