"""Writes of the evaluation, one module per record: the evaluation report and the contractor's
answer (``evaluations``), breaches of contract (``breaches``), the scoring scheme of a client
organisation (``schemes``)."""

from .breaches import breach_record, breach_withdraw
from .evaluations import (
    evaluation_acknowledge,
    evaluation_answer,
    evaluation_edit,
    evaluation_issue,
    evaluation_open_on_acceptance,
    evaluation_return,
    evaluation_score,
    evaluation_start,
)
from .schemes import scheme_save

__all__ = [
    "breach_record", "breach_withdraw", "evaluation_acknowledge", "evaluation_answer", "evaluation_edit",
    "evaluation_issue", "evaluation_open_on_acceptance", "evaluation_return", "evaluation_score",
    "evaluation_start", "scheme_save",
]
