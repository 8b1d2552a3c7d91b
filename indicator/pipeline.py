"""The file-to-scores path shared by the command line and the dashboard: read files, set rounds, score."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from indicator.framework import Framework
from indicator.reading import ImportReport, IsolatedReader, file_round
from indicator.scoring import DEFAULT_OPTIONS, ScoreOptions, Scores, score


def read_files(
    paths: Sequence[str | Path],
    framework: Framework,
    *,
    round: int | None = None,
    village: str | None = None,
    village_column: str | None = None,
    today: date | None = None,
) -> tuple[pd.DataFrame, list[ImportReport]]:
    """Read survey files into one responses table; each file's round is ``round`` or its own date rule,
    ``village`` the village of the files that have no village column. Each file is read in a worker
    process with a memory cap and a time limit (`IsolatedReader`)."""
    frames, reports = [], []
    reader = IsolatedReader()
    for path in paths:
        result = reader.read(
            Path(path), framework, filename=str(path), village_default=village, village_column=village_column
        )
        file_round_ = round if round is not None else file_round(result.report, today=today)
        frame = result.responses.assign(round=file_round_, source=str(path))
        frame["respondent"] = str(path) + ":" + frame["respondent"].astype(str)
        frames.append(frame)
        reports.append(result.report)
    responses = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["village", "round"])
    responses["round"] = responses["round"].astype("Int64")
    return responses, reports


def score_files(
    paths: Sequence[str | Path],
    framework: Framework,
    *,
    round: int | None = None,
    village: str | None = None,
    village_column: str | None = None,
    options: ScoreOptions = DEFAULT_OPTIONS,
    today: date | None = None,
) -> Scores:
    """Score survey files together (docs/cli.md ``score``)."""
    responses, _ = read_files(
        paths, framework, round=round, village=village, village_column=village_column, today=today
    )
    return score(responses, framework, options)
