"""One error family for the whole library, and cell problems as data.

Every error prints as one plain English line naming the file (and row/column where known): that is what
the command line shows. An error also carries a ``code`` and its ``params``; the dashboard shows
``err.localized(lang)``, the catalog text ``error.<code>`` (``indicator/locales/errors*.toml``) in the
user's language, with the same place (file, row, column) in words of that language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import PurePath
from typing import Any


class IndicatorError(Exception):
    """An input or state the indicator cannot use; ``str()`` is one line for the user."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = dict(params or {})
        self.file = file
        self.row = row
        self.column = column
        self.value = value

    def __str__(self) -> str:
        return self._line(" ".join(self.message.split()), ("row", "column", "value"))

    def localized(self, lang: str = "fi") -> str:
        """The message in ``lang`` from the catalog key ``error.<code>`` (English text when it has none)."""
        from indicator.i18n import catalog, t

        key = f"error.{self.code}"
        if not self.code or key not in catalog():
            return self._line(" ".join(self.message.split()), ("row", "column", "value"), file_name_only=True)
        words = tuple(t(f"error.where.{w}", lang) for w in ("row", "column", "value"))
        params = {name: _shown(value, lang) for name, value in self.params.items()}
        return self._line(" ".join(t(key, lang, **params).split()), words, file_name_only=True)

    def _line(self, text: str, words: tuple[str, str, str], *, file_name_only: bool = False) -> str:
        """``file, row 3, column 'B': text (value '...')`` with the place words of one language. A message for
        the dashboard (``file_name_only``) names a file by its name only: no folder of the server is shown."""
        row_word, column_word, value_word = words
        shown = PurePath(self.file).name or self.file if self.file and file_name_only else self.file
        where = [clip(shown, 200)] if self.file else []
        if self.row is not None:
            where.append(f"{row_word} {self.row}")
        if self.column is not None:
            where.append(f"{column_word} {clip(self.column)!r}")
        if self.value is not None:
            text += f" ({value_word} {clip(self.value)!r})"
        return f"{', '.join(where)}: {text}" if where else text


def _shown(value: Any, lang: str) -> Any:
    """A parameter as the message shows it: numbers in the language's form (``2,5`` and ``200 000`` in fi/sv;
    years stay ``2026``), anything else as it is."""
    from indicator.i18n import fmt_number

    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, int):
        return fmt_number(value, lang, 0) if abs(value) >= 10_000 else str(value)
    decimals = len(f"{value:.6g}".partition(".")[2]) if "e" not in f"{value:.6g}" else 2
    return fmt_number(value, lang, decimals)


def clip(value: Any, limit: int = 80) -> str:
    """``value`` as text of at most ``limit`` characters (an ellipsis marks a cut), for messages and reports."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class FrameworkError(IndicatorError):
    """The framework file breaks a rule of docs/method.md §1."""


class ReadError(IndicatorError):
    """A survey file cannot be read at all (wrong type, too large, no item columns, ...)."""


class NoVillageColumnError(ReadError):
    """The file has no village column and no village was given for it: naming the file's village helps."""


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
