"""Älykylä-mittaristo: the Smart Village indicator engine (no Streamlit here).

Data flows one way: file -> responses table -> item values -> scores -> (progress, groups) -> figures.
"""

__version__ = "0.1.0"
