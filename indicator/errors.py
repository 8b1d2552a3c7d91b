"""One error family for the whole library, and cell problems as data.

Every error prints as one plain line naming the file (and row/column where known), so the command
line and the dashboard can show it as it is, never as a traceback.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class IndicatorError(Exception):
    """An input or state the indicator cannot use; ``str()`` is one line for the user."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.value = value

    def __str__(self) -> str:
        where = [str(self.file)] if self.file else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = " ".join(self.message.split())
        if self.value is not None:
            text += f" (value {str(self.value)[:80]!r})"
        return f"{', '.join(where)}: {text}" if where else text


class FrameworkError(IndicatorError):
    """The framework file breaks a rule of the contract."""


class ReadError(IndicatorError):
    """A survey file cannot be read at all (wrong type, too large, no item columns, ...)."""


class StorageError(IndicatorError):
    """The database refused an operation or is in a state that does not allow it."""


class GroupingError(IndicatorError):
    """Theme groups cannot be formed as asked (impossible pins or links, too few villages)."""


@dataclass(frozen=True)
class Problem:
    """One unusable cell: row and column as a spreadsheet user sees them, reading continues."""

    row: int | None
    column: str | None
    value: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
