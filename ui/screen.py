"""The size of the browser window, for the one page that must fill it: the seminar screen.

Streamlit tells a script nothing about the window, and a slide that fits a 1280×720 projector leaves half of a
1920×1080 one empty (or scrolls on the smaller one). A tiny component (``st.components.v2``, Streamlit's
public API; no HTML, a few lines of JavaScript) reports ``[innerWidth, innerHeight]`` as its state, and again
after the window is resized; the first run, and a test without a browser, get ``None``. A new size reruns the
page once; the JavaScript reports only a size that differs from the one the server already has (``data``), so
there is no loop. Call it inside ``st.sidebar`` (collapsed on the seminar screen) so it takes no room.
"""

from __future__ import annotations

import streamlit as st

KEY = "screen_size"
_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  const report = () => {
    const size = [window.innerWidth, window.innerHeight];
    if (!Array.isArray(data) || data[0] !== size[0] || data[1] !== size[1]) setStateValue("size", size);
  };
  report();
  let timer = null;
  const resized = () => { clearTimeout(timer); timer = setTimeout(report, 400); };
  window.addEventListener("resize", resized);
  return () => { clearTimeout(timer); window.removeEventListener("resize", resized); };
}
"""
_component = st.components.v2.component("alykyla_screen_size", js=_JS)


def _ignore() -> None:
    """A state callback is what makes ``size`` a state of the component; nothing to do on a change."""


def size() -> tuple[int, int] | None:
    """(width, height) of the browser window in CSS pixels, or None until the browser has reported it."""
    known = st.session_state.get(KEY)
    reported = known.get("size") if hasattr(known, "get") else None
    result = _component(key=KEY, data=reported, default={"size": None}, on_size_change=_ignore, height=0)
    value = result.get("size") if hasattr(result, "get") else None
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
        return int(value[0]), int(value[1])
    return None
