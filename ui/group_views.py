"""The theme-group page's words and sections (Teemaryhmät).

A group card in the coordinator's terms (what its villages share in points, why its theme, how sure the
grouping is), what a move did, and the statistics for those who want them. The numbers come from
``indicator.grouping`` (``stories``, ``Grouping.cost``/``changes``/``pins``/``stability``); the sentence
builders here are plain functions (no Streamlit) so that tests can read them, the ``draw_*`` functions lay
them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import pandas as pd
import streamlit as st

from indicator.charts import groups as charts
from indicator.grouping import Grouping, GroupStory, group_sizes
from indicator.grouping.explain import Stability, ThemeReason, Trait
from indicator.i18n import t
from ui import format as fmt

SHOWN_PCT = 0.05  # a price below this (in %) rounds to 0,0 and is not worth a sentence


# --- sentences ------------------------------------------------------------------------------------------


def tenths(stability: Stability) -> int:
    """How many times out of 10 the group stayed the same in the regroupings ("9/10 kertaa")."""
    return round(10 * stability.same / stability.runs) if stability.runs else 10


def sizes_line(villages: int, groups: int, lang: str) -> str:
    """"18 kylää, 3 ryhmää, 6 kylää kussakin" (or "4–5 kylää" when the sizes differ)."""
    small, large, _ = group_sizes(villages, groups)
    if small == large:
        return t("groups.sizes_same", lang, villages=villages, groups=groups, size=small)
    return t("groups.sizes_mixed", lang, villages=villages, groups=groups, small=small, large=large)


def trait_line(trait: Trait, dim_names: Mapping[str, str], lang: str) -> str:
    """One thing the group's villages share, in points against the area average."""
    return t(f"groups.trait.{trait.direction}", lang, dimension=dim_names.get(trait.dimension, trait.dimension),
             mean=fmt.number(trait.group_mean, lang, 0), points=fmt.number(abs(trait.difference), lang, 0),
             share=trait.share, size=trait.size)


def theme_line(reason: ThemeReason, dim_names: Mapping[str, str], theme_names: Mapping[str, str], lang: str) -> str:
    """Why the group has its theme: its largest need, or its next one when the even spread of themes gave
    the largest to another group; with the theme's lowest dimension in points."""
    values = {"dimension": dim_names.get(reason.dimension, reason.dimension),
              "score": fmt.number(reason.score, lang, 0)}
    if reason.rank == 1:
        return t("groups.theme_first", lang, **values)
    return t("groups.theme_spread", lang, largest=theme_names.get(reason.largest, reason.largest), rank=reason.rank,
             **values)


def stability_line(stability: Stability, lang: str) -> str:
    """How sure the group is, in "x/10 times" (an uncertain group says what that means)."""
    key = "groups.unstable" if stability.flag else "groups.stable"
    return t(key, lang, same=tenths(stability))


def proof_line(grouping: Grouping, constrained: bool, lang: str) -> str:
    """Whether the grouping is the proven best ("paras mahdollinen jako", under the moves and conditions
    when ``constrained``) or only a good one."""
    if not grouping.optimal:
        return t("groups.not_proven", lang)
    return t("groups.proven_moves" if constrained else "groups.proven", lang)


def view_changes(before: Mapping[str, int], after: Mapping[str, int]) -> tuple[tuple[str, int, int], ...]:
    """(village, old group, new group) for every village in both mappings whose group number differs,
    in village order."""
    return tuple((v, int(before[v]), int(after[v])) for v in sorted(before, key=str.casefold)
                 if v in after and before[v] != after[v])


def combine(parts: list[Grouping]) -> Grouping:
    """Several areas' groupings as one (each table stacked, areas in the order given): what the workbook
    and the saved grouping hold."""
    return Grouping(**{f.name: pd.concat([getattr(g, f.name) for g in parts], ignore_index=True)
                       for f in fields(Grouping)})


@dataclass(frozen=True)
class Move:
    """A move the coordinator asked for: ``village`` into ``group`` (it was in ``before``); ``changes`` are
    the other villages whose group changed with it (village, old, new)."""

    area: str
    village: str
    group: int
    before: int
    changes: tuple[tuple[str, int, int], ...] = ()


