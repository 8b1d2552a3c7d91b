"""Plotly figure builders, one module per page (``indicator/charts/<page>.py``).

Each builder takes tidy DataFrames (and texts already in the chosen language) and returns a
``plotly.graph_objects.Figure``; no Streamlit calls. Colours come from ``indicator.charts.palette``.
"""
