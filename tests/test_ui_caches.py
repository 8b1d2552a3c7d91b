"""The dashboard's caches and several app processes: no process serves stale data after another one wrote.

Every ``st.cache_data``/``st.cache_resource`` in ui/ and pages/ either takes the database state token as an
argument or holds only what comes from files (framework, registry, goals) or from its own arguments. And an
overview drawn in this process shows a village that another process approved, at its next run.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from indicator.i18n import t
from ui import testing

ROOT = Path(__file__).resolve().parent.parent
# Cached functions that do not depend on the database, and why.
NOT_FROM_THE_DATABASE = {
    ("ui/context.py", "framework"): "data/framework.toml",
    ("ui/context.py", "_store"): "the connection (a Store caches nothing)",
    ("ui/context.py", "_registry"): "the village registry file",
    ("ui/context.py", "reader"): "the worker processes that read uploaded files (no data)",
    ("pages/tavoitteet.py", "load_goals"): "data/goals.toml",
    ("pages/seminaari.py", "load_goals"): "data/goals.toml",
    ("pages/lataa.py", "outcome"): "the uploaded bytes and the reader's choices, all arguments",
    ("pages/vastaa.py", "survey_for"): "the framework and registry files (the questionnaire)",
    ("ui/survey_views.py", "kit_survey"): "the framework and registry files (the questionnaire)",
    ("ui/survey_views.py", "qr_image"): "the link it draws (its argument)",
}
TOKEN_NAMES = {"token"}


def cached_functions() -> list[tuple[str, str, list[str]]]:
    """(file, function, parameter names) of every function decorated with a Streamlit cache."""
    found = []
    for path in sorted([*ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any("cache_data" in ast.unparse(d) or "cache_resource"
                                                         in ast.unparse(d) for d in node.decorator_list):
                found.append((str(path.relative_to(ROOT)), node.name, [a.arg for a in node.args.args]))
    return found


def test_every_cache_is_keyed_by_the_database_state_or_reads_no_database():
    functions = cached_functions()
    assert len(functions) >= 15  # the scan sees the caches (there were 18 when this test was written)
    unkeyed = [(file, name) for file, name, params in functions
               if not TOKEN_NAMES & set(params) and (file, name) not in NOT_FROM_THE_DATABASE]
    assert unkeyed == [], "cache these by context.state_token() or list them with the reason"
    gone = set(NOT_FROM_THE_DATABASE) - {(file, name) for file, name, _ in functions}
    assert gone == set(), "no longer cached: drop them from the list"


NEW_VILLAGE = "Salmenkylä"  # in the registry, not in the demo


def new_village_file(path: Path) -> Path:
    """Six respondents of NEW_VILLAGE answering the first eight likert items (enough to be scored)."""
    from indicator.framework import load

    items = [item.id for item in load().items if item.type == "likert5"][:8]
    rows = [f"{NEW_VILLAGE};" + ";".join(str(2 + (n + k) % 4) for k in range(len(items))) for n in range(6)]
    path.write_text("\n".join(["Kylä;" + ";".join(items), *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_village_approved_by_another_process_shows_at_the_next_run(monkeypatch, tmp_path):
    url = testing.demo_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    at = testing.app(timeout=180)  # the first run scores the whole demo, on a shared machine
    at.query_params["round"] = "2026"
    at.run()
    label = t("overview.kpi_villages", "fi")
    villages = {m.label: m.value for m in at.metric}[label]
    grid = at.dataframe[0].value[t("common.col_village", "fi")]
    assert NEW_VILLAGE not in set(grid)
    other = subprocess.run(  # another process: the command line, as a coordinator's CLI or app would
        [sys.executable, "-m", "indicator", "ingest", str(new_village_file(tmp_path / "uusi.csv")),
         "--round", "2026", "--approve", "--db", url],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert other.returncode == 0, other.stderr
    at.run()
    assert {m.label: m.value for m in at.metric}[label] == str(int(villages) + 1)
    assert NEW_VILLAGE in set(at.dataframe[0].value[t("common.col_village", "fi")])
