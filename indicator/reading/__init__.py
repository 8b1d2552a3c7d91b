"""Reading survey exports (Webropol, Forms, Google, LimeSurvey, Kobo, SurveyMonkey, Typeform, any table).

``read_survey(source, framework, ...) -> ReadResult(responses, report)``; see `indicator.reading.reader`.
"""

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
    "ImportReport",
    "Limits",
    "ReadResult",
    "RoundMismatch",
    "check_round",
    "file_round",
    "header_signature",
    "read_survey",
    "round_choices",
    "round_mismatch",
    "template_from",
]
