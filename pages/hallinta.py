"""Hallinta (coordinators): approve or reject pending uploads, see the history, export the database."""

import json
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from indicator.charts import upload as report_tables
from indicator.errors import IndicatorError
from indicator.i18n import t
from ui import context, survey_views
from ui import format as fmt
from ui.navigation import ensure_routed

ensure_routed(coordinator=True)

ACTOR = "coordinator"


def supersede_notes(row: pd.Series, approved: pd.DataFrame, lang: str) -> list[str]:
    """What approving ``row`` would replace among approved uploads of the same round."""
    mine = set(str(row["villages"] or "").split(", ")) - {""}
    same_round = approved[approved["round"] == row["round"]]
    whole = [f"#{r.id} ({r.filename})" for r in same_round.itertuples()
             if set(str(r.villages or "").split(", ")) - {""} <= mine]
    overlap = sorted(mine & {v for vs in same_round["villages"].fillna("") for v in vs.split(", ") if v})
    notes = [t("admin.supersedes", lang, uploads=fmt.plain(", ".join(whole)))] if whole else []
    if overlap and not whole:
        notes.append(t("admin.replaces_partly", lang, villages=fmt.plain(", ".join(overlap))))
    return notes


@st.cache_data(max_entries=64, show_spinner=False)
def stored_report(token: str, upload_id: int) -> dict:
    """The import report kept with an upload (cached: the stored row also holds the file's sanitised copy)."""
    return context.store().uploads.get(upload_id).report or {}


def show_report(upload_id: int, lang: str) -> None:
    """The stored import report of one upload: mapped columns and cell problems."""
    report = stored_report(context.state_token(), upload_id)
    headers = {k: t(f"upload.col_{k}", lang) for k in ("column", "item", "text")}
    st.dataframe(report_tables.mapped_table(report, context.framework(), lang, headers), hide_index=True)
    problems = report_tables.problems_table(report, {k: t(f"upload.col_{k}", lang)
                                                     for k in ("row", "column", "value", "message")})
    st.markdown(f"**{t('upload.problems_title', lang, n=len(problems))}**")
    if len(problems):
        st.dataframe(problems, hide_index=True, width="stretch")
    dropped = ", ".join(fmt.plain(c) for c in report.get("dropped_personal") or [])
    if dropped:
        st.caption(t("upload.dropped_title", lang, n=len(report["dropped_personal"])) + ": " + dropped)


def decide(row: pd.Series, approved: pd.DataFrame, lang: str) -> None:
    """One pending upload with its facts, report and the approve / reject controls."""
    upload_id = int(row["id"])
    with st.container(border=True, key=f"admin_upload_{upload_id}"):
        st.markdown("**" + t("admin.upload_heading", lang, id=upload_id, file=fmt.plain(row["filename"]),
                             round=int(row["round"])) + "**")
        st.caption(t("admin.upload_meta", lang, date=fmt.date(row["uploaded_at"], lang, with_time=True),
                     respondents=int(row["respondents"]), villages=fmt.plain(row["villages"] or "–")))
        if isinstance(row.get("uploader_village"), str):
            st.caption(t("admin.upload_by_village", lang, village=fmt.plain(row["uploader_village"])))
        dated = pd.to_datetime((stored_report(context.state_token(), upload_id) or {}).get("latest_date"),
                               errors="coerce")
        if pd.notna(dated) and dated.year != int(row["round"]):
            st.warning(t("admin.round_mismatch", lang, year=dated.year, round=int(row["round"])),
                       icon=":material/event:")
        for note in supersede_notes(row, approved, lang):
            st.info(note, icon=":material/swap_horiz:")
        with st.expander(t("admin.report", lang)):
            show_report(upload_id, lang)
        note = st.text_input(t("admin.note", lang), key=f"admin_note_{upload_id}")
        with st.container(horizontal=True):
            if st.button(t("admin.approve", lang), type="primary", key=f"admin_approve_{upload_id}",
                         icon=":material/check:"):
                act(lambda: context.store().uploads.approve(upload_id, ACTOR), t("admin.approved", lang, id=upload_id))
            if st.button(t("admin.reject", lang), key=f"admin_reject_{upload_id}", icon=":material/close:"):
                act(lambda: context.store().uploads.reject(upload_id, ACTOR, note or None),
                    t("admin.rejected", lang, id=upload_id))


def act(action, message: str) -> None:
    """Run a store action, then rerun so every cached table follows the new database state."""
    try:
        action()
    except IndicatorError as err:
        st.error(fmt.plain(err.localized(lang)), icon=":material/error:")
        return
    st.toast(message, icon=":material/task_alt:")
    st.rerun()


