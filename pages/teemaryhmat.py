"""Teemaryhmät (coordinators): per area the villages taking part and the number of groups; each group in
plain words; moving a village and keeping two together or apart; save and xlsx download.

Moves and conditions live in the session per (round, grouping scope). A move is tried before it is kept:
one that cannot be met leaves the groups as they were and says why. Groupings are cached per database
state and request, so a move or a change of participants answers at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from indicator.errors import IndicatorError
from indicator.framework import text
from indicator.grouping import (
    BY_OPTIONS,
    Grouping,
    GroupStory,
    default_group_count,
    make_groups,
    stories,
    village_areas,
)
from indicator.grouping.workbook import area_name, workbook_bytes
from indicator.i18n import t
from ui import context, filters
from ui import format as fmt
from ui import group_views as views
from ui.navigation import ensure_routed

ensure_routed(coordinator=True)
lang = context.lang()
fw = context.framework()
dims = list(fw.dimension_ids)
dim_names = fmt.dimension_names(fw, lang)
theme_names = {theme.id: text(theme.name, lang) for theme in fw.themes}
table = context.scores_table()
chosen_round = filters.selected_round(table) if len(table) else None
scores = table[table["round"] == chosen_round].reset_index(drop=True) if chosen_round is not None else table
state = st.session_state
LINK_KINDS = ("together", "apart")


@st.cache_data(max_entries=64, show_spinner=False)
def grouping_for(token: str, round_: int, by: str, villages: tuple[str, ...], n_groups: int,
                 pins: tuple[tuple[str, int], ...], together: tuple[tuple[str, str], ...],
                 apart: tuple[tuple[str, str], ...]) -> tuple[Grouping, list[GroupStory]]:
    """One area's grouping and its groups in words, per database state and request (pins as shown)."""
    rows = context.scores_table()
    rows = rows[rows["round"] == round_].reset_index(drop=True)
    grouping = make_groups(rows, context.framework(), registry=context.registry(), by=by, villages=villages,
                           n_groups=n_groups, pins=dict(pins), together=together, apart=apart, pins_as_shown=True)
    return grouping, stories(grouping, context.framework())


@dataclass(frozen=True)
class Request:
    """What one area's grouping is asked for: the villages, the number of groups, the moves and conditions."""

    scope: str
    area: str
    by: str
    villages: tuple[str, ...]
    n_groups: int
    pins: tuple[tuple[str, int], ...] = ()
    links: tuple[tuple[str, str, str], ...] = ()

    def result(self) -> tuple[Grouping, list[GroupStory]]:
        pairs = {kind: tuple((a, b) for k, a, b in self.links if k == kind) for kind in LINK_KINDS}
        return grouping_for(context.state_token(), int(chosen_round), self.by, self.villages, self.n_groups,
                            self.pins, pairs["together"], pairs["apart"])


def moves_of(scope: str) -> dict[str, int]:
    """The moves in force in this scope: village -> group number as the coordinator saw it."""
    return state.setdefault(f"groups_moves_{scope}", {})


def links_of(scope: str) -> list[tuple[str, str, str]]:
    """The conditions in this scope: (together | apart, village, village)."""
    return state.setdefault(f"groups_links_{scope}", [])


def flash(scope: str, area: str, what: object) -> None:
    """Remember what the last change did, to say it once on the next run."""
    state[f"groups_flash_{scope}"] = (area, what)


def try_request(request: Request, scope: str) -> bool:
    """Whether the request can be met; if not, say why (in the user's language) on the next run."""
    try:
        request.result()
    except IndicatorError as err:
        flash(scope, request.area, err)
        return False
    return True


def move_village(request: Request, shown: dict[str, int]) -> None:
    """The move form's button: move the chosen village into the chosen group, if that can be done."""
    key = f"{request.scope}_{request.area}"
    village, group = state[f"groups_move_village_{key}"], int(state[f"groups_move_group_{key}"])
    if shown.get(village) == group:
        flash(request.scope, request.area, views.Move(request.area, village, group, group))
        return
    trial = replace(request, pins=tuple(sorted({**dict(request.pins), village: group}.items())))
    if not try_request(trial, request.scope):
        return
    moves_of(request.scope)[village] = group
    placed = trial.result()[0].assignments
    after = dict(zip(placed["village"], placed["group"].astype(int), strict=True))
    flash(request.scope, request.area,
          views.Move(request.area, village, group, shown[village], views.view_changes(shown, after)))


def add_link(request: Request) -> None:
    """The condition form's button: keep two villages together or apart, if that can be done."""
    key = f"{request.scope}_{request.area}"
    kind, a, b = state[f"groups_link_kind_{key}"], state[f"groups_link_a_{key}"], state[f"groups_link_b_{key}"]
    if a == b:
        flash(request.scope, request.area, "link_same")
        return
    link = (kind, a, b)
    if link in request.links or not try_request(replace(request, links=(*request.links, link)), request.scope):
        return
    links_of(request.scope).append(link)
    flash(request.scope, request.area, link)


def unpin(scope: str, village: str) -> None:
    moves_of(scope).pop(village, None)


