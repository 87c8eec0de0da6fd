"""Quality and data report services (质量及数据报告, §8.2.3)::

    prepare ──► DRAFT ──submit──► SUBMITTED ──acknowledge──► ACKNOWLEDGED
                  ▲                  └──return──► RETURNED ──submit──┘

The figures come from the records (``selectors.report_figures``): recomputed whenever the draft
is saved and once more at submission, then frozen.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import Party
from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.projects.enums import Phase
from apps.projects.models import Project

from .. import selectors
from ..enums import REPORT_EDITABLE, ReportState
from ..models import LONG_TEXT_MAX, TEXT_MAX, QualityReport
from ..rules import CLIENT_STAFF, REPORTERS
from .common import (
    ahead,
    deadline_open,
    lock_open_project,
    next_number,
    not_future,
    people,
    project_closed_error,
)

MAX_REPORT_DAYS = 366
DEADLINE_REPORT = "quality_report"


def _period(period_start, period_end) -> tuple[dt.date, dt.date]:
    period_start = not_future(period_start, field="period_start", label=_("The start of the period"))
    period_end = not_future(period_end, field="period_end", label=_("The end of the period"))
    if period_end < period_start:
        raise DomainError(_("The period cannot end before it starts."), field="period_end")
    if (period_end - period_start).days >= MAX_REPORT_DAYS:
        raise DomainError(_("A report covers at most one year."), field="period_end")
    return period_start, period_end


def _report_texts(summary, problems, next_steps) -> dict:
    return {
        "summary": clean_text(summary, field="summary", label=_("The summary"), max_length=LONG_TEXT_MAX),
        "problems": clean_text(problems, field="problems", label=_("The main problems"), required=False,
                               max_length=TEXT_MAX),
        "next_steps": clean_text(next_steps, field="next_steps", label=_("The measures for the next period"),
                                 required=False, max_length=TEXT_MAX),
    }


def _duplicate_period() -> DomainError:
    return DomainError(_("A report for this period already exists."), field="period_start", code="duplicate")


def quality_report_prepare(*, project: Project, user, period_start: dt.date, period_end: dt.date, summary: str,
                           problems: str = "", next_steps: str = "") -> QualityReport:
    """The contractor prepares its quality and data report for a period: the figures come from
    the records (batches, sampling inspections, defects by grade, tickets), the analysis from it."""
    require("control.may_prepare_report", user, project)
    period_start, period_end = _period(period_start, period_end)
    texts = _report_texts(summary, problems, next_steps)
    with transaction.atomic(), history_context(user=user, reason=_("Quality report prepared")):
        locked = lock_open_project(project)
        if locked.quality_reports.filter(period_start=period_start, period_end=period_end).exists():
            raise _duplicate_period()
        report = QualityReport(project=locked, number=next_number(QualityReport, locked), period_start=period_start,
                               period_end=period_end, figures=selectors.report_figures(locked, period_start, period_end),
                               figures_at=timezone.now(), prepared_by=user, **texts)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as exc:
            raise _duplicate_period() from exc
    return report


def _locked_report(report: QualityReport, states, message: str) -> QualityReport:
    locked = lock(report, related=("project",))
    if locked.state not in states:
        raise DomainError(message % {"state": locked.get_state_display()}, code="illegal_transition")
    if locked.project.phase == Phase.CLOSED:
        raise project_closed_error()
    return locked


def quality_report_update(*, quality_report: QualityReport, user, summary: str, problems: str = "",
                          next_steps: str = "") -> QualityReport:
    """Edit the analysis of a draft or returned report; the figures are recomputed."""
    require("control.may_edit_report", user, quality_report)
    texts = _report_texts(summary, problems, next_steps)
    with transaction.atomic(), history_context(user=user):
        locked = _locked_report(quality_report, REPORT_EDITABLE,
                                _("A submitted report cannot be changed (%(state)s)."))
        for f, v in texts.items():
            setattr(locked, f, v)
        locked.figures = selectors.report_figures(locked.project, locked.period_start, locked.period_end)
        locked.figures_at = timezone.now()
        save_with_history(locked, reason=_("Quality report edited"),
                          update_fields=[*texts, "figures", "figures_at", "updated_at"])
    return locked


def quality_report_submit(*, quality_report: QualityReport, user) -> QualityReport:
    """Submit to the client: the figures are computed once more from the records and frozen."""
    from apps.deadlines.enums import DeadlineState
    from apps.deadlines.models import Deadline
    from apps.deadlines.services import deadline_meet

    require("control.may_submit_report", user, quality_report)
    with transaction.atomic(), history_context(user=user):
        locked = _locked_report(quality_report, REPORT_EDITABLE,
                                _("This report has already been submitted (%(state)s)."))
        project = locked.project
        locked.figures = selectors.report_figures(project, locked.period_start, locked.period_end)
        locked.figures_at = timezone.now()
        locked.state = ReportState.SUBMITTED
        locked.submitted_by, locked.submitted_at = user, timezone.now()
        save_with_history(locked, reason=_("Quality report submitted to the client"),
                          update_fields=["figures", "figures_at", "state", "submitted_by", "submitted_at",
                                         "updated_at"])
        # The report the client asked for by a date is delivered.
        for deadline in Deadline.objects.filter(project=project, kind=DEADLINE_REPORT, state=DeadlineState.OPEN):
            deadline_meet(deadline=deadline, user=user)
        notify(recipients=people(project, CLIENT_STAFF),
               key=f"control:report:{locked.pk}:submitted:{locked.submitted_at:%Y%m%d%H%M%S}",
               title=_("%(report)s submitted: please acknowledge") % {"report": locked},
               link=locked.get_absolute_url(), project=project, kind="control")
    return locked


def quality_report_return(*, quality_report: QualityReport, user, reason: str) -> QualityReport:
    require("control.may_return_report", user, quality_report)
    reason = clean_text(reason, field="reason", label=_("The reason for returning"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _locked_report(quality_report, (ReportState.SUBMITTED,),
                                _("This report is not awaiting acknowledgement (%(state)s)."))
        locked.state = ReportState.RETURNED
        locked.return_reason = reason
        save_with_history(locked, reason=_("Returned for correction: %(r)s") % {"r": reason},
                          update_fields=["state", "return_reason", "updated_at"])
        notify(recipients=people(locked.project, REPORTERS),
               key=f"control:report:{locked.pk}:returned:{timezone.now():%Y%m%d%H%M%S}",
               title=_("%(report)s returned for correction") % {"report": locked},
               body=reason, link=locked.get_absolute_url(), project=locked.project, kind="control")
    return locked


def quality_report_acknowledge(*, quality_report: QualityReport, user, comment: str = "",
                               next_report_due: dt.date | None = None) -> QualityReport:
    """The client acknowledges the report in writing, with its comments; it may set the date by
    which the next report is due (a deadline for the contractor)."""
    require("control.may_acknowledge_report", user, quality_report)
    comment = clean_text(comment, field="comment", label=_("The comments"), required=False, max_length=TEXT_MAX)
    if next_report_due is not None:
        next_report_due = ahead(next_report_due, field="next_report_due", label=_("The next report's due date"),
                                allow_today=False)
    with transaction.atomic(), history_context(user=user):
        locked = _locked_report(quality_report, (ReportState.SUBMITTED,),
                                _("This report is not awaiting acknowledgement (%(state)s)."))
        locked.state = ReportState.ACKNOWLEDGED
        locked.client_comment = comment
        locked.acknowledged_by, locked.acknowledged_at = user, timezone.now()
        save_with_history(locked, reason=_("Acknowledged by the client"),
                          update_fields=["state", "client_comment", "acknowledged_by", "acknowledged_at",
                                         "updated_at"])
        project = locked.project
        if next_report_due is not None:
            deadline_open(record=locked, project=project, kind=DEADLINE_REPORT,
                          title=_("Next quality and data report"), due=next_report_due, party=Party.CONTRACTOR,
                          person=locked.prepared_by, user=user)
        notify(recipients=people(project, REPORTERS), key=f"control:report:{locked.pk}:acknowledged",
               title=_("%(report)s acknowledged by the client") % {"report": locked}, body=comment,
               link=locked.get_absolute_url(), project=project, kind="control")
    return locked
