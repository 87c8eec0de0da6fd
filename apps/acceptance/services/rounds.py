"""Acceptance rounds: start, plan (验收方案), inspection (§5.3.1–5.3.2, §8.3.1–8.3.2)::

    start (client lead) ──► PLANNING ──approve plan (client lead)──► PLANNED ──open inspection──► INSPECTING
                              └─ plan drawn up by the lead or the team leader: content, standards
                                 (check items of Tables 1–5), sampling ratio per service type
                                 (≥ the statutory floor), schedule

A round after a failed one starts only when the failed round's tickets are closed; §5.3.2 (累计
整改次数不宜超过3次): a fourth or later round needs the client lead's written override, which is
flagged, reported to the regulator, asks for a risk re-assessment and counts against the
contractor (``selectors.rounds_summary``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError
from apps.core.history import delete_with_history, history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.projects import hooks
from apps.projects.enums import Phase, ServiceType
from apps.projects.models import Project

from .. import selectors
from ..enums import ROUNDS_WITHOUT_OVERRIDE, ApplicationState, RoundState
from ..models import LONG_TEXT_MAX, TEXT_MAX, AcceptanceApplication, AcceptanceRound, PlanSampling
from .common import KIND, contractor_pm, in_acceptance, people, team_people, valid_date

PLAN_FIELDS = ["plan_content", "standards_note", "schedule_start", "schedule_end"]


def locked_round(acceptance_round: AcceptanceRound, *states: str, expected_version: int | None = None,
                  message: str | None = None) -> AcceptanceRound:
    locked = lock(acceptance_round, expected_version=expected_version, related=("project",))
    if locked.project.phase != Phase.ACCEPTANCE:
        raise DomainError(_("The project is not in acceptance (it is now: %(p)s).")
                          % {"p": locked.project.get_phase_display()}, code="illegal_transition")
    if states and locked.state not in states:
        raise DomainError(message or _("%(round)s is %(state)s: not possible now.")
                          % {"round": locked, "state": locked.get_state_display()}, code="illegal_transition")
    return locked


def bump(acceptance_round: AcceptanceRound, reason: str, fields: list[str]) -> None:
    acceptance_round.version += 1
    save_with_history(acceptance_round, reason=reason, update_fields=[*fields, "version", "updated_at"])


def proposal_or_none(project: Project, service_type: str, floor_rate=None) -> dict | None:
    """The engine's proposal for a service type (apps.lot_inspection), None when there is nothing
    to sample (no accepted batch of that type)."""
    from apps.lot_inspection.selectors import acceptance_plan_proposal

    try:
        return acceptance_plan_proposal(project, service_type, floor_rate)
    except DomainError:
        return None


# ---------------------------------------------------------------- start a round

def _report_override(acceptance_round: AcceptanceRound, user) -> None:
    """§5.3.2: a round beyond the third is reported to the regulator and asks for a risk
    re-assessment (project control)."""
    from apps.rectification.enums import ReportKind
    from apps.rectification.models import RegulatorReport
    from apps.rectification.services.common import regulator_people

    project = acceptance_round.project
    summary = _("Acceptance round %(n)d of %(project)s started beyond the limit of three (§5.3.2) by the client "
                "lead's override. Reason: %(reason)s") % {"n": acceptance_round.number, "project": project.name,
                                                         "reason": acceptance_round.override_reason}
    RegulatorReport.objects.create(project=project, kind=ReportKind.ACCEPTANCE_ROUND, summary=summary,
                                            reported_by=user)
    notify(recipients=regulator_people(project), key=f"acceptance:override:{acceptance_round.pk}",
           title=_("Acceptance beyond the third round reported: %(project)s") % {"project": project.name},
           body=summary, link=acceptance_round.get_absolute_url(), project=project, kind=KIND)
    hooks.risk_reassessment_needed(project=project, trigger="incident",
                                   note=_("Acceptance round %(n)d, beyond the third (§5.3.2)")
                                   % {"n": acceptance_round.number},
                                   source_label=str(acceptance_round)[:200],
                                   source_url=acceptance_round.get_absolute_url())


def round_start(*, project: Project, user, override_reason: str = "") -> AcceptanceRound:
    """Start the next acceptance round: the first once the materials are complete; a later one
    after a failed round whose tickets are all closed; a fourth or later with the client lead's
    written reason (§5.3.2)."""
    require("acceptance.may_start_round", user, project)
    override_reason = clean_text(override_reason, field="override_reason",
                                 label=_("The reason for a round beyond the third"), required=False,
                                 max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = in_acceptance(project)
        if not AcceptanceApplication.objects.filter(project=locked, state=ApplicationState.COMPLETE).exists():
            raise DomainError(_("The acceptance materials have not been found complete yet."),
                              code="illegal_transition")
        last = selectors.current_round(locked)
        if last is not None:
            if last.state == RoundState.PASSED:
                raise DomainError(_("The acceptance has passed; no further round."), code="illegal_transition")
            if last.state != RoundState.FAILED:
                raise DomainError(_("%(round)s is still under way.") % {"round": last}, code="illegal_transition")
            still_open = list(selectors.round_open_tickets(last))
            if still_open:
                raise DomainError(_("A new round starts only when the tickets of %(round)s are closed: %(tickets)s.")
                                  % {"round": last, "tickets": "、".join(str(t) for t in still_open)},
                                  code="illegal_transition")
        number = (last.number if last else 0) + 1
        over = number > ROUNDS_WITHOUT_OVERRIDE
        if over and not override_reason:
            raise DomainError(_("Round %(n)d is beyond the three rounds of §5.3.2 (累计整改次数不宜超过3次): "
                                "state the reason for the override.") % {"n": number}, field="override_reason")
        acceptance_round = AcceptanceRound(project=locked, number=number, created_by=user,
                                           override_reason=override_reason if over else "",
                                           override_by=user if over else None)
        acceptance_round._change_reason = (
            _("Round %(n)d started by override: %(r)s") % {"n": number, "r": override_reason} if over
            else _("Round %(n)d started") % {"n": number})
        acceptance_round.save()
        for service_type in locked.service_types:
            proposal = proposal_or_none(locked, service_type)
            if proposal is not None:
                PlanSampling.objects.create(round=acceptance_round, service_type=service_type,
                                            floor_rate=proposal["floor_rate"])
        if over:
            _report_override(acceptance_round, user)
        notify(recipients=[*team_people(locked), *contractor_pm(locked)],
               key=f"acceptance:round:{acceptance_round.pk}:started",
               title=_("%(round)s of %(project)s started") % {"round": acceptance_round, "project": locked.name},
               link=acceptance_round.get_absolute_url(), project=locked, kind=KIND)
    return acceptance_round


# ---------------------------------------------------------------- the plan (验收方案)

def _rates(project: Project, rates) -> dict[str, Decimal]:
    if not isinstance(rates, dict) or not rates:
        raise DomainError(_("Give the sampling ratio of at least one service type."), field="rates")
    cleaned = {}
    for service_type, rate in rates.items():
        if service_type not in project.service_types or service_type not in ServiceType.values:
            raise DomainError(_("The service type is not one of the project's."), field="rates")
        if rate in (None, ""):
            continue
        try:
            value = Decimal(str(rate)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise DomainError(_("The sampling ratio must be a number."), field=f"rate_{service_type}") from None
        if not Decimal(0) < value <= Decimal(100):
            raise DomainError(_("The sampling ratio must be above 0 and at most 100."), field=f"rate_{service_type}")
        proposal = proposal_or_none(project, service_type, value)
        label = ServiceType(service_type).label
        if proposal is None:
            raise DomainError(_("%(type)s has no accepted batch to sample.") % {"type": label},
                              field=f"rate_{service_type}")
        floor = Decimal(str(proposal["statutory_floor_rate"]))
        if value < floor:
            raise DomainError(_("The sampling ratio of %(type)s cannot be below the statutory floor of %(floor)s %%.")
                              % {"type": label, "floor": floor}, field=f"rate_{service_type}")
        cleaned[service_type] = value
    if not cleaned:
        raise DomainError(_("Give the sampling ratio of at least one service type."), field="rates")
    return cleaned


def _standards(project: Project, standards: Iterable, service_types: Iterable[str]) -> list:
    from apps.inspections.models import CheckItem

    ids = set()
    for item in standards or ():
        pk = getattr(item, "pk", item)
        try:
            ids.add(int(pk))
        except (TypeError, ValueError):
            raise DomainError(_("Unknown check item."), field="standards") from None
    items = list(CheckItem.objects.filter(project=project, pk__in=ids, active=True,
                                          service_type__in=list(service_types)))
    if len(items) != len(ids):
        raise DomainError(_("Choose check items of this project's catalogue for the service types sampled."),
                          field="standards")
    return items


def round_plan_update(*, acceptance_round: AcceptanceRound, user, plan_content: str, rates: dict,
                      standards: Iterable = (), standards_note: str = "", schedule_start=None, schedule_end=None,
                      expected_version: int | None = None) -> AcceptanceRound:
    """Draw up the plan: the content, the standards (check items of the project's catalogue), the
    sampling ratio per service type (at least the statutory floor: 5 %, 15 % classified) and the
    schedule."""
    require("acceptance.may_edit_plan", user, acceptance_round)
    plan_content = clean_text(plan_content, field="plan_content", label=_("The content of the acceptance"),
                              max_length=LONG_TEXT_MAX)
    standards_note = clean_text(standards_note, field="standards_note", label=_("The other standards"),
                                required=False, max_length=TEXT_MAX)
    start = valid_date(schedule_start, field="schedule_start", label=_("The first day of the acceptance"),
                       required=False)
    end = valid_date(schedule_end, field="schedule_end", label=_("The last day of the acceptance"), required=False)
    if start and end and end < start:
        raise DomainError(_("The acceptance cannot end before it starts."), field="schedule_end")
    with transaction.atomic(), history_context(user=user):
        locked = locked_round(acceptance_round, RoundState.PLANNING, expected_version=expected_version,
                               message=_("The plan of this round has been approved and can no longer be changed."))
        cleaned = _rates(locked.project, rates)
        items = _standards(locked.project, standards, cleaned)
        existing = {s.service_type: s for s in locked.samplings.all()}
        for service_type, sampling in existing.items():
            if service_type not in cleaned:
                delete_with_history(sampling, reason=_("Service type taken out of the plan"), user=user)
        for service_type, rate in cleaned.items():
            sampling = existing.get(service_type)
            if sampling is None:
                PlanSampling.objects.create(round=locked, service_type=service_type, floor_rate=rate)
            elif sampling.floor_rate != rate:
                sampling.floor_rate = rate
                save_with_history(sampling, reason=_("Sampling ratio changed"), update_fields=["floor_rate"])
        locked.plan_content, locked.standards_note = plan_content, standards_note
        locked.schedule_start, locked.schedule_end = start, end
        bump(locked, _("Acceptance plan updated"), PLAN_FIELDS)
        locked.standards.set(items)
    return locked


def round_plan_approve(*, acceptance_round: AcceptanceRound, user,
                       expected_version: int | None = None) -> AcceptanceRound:
    """The client lead approves (fixes) the plan; the team and the contractor are told the schedule."""
    require("acceptance.may_approve_plan", user, acceptance_round)
    with transaction.atomic(), history_context(user=user):
        locked = locked_round(acceptance_round, RoundState.PLANNING, expected_version=expected_version,
                               message=_("The plan is not awaiting approval."))
        missing = []
        if not locked.plan_content:
            missing.append(_("the content"))
        if not locked.standards.exists():
            missing.append(_("the standards (check items)"))
        if not locked.samplings.exists():
            missing.append(_("the sampling ratios"))
        if not (locked.schedule_start and locked.schedule_end):
            missing.append(_("the schedule"))
        if selectors.team_leader(locked.project) is None:
            missing.append(_("an acceptance team with its leader"))
        if missing:
            raise DomainError(_("The plan cannot be approved without %(what)s.") % {"what": "、".join(missing)},
                              code="invalid")
        locked.state = RoundState.PLANNED
        locked.plan_approved_by, locked.plan_approved_at = user, timezone.now()
        bump(locked, _("Acceptance plan approved"), ["state", "plan_approved_by", "plan_approved_at"])
        notify(recipients=[*team_people(locked.project), *contractor_pm(locked.project)],
               key=f"acceptance:round:{locked.pk}:plan",
               title=_("Acceptance plan approved: %(round)s of %(project)s, %(start)s – %(end)s") % {
                   "round": locked, "project": locked.project.name, "start": f"{locked.schedule_start:%Y-%m-%d}",
                   "end": f"{locked.schedule_end:%Y-%m-%d}"},
               link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked


# ---------------------------------------------------------------- the inspection

def round_inspection_open(*, acceptance_round: AcceptanceRound, user,
                          expected_version: int | None = None) -> AcceptanceRound:
    """Open one acceptance inspection per service type of the plan (apps.lot_inspection: the
    sample drawn from the accepted batches at the plan's ratio); results are entered and decided
    on the inspections' pages."""
    from apps.lot_inspection.services import acceptance_inspection_open

    require("acceptance.may_open_inspection", user, acceptance_round)
    with transaction.atomic(), history_context(user=user):
        locked = locked_round(acceptance_round, RoundState.PLANNED, expected_version=expected_version,
                               message=_("The inspection is opened once the plan is approved, and only once."))
        for sampling in locked.samplings.select_for_update().order_by("service_type"):
            label = _("Round %(n)d acceptance · %(type)s") % {"n": locked.number,
                                                              "type": sampling.get_service_type_display()}
            sampling.inspection = acceptance_inspection_open(project=locked.project, user=user,
                                                             service_type=sampling.service_type,
                                                             floor_rate=sampling.floor_rate, label=label)
            save_with_history(sampling, reason=_("Acceptance inspection opened"), update_fields=["inspection"])
        locked.state = RoundState.INSPECTING
        locked.inspection_opened_at = timezone.now()
        bump(locked, _("Acceptance inspection opened"), ["state", "inspection_opened_at"])
        notify(recipients=[*team_people(locked.project), *people(locked.project, [ProjectRole.CLIENT_INSPECTOR])],
               key=f"acceptance:round:{locked.pk}:inspection",
               title=_("Acceptance inspection opened: %(round)s of %(project)s — enter the results")
               % {"round": locked, "project": locked.project.name},
               link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked
