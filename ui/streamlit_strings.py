"""The English texts Streamlit (1.67) draws itself, that no parameter or setting of its public API changes.

Every other visible text of the dashboard comes from ``indicator/locales`` in the chosen language. These
are the exceptions, listed once so that a browser test of "every visible text in the chosen language" can
leave them out (``is_streamlit_own``). docs/architecture.md ("Internationalisation") says what was tried
for each; Streamlit has no locale setting (https://github.com/streamlit/streamlit/issues/13500 asks for
the file uploader's texts; a pull request adding them, #10042, was closed without being merged).

Texts a parameter does reach are not here: selectbox and multiselect placeholders (``placeholder=``), the
date inputs' format (``format="DD.MM.YYYY"``), table headers (renamed before ``st.dataframe``), download
labels, chart titles, axis titles and hover texts (built from the catalogs), widget help texts.
"""

from __future__ import annotations

import re

STREAMLIT_OWN: tuple[str, ...] = (
    # st.file_uploader: the drop zone and its button (the label and help are ours)
    "Drag and drop a file here",
    "Drag and drop files here",
    "Upload",
    "Uploading...",
    "Upload failed",
    # st.text_input / st.text_area / st.number_input: the hint shown while typing
    "Press Enter to apply",
    "Press Enter to submit form",
    # st.selectbox / st.multiselect: when a typed filter matches nothing, or there is nothing to choose
    "No results",
    "No options to select",
    "No options to select.",
    # st.date_input: an empty date shows its format pattern (``format=`` takes only YYYY, MM, DD), and the
    # calendar's month and weekday names and its navigation are BaseWeb's English calendar
    "DD.MM.YYYY",
    "Previous month",
    "Next month",
    # st.dataframe: the toolbar shown on hover
    "Download as CSV",
    "Search",
    "Fullscreen",
    "Close fullscreen",
    # the status of a running page (top right) and a lost connection
    "Running...",
    "Stop",
    "Connecting",
    "Please wait...",
    # Plotly's own chart toolbar (shown on hover where it is not hidden)
    "Download plot as a png",
    "Zoom",
    "Pan",
    "Box Select",
    "Lasso Select",
    "Zoom in",
    "Zoom out",
    "Autoscale",
    "Reset axes",
    "Reset view",
    "Toggle Spike Lines",
    "Show closest data on hover",
    "Compare data on hover",
    "Produced with Plotly.js",
)

# Texts with a varying part: the file uploader's limit line ("20MB per file • XLSX, CSV"), the calendar's
# month heading ("December 2026") and weekday initials.
STREAMLIT_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^\d+(\.\d+)?\s?[KMG]?B per file( • [A-Z0-9, .]+)?$"),
    re.compile(r"^(January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$"),
    re.compile(r"^(Su|Mo|Tu|We|Th|Fr|Sa)$"),
)


def is_streamlit_own(text: str) -> bool:
    """True when ``text`` (one visible text, stripped) is one of Streamlit's own English texts above."""
    text = " ".join(text.split())
    return text in STREAMLIT_OWN or any(p.match(text) for p in STREAMLIT_PATTERNS)
