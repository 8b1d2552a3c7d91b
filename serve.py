"""The dashboard with security headers: ``streamlit run serve.py`` (or ``uvicorn serve:app``).

The same app as ``streamlit run app.py``, served through Streamlit's public ``st.App`` with one Starlette
middleware that adds security headers to every response (``ui/headers.py``; README "Security").
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.headers import SecurityHeaders

app = st.App("app.py", middleware=[Middleware(SecurityHeaders)])

if __name__ == "__main__":
    app.run()
