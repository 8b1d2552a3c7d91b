"""The live seminar poll: which framework items to ask, how to check an answer set, how to sum them up.

The poll asks a few five-point (``likert5``) items of the framework, by default one per theme dimension
(the dimensions with a ``theme``), topped up from the other dimensions to at least ``MIN_ITEMS``. Answers
are stored as the seminar round without personal data; the summaries feed the seminar screen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import zip_longest

import pandas as pd

from indicator.errors import IndicatorError, clip
from indicator.framework import Framework, Item

MIN_ITEMS = 3
MAX_ITEMS = 6
SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)
SUMMARY_COLUMNS: tuple[str, ...] = ("item", "answers", "mean", *(f"n{v}" for v in SCALE))


def _likert_by_dimension(framework: Framework) -> list[list[Item]]:
    """The likert5 items of each dimension, theme dimensions first, framework order otherwise."""
    ordered = sorted(framework.dimensions, key=lambda d: d.theme is None)
    per_dim = [[i for i in framework.items_of(d.id) if i.type == "likert5"] for d in ordered]
    return [items for items in per_dim if items]


def default_items(framework: Framework, n: int | None = None) -> tuple[Item, ...]:
    """``n`` likert5 items taken round-robin over dimensions (theme dimensions first).

    Without ``n``: one per theme dimension, at least ``MIN_ITEMS`` and at most ``MAX_ITEMS``.
    """
    per_dim = _likert_by_dimension(framework)
    if not per_dim:
        raise IndicatorError("the framework has no likert5 items to ask in a poll", code="poll.no_items",
                             file=framework.source)
    if n is None:
        themed = sum(1 for d in framework.dimensions if d.theme and any(framework_likert(framework, d.id)))
        n = min(max(themed, MIN_ITEMS), MAX_ITEMS)
    if not 1 <= n <= MAX_ITEMS:
        raise IndicatorError(f"a poll asks 1 to {MAX_ITEMS} items, not {n}", code="poll.item_count",
                             params={"max": MAX_ITEMS, "count": n})
    rounds = zip_longest(*per_dim)
    picked = [item for layer in rounds for item in layer if item is not None]
    return tuple(picked[:n])


def framework_likert(framework: Framework, dimension: str) -> tuple[Item, ...]:
    """The likert5 items of one dimension."""
    return tuple(i for i in framework.items_of(dimension) if i.type == "likert5")


def choose_items(
    framework: Framework, item_ids: Sequence[str] | None = None, n: int | None = None
) -> tuple[Item, ...]:
    """The poll's items: the given ids (checked: known, likert5, unique, at most MAX_ITEMS) or the default."""
    if not item_ids:
        return default_items(framework, n)
    known = {i.id: i for i in framework.items}
    unknown = [i for i in item_ids if i not in known]
    not_likert = [i for i in item_ids if i in known and known[i].type != "likert5"]
    twice = sorted({i for i in item_ids if list(item_ids).count(i) > 1})
    problems = [f"{i!r} is not an item of the framework" for i in unknown]
    problems += [f"{i!r} is a {known[i].type} item, the poll asks likert5 items only" for i in not_likert]
    if twice:
        problems.append("an item is listed twice")
    if len(item_ids) > MAX_ITEMS:
        problems.append(f"a poll asks at most {MAX_ITEMS} items, {len(item_ids)} were given")
    if problems:
        wrong = [*unknown, *not_likert, *twice]
        code, params = (("poll.bad_items", {"items": clip(", ".join(wrong)), "max": MAX_ITEMS}) if wrong else
                        ("poll.too_many_items", {"count": len(item_ids), "max": MAX_ITEMS}))
        raise IndicatorError("poll items: " + "; ".join(problems), code=code, params=params, file=framework.source)
    return tuple(known[i] for i in item_ids)


_ROUND = re.compile(r"[0-9]{4}")


def parse_round(text: object) -> int | None:
    """The round (a year 1900-2200) a ``?poll_round=`` parameter names, or None when it names none: four
    ASCII digits only (``str.isdigit`` also takes '²' or '٢٠٢٦', which ``int`` then refuses or reads).

    >>> parse_round("2026"), parse_round("²"), parse_round("٢٠٢٦"), parse_round("99999"), parse_round(None)
    (2026, None, None, None, None)
    """
    if not isinstance(text, str) or not _ROUND.fullmatch(text.strip()):
        return None
    year = int(text.strip())
    return year if 1900 <= year <= 2200 else None


def parse_item_list(text: str | None) -> tuple[str, ...]:
    """Item ids from a comma-separated text such as a ``?items=E2,B5`` query parameter."""
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(",") if part.strip())


def validate_answers(items: Sequence[Item], answers: Mapping[str, object]) -> dict[str, float]:
    """The answer set as ``{item id: 1.0..5.0}``: unanswered items left out, anything else refused.

    At least one item must be answered; keys that are not poll items and values off the scale are errors.
    """
    asked = {i.id for i in items}
    unknown = sorted(set(answers) - asked)
    if unknown:
        raise IndicatorError(f"poll answer for items not asked: {', '.join(unknown)}", code="poll.not_asked",
                             params={"items": clip(", ".join(unknown))})
    values: dict[str, float] = {}
    for item in items:
        value = answers.get(item.id)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value not in SCALE:
            raise IndicatorError(f"poll answer must be one of 1-5, got {value!r}", code="poll.off_scale",
                                 column=item.id)
        values[item.id] = float(value)
    if not values:
        raise IndicatorError("the poll answer is empty: answer at least one question", code="poll.empty_answer")
    return values


def summarise(answers: pd.DataFrame, items: Sequence[Item]) -> pd.DataFrame:
    """Per poll item, in the poll's order: answers (count), mean and the count of each scale value n1..n5.

    ``answers`` is long, as ``Store.poll_responses()``: one row per answer with ``item`` and ``value``.
    """
    values = pd.to_numeric(answers["value"], errors="coerce") if len(answers) else pd.Series(dtype=float)
    frame = pd.DataFrame({"item": answers["item"].astype(object) if len(answers) else [], "value": values})
    frame = frame[frame["value"].isin(SCALE)]
    rows = []
    for item in items:
        mine = frame.loc[frame["item"] == item.id, "value"]
        counts = mine.astype(int).value_counts()
        rows.append(
            {
                "item": item.id,
                "answers": int(mine.size),
                "mean": float(mine.mean()) if mine.size else float("nan"),
                **{f"n{v}": int(counts.get(v, 0)) for v in SCALE},
            }
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def respondents(answers: pd.DataFrame) -> int:
    """How many poll sessions answered (distinct ``respondent`` keys)."""
    return int(answers["respondent"].nunique()) if len(answers) else 0