def move_message(move: Move, grouping: Grouping, lang: str) -> tuple[str, str]:
    """(kind, text) saying what a move did: ``success`` (moved, with the other changes and the price
    against the best grouping without moves), ``info`` (it was already there) or ``warning`` (only the
    groups' numbers changed)."""
    name = fmt.plain(move.village)
    if move.before == move.group:
        return "info", t("groups.already", lang, village=name, group=move.group)
    pin = grouping.pins[grouping.pins["village"] == move.village]
    if len(pin) and not pin["moved"].iloc[0] and pin["reference_group"].iloc[0] != pin["group"].iloc[0]:
        return "warning", t("groups.renumbered", lang, village=name, group=move.group)
    parts = [t("groups.moved", lang, village=name, group=move.group)]
    others = [t("groups.change_part", lang, village=fmt.plain(v), old=old, new=new)
              for v, old, new in move.changes if v != move.village]
    if others:
        parts.append(t("groups.moved_also", lang, changes=", ".join(others)))
    change = grouping.changes[grouping.changes["area"] == move.area]
    if len(change) and change["extra_pct"].iloc[0] >= SHOWN_PCT:
        parts.append(t("groups.moved_price", lang, pct=fmt.number(change["extra_pct"].iloc[0], lang, 1)))
    return "success", " ".join(parts)


def pin_line(row: Mapping[str, object], lang: str) -> str:
    """A move in force, as listed under the groups: where the village is and where it came from."""
    values = {"village": fmt.plain(row["village"]), "group": int(row["group"])}
    if row["moved"]:
        return t("groups.pin_row.moved", lang, reference=int(row["reference_group"]), **values)
    if row["reference_group"] == row["group"]:
        return t("groups.pin_row.kept", lang, **values)
    return t("groups.pin_row.renumbered", lang, **values)


# --- sections -------------------------------------------------------------------------------------------


def draw_card(story: GroupStory, *, theme_names: Mapping[str, str], dim_names: Mapping[str, str], single: bool,
              lang: str) -> None:
    """One group: its theme, villages, what they share, why the theme and how sure the grouping is."""
    theme = theme_names.get(story.theme.theme, story.theme.theme) if story.theme else "–"
    with st.container(border=True):
        st.subheader(t("groups.card_title", lang, group=story.group, theme=theme))
        st.markdown(fmt.plain(", ".join(story.villages)))
        if story.moved_in:
            st.caption(t("groups.moved_in", lang, villages=fmt.plain(", ".join(story.moved_in))))
        if single:
            st.markdown(t("groups.single", lang))
        elif story.shared:
            lines = [f"- {fmt.plain(trait_line(trait, dim_names, lang))}" for trait in story.shared]
            st.markdown("\n".join([t("groups.shared", lang), "", *lines]))
        else:
            st.markdown(t("groups.shared_none", lang))
        if story.theme is not None:
            st.markdown(fmt.plain(theme_line(story.theme, dim_names, theme_names, lang)))
        if not single:
            (st.warning if story.stability.flag else st.caption)(stability_line(story.stability, lang))


def draw_statistics(grouping: Grouping, area: str, dims: list[str], lang: str, key: str) -> None:
    """The statistics behind one area's grouping (method, cost, next-best, bootstrap figures, the PCA map),
    inside an expander for those who want them."""
    with st.expander(t("groups.stats", lang)):
        cost = grouping.cost[grouping.cost["area"] == area].iloc[0]
        st.markdown(t(f"groups.stats.method.{cost['method']}", lang))
        st.markdown(t("groups.stats.cost", lang, cost=fmt.number(cost["cost"], lang, 2)))
        change = grouping.changes[grouping.changes["area"] == area].iloc[0]
        if change["moved"] or abs(change["extra_cost"]) > 1e-12:
            st.markdown(t("groups.stats.cost_moves", lang, reference=fmt.number(change["reference_cost"], lang, 2),
                          pct=fmt.number(change["extra_pct"], lang, 1), moved=fmt.plain(change["moved"] or "–")))
        alt = grouping.alternative[grouping.alternative["area"] == area].iloc[0]
        if alt["moved"]:
            st.markdown(t("groups.alternative", lang, pct=fmt.number(alt["extra_pct"], lang, 1),
                          moved=fmt.plain(alt["moved"])))
        stab = grouping.stability[grouping.stability["area"] == area]
        if len(stab) > 1:
            st.markdown(t("groups.stats.area_ari", lang, value=fmt.number(stab["area_ari"].iloc[0], lang, 2),
                          runs=int(stab["runs"].max())))
            table = stab[["group", "ari", "jaccard", "same", "runs", "flag"]].rename(
                columns={c: t(f"groups.stats.col.{c}", lang) for c in ("group", "ari", "jaccard", "same", "runs",
                                                                       "flag")})
            names = list(table.columns)
            st.dataframe(fmt.styled(table, lang, decimals={names[1]: 2, names[2]: 2}), hide_index=True)
            members = grouping.assignments[grouping.assignments["area"] == area]
            labels = {"x": t("groups.map_x", lang), "y": t("groups.map_y", lang), "group": t("groups.group", lang)}
            st.plotly_chart(charts.group_map(members, grouping.scores, dims, labels, lang), key=key, width="stretch",
                            alt=t("groups.map_alt", lang), config={"displayModeBar": False})
            st.caption(t("groups.map", lang))
