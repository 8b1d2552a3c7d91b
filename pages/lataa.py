"""Lataa kysely: read a survey file, show the import report, let the user fix the mapping, then store
it as a pending upload for the coordinator."""

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

from indicator.charts import upload as report_tables
from indicator.errors import IndicatorError, NoVillageColumnError
from indicator.i18n import t
from indicator.reading import round_choices, round_mismatch
from indicator.reading.layouts import is_technical
from indicator.registry import VillageIndex
from ui import auth, context, device, quotas
from ui import format as fmt
from ui.navigation import ensure_routed

ensure_routed()

TYPES = ["xlsx", "xlsm", "ods", "csv", "tsv", "txt", "xls"]


@st.cache_data(max_entries=6, show_spinner=False)
def outcome(content: bytes, filename: str, village: str | None, overrides: tuple[tuple[str, str | None], ...]):
    """The file read in a worker process (memory cap, time limit) with the chosen village and column
    overrides; cached per file and choice, a refusal too (a file is never read twice for one answer)."""
    return context.reader().run(content, context.framework(), filename=filename, village=village,
                                overrides=dict(overrides) or None, registry=context.registry())


def read(content: bytes, filename: str, village: str | None, overrides: tuple[tuple[str, str | None], ...]):
    """The ``ReadResult`` of `outcome`, or its ``ReadError`` raised."""
    found = outcome(content, filename, village, overrides)
    if found.error is not None:
        raise found.error
    return found.result


def show_summary(report: dict, lang: str) -> None:
    """Figures, source tool and villages of the import report (unknown villages flagged)."""
    with st.container(horizontal=True, key="upload_kpis"):
        for key, value in (("rows", report.get("rows")), ("respondents", report.get("respondents")),
                           ("villages", len(report.get("villages") or [])),
                           ("mapped", len(report.get("mapped") or {}))):
            st.metric(t(f"upload.kpi_{key}", lang), fmt.integer(value, lang), border=True, width="stretch")
    st.caption(t("upload.source_tool", lang, file=fmt.plain(report.get("file") or ""),
                 tool=fmt.plain(report.get("source_tool") or "–")))
    villages = list(report.get("villages") or [])
    if villages:
        st.markdown(f"**{t('upload.villages_found', lang)}:** " + ", ".join(fmt.plain(v) for v in villages))
        index = VillageIndex(context.registry())
        unknown = [v for v in villages if index.find(str(v)) is None]
        if unknown:
            st.warning(t("upload.unknown_villages", lang, names=", ".join(fmt.plain(v) for v in unknown)))


def show_problems(report: dict, lang: str) -> None:
    """Dropped personal columns, cell problems and warnings of the import report."""
    dropped = list(report.get("dropped_personal") or [])
    st.markdown(f"**{t('upload.dropped_title', lang, n=len(dropped))}**")
    if dropped:
        st.caption(t("upload.dropped_caption", lang))
        st.dataframe(pd.DataFrame({t("upload.col_column", lang): dropped}, dtype=object), hide_index=True)
    problems = report_tables.problems_table(report, {k: t(f"upload.col_{k}", lang) for k in
                                                     ("row", "column", "value", "message")})
    st.markdown(f"**{t('upload.problems_title', lang, n=len(problems))}**")
    if len(problems):
        st.caption(t("upload.problems_caption", lang))
        st.dataframe(problems, hide_index=True, width="stretch", key="upload_problems")
    else:
        st.caption(t("upload.no_problems", lang))
    for warning in report.get("warnings") or []:
        st.warning(fmt.plain(warning))


def column_choices(base: dict, lang: str) -> dict[str, str | None]:
    """A selectbox per column the reader did not recognise; returns column -> chosen item (or None)."""
    columns = list(base.get("unmapped") or [])
    technical = [c for c in columns if is_technical(c)]
    unmapped = [c for c in columns if not is_technical(c)]
    st.markdown(f"**{t('upload.unmapped_title', lang, n=len(unmapped))}**")
    if technical:
        st.caption(t("upload.technical", lang, columns=", ".join(fmt.plain(c) for c in technical)))
    if not unmapped:
        return {}
    st.caption(t("upload.unmapped_caption", lang))
    choices = report_tables.item_choices(context.framework(), base, lang)
    options = [None, *choices]
    chosen = {}
    for n, column in enumerate(unmapped):
        chosen[column] = st.selectbox(fmt.plain(column), options, key=f"upload_map_{n}", format_func=lambda i: (
            t("upload.unused", lang) if i is None else choices[i]))
    return {c: i for c, i in chosen.items() if i is not None}


OUTCOME_KEY = "upload_outcome"  # what saving this file for this round gave: shown on every later run too