def history_tables(lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All uploads and the audit log with translated headers and statuses."""
    uploads = context.store().uploads.table()
    shown = pd.DataFrame({
        t("admin.col_id", lang): uploads["id"].astype("Int64"),
        t("admin.col_file", lang): uploads["filename"].astype(object),
        t("common.col_round", lang): uploads["round"].astype("Int64"),
        t("admin.col_villages", lang): uploads["villages"].astype(object),
        t("common.col_respondents", lang): uploads["respondents"].astype("Int64"),
        t("admin.col_status", lang): uploads["status"].map(lambda s: t(f"upload.status_{s}", lang)),
        t("admin.col_uploaded", lang): uploads["uploaded_at"].map(lambda d: fmt.date(d, lang, True)),
        t("admin.col_decided", lang): uploads["decided_at"].map(lambda d: fmt.date(d, lang, True)),
        t("admin.col_decided_by", lang): uploads["decided_by"].astype(object),
        t("admin.col_note", lang): uploads["note"].astype(object),
        t("admin.col_superseded_by", lang): uploads["superseded_by"].astype("Int64"),
    })
    log = context.store().audit_log(limit=500)
    audit = pd.DataFrame({
        t("admin.col_at", lang): log["at"].map(lambda d: fmt.date(d, lang, True)),
        t("admin.col_actor", lang): log["actor"].astype(object),
        t("admin.col_role", lang): log["role"].astype(object),
        t("admin.col_action", lang): log["action"].astype(object),
        t("admin.col_id", lang): log["upload_id"].astype("Int64"),
        t("admin.col_detail", lang): log["detail"].map(
            lambda d: json.dumps(d, ensure_ascii=False, default=str) if d else ""),
    })
    return shown, audit


def erase_section(lang: str) -> None:
    """Erase one village's data (``Store.erase_village``) after an explicit confirmation; say what went."""
    st.subheader(t("admin.erase_title", lang))
    st.caption(t("admin.erase_caption", lang))
    done = st.session_state.pop("admin_erased", None)
    if done:
        st.success(t("admin.erase_done", lang, **done["counts"], village=fmt.plain(done["village"])),
                   icon=":material/delete_forever:")
        if done["mentions"]:
            st.warning(t("admin.erase_mentions", lang, texts=fmt.plain("; ".join(done["mentions"]))))
    names = sorted(context.store().uploads.village_names(), key=str.casefold)
    if not names:
        st.info(t("admin.erase_none", lang))
        return
    with st.container(border=True, key="admin_erase"):
        village = st.selectbox(t("admin.erase_village", lang), names, index=None, key="admin_erase_village")
        sure = st.checkbox(t("admin.erase_confirm", lang, village=fmt.plain(village or "–")), key="admin_erase_sure",
                           disabled=village is None)
        if st.button(t("admin.erase_button", lang), type="primary", key="admin_erase_button", icon=":material/delete:",
                     disabled=village is None or not sure):
            try:
                erasure = context.store().erase_village(village, ACTOR)
            except IndicatorError as err:
                st.error(fmt.plain(err.localized(lang)), icon=":material/error:")
                return
            st.session_state["admin_erased"] = {"village": village, "counts": erasure.counts(),
                                                "mentions": list(erasure.mentions)}
            for key in ("admin_erase_village", "admin_erase_sure"):
                st.session_state.pop(key, None)
            st.rerun()


def export_bytes() -> bytes:
    """The whole database as an xlsx workbook (Store.backup.export_xlsx), made when the button is pressed."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "alykyla.xlsx"
        context.store().backup.export_xlsx(path, context.framework())
        return path.read_bytes()


lang = context.lang()
st.title(t("common.nav_admin", lang))
st.markdown(t("admin.intro", lang))
pending = context.store().uploads.table("pending").sort_values("id")
approved = context.store().uploads.table("approved")
st.subheader(t("admin.pending_title", lang, n=len(pending)))
if pending.empty:
    st.success(t("admin.no_pending", lang), icon=":material/inbox:")
for _, upload in pending.iterrows():
    decide(upload, approved, lang)

survey_views.round_controls(lang)

st.subheader(t("admin.history_title", lang))
uploads_tab, audit_tab = st.tabs([t("admin.tab_uploads", lang), t("admin.tab_audit", lang)])
uploads_table, audit_table = history_tables(lang)
uploads_tab.dataframe(uploads_table, hide_index=True, width="stretch", key="admin_uploads")
audit_tab.dataframe(audit_table, hide_index=True, width="stretch", key="admin_audit")

erase_section(lang)

st.subheader(t("admin.export_title", lang))
st.caption(t("admin.export_caption", lang))
st.download_button(t("admin.export", lang), data=export_bytes, file_name="alykyla-varmuuskopio.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/database:", key="admin.export", on_click="ignore")
