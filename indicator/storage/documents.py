"""Named documents: JSON payloads by kind and name (weight sets, saved theme groupings, mapping templates).

Saving a name that exists replaces its payload; every save and delete writes an audit row.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from indicator.errors import StorageError
from indicator.storage.convert import frame_of, from_json, json_column, to_json, utc_column, utcnow
from indicator.storage.engine import Database
from indicator.storage.schema import Role, documents


class Documents:
    """The named documents of one database (``Store.documents``)."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def save(self, kind: str, name: str, payload: Any, actor: str = "anonymous") -> None:
        """Save (or replace) the JSON payload named ``name`` of this kind."""
        values = {"payload": to_json(payload), "created_at": utcnow(), "actor": actor}
        where = (documents.c.kind == kind) & (documents.c.name == name)
        for _ in range(3):  # two first saves of one name at once: the loser updates on its next try
            try:
                with self.db.write() as conn:
                    if not conn.execute(sa.update(documents).where(where).values(values)).rowcount:
                        conn.execute(sa.insert(documents).values(kind=kind, name=name, **values))
                    self.db.audit(conn, actor, Role.ADMIN, "save_document", kind=kind, name=name)
                return
            except sa.exc.IntegrityError:
                continue
        raise StorageError(f"could not save document {kind}/{name}", code="storage.document_not_saved",
                           params={"kind": kind, "name": name})

    def add_once(self, kind: str, name: str, payload: Any, actor: str = "anonymous") -> bool:
        """Save ``payload`` under ``name`` only if nothing is saved there yet; False when something was."""
        try:
            with self.db.write() as conn:
                conn.execute(sa.insert(documents).values(kind=kind, name=name, payload=to_json(payload),
                                                         created_at=utcnow(), actor=actor))
        except sa.exc.IntegrityError:
            return False
        return True

    def get(self, kind: str, name: str) -> Any:
        """The parsed payload of one document, or None when there is none."""
        with self.db.read() as conn:
            text = conn.execute(
                sa.select(documents.c.payload).where(documents.c.kind == kind, documents.c.name == name)
            ).scalar_one_or_none()
        return from_json(text)

    def table(self, kind: str | None = None) -> pd.DataFrame:
        """Documents (of one kind) sorted by kind and name: kind, name, payload (parsed), created_at (UTC),
        actor."""
        query = sa.select(documents.c.kind, documents.c.name, documents.c.payload, documents.c.created_at,
                          documents.c.actor).order_by(documents.c.kind, documents.c.name)
        if kind is not None:
            query = query.where(documents.c.kind == kind)
        with self.db.read() as conn:
            table = frame_of(conn.execute(query))
        table["payload"] = json_column(table["payload"])
        table["created_at"] = utc_column(table["created_at"])
        return table

    def delete(self, kind: str, name: str, actor: str = "anonymous") -> bool:
        """Delete one document; False when there was none."""
        with self.db.write() as conn:
            gone = conn.execute(
                sa.delete(documents).where(documents.c.kind == kind, documents.c.name == name)
            ).rowcount
            if gone:
                self.db.audit(conn, actor, Role.ADMIN, "delete_document", kind=kind, name=name)
        return bool(gone)
