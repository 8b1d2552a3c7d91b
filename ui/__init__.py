"""Streamlit helpers shared by the dashboard's pages: context (language, role, cached data), auth,
shared filters and table formatting. Logic lives in ``indicator/``; these modules only glue it to
Streamlit. Conventions for page engineers: ``ui/README.md``.
"""
