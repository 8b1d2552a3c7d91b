"""Demo survey exports: 38 registry villages over the rounds 2024-2026, written in ten tool layouts.

The answers come from a small latent model: each village has a level per dimension and a trend
(improving, stagnating or declining), each item a village-specific offset, and residents scatter
around that with realistic "don't know" shares. Everything is seeded, so two runs give the same bytes.

Run ``python -m tools.make_demo`` to (re)write ``data/demo/<round>/<tool>_<area>_<letter>.<ext>``;
``python -m indicator demo`` (``indicator.storage.demo``) loads those files into a database. This is a
tool for the project's developers, not part of the library: the library never imports it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from indicator.framework import Framework, Item, load
from indicator.storage.demo import DEMO_DIR
from tools.demo_exports.exports import suffix, write_export

ROUNDS: tuple[int, ...] = (2024, 2025, 2026)
SEED = 2026   # chosen among 2020-2039 for a spread over all four bands and all three trend kinds



@dataclass(frozen=True)
class FileGroup:
    """Villages whose answers one coordinator collects with one tool (``tool_2026`` when it changes)."""

    area: str
    tool: str
    villages: tuple[str, ...]
    lang: str = "fi"
    tool_2026: str | None = None


# The demo's file groups: municipal coordinators, both Leader areas, all ten tool layouts over the rounds.
GROUPS: tuple[FileGroup, ...] = (
    FileGroup("sepra", "webropol_text",
              ("Haapasaari", "Kuutsalo", "Kaukola", "Jäppilä", "Korkeakoski", "Huruksela")),
    FileGroup("sepra", "forms", ("Mäntlahti", "Kannusjärvi-Kitula", "Husula"), tool_2026="google"),
    FileGroup("sepra", "google", ("Virojoki", "Vaalimaa", "Klamila", "Ravijoki", "Pyterlahti")),
    FileGroup("sepra", "generic_xlsx", ("Muurikkala", "Suur-Miehikkälä"), tool_2026="generic_csv"),
    FileGroup("sepra", "surveymonkey", ("Siltakylä", "Hinkaböle", "Kaunissaari"), lang="sv"),
    FileGroup("kasvu", "webropol_numbers", ("Sippola", "Liikkala", "Saittara", "Utti")),
    FileGroup("kasvu", "limesurvey", ("Jaala", "Verla", "Ansalahti")),
    FileGroup("kasvu", "kobo", ("Valkeala", "Tirva", "Selänpää", "Tuohikotti")),
    FileGroup("kasvu", "typeform", ("Elimäki", "Teuroinen", "Villikkala", "Siikava"), tool_2026="forms"),
    FileGroup("kasvu", "forms", ("Pilkanmaa", "Anjala", "Ummeljoki", "Vuolenkoski")),
)
LATE_JOINERS: frozenset[str] = frozenset({"Pyterlahti", "Siikava"})   # join the project in 2025
# (village, round, respondents): rounds with fewer than five respondents, to show the flag.
FEW_RESPONDENTS: tuple[tuple[str, int, int], ...] = (
    ("Haapasaari", 2024, 3), ("Kuutsalo", 2025, 4), ("Saittara", 2026, 2), ("Ansalahti", 2024, 4),
)
TREND_SLOPES = {"improving": (5.0, 11.0), "stagnating": (0.3, 3.0), "declining": (-6.5, -2.5)}
TREND_SHARES = {"improving": 0.4, "stagnating": 0.35, "declining": 0.25}
DONT_KNOW = {"likert5": 0.07, "yesno": 0.22, "number": 0.3}


@dataclass(frozen=True)
class DemoFile:
    """One demo export: its path under the demo folder, round, tool, language and villages."""

    path: Path
    round: int
    tool: str
    lang: str
    villages: tuple[str, ...]


# --- the plan: which villages go into which file ------------------------------------------------------------


def plan() -> list[DemoFile]:
    """Every demo file in order: one per file group and round, named ``<round>/<tool>_<area>_<letter>``."""
    files = []
    for round_ in ROUNDS:
        letters: dict[str, int] = {}
        for group in GROUPS:
            index = letters.setdefault(group.area, 0)
            letters[group.area] += 1
            tool = group.tool_2026 if round_ == 2026 and group.tool_2026 else group.tool
            present = tuple(v for v in group.villages if round_ > ROUNDS[0] or v not in LATE_JOINERS)
            name = f"{round_}/{tool.split('_')[0]}_{group.area}_{'abcdefghij'[index]}{suffix(tool)}"
            files.append(DemoFile(Path(name), round_, tool, group.lang, present))
    return files


def villages() -> list[str]:
    """The demo villages in group order."""
    return [v for group in GROUPS for v in group.villages]


# --- the latent model ---------------------------------------------------------------------------------------


def _profiles(framework: Framework, villages: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Per village: 2024 level per dimension, yearly slope per dimension and the trend kind."""
    kinds = rng.choice(list(TREND_SHARES), len(villages), p=list(TREND_SHARES.values()))
    dims = list(framework.dimension_ids)
    base = rng.uniform(28, 80, len(villages))[:, None] + rng.normal(0, 11, (len(villages), len(dims)))
    slope = np.array([rng.uniform(*TREND_SLOPES[k]) for k in kinds])[:, None] + rng.normal(0, 1.5, base.shape)
    themed = [j for j, d in enumerate(framework.dimensions) if d.theme]
    focus = rng.choice(themed, len(villages))
    slope[np.arange(len(villages)), focus] += np.where(kinds == "improving", 4.0, 1.5)
    frame = pd.DataFrame(index=pd.Index(villages, name="village"))
    frame["trend"] = kinds
    for j, d in enumerate(dims):
        frame[f"base_{d}"] = base[:, j]
        frame[f"slope_{d}"] = slope[:, j]
    return frame


