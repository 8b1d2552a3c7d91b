"""What the public upload page lets one visitor store, and the coordinator's choice to keep free text.

Anonymous uploads wait for a coordinator; these quotas keep one visitor from filling the database or the
coordinator's queue: ``UPLOADS_PER_HOUR`` saves per network address (``Store.limits``, shared by every
app process), ``PENDING_PER_VILLAGE`` uploads of one village waiting at once and ``ANSWERS_PER_FILE``
answers in one file (``Uploads.store_read``). A village survey has a few hundred respondents of about
forty questions (some 10,000 answers); the whole province in one file stays well under the limit.
Coordinators have no quota.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from indicator.i18n import t
from indicator.reading.layouts import is_technical
from ui import context

UPLOAD_SCOPE = "upload"
UPLOADS_PER_HOUR = 10
PENDING_PER_VILLAGE = 5
ANSWERS_PER_FILE = 300_000


def free_text_columns(report: Mapping[str, Any]) -> list[str]:
    """The file's columns that are neither items, the village, personal data nor a survey tool's own."""
    return [c for c in report.get("unmapped") or [] if not is_technical(c)]


def free_text_choice(report: Mapping[str, Any], lang: str) -> bool:
    """Whether to keep the file's free-text columns (masked) with the upload: a coordinator's checkbox, off
    by default; the public is told they are not kept. False when the file has none."""
    columns = free_text_columns(report)
    if not columns:
        return False
    if not context.is_coordinator():
        st.caption(t("upload.free_text_not_kept", lang, n=len(columns)))
        return False
    return st.checkbox(t("upload.keep_free_text", lang, n=len(columns)), value=False, key="upload_keep_free_text",
                       help=t("upload.keep_free_text_help", lang))
