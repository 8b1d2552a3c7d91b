"""The final report for the funder: one Word document (python-docx) from the database, in Finnish by default.

``build(store, framework, lang=...)`` returns the .docx bytes; ``python -m indicator report`` writes them.
Sections: the project's goals against what was recorded; participation per round; the province and
Leader-area index over the rounds (with charts) and their progress; villages by band; the theme groups with
their strategies, actions and experiments; the measured impact with its plain reading and cautions; an
appendix per village. Tables are real Word tables; every number is the library's (the ``progress``,
``impact`` and ``score`` subcommands give the same at full precision), rounded to one decimal for people.

Charts are Plotly's own figures (the dashboard's builders) exported as PNG with kaleido, which drives a
Chrome or Chromium found on the PATH (or named by env ``BROWSER_PATH``). Without one, the report is still
made, with a line in place of each chart, and ``charts_missing`` says why.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from indicator import goals as project_goals
from indicator import impact as impact_lib
from indicator import strategies as plans
from indicator.framework import Framework, text
from indicator.i18n import fmt_date, fmt_number, t

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from indicator.storage import Store

AREAS: tuple[str, ...] = ("sepra", "kasvu")
PROVINCE = "Kymenlaakso"
IMAGE_WIDTH_CM = 16.0
DECIMALS = 1


@dataclass
class Charts:
    """PNG export of Plotly figures with kaleido; ``missing`` holds the reason when it cannot draw."""

    enabled: bool = True
    missing: str | None = None
    drawn: int = 0
    _server: bool = field(default=False, repr=False)

    def png(self, fig: go.Figure, width: int = 900, height: int = 450) -> bytes | None:
        """The figure as PNG bytes, or None (and ``missing`` set) when no browser can draw it.

        A failed drawing is tried once more: on a busy machine kaleido may call its script before its page
        has loaded it ("kaleido_scopes is not defined"), and it reloads the page after every drawing.
        """
        if not self.enabled or self.missing:
            return None
        import plotly.io as pio

        for last in (False, True):
            try:
                with warnings.catch_warnings():  # "kopts ignored when using a server": the server is ours
                    warnings.simplefilter("ignore", UserWarning)
                    data = pio.to_image(fig, format="png", width=width, height=height, scale=2)
                break
            except Exception as exc:  # noqa: BLE001 - kaleido or its browser missing: the report goes on without
                if last:
                    self.missing = " ".join(str(exc).split())[:300] or type(exc).__name__
                    return None
        self.drawn += 1
        return data

    @contextmanager
    def session(self):  # noqa: ANN201 - a context manager
        """One browser for every chart of a report (kaleido's sync server), when kaleido is there."""
        if self.enabled:
            try:
                import kaleido

                kaleido.start_sync_server(silence_warnings=True)
                self._server = True
            except Exception as exc:  # noqa: BLE001
                self.missing = " ".join(str(exc).split())[:300] or type(exc).__name__
        try:
            yield self
        finally:
            if self._server:
                import kaleido

                kaleido.stop_sync_server(silence_warnings=True)
                self._server = False


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, computed by the library before any of it is written."""

    scores: pd.DataFrame
    progress: pd.DataFrame
    goals: pd.DataFrame
    participation: pd.DataFrame
    grouping_name: str | None
    groups: pd.DataFrame  # area, group, theme, villages (list)
    strategies: pd.DataFrame
    actions: pd.DataFrame
    impact: pd.DataFrame | None
    impact_problem: str | None
    registry: pd.DataFrame | None = None


def collect(store: Store, framework: Framework, *, registry: pd.DataFrame | None = None,
            groups: pd.DataFrame | None = None, baseline: int | None = None,
            followup: int | None = None) -> ReportData:
    """The report's figures from ``store``: scores, progress (every level), goals, participation, the latest
    saved grouping (or ``groups``), strategies, actions and the impact table."""
    from indicator.charts.seminar import participation
    from indicator.progress import progress

    goals = project_goals.load()
    scores = store.scores(framework).table
    saved = plans.saved_groupings(store)
    name = next(iter(saved), None)
    assignments = groups if groups is not None else (saved[name] if name is not None else None)
    table, problem = None, None
    if assignments is not None and len(assignments):
        try:
            table = impact_lib.impact(scores, assignments, framework, registry=registry, baseline=baseline,
                                      followup=followup)
        except impact_lib.ImpactError as err:
            problem = err.code
    return ReportData(
        scores=scores,
        progress=progress(scores, framework, registry=registry) if len(scores) else pd.DataFrame(),
        goals=project_goals.goal_progress(goals, plans.recorded(store, goals, registry)),
        participation=participation(scores) if len(scores) else pd.DataFrame(),
        grouping_name=name if groups is None else None,
        groups=plans.group_table(assignments) if assignments is not None and len(assignments) else pd.DataFrame(),
        strategies=store.strategies.table(),
        actions=store.strategies.actions(),
        impact=table,
        impact_problem=problem,
        registry=registry,
    )


# --- formatting ---------------------------------------------------------------------------------------


def number(value: object, lang: str, decimals: int = DECIMALS) -> str:
    """A number as the report prints it: the locale's decimal mark, ``–`` for a missing value."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "–"
    return fmt_number(float(value), lang, decimals)


def area_name(area: str, lang: str) -> str:
    if area in AREAS:
        return t(f"common.area_{area}", lang)
    return PROVINCE if area == PROVINCE else str(area)


# --- the document -------------------------------------------------------------------------------------


class Writer:
    """A thin layer over python-docx: headings, paragraphs, real tables and pictures."""

    def __init__(self, lang: str, charts: Charts) -> None:
        import docx

        self.doc = docx.Document()
        self.lang = lang
        self.charts = charts

    def heading(self, words: str, level: int = 1) -> None:
        self.doc.add_heading(words, level=level)

    def para(self, words: str, *, italic: bool = False, bold: bool = False, style: str | None = None) -> None:
        run = self.doc.add_paragraph(style=style).add_run(words)
        run.italic, run.bold = italic, bold

    def bullets(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.doc.add_paragraph(line, style="List Bullet")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """A Word table with a bold header row; cells as text."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, words in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(words)).bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = str(value)
        self.doc.add_paragraph()

    def picture(self, fig_builder: Callable[[], go.Figure], alt: str, width: int = 900, height: int = 450) -> None:
        """A chart as a picture (with its text alternative below), or a line saying it could not be drawn."""
        from docx.shared import Cm

        data = self.charts.png(fig_builder(), width, height)
        if data is None:
            self.para(t("report.chart_missing", self.lang), italic=True)
        else:
            self.doc.add_picture(io.BytesIO(data), width=Cm(IMAGE_WIDTH_CM))
        self.para(alt, italic=True)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def build(store: Store, framework: Framework, *, lang: str = "fi", registry: pd.DataFrame | None = None,
          groups: pd.DataFrame | None = None, baseline: int | None = None, followup: int | None = None,
          charts: Charts | None = None, today: date | None = None) -> bytes:
    """The final report as .docx bytes (see the module); ``charts=Charts(enabled=False)`` leaves images out."""
    data = collect(store, framework, registry=registry, groups=groups, baseline=baseline, followup=followup)
    charts = charts or Charts()
    with charts.session():
        out = Writer(lang, charts)
        out.doc.core_properties.title = t("report.title", lang)
        out.doc.add_heading(t("report.title", lang), level=0)
        out.para(t("report.subtitle", lang, date=fmt_date(today or date.today(), lang)))
        out.para(t("report.intro", lang, target_year=framework.target_year))
        sections = (goals_section, participation_section, indicator_section, bands_section, groups_section,
                    impact_section, appendix_section)
        for n, section in enumerate(sections, start=1):
            section(out, data, framework, n)
        return out.bytes()


def goals_section(out: Writer, data: ReportData, framework: Framework, n: int) -> None:
    lang = out.lang
    goals = project_goals.load()
    goal_names, project_names = project_goals.names(goals, lang)
    out.heading(f"{n} {t('report.goals.title', lang)}")
    out.para(t("report.goals.intro", lang))
    rows = [[goal_names[r.goal], project_names[r.project], r.done, project_goals.target_text(r.min, r.max),
             t(f"goals.status.{r.status}", lang)] for r in data.goals.itertuples()]
    out.table([t(f"goals.col.{c}", lang) for c in ("goal", "project", "done", "target", "status")], rows)
    summary = project_goals.summary(data.goals)
    out.bullets([t("goals.summary", lang, project=project_names[r.project], reached=r.reached, goals=r.goals)
                 for r in summary.itertuples()])


def participation_section(out: Writer, data: ReportData, framework: Framework, n: int) -> None:
    lang = out.lang
    out.heading(f"{n} {t('report.participation.title', lang)}")
    if data.participation.empty:
        out.para(t("report.no_scores", lang))
        return
    out.para(t("report.participation.intro", lang, min=framework.min_respondents))
    out.table([t(f"report.participation.col.{c}", lang) for c in ("round", "villages", "scored", "respondents")],
              [[r.round, r.villages, r.scored, r.respondents] for r in data.participation.itertuples()])


def level_means(data: ReportData, framework: Framework) -> pd.DataFrame:
    """The index per round for the province and each Leader area: the villages' linked mean (docs/method.md
    §3.1), the same series ``progress`` rates at those levels and every screen shows."""
    rows = data.progress
    if rows.empty:
        return pd.DataFrame()
    from indicator.charts.progress import level_history

    reg = data.registry
    frames = [level_history(data.scores, reg, "province", framework)]
    if reg is not None:
        frames.append(level_history(data.scores, reg, "leader_area", framework))
    return pd.concat(frames, ignore_index=True)[["village", "round", "index"]]


def indicator_section(out: Writer, data: ReportData, framework: Framework, n: int) -> None:
    from indicator.charts import progress as progress_charts

    lang = out.lang
    out.heading(f"{n} {t('report.indicator.title', lang)}")
    if data.progress.empty:
        out.para(t("report.no_scores", lang))
        return
    out.para(t("report.indicator.intro", lang, target_year=framework.target_year))
    means = level_means(data, framework)
    entities = [PROVINCE, *[a for a in AREAS if a in set(means["village"])]]
    rounds = sorted(means["round"].unique())
    wide = means.pivot(index="village", columns="round", values="index")
    out.table([t("report.indicator.col.level", lang), *map(str, rounds)],
              [[area_name(e, lang), *[number(wide.loc[e].get(r), lang) for r in rounds]] for e in entities])
    index_rows = data.progress[(data.progress["measure"] == "index")
                               & data.progress["level"].isin(["province", "leader_area"])].set_index("village")
    cols = ("level", "first", "last", "slope", "required", "status", "projected")
    out.table([t(f"report.indicator.col.{c}", lang, year=framework.target_year) for c in cols], [
        [area_name(e, lang), f"{number(r['first_score'], lang)} ({int(r['first_round'])})",
         f"{number(r['last_score'], lang)} ({int(r['last_round'])})", number(r["slope"], lang),
         number(r["required"], lang), progress_charts.status_label(r["status"], lang), number(r["projected"], lang)]
        for e in entities if e in index_rows.index for r in [index_rows.loc[e]]])
    label = progress_charts.measure_label("index", framework, lang)
    for entity in entities:
        if entity not in index_rows.index:
            continue
        row = index_rows.loc[entity]
        series = progress_charts.measure_series(means, entity, "index")
        out.picture(lambda s=series, r=row, e=entity: progress_charts.progress_figure(
            s, r, framework.target_year, title=f"{area_name(e, lang)}: {label}", lang=lang, font_size=15),
            progress_charts.alt_text(row, f"{area_name(entity, lang)}: {label}", framework.target_year, lang))


def bands_section(out: Writer, data: ReportData, framework: Framework, n: int) -> None:
    from indicator.charts import seminar as seminar_charts
    from indicator.scoring import band_counts

    lang = out.lang
    out.heading(f"{n} {t('report.bands.title', lang)}")
    if data.scores.empty:
        out.para(t("report.no_scores", lang))
        return
    out.para(t("report.bands.intro", lang))
    rounds = sorted(int(r) for r in data.scores["round"].dropna().unique())
    ids = [b.id for b in framework.bands]
    counts = {r: band_counts(data.scores[data.scores["round"] == r], ids) for r in rounds}
    names = seminar_charts.band_names(framework, lang)
    out.table([t("report.bands.col.band", lang), *map(str, rounds)],
              [[names[b], *[int(counts[r][b]) for r in rounds]] for b in counts[rounds[-1]].index])
    latest = counts[rounds[-1]]
    out.picture(lambda: seminar_charts.bands_figure(latest, framework, lang=lang, font_size=16),
                t("seminar.bands.alt", lang, items=seminar_charts.pairs(map(names.get, latest.index),
                                                                       latest.to_numpy())), height=380)


def _dates(action: pd.Series, lang: str) -> str:
    start = fmt_date(action["starts_on"], lang) if action["starts_on"] else "–"
    end = fmt_date(action["ends_on"], lang) if action["ends_on"] else "–"
    return f"{start} – {end}"


def groups_section(out: Writer, data: ReportData, framework: Framework, n: int) -> None:
    lang = out.lang
    out.heading(f"{n} {t('report.groups.title', lang)}")
    if data.groups.empty:
        out.para(t("report.groups.none", lang))
        return
    if data.grouping_name:
        out.para(t("impact.grouping", lang, name=data.grouping_name))
    themes = {th.id: text(th.name, lang) for th in framework.themes}
    dims = {d.id: text(d.name, lang) for d in framework.dimensions}
    live = data.actions[data.actions["status"].isin(plans.COUNTED)] if len(data.actions) else data.actions
    out.para(t("report.groups.counts", lang, strategies=len(data.strategies), actions=len(live),
               experiments=int(live["experiment"].sum()) if len(live) else 0))
    for g in data.groups.itertuples():
        out.heading(t("strategy.group_title", lang, area=area_name(g.area, lang), group=g.group,
                      theme=themes.get(g.theme, g.theme or "–")), level=2)
        out.para(t("strategy.villages", lang, villages=", ".join(g.villages)))
        mine = data.strategies[(data.strategies["area"] == g.area) & (data.strategies["group"] == g.group)]
        if data.grouping_name:
            mine = mine[mine["grouping"] == data.grouping_name]
        if mine.empty:
            out.para(t("strategy.none_yet", lang), italic=True)
            continue
        strategy = mine.iloc[0]
        out.para(strategy["name"], bold=True)
        if strategy["vision"]:
            out.para(strategy["vision"])
        targets = [dims.get(d, d) for d in strategy["dimensions"]] + list(strategy["items"])
        if targets:
            out.para(t("strategy.targets", lang, targets=", ".join(targets)))
        actions = data.actions[data.actions["strategy_id"] == strategy["id"]]
        if actions.empty:
            out.para(t("strategy.no_actions", lang), italic=True)
            continue
        out.table([t(f"strategy.col.{c}", lang) for c in ("title", "dates", "status", "experiment", "villages",
                                                          "learnt")],
                  [[a["title"], _dates(a, lang), t(f"strategy.status.{a['status']}", lang),
                    t("strategy.action.experiment_yes", lang) if a["experiment"] else "", ", ".join(a["villages"]),
                    a["learnt"]] for _, a in actions.iterrows()])


def impact_section(out: Writer, data: ReportData, framework: Framework, n: int) -> None:
    from indicator.charts import strategies as strategy_charts

    lang = out.lang
    out.heading(f"{n} {t('impact.title', lang)}")
    table = data.impact
    if table is None or table.empty:
        out.para(t("impact.none", lang))
        return
    out.para(t("impact.intro", lang, baseline=int(table["baseline"].iloc[0]), followup=int(table["followup"].iloc[0])))
    areas = {a: area_name(a, lang) for a in AREAS}
    out.table([t(f"impact.col.{c}", lang) for c in ("area", "group", "measure", "treated_n", "comparison_n",
                                                   "treated_change", "comparison_change", "difference", "interval")],
              [[areas.get(r.area, r.area), r.group, text(framework.dimension(r.measure).name, lang), r.treated_n,
                r.comparison_n, number(r.treated_change, lang), number(r.comparison_change, lang),
                number(r.difference, lang),
                "–" if pd.isna(r.ci_low) else f"{number(r.ci_low, lang)} … {number(r.ci_high, lang)}"]
               for r in table.itertuples()])
    readings = [impact_lib.reading(r, framework, lang, areas) for _, r in table.iterrows()]
    out.bullets(readings)
    out.para(t("impact.caveats", lang))
    labels = strategy_charts.impact_labels(table, {d.id: text(d.name, lang) for d in framework.dimensions}, areas,
                                           lang)
    out.picture(lambda: strategy_charts.impact_figure(table, labels, lang=lang, font_size=14),
                t("impact.chart.alt", lang, items="; ".join(readings)), height=120 + 60 * len(table))


def appendix_section(out: Writer, data: ReportData, framework: Framework, n: int) -> None:
    lang = out.lang
    out.doc.add_page_break()
    out.heading(t("report.appendix.title", lang))
    if data.scores.empty:
        out.para(t("report.no_scores", lang))
        return
    out.para(t("report.appendix.intro", lang, min=framework.min_respondents))
    bands = {b.id: text(b.name, lang) for b in framework.bands}
    dims = list(framework.dimension_ids)
    dim_names = [text(framework.dimension(d).name, lang) for d in dims]
    for village in sorted(data.scores["village"].unique(), key=str.casefold):
        rows = data.scores[data.scores["village"] == village].sort_values("round")
        out.heading(str(village), level=2)
        out.table([t(f"report.appendix.col.{c}", lang) for c in ("round", "respondents", "index", "rank", "band")],
                  [[int(r.round), int(r.respondents), number(r.index, lang),
                    "–" if pd.isna(r.rank) else int(r.rank), bands.get(r.band, "–") if isinstance(r.band, str) else "–"]
                   for r in rows.itertuples()])
        scored = rows.dropna(subset=["index"])
        if len(scored):
            latest = scored.iloc[-1]
            out.table([t("report.appendix.col.dimension", lang), str(int(latest["round"]))],
                      [[name, number(latest[d], lang)] for d, name in zip(dims, dim_names, strict=True)])
        strategies, actions = plans.village_plans(str(village), data.strategies, data.actions)
        if len(strategies) or len(actions):
            out.bullets([t("report.appendix.strategy", lang, name=s.name) for s in strategies.itertuples()]
                        + [t("report.appendix.action", lang, title=a.title, strategy=a.strategy,
                             status=t(f"strategy.status.{a.status}", lang)) for a in actions.itertuples()])


def report_text(content: bytes) -> list[str]:
    """The paragraphs of a report (for tests and the closing note): every non-empty paragraph's text."""
    import docx

    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs if p.text.strip()]


def report_tables(content: bytes) -> list[list[list[str]]]:
    """Every table of a report as rows of cell texts (header row first)."""
    import docx

    return [[[c.text for c in row.cells] for row in table.rows] for table in docx.Document(io.BytesIO(content)).tables]
