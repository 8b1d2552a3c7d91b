"""Reading survey exports (Webropol, Forms, Google, LimeSurvey, Kobo, SurveyMonkey, Typeform, any table).

``read_survey(source, framework, ...) -> ReadResult(responses, report)``; see `indicator.reading.reader`.
Untrusted files (uploads, the command line) are read by ``read_isolated`` / `IsolatedReader`, the same
call in a worker process with a memory cap and a time limit (`indicator.reading.isolated`).
"""

from indicator.reading.isolated import Budget, IsolatedReader, read_isolated
from indicator.reading.reader import ReadResult, read_survey
from indicator.reading.report import (
    ImportReport,
    RoundMismatch,
    check_round,
    file_round,
    header_signature,
    round_choices,
    round_mismatch,
    template_from,
)
from indicator.reading.safety import DEFAULT_MAX_BYTES, Limits

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Budget",
    "ImportReport",
    "IsolatedReader",
    "Limits",
    "ReadResult",
    "RoundMismatch",
    "check_round",
    "file_round",
    "header_signature",
    "read_isolated",
    "read_survey",
    "round_choices",
    "round_mismatch",
    "template_from",
]