def unlink(scope: str, link: tuple[str, str, str]) -> None:
    if link in links_of(scope):
        links_of(scope).remove(link)


def participants(key: str, options: list[str]) -> list[str]:
    """The multiselect of villages taking part (all by default; villages no longer scored are dropped)."""
    name = f"groups_villages_{key}"
    state[name] = [v for v in state.get(name, options) if v in options]
    return st.multiselect(t("groups.participants", lang), options, key=name, help=t("groups.participants_help", lang),
                          placeholder=t("groups.participants_placeholder", lang))


def chosen_by_hand(auto: str) -> None:
    """The coordinator set the number of groups: it no longer follows the default."""
    state[auto] = False


def group_count(key: str, villages: int, where) -> int:
    """The number of groups: the page default for this many villages until the coordinator sets one."""
    name, auto = f"groups_count_{key}", f"groups_count_auto_{key}"
    if state.get(auto, True):
        state[name] = default_group_count(villages, fw)
    else:
        state[name] = min(max(1, int(state.get(name, 1))), villages)
    return int(where.number_input(t("groups.count", lang), min_value=1, max_value=villages, step=1, key=name,
                                  help=t("groups.count_help", lang), on_change=chosen_by_hand, args=(auto,)))


def say(message: tuple[str, object] | None, area: str, grouping: Grouping) -> None:
    """What the last change did, in the area it was made in."""
    if message is None or message[0] != area:
        return
    what = message[1]
    if isinstance(what, views.Move):
        kind, words = views.move_message(what, grouping, lang)
        getattr(st, kind)(words)
    elif isinstance(what, IndicatorError):
        st.error(t("groups.not_done", lang, reason=fmt.plain(what.localized(lang))))
    elif what == "link_same":
        st.error(t("groups.link_same", lang))
    elif isinstance(what, tuple):
        kind, a, b = what
        condition = t(f"groups.link_row.{kind}", lang, a=fmt.plain(a), b=fmt.plain(b))
        st.success(t("groups.link_added", lang, condition=condition))


def in_force(options: list[str], chosen: list[str], k: int,
             scope: str) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, str, str], ...], list[str]]:
    """The area's moves and conditions that apply (villages taking part, groups that exist) and the text
    of those that do not."""
    here, taking = set(options), set(chosen)
    pins = {v: g for v, g in moves_of(scope).items() if v in here}
    links = [link for link in links_of(scope) if link[1] in here]
    active_pins = tuple(sorted((v, g) for v, g in pins.items() if v in taking and g <= k))
    active_links = tuple(link for link in links if link[1] in taking and link[2] in taking)
    ignored = [f"{v} → {g}" for v, g in sorted(pins.items()) if (v, g) not in active_pins]
    ignored += [t(f"groups.link_row.{kind}", lang, a=a, b=b) for kind, a, b in links if (kind, a, b) not in active_links]
    return active_pins, active_links, ignored


def move_form(request: Request, grouping: Grouping, key: str) -> None:
    """Pick a village and its new group from two lists. Their labels do not depend on the grouping (a
    label that changes after a move would leave the browser showing, and sending back, the old one)."""
    shown = dict(zip(grouping.assignments["village"], grouping.assignments["group"].astype(int), strict=True))
    groups = sorted(set(shown.values()))
    village_key, group_key = f"groups_move_village_{key}", f"groups_move_group_{key}"
    for name, allowed in ((village_key, shown), (group_key, groups)):
        if name in state and state[name] not in allowed:
            del state[name]
    with st.form(f"groups_move_{key}"):
        st.markdown(f"**{t('groups.move_title', lang)}**")
        left, right = st.columns(2)
        left.selectbox(t("groups.move_village", lang), sorted(shown, key=str.casefold), key=village_key)
        right.selectbox(t("groups.move_group", lang), groups, key=group_key,
                        format_func=lambda g: t("groups.group_option", lang, group=g))
        st.form_submit_button(t("groups.move", lang), on_click=move_village, args=(request, shown))


def link_form(request: Request, villages: list[str], key: str) -> None:
    """Keep two villages in the same group or in different groups."""
    with st.expander(t("groups.links_title", lang)), st.form(f"groups_link_{key}", border=False):
        left, middle, right = st.columns(3)
        left.selectbox(t("groups.link_a", lang), villages, key=f"groups_link_a_{key}")
        middle.selectbox(t("groups.link_b", lang), villages, key=f"groups_link_b_{key}", index=min(1, len(villages) - 1))
        right.selectbox(t("groups.link_kind", lang), LINK_KINDS, key=f"groups_link_kind_{key}",
                        format_func=lambda kind: t(f"groups.link.{kind}", lang))
        st.form_submit_button(t("groups.link_add", lang), on_click=add_link, args=(request,))


