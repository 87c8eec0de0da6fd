"""The pages of the after-implementation apps (acceptance, handover, warranty, evaluation) for
the malformed-input sweep over HTTP (``test_form_sweep``): the data-entry pages whose names do
not say so, the record each page's id means, and what a page needs besides its record. Every
record is made with the apps' own test builders on ``tests.conftest.world``."""

from __future__ import annotations

# Data-entry pages whose names do not say so (transitions with dates, numbers, choices and texts;
# the signing pages, whose one field is the password, are left to the form-level sweep).
EXTRA = ["acceptance:apply", "acceptance:application_review", "acceptance:round_start", "acceptance:round_plan",
         "acceptance:round_report", "handover:note", "handover:send_back", "handover:line_refuse",
         "warranty:report", "warranty:conclude", "evaluation:score", "evaluation:answer", "evaluation:acknowledge",
         "evaluation:return", "evaluation:breach_withdraw"]


def _application(w, *, submit: bool = False):
    from tests.acceptance import builders

    if not submit:
        return builders.draft_application(w)
    builders.ready_to_apply(w, items=20)
    return builders.apply(w, submit=True)


def _ready_to_apply(w):
    from tests.acceptance.builders import ready_to_apply

    ready_to_apply(w, items=20)


def _into_acceptance(w):
    """Materials complete, the team named: a round can start."""
    from tests.acceptance.builders import into_acceptance, name_team

    into_acceptance(w)
    name_team(w)


def _started_round(w):
    from tests.acceptance.builders import started_round

    return started_round(w)


def _inspected_round(w):
    from tests.acceptance.builders import inspected_round, planned_round

    _into_acceptance(w)
    return inspected_round(w, planned_round(w))


def _accepted(w):
    """The project's acceptance recorded (as the acceptance's last round does), in 质保."""
    from tests.handover.builders import accept

    accept(w)


def _handover(state: str):
    def build(w):
        from tests.handover import builders

        _accepted(w)
        return getattr(builders, state)(w)
    return build


def _handover_line(w):
    return _handover("submitted")(w).lines.order_by("position").first()


def _draft_evaluation(w):
    from tests.evaluation.builders import accepted

    return accepted(w)


def _evaluation(state: str):
    def build(w):
        from tests.evaluation import builders

        return getattr(builders, state)(w)
    return build


def _score(w):
    from apps.evaluation.enums import Indicator

    return {"pk": _draft_evaluation(w).pk, "indicator": Indicator.values[0]}


def _breach(w):
    from tests.evaluation.builders import breach

    return breach(w)


# The record a page's id means (or the URL's arguments, when it has more than one).
RECORDS = {
    "acceptance:application_edit": _application,
    "acceptance:line_add": _application,
    "acceptance:line_edit": lambda w: _application(w).lines.order_by("pk").first(),
    "acceptance:application_review": lambda w: _application(w, submit=True),
    "acceptance:round_plan": _started_round,
    "acceptance:problem_add": _started_round,
    "acceptance:round_report": _inspected_round,
    "handover:note": _handover("draft"),
    "handover:add_line": _handover("draft"),
    "handover:line_edit": lambda w: _handover("draft")(w).lines.order_by("position").first(),
    "handover:line_refuse": _handover_line,
    "handover:send_back": _handover("confirmed"),
    "evaluation:edit": _draft_evaluation,
    "evaluation:score": _score,
    "evaluation:answer": _evaluation("issued"),
    "evaluation:acknowledge": _evaluation("answered"),
    "evaluation:return": _evaluation("answered"),
    "evaluation:breach_withdraw": _breach,
    "evaluation:scheme_edit": lambda w: w.client_org,
}

# What a page needs besides its record, so that a sound post would be accepted.
PREPARE = {"acceptance:apply": _ready_to_apply, "acceptance:round_start": _into_acceptance,
           "handover:create": _accepted, "warranty:report": _accepted, "warranty:conclude": _accepted}
