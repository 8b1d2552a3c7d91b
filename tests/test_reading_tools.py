"""Every tool's export (tools.demo_exports.exports) reads back to exactly the truth values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicator.framework import load
from tools.demo_exports.exports import TOOLS, export_bytes, readable_truth, suffix

FRAMEWORK = load()
TOOL_NAMES = {"generic_csv": "generic", "generic_xlsx": "generic", "webropol_text": "webropol",
              "webropol_numbers": "webropol"}


def truth_table(n: int = 24, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    truth = pd.DataFrame({
        "village": rng.choice(["Ahvio", "Kaipiainen", "Sippola"], n),
        "respondent": [str(i) for i in range(n)],
        "date": pd.Timestamp("2024-05-01") + pd.to_timedelta(rng.integers(0, 10**6, n), unit="s"),
    })
    for item in FRAMEWORK.items:
        if item.type == "likert5":
            values = rng.integers(1, 6, n).astype(float)
        elif item.type == "yesno":
            values = rng.integers(0, 2, n).astype(float)
        else:
            values = np.round(rng.uniform(0, 100, n), 1)
        values[rng.random(n) < 0.15] = np.nan
        truth[item.id] = values
    return truth


TRUTH = truth_table()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("tool", TOOLS)
def test_export_reads_back_to_truth(tool: str, lang: str) -> None:
    data = export_bytes(TRUTH, FRAMEWORK, tool, lang=lang, seed=3)
    result = read_survey_export(data, tool)
    expected = readable_truth(TRUTH, FRAMEWORK, tool)
    got = result.responses
    report = result.report
    assert report.source_tool == TOOL_NAMES.get(tool, tool)
    assert report.problems == []
    assert got["village"].tolist() == expected["village"].tolist()
    assert len(report.mapped) == len(FRAMEWORK.items)
    ids = [i.id for i in FRAMEWORK.items]
    if tool == "webropol_numbers":  # yes/no labels stay labels there, so a "no" stays 0 (not blank)
        ids = [i.id for i in FRAMEWORK.items if i.type != "yesno"]
    pd.testing.assert_frame_equal(got[ids].reset_index(drop=True), expected[ids].reset_index(drop=True),
                                  check_dtype=True)
    assert report.dropped_personal, "every tool export carries personal columns"
    for column in report.dropped_personal:
        assert column not in got.columns
    dates = expected["date"].reset_index(drop=True)
    if tool == "generic_csv":  # the generic CSV carries a date without time
        dates = dates.dt.floor("D")
    assert (got["date"].reset_index(drop=True) == dates).all()
    assert report.latest_date == dates.max().to_pydatetime()


def read_survey_export(data: bytes, tool: str):
    from indicator.reading import read_survey

    return read_survey(data, FRAMEWORK, filename="export" + suffix(tool))


def test_webropol_numbers_zero_is_blank() -> None:
    data = export_bytes(TRUTH, FRAMEWORK, "webropol_numbers", lang="fi", seed=3)
    result = read_survey_export(data, "webropol_numbers")
    likert = [i.id for i in FRAMEWORK.items if i.type == "likert5"]
    values = result.responses[likert].to_numpy()
    assert not (values == 0).any()
    assert np.isnan(values).sum() == TRUTH[likert].isna().sum().sum()