def in_force_list(asked: Request, grouping: Grouping, ignored: list[str]) -> None:
    """The moves and conditions asked for, each with a button that removes it (also when they could not
    be met and the groups are shown without them)."""
    if not (asked.pins or asked.links or ignored):
        return
    st.markdown(f"**{t('groups.moves_title', lang)}**")
    placed = grouping.pins.set_index("village")
    for village, group in asked.pins:
        line = (views.pin_line({**placed.loc[village].to_dict(), "village": village}, lang)
                if village in placed.index else f"{fmt.plain(village)} → {group}")
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(line)
            st.button(t("groups.remove", lang), key=f"groups_unpin_{asked.scope}_{village}", on_click=unpin,
                      args=(asked.scope, village))
    for link in asked.links:
        kind, a, b = link
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(t(f"groups.link_row.{kind}", lang, a=fmt.plain(a), b=fmt.plain(b)))
            st.button(t("groups.remove", lang), key=f"groups_unlink_{asked.scope}_{kind}_{a}_{b}", on_click=unlink,
                      args=(asked.scope, link))
    if ignored:
        st.caption(t("groups.ignored", lang, items=fmt.plain("; ".join(ignored))))


def area_section(area: str, options: list[str], left_out: list[str], scope: str, by: str,
                 message: tuple[str, object] | None) -> Grouping | None:
    """One area: its controls, its groups in words, moving villages, and the statistics."""
    st.header(t("groups.area", lang, area=area_name(area, lang)))
    key = f"{scope}_{area}"
    pick, count = st.columns([3, 1])
    with pick:
        chosen = participants(key, options)
    if left_out:
        st.caption(t("groups.excluded", lang, names=fmt.plain(", ".join(left_out))))
    if not chosen:
        st.info(t("groups.none_chosen", lang))
        return None
    k = group_count(key, len(chosen), count)
    st.caption(views.sizes_line(len(chosen), k, lang))
    pins, links, ignored = in_force(options, chosen, k, scope)
    request = asked = Request(scope, area, by, tuple(chosen), k, pins, links)
    try:
        grouping, groups = request.result()
    except IndicatorError as err:  # e.g. moves that no longer fit together after the participants changed
        st.error(fmt.plain(err.localized(lang)))
        st.warning(t("groups.fallback", lang))
        request = replace(request, pins=(), links=())
        grouping, groups = request.result()
    st.markdown(views.proof_line(grouping, bool(request.pins or request.links), lang))
    say(message, area, grouping)
    columns = st.columns(2 if len(groups) in (2, 4) else min(3, len(groups)))
    for n, story in enumerate(groups):
        with columns[n % len(columns)]:
            views.draw_card(story, theme_names=theme_names, dim_names=dim_names, single=len(groups) == 1, lang=lang)
    if len(groups) > 1:
        move_form(request, grouping, key)
        link_form(request, sorted(chosen, key=str.casefold), key)
    in_force_list(asked, grouping, ignored)
    views.draw_statistics(grouping, area, dims, lang, key=f"groups_map_{key}")
    return grouping


def save_and_download(grouping: Grouping, scope: str, by: str, requests: dict[str, int]) -> None:
    """Save the grouping by name (what the strategies page and the goals read) and download the workbook."""
    save_col, download_col = st.columns(2)
    with save_col.form("groups_save_form"):
        name = st.text_input(t("groups.save_name", lang), key="groups_save_name").strip()
        if st.form_submit_button(t("groups.save", lang)):
            if not name:
                st.warning(t("groups.save_no_name", lang))
            else:
                links = links_of(scope)
                payload = {"round": int(chosen_round), "by": by, "n_groups": requests,
                           "villages": sorted(grouping.assignments["village"], key=str.casefold),
                           "pins": dict(grouping.pins[["village", "group"]].astype({"group": int}).values.tolist()),
                           "together": [[a, b] for kind, a, b in links if kind == "together"],
                           "apart": [[a, b] for kind, a, b in links if kind == "apart"],
                           "assignments": grouping.assignments[["village", "area", "group", "theme"]].to_dict("records")}
                context.store().documents.save("grouping", name, payload, actor="coordinator")
                st.success(t("groups.saved", lang, name=fmt.plain(name)))
    download_col.download_button(t("groups.download", lang), lambda: workbook_bytes(grouping, fw, lang),
                                 file_name="teemaryhmat.xlsx", key="groups_download", on_click="ignore",
                                 mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


st.title(t("groups.title", lang))
if scores.empty:
    st.info(t("groups.no_data", lang))
    st.stop()
st.markdown(t("groups.intro", lang))
by = st.radio(t("groups.by", lang), BY_OPTIONS, key="groups_by", horizontal=True,
              format_func=lambda b: t(f"groups.by.{b}", lang))
scope = f"{chosen_round}_{by}"
message = state.pop(f"groups_flash_{scope}", None)
complete = scores[dims].notna().all(axis=1)
areas = village_areas(scores["village"].astype(str), context.registry(), by)
done: dict[str, Grouping] = {}
for area in sorted(set(areas)):
    names = scores.loc[areas == area, "village"].astype(str)
    options = sorted(names[complete[areas == area]], key=str.casefold)
    left_out = sorted(names[~complete[areas == area]], key=str.casefold)
    result = area_section(area, options, left_out, scope, by, message)
    if result is not None:
        done[area] = result
if done:
    st.divider()
    save_and_download(views.combine(list(done.values())), scope, by,
                      {area: int(g.cost["groups"].iloc[0]) for area, g in done.items()})
