"""Weight sets as the framework page uses them: nominal and saved sets, the ranking a set is compared with,
and the summary of its rank shifts (hand-computed on the village-card test survey)."""

from __future__ import annotations

import pandas as pd
import pytest

from indicator import weights as wt
from tests.test_report import FRAMEWORK, responses, scores


def test_nominal_and_saved_weight_sets_cover_every_id():
    assert wt.nominal_weights(FRAMEWORK) == {"d1": 1.0, "d2": 1.0, "A": 1.0, "B": 1.0, "C": 1.0}
    saved = wt.saved_weights({"framework": "t", "weights": {"d2": 3.0, "B": 0.5}}, FRAMEWORK)
    assert saved == {"d1": 1.0, "d2": 3.0, "A": 1.0, "B": 0.5, "C": 1.0}
    assert wt.saved_weights(None, FRAMEWORK) == wt.nominal_weights(FRAMEWORK)
    assert wt.has_item_weights({"d2": 3.0, "B": 0.5}, FRAMEWORK)
    assert not wt.has_item_weights({"d2": 3.0}, FRAMEWORK)


def test_a_ranking_needs_two_villages_with_an_index():
    table = scores().table  # 2024: Alpha only; 2026: Alpha, Beta, Gamma (EVIL has too few respondents)
    assert wt.enough_ranked(table, 2026)
    assert not wt.enough_ranked(table, 2024)
    assert not wt.enough_ranked(table, None)


def test_compare_scores_again_and_summarises_the_shifts():
    # d2 weighs 3: Alpha (100 + 3·20)/4 = 40, Beta (0 + 3·100)/4 = 75, Gamma (87.5 + 3·50)/4 = 59.375
    changes = wt.compare(responses(), scores().table, FRAMEWORK, {"d2": 3.0}, 2026)
    assert changes["village"].tolist() == ["Beta", "Gamma", "Alpha"]
    assert changes["index_new"].tolist() == pytest.approx([75.0, 59.375, 40.0])
    assert changes["shift"].tolist() == [2, -1, -1]  # nominal ranks: Gamma 1, Alpha 2, Beta 3
    assert wt.shift_summary(changes) == wt.ShiftSummary(ranked=3, moved=3, largest=2)
    assert wt.moved(changes)["village"].tolist() == ["Beta", "Gamma", "Alpha"]


def test_shift_summary_leaves_out_villages_ranked_once():
    changes = pd.DataFrame({"village": ["X", "Y", "Z"], "shift": pd.array([0, -4, pd.NA], dtype="Int64")})
    assert wt.shift_summary(changes) == wt.ShiftSummary(ranked=2, moved=1, largest=4)
    assert wt.moved(changes)["village"].tolist() == ["Y"]
    assert wt.shift_summary(changes.iloc[0:0]) == wt.ShiftSummary(ranked=0, moved=0, largest=0)
