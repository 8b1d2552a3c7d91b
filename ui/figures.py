"""Figures built once and shared by every session: ``shared(builder, *args, **kwargs)``.

Building a Plotly figure validates every property it sets and took most of a chart page's run (the progress
page: 0.2-0.4 s of its 0.5 s on the loaded test machine), on every run of every visitor. The builders in
``indicator.charts`` are pure functions, so a figure depends only on the builder and its arguments: the first
call builds it, every later call with equal arguments (DataFrames compared by content) gets the same object.

The figure is shared, not copied: hand it to ``st.plotly_chart`` and never change it (``update_layout`` and the
like belong in the builder, or on a figure that is not shared).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicator.framework import Framework

MAX_FIGURES = 256  # enough for every page, language and common choice of a few database states


def shared(builder: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """``builder(*args, **kwargs)``, built at the first call with these arguments and shared afterwards."""
    return _built(figure_key(builder, args, kwargs), builder, args, kwargs)


@st.cache_resource(max_entries=MAX_FIGURES, show_spinner=False)
def _built(key: str, _builder: Callable[..., go.Figure], _args: tuple, _kwargs: Mapping[str, Any]) -> go.Figure:
    """The cache: keyed by ``key`` alone (the underscored arguments are not hashed by Streamlit)."""
    return _builder(*_args, **_kwargs)


def figure_key(builder: Callable[..., Any], args: tuple, kwargs: Mapping[str, Any]) -> str:
    """A digest of the builder's name and of every argument's content."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{builder.__module__}.{builder.__qualname__}".encode())
    for name, value in [*enumerate(args), *sorted(kwargs.items())]:
        digest.update(f"|{name}=".encode())
        digest.update(_fingerprint(value))
    return digest.hexdigest()


def _fingerprint(value: Any) -> bytes:
    """Bytes that differ whenever ``value``'s content does (frames and series: values, index, names, types)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return _frame_fingerprint(value)
    if isinstance(value, Mapping):
        return repr(sorted((repr(k), _fingerprint(v)) for k, v in value.items())).encode()
    if isinstance(value, list | tuple):
        return repr([_fingerprint(v) for v in value]).encode()
    if isinstance(value, Framework):  # one loaded framework per process (a cached resource): its identity
        return f"framework:{value.id}:{value.version}:{id(value)}".encode()
    return repr(value).encode()


def _frame_fingerprint(value: pd.DataFrame | pd.Series) -> bytes:
    columns = list(value.columns) if isinstance(value, pd.DataFrame) else [value.name]
    dtypes = [str(d) for d in (value.dtypes if isinstance(value, pd.DataFrame) else [value.dtype])]
    head = repr((value.shape, columns, dtypes, list(value.index.names))).encode()
    try:
        rows = pd.util.hash_pandas_object(value, index=True).to_numpy()
    except TypeError:  # cells that cannot be hashed (lists): their text
        return head + repr(value.to_dict()).encode()
    return head + rows.tobytes()
