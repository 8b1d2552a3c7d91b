"""Älykylä-mittaristo: the dashboard's entry point and router.

Run with ``streamlit run app.py``. The router registers the pages of the current role at their
addresses (the public gets a sign-in prompt at a coordinator address), draws the frame every page
shares (page menu, language, filters, coordinator sign-in) and runs the page at the URL's address.
docs/architecture.md ("Router") explains how a fresh server's first request gets here.
"""

from __future__ import annotations


def main() -> None:
    """Register the pages, draw the frame and run the chosen page (while a new server stores the demo into an
    empty database: the frame and a progress bar in the page's place).

    ``st.navigation`` comes before any widget: from that call on, Streamlit runs the rest as the
    entrypoint, so the frame's widgets keep one identity whether the run began here or in a page file
    (``ui.navigation.ensure_routed``).
    """
    # Imported here, not at the top of the file: a survey file is read in a worker process started by
    # Python's fork server, and such a worker first runs the main script of the process that asked for it
    # (this file, as ``__mp_main__``). At the top, the imports would load Streamlit and the whole app into
    # every worker: about 0.2 CPU-seconds more per file read, and the web framework inside the sandbox.
    from indicator.blas import one_thread

    one_thread()  # before numpy is first imported (a new server's first run): see indicator/blas.py
    import streamlit as st

    from indicator.errors import StorageError
    from indicator.i18n import LANGUAGES, t
    from ui import account, context, filters, frame, navigation, signin
    from ui import format as fmt

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
        loading = context.demo_progress() is not None  # a new server storing the demo: the frame, no data yet
        with st.sidebar:
            if not embedded:
                frame.menu(routes.menu)
            lang = frame.language_selector()
            if not loading:
                st.subheader(t("common.filters", lang))
                frame.shared_filters(lang)
            st.divider()
            signin.coordinator_box(lang)
        if loading:
            frame.demo_progress(lang)
            return
        with navigation.routed():
            page.run()
    except StorageError as err:  # the database is read-only, full, busy or gone: say so, in the user's language
        st.error(fmt.plain(err.localized(context.lang())), icon=":material/database:")


if __name__ == "__main__":
    main()