def save(upload, result, round_: int, village: str | None, saved_key: tuple, lang: str,
         keep_free_text: bool = False) -> bool:
    """Store the read file as a pending upload (its sanitised copy and answers) and remember the outcome for
    ``show_outcome``; False (with the reason shown) when the public's quota for this address is used up.

    The public has quotas (``quotas``); a coordinator has none and may keep the free-text columns."""
    report = result.report.to_dict()
    store, coordinator = context.store(), context.is_coordinator()
    if not coordinator and not store.limits.hit(quotas.UPLOAD_SCOPE, device.client_address(),
                                                limit=quotas.UPLOADS_PER_HOUR, seconds=3600):
        st.error(t("upload.quota_address", lang, n=quotas.UPLOADS_PER_HOUR), icon=":material/hourglass:")
        return False
    with st.spinner(t("upload.saving", lang)):
        stored = store.uploads.store_read(
            upload.getvalue(), upload.name, round_, context.framework(), result.responses, result.report,
            role="village", actor="upload page", uploader_village=village, village=village, kept=result.kept,
            keep_free_text=keep_free_text and coordinator, registry=context.registry(),
            max_pending=None if coordinator else quotas.PENDING_PER_VILLAGE,
            max_answers=None if coordinator else quotas.ANSWERS_PER_FILE)
    st.session_state[OUTCOME_KEY] = {
        "key": saved_key, "status": str(stored.status), "duplicate": stored.duplicate,
        "first_seen": stored.first_seen, "file": upload.name, "round": round_,
        "villages": list(report.get("villages") or [village or "–"]), "respondents": report.get("respondents")}
    return True


def show_outcome(outcome: dict, lang: str) -> None:
    """One message for what saving gave: stored and waiting, or already here (waiting, approved, rejected,
    replaced by a newer file) since the date it first came."""
    if not outcome["duplicate"]:
        villages = ", ".join(fmt.plain(v) for v in outcome["villages"])
        st.success(t("upload.saved", lang, file=fmt.plain(outcome["file"]), round=outcome["round"],
                     villages=villages, respondents=fmt.integer(outcome["respondents"], lang)),
                   icon=":material/task_alt:")
        return
    status = outcome["status"]
    words = t(f"upload.duplicate_{status}", lang, date=fmt.date(outcome["first_seen"], lang),
              round=outcome["round"])
    if status == "rejected":
        st.warning(words, icon=":material/block:")
    else:
        st.info(words, icon=":material/content_copy:")


lang = context.lang()
st.title(t("common.nav_upload", lang))
st.markdown(t("upload.intro", lang))
rounds = round_choices(context.framework().baseline_year)
left, right = st.columns(2)
round_ = left.selectbox(t("upload.round", lang), rounds, index=rounds.index(date.today().year), key="upload.round",
                        help=t("upload.round_help", lang))
village = right.selectbox(t("upload.village", lang), [None, *sorted(context.registry()["village"])],
                          key="upload.village", help=t("upload.village_help", lang),
                          format_func=lambda v: t("upload.village_from_file", lang) if v is None else v)
upload = st.file_uploader(t("upload.file_label", lang), type=TYPES, max_upload_size=20, key="upload_file",
                          help=t("upload.file_help", lang))
if upload is None:
    st.stop()

st.subheader(t("upload.report_title", lang))
saved_key = (hashlib.sha256(upload.getvalue()).hexdigest(), int(round_))
already_saved = (st.session_state.get(OUTCOME_KEY) or {}).get("key") == saved_key
caption_box = st.empty()
caption_box.caption(t("upload.report_caption_done" if already_saved else "upload.report_caption", lang))
summary_box, mapped_box = st.container(), st.container()
try:
    base = read(upload.getvalue(), upload.name, village, ()).report.to_dict()
    overrides = column_choices(base, lang)
    result = read(upload.getvalue(), upload.name, village, tuple(sorted(overrides.items())))
except IndicatorError as err:
    st.error(f"**{t('upload.read_failed', lang)}** {t('upload.read_failed_help', lang)} "
             f"{fmt.plain(err.localized(lang))}", icon=":material/error:")
    if isinstance(err, NoVillageColumnError):
        st.info(t("upload.no_village", lang))
    st.stop()
report = result.report.to_dict()
with summary_box:
    show_summary(report, lang)
    mismatch = round_mismatch(result.report, int(round_))
    if mismatch is not None and mismatch.first == mismatch.last:
        st.warning(t("upload.round_mismatch", lang, year=mismatch.first, round=round_), icon=":material/event:")
    elif mismatch is not None:
        st.warning(t("upload.round_span", lang, first=mismatch.first, last=mismatch.last, round=round_),
                   icon=":material/event:")
    if not report.get("villages") and village is None:
        st.warning(t("upload.no_village", lang))
with mapped_box:
    headers = {k: t(f"upload.col_{k}", lang) for k in ("column", "item", "text")}
    mapped = report_tables.mapped_table(report, context.framework(), lang, headers)
    st.markdown(f"**{t('upload.mapped_title', lang, n=len(mapped))}**")
    st.dataframe(mapped, hide_index=True, width="stretch", key="upload_mapped")
show_problems(report, lang)

targets = [village] if village else list(report.get("villages") or [])
needs_code = auth.coded_villages(targets)
code = st.text_input(t("upload.code", lang), type="password", key="upload.code",
                     help=t("upload.code_help", lang)) if needs_code else ""
keep_free_text = quotas.free_text_choice(report, lang)
if st.button(t("upload.save", lang), type="primary", key="upload.save", icon=":material/save:",
             disabled=already_saved):
    wrong = [v for v in needs_code if not auth.check_upload_code(v, code)]
    if wrong:
        st.error(t("upload.code_wrong", lang, village=fmt.plain(", ".join(wrong))))
    elif result.responses.empty:
        st.error(t("upload.nothing", lang))
    else:
        try:
            saved = save(upload, result, int(round_), village, saved_key, lang, keep_free_text)
        except IndicatorError as err:
            st.error(fmt.plain(err.localized(lang)), icon=":material/error:")
        else:
            if saved:
                st.rerun()  # the next run shows the outcome under a disabled button and the caption that matches
if already_saved:
    show_outcome(st.session_state[OUTCOME_KEY], lang)