def _latent(profile: pd.Series, framework: Framework, round_: int, rng: np.random.Generator) -> dict[str, float]:
    years = round_ - ROUNDS[0]
    return {
        d: float(np.clip(profile[f"base_{d}"] + profile[f"slope_{d}"] * years + rng.normal(0, 3), 2, 98))
        for d in framework.dimension_ids
    }


def _item_answers(item: Item, score: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` residents' answers to one item whose village score is about ``score`` (0-100)."""
    share = np.clip(score, 0, 100) / 100
    if item.type == "likert5":
        mean = item.lower + (item.target - item.lower) * share
        values = np.clip(np.rint(mean + rng.normal(0, 0.85, n)), 1, 5)
    elif item.type == "yesno":
        values = (rng.random(n) < np.clip(share, 0.03, 0.97)).astype(float)
    else:
        median = item.lower + (item.target - item.lower) * share
        values = np.maximum(0, median * np.exp(rng.normal(0, 0.4, n)) + rng.normal(0, 0.5, n))
        step = 5.0 if item.target >= 20 else 1.0
        values = np.minimum(np.rint(values / step) * step, 100.0)
    dont_know = rng.random(n) < DONT_KNOW[item.type] * rng.uniform(0.5, 1.5)
    return np.where(dont_know, np.nan, values)


def _respondents(village: str, round_: int, rng: np.random.Generator) -> int:
    few = {(v, r): n for v, r, n in FEW_RESPONDENTS}
    return few.get((village, round_), int(rng.integers(8, 26)))


def _village_round(village: str, round_: int, profile: pd.Series, offsets: pd.Series, framework: Framework,
                   window: tuple[pd.Timestamp, int], rng: np.random.Generator) -> pd.DataFrame:
    n = _respondents(village, round_, rng)
    latent = _latent(profile, framework, round_, rng)
    start, days = window
    seconds = np.sort(rng.integers(0, days * 86400, n))
    answers = np.column_stack([
        _item_answers(item, latent[item.dimension] + offsets[item.id], n, rng) for item in framework.items
    ])
    answers[rng.random(n) < 0.08, len(framework.items) // 2:] = np.nan   # stopped half-way
    answers[rng.random(n) < 0.03, :] = np.nan                            # opened the survey, answered nothing
    frame = pd.DataFrame(answers, columns=list(framework.item_ids))
    frame.insert(0, "date", start + pd.to_timedelta(seconds, unit="s"))
    frame.insert(0, "round", round_)
    frame.insert(0, "village", village)
    return frame


def truth_table(framework: Framework | None = None, seed: int = SEED) -> pd.DataFrame:
    """Every demo response: village, round, respondent, date and one float column per item id."""
    framework = framework or load()
    rng = np.random.default_rng(seed)
    names = villages()
    profiles = _profiles(framework, names, rng)
    offsets = pd.DataFrame(rng.normal(0, 9, (len(names), len(framework.items))), index=names,
                           columns=list(framework.item_ids))
    parts = []
    for demo_file in plan():
        month = int(rng.choice([3, 4, 5, 9, 10]))
        window = (pd.Timestamp(demo_file.round, month, int(rng.integers(1, 15)), 8), int(rng.integers(18, 35)))
        for village in demo_file.villages:
            parts.append(_village_round(village, demo_file.round, profiles.loc[village], offsets.loc[village],
                                        framework, window, rng))
    table = pd.concat(parts, ignore_index=True)
    table["respondent"] = (table.groupby(["village", "round"]).cumcount() + 1).astype(str)
    table["round"] = table["round"].astype("Int64")
    return table[["village", "round", "respondent", "date", *framework.item_ids]]


def trends(framework: Framework | None = None, seed: int = SEED) -> pd.Series:
    """The trend kind (improving, stagnating, declining) the model gave each demo village."""
    framework = framework or load()
    rng = np.random.default_rng(seed)
    names = villages()
    return _profiles(framework, names, rng)["trend"]


# --- writing --------------------------------------------------------------------------------------------------


def write_demo(directory: str | Path = DEMO_DIR, framework: Framework | None = None) -> list[tuple[Path, int]]:
    """Write every demo export under ``directory``; return (path, round) per file."""
    framework = framework or load()
    truth = truth_table(framework)
    written = []
    for n, demo_file in enumerate(plan()):
        rows = truth[(truth["round"] == demo_file.round) & truth["village"].isin(demo_file.villages)]
        target = Path(directory) / demo_file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_export(rows, framework, demo_file.tool, target, lang=demo_file.lang, seed=SEED + n)
        written.append((target, demo_file.round))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Write the demo exports and print one line per file."""
    parser = argparse.ArgumentParser(prog="python -m tools.make_demo", description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(DEMO_DIR), help="folder for the files (default: %(default)s)")
    args = parser.parse_args(argv)
    for path, round_ in write_demo(args.output):
        sys.stdout.write(f"{round_}  {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
