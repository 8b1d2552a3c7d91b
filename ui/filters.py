"""The shared filters (Leader area, municipality, round): drawn once in ``app.py``, read on every page.

Widgets live in the router so they keep their value when the user changes page; their values are
mirrored to the URL (``?area=sepra&municipality=Kotka&round=2026``) so a filtered view can be shared.
Values are ids, never translated labels, so a link works in every language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from indicator.i18n import t
from indicator.registry import LEADER_AREAS

ALL = "all"
AREA_KEY, MUNICIPALITY_KEY, ROUND_KEY = "area", "municipality", "round"


@dataclass(frozen=True)
class Filters:
    """The current filter choice: ``None`` means "all" (for round: the latest round)."""

    area: str | None = None
    municipality: str | None = None
    round: int | None = None


def current() -> Filters:
    """The filters as chosen in the sidebar (defaults when the widgets have not been drawn)."""
    area = st.session_state.get(AREA_KEY, ALL)
    municipality = st.session_state.get(MUNICIPALITY_KEY, ALL)
    round_ = st.session_state.get(ROUND_KEY)
    return Filters(
        area=None if area in (None, ALL) else str(area),
        municipality=None if municipality in (None, ALL) else str(municipality),
        round=int(round_) if isinstance(round_, int | str) and str(round_).isdigit() else None,
    )


def seed_from_url(key: str, options: Sequence[object], parse: Callable[[str], object] = str) -> None:
    """Take the widget's first value from the URL; drop a stored value that is no longer an option."""
    if key not in st.session_state and key in st.query_params:
        try:
            value = parse(st.query_params[key])
        except ValueError:
            value = None
        if value in options:
            st.session_state[key] = value
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def publish_to_url(key: str, value: object, default: object) -> None:
    """Mirror a widget value to the URL; the default is left out to keep links short."""
    if value is None or value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)


def area_label(area: str, lang: str) -> str:
    return t("common.filter_all_areas", lang) if area == ALL else t(f"common.area_{area}", lang)


def area_names(lang: str) -> dict[str, str]:
    """Leader area id -> its name in ``lang``, for every area the registry knows (``LEADER_AREAS``)."""
    return {area: t(f"common.area_{area}", lang) for area in LEADER_AREAS}


def render(registry: pd.DataFrame, rounds: Sequence[int], lang: str) -> Filters:
    """Draw the three filters (in the current container, e.g. the sidebar) and return the choice."""
    areas = [ALL, *sorted(registry["leader_area"].dropna().unique())] if len(registry) else [ALL]
    seed_from_url(AREA_KEY, areas)
    redraw_in(lang, (AREA_KEY, MUNICIPALITY_KEY))
    area = st.selectbox(
        t("common.filter_area", lang), areas, key=AREA_KEY, format_func=lambda a: area_label(a, lang)
    )
    in_area = registry if area == ALL else registry[registry["leader_area"] == area]
    municipalities = [ALL, *sorted(in_area["municipality"].dropna().unique())] if len(in_area) else [ALL]
    seed_from_url(MUNICIPALITY_KEY, municipalities)
    municipality = st.selectbox(
        t("common.filter_municipality", lang),
        municipalities,
        key=MUNICIPALITY_KEY,
        format_func=lambda m: t("common.filter_all_municipalities", lang) if m == ALL else m,
    )
    round_options = sorted({int(r) for r in rounds}, reverse=True)
    round_ = None
    if round_options:
        seed_from_url(ROUND_KEY, round_options, int)
        follow_latest(round_options[0])
        round_ = st.selectbox(
            t("common.filter_round", lang), round_options, key=ROUND_KEY, help=t("common.filter_round_help", lang)
        )
    publish_to_url(AREA_KEY, area, ALL)
    publish_to_url(MUNICIPALITY_KEY, municipality, ALL)
    publish_to_url(ROUND_KEY, round_, round_options[0] if round_options else None)
    return current()


def redraw_in(lang: str, keys: Sequence[str]) -> None:
    """After a change of language, give the translated selectboxes ``keys`` their own value again.

    Streamlit's selectbox keeps showing the chosen option's text from before the change ("Koko maakunta"
    under a Swedish label) because its value, an id, did not change (streamlit/streamlit#13788). Setting
    the value through ``st.session_state`` before the widget is drawn makes Streamlit send it, with its
    new text, to the browser in the same run.
    """
    if st.session_state.get("_filters_lang") not in (None, lang):
        for key in keys:
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
    st.session_state["_filters_lang"] = lang


def follow_latest(latest: int) -> None:
    """When a newer round arrives, move a round filter that sat on the old latest round to the new one
    (a user who chose an older round on purpose keeps it)."""
    previous = st.session_state.get("_filters_latest_round")
    if previous is not None and previous != latest and st.session_state.get(ROUND_KEY) == previous:
        st.session_state[ROUND_KEY] = latest
    st.session_state["_filters_latest_round"] = latest


def villages_in(filters: Filters, registry: pd.DataFrame) -> set[str] | None:
    """Villages the area/municipality filters allow; ``None`` when nothing is filtered."""
    if filters.area is None and filters.municipality is None:
        return None
    keep = pd.Series(True, index=registry.index)
    if filters.area is not None:
        keep &= registry["leader_area"] == filters.area
    if filters.municipality is not None:
        keep &= registry["municipality"] == filters.municipality
    return set(registry.loc[keep, "village"])


def apply(
    table: pd.DataFrame, filters: Filters, registry: pd.DataFrame, *, by_round: bool = True
) -> pd.DataFrame:
    """Rows of ``table`` (with ``village`` and, if ``by_round``, ``round``) that the filters keep.

    Without a chosen round, the latest round in ``table`` is kept.
    """
    out = table
    allowed = villages_in(filters, registry)
    if allowed is not None:
        out = out[out["village"].isin(allowed)]
    if by_round and "round" in out.columns and len(table):
        chosen = filters.round if filters.round is not None else selected_round(table, filters)
        out = out[out["round"] == chosen]
    return out


def selected_round(table: pd.DataFrame, filters: Filters | None = None) -> int | None:
    """The round the filters point at: the chosen one, else the latest round in ``table``."""
    filters = filters or current()
    if filters.round is not None:
        return filters.round
    rounds = table["round"].dropna() if "round" in table.columns else []
    return int(max(rounds)) if len(rounds) else None
