"""Helpers for the contract-conformance suite (tests/test_contract_*.py): no tests live here.

The suite plays an outsider: it only uses `python -m indicator` (as a real subprocess) and
`indicator.framework.load`, with frameworks and survey files written here, never the shipped ones.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m indicator ARGS`` from the repository root, capturing text output."""
    return subprocess.run(
        [sys.executable, "-m", "indicator", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


_DRIVER = r"""
import io, json, runpy, sys, traceback
calls = json.loads(sys.stdin.read())
results = []
real_out, real_err = sys.stdout, sys.stderr
for argv in calls:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)
    sys.stdout, sys.stderr = out, err
    sys.argv = ["indicator", *argv]
    code = 0
    try:
        runpy.run_module("indicator", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout, sys.stderr = real_out, real_err
    out.flush(); err.flush()
    results.append([code, out.buffer.getvalue().decode("utf-8"), err.buffer.getvalue().decode("utf-8")])
real_out.write(json.dumps(results))
"""


def run_many(*calls: Sequence[str | Path], timeout: float = 300) -> list[subprocess.CompletedProcess[str]]:
    """Run several ``python -m indicator ARGS`` invocations in ONE child process (cwd = repo root).

    Each runs exactly as ``python -m indicator`` does (runpy of the package's ``__main__``) with its
    own captured stdout/stderr and exit code; an escaping exception is printed as a traceback. This
    keeps the suite fast on a loaded machine; `run_cli` is the plain one-process-per-call form.
    """
    payload = json.dumps([[str(a) for a in call] for call in calls])
    proc = subprocess.run(
        [sys.executable, "-c", _DRIVER],
        cwd=REPO,
        input=payload,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr
    return [
        subprocess.CompletedProcess(["indicator", *map(str, call)], code, out, err)
        for call, (code, out, err) in zip(calls, json.loads(proc.stdout), strict=True)
    ]


def ok(proc: subprocess.CompletedProcess[str]) -> str:
    """The standard output of a run that must have succeeded."""
    assert proc.returncode == 0, f"exit {proc.returncode}\nstderr: {proc.stderr}"
    assert "Traceback" not in proc.stderr
    return proc.stdout


def refused(proc: subprocess.CompletedProcess[str]) -> str:
    """The one stderr line of a run that must have exited 2 without a traceback."""
    assert proc.returncode == 2, f"exit {proc.returncode}\nstdout: {proc.stdout[:500]}\nstderr: {proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"stderr is not one line: {proc.stderr!r}"
    return lines[0]


def rows_json(text: str) -> list[dict[str, Any]]:
    data = json.loads(text)
    assert isinstance(data, list)
    return data


def rows_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def by_village(rows: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    out = {str(r["village"]): r for r in rows}
    assert len(out) == len(rows), "one row per village expected"
    return out


def require_groups(proc: subprocess.CompletedProcess[str]) -> None:
    """xfail (contract break) when the `groups` subcommand of §6 does not exist at all."""
    if proc.returncode == 2 and "invalid choice" in proc.stderr:
        pytest.xfail("contract break: §6 `python -m indicator groups` subcommand does not exist")


# --- TOML writing ---------------------------------------------------------------------------------


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def toml_text(fw: Mapping[str, Any]) -> str:
    """Serialise {"indicator": {...}, "bands": [...], ...} to TOML (tables and arrays of tables)."""
    out = ["[indicator]"]
    out += [f"{k} = {_value(v)}" for k, v in fw["indicator"].items()]
    for key in ("bands", "themes", "dimensions", "items"):
        for table in fw.get(key, []):
            out += ["", f"[[{key}]]"]
            out += [f"{k} = {_value(v)}" for k, v in table.items()]
    return "\n".join(out) + "\n"


def write_framework(path: Path, fw: Mapping[str, Any]) -> Path:
    path.write_text(toml_text(fw), encoding="utf-8")
    return path


def header(**over: Any) -> dict[str, Any]:
    base = {
        "id": "koe-mittari",
        "name": {"fi": "Koemittari", "sv": "Provmätare", "en": "Test indicator"},
        "version": "0.9",
        "baseline_year": 2024,
        "target_year": 2030,
        "min_respondents": 1,
        "min_item_coverage": 0.5,
        "min_dimension_coverage": 0.5,
        "village_aliases": ["paikkakunta", "ort", "settlement"],
    }
    base.update(over)
    return base


def band(id_: str, lo: float) -> dict[str, Any]:
    return {"id": id_, "min": lo, "name": {"fi": id_, "en": id_}}


def dim(id_: str, weight: float = 1.0, theme: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": id_, "name": {"fi": id_, "sv": id_, "en": id_}, "weight": weight}
    if theme:
        out["theme"] = theme
    return out


def item(
    id_: str, dimension: str, type_: str, lower: float, target: float, text: Any = None, **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": id_,
        "dimension": dimension,
        "text": text or {"fi": f"Kysymys {id_}", "en": f"Question {id_}"},
        "type": type_,
        "lower": lower,
        "target": target,
    }
    out.update(extra)
    return out


def one_item_per_dimension(**head: Any) -> dict[str, Any]:
    """Reading framework: E1 likert5 1..5, E2 yesno 0..100, E3 number 0..10000, one dimension each,
    so every dimension score IS its item score: 25*(mean-1), % yes, median/100."""
    return {
        "indicator": header(
            min_dimension_coverage=0.3,
            village_aliases=["paikkakunta", "ort", "settlement", "Mikä  Kylä"],
            **head,
        ),
        "bands": [band("b0", 0)],
        "dimensions": [dim("dE1"), dim("dE2"), dim("dE3")],
        "items": [
            item(
                "E1",
                "dE1",
                "likert5",
                1,
                5,
                {
                    "fi": "Kylässä on hyvä asua",
                    "sv": "Det är bra att bo i byn",
                    "en": "The village is a good place to live",
                },
            ),
            item(
                "E2",
                "dE2",
                "yesno",
                0,
                100,
                {"fi": "Onko kylässä kauppa", "sv": "Finns det en butik i byn", "en": "Is there a shop"},
                aliases=["kauppa kylässä", "Shop in village"],
            ),
            item(
                "E3",
                "dE3",
                "number",
                0,
                10000,
                {"fi": "Asukasluku", "sv": "Invånarantal?:", "en": "Population"},
            ),
        ],
    }
