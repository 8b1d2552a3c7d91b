"""Älykylä-mittaristo: the dashboard's entry point and router.

Run with ``streamlit run app.py``. The router registers the pages of the current role at their
addresses (the public gets a sign-in prompt at a coordinator address), draws the frame every page
shares (page menu, language, filters, coordinator sign-in) and runs the page at the URL's address.
docs/architecture.md ("Router") explains how a fresh server's first request gets here.
"""

from __future__ import annotations

import streamlit as st

from indicator.errors import StorageError
from indicator.i18n import LANGUAGES, t
from ui import account, context, filters, frame, navigation, signin
from ui import format as fmt


def main() -> None:
    """Register the pages, draw the frame and run the chosen page.

    ``st.navigation`` comes before any widget: from that call on, Streamlit runs the rest as the
    entrypoint, so the frame's widgets keep one identity whether the run began here or in a page file
    (``ui.navigation.ensure_routed``).
    """
    embedded = bool(st.context.is_embedded)
    st.session_state.setdefault("role", "public")
    filters.seed_from_url("lang", LANGUAGES)
    account.sync_role()
    routes = navigation.build_routes(context.role(), context.lang(), signin.prompt)
    page = st.navigation(routes.pages, position="hidden")
    frame.configure(embedded)
    st.session_state[signin.ADDRESS_KEY] = page.url_path
    account.land(page.url_path == "", [p.url_path for p in routes.pages if p.url_path],
                 lambda address: st.switch_page(next(p for p in routes.pages if p.url_path == address)))
    try:
        with st.sidebar:
            if not embedded:
                frame.menu(routes.menu)
            lang = frame.language_selector()
            st.subheader(t("common.filters", lang))
            frame.shared_filters(lang)
            st.divider()
            signin.coordinator_box(lang)
        with navigation.routed():
            page.run()
    except StorageError as err:  # the database is read-only, full, busy or gone: say so, in the user's language
        st.error(fmt.plain(err.localized(context.lang())), icon=":material/database:")


if __name__ == "__main__":
    main()
