"""Placeholder while the page is written."""

import streamlit as st

from indicator.i18n import t
from ui import context

st.title(t("common_nav_upload", context.lang()))
