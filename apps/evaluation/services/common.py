"""What the services of the evaluation share: input checks the text kit does not cover (scores,
dates, choices), the people to notify and the deadlines in the shared mechanism
(``apps.deadlines``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError
from apps.projects.models import Project

CLIENT_LEAD = (ProjectRole.CLIENT_LEAD,)
CLIENT_STAFF = (ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR)
CONTRACTOR_PM = (ProjectRole.CONTRACTOR_PM,)

# §5.3.3: the evaluation within 3 months of the acceptance.
EVALUATION_MONTHS = 3
# The contractor's answer (查找短板, §10.1.3) is due this many working days after the report is
# issued (or returned); the system's choice, the standard names no period.
ANSWER_WORKING_DAYS = 15
DEADLINE_ANSWER = "evaluation_answer"
# A first reminder of the evaluation's deadline this many days before it (the scan reminds again
# in its last days, on the day and when overdue, escalating to the client lead).
EVALUATION_REMIND_DAYS = 14


def people(project: Project, roles: Iterable[str]) -> list:
    """The active people holding one of ``roles`` on the project, on the side those roles are on."""
    org_id = project.client_id if set(roles) <= set(CLIENT_STAFF) else project.contractor_id
    members = (project.members.filter(is_active=True, role__in=list(roles), user__is_active=True,
                                      user__organization_id=org_id).select_related("user").order_by("pk"))
    return list({m.user_id: m.user for m in members}.values())


def score_value(value, *, field: str = "score") -> Decimal:
    """A score of 0 to 100 points with at most two decimals."""
    if isinstance(value, bool) or value is None or value == "":
        raise DomainError(_("Give a score between 0 and 100."), field=field)
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("The score must be a number between 0 and 100."), field=field) from None
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise DomainError(_("The score must be a number between 0 and 100."), field=field)
    if score != score.quantize(Decimal("0.01")):
        raise DomainError(_("Give the score with at most two decimals."), field=field)
    return score.quantize(Decimal("0.01"))


def choice(value, choices, *, field: str, label) -> str:
    if value not in choices.values:
        raise DomainError(_("Choose a valid value for %(label)s.") % {"label": label}, field=field)
    return str(value)


def past_date(value, *, field: str, label, earliest: dt.date | None = None) -> dt.date:
    """A real date, not in the future, not before ``earliest``."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("%(label)s is not a valid date.") % {"label": label}, field=field)
    if value > timezone.localdate():
        raise DomainError(_("%(label)s cannot be in the future.") % {"label": label}, field=field)
    if earliest is not None and value < earliest:
        raise DomainError(_("%(label)s cannot be before %(day)s.") % {"label": label, "day": f"{earliest:%Y-%m-%d}"},
                          field=field)
    return value


def open_deadline(*, record, project: Project, kind: str, title: str, base_date: dt.date, amount: int,
                  counting: str, party_roles: tuple, user, remind_days: int | None = None) -> None:
    """A deadline on the side of ``party_roles`` (its first active person responsible), created by
    ``user`` — or, when ``user`` may not set deadlines on the project (e.g. the acceptance's last
    signer is not a member), by the client lead."""
    from apps.core.permissions import allowed
    from apps.deadlines.services import deadline_create

    creator = user
    if not allowed("deadlines.can_create_deadline", user, project):
        creator = next(iter(people(project, CLIENT_LEAD)), None)
        if creator is None:
            return
    responsible = next(iter(people(project, party_roles)), None)
    org = project.client if set(party_roles) <= set(CLIENT_STAFF) else project.contractor
    deadline_create(record=record, project=project, kind=kind, title=title[:200], base_date=base_date,
                    amount=amount, counting=counting, responsible_org=org, responsible_user=responsible,
                    remind_days=remind_days, user=creator)


def close_deadlines(record, user, kinds: list[str]) -> None:
    from apps.deadlines.services import deadlines_close_for_record

    deadlines_close_for_record(record=record, user=user, kinds=kinds)
