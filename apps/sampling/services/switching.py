"""The switching rules of GB/T 2828.1 §9, per project and service type (:class:`SwitchingState`)::

    NORMAL ──2 of ≤5 consecutive lots not accepted──► TIGHTENED ──5 consecutive accepted──► NORMAL
    NORMAL ──score ≥ 30, reduced allowed, client lead confirms steady production──► REDUCED
    REDUCED ──a lot not accepted (or the client lead: production irregular)──► NORMAL
    TIGHTENED ──5 lots not accepted since tightened began──► DISCONTINUED
    DISCONTINUED ──client lead, after corrective action, with reason──► TIGHTENED

:func:`switching_lot_record` applies them to each decided lot; the client lead's decisions are
:func:`switching_reduced_approve`, :func:`switching_normal_return` and :func:`switching_resume`.
Every change restarts the counters, is logged (:class:`SwitchingEvent`) and notified.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.core.locking import check_version
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.projects.models import Project

from .. import engine
from ..enums import Regime, SwitchingEventKind
from ..models import WINDOW_SIZE, SwitchingEvent, SwitchingState
from .plans import GRADES, InspectionPlan, check_service_type, settings_for

REDUCED_SCORE = 30  # §9.3.3: switching score of at least 30
TIGHTENED_TO_NORMAL = 5  # §9.3.2: 5 consecutive lots accepted on tightened inspection
DISCONTINUE_AFTER = 5  # §9.4: 5 lots not accepted on tightened inspection
REASON_MAX = 500
LOT_REF_MAX = 100


# ---------------------------------------------------------------- the state, its log, a regime change

def locked_state(project: Project, service_type: str) -> SwitchingState:
    """The (project, service type) state, created at normal inspection, locked for update."""
    state = SwitchingState.objects.select_for_update().filter(project=project, service_type=service_type).first()
    if state is not None:
        return state
    try:
        with transaction.atomic():
            created = SwitchingState(project=project, service_type=service_type)
            created._change_reason = _("Normal inspection begins")
            created.save()
    except IntegrityError:
        pass
    return SwitchingState.objects.select_for_update().get(project=project, service_type=service_type)


def _log(state: SwitchingState, *, kind: str, regime_before: str, score_before: int, user, reason: str = "",
         lot_ref: str = "", accepted: bool | None = None, defects_by_grade: dict | None = None,
         plan: InspectionPlan | None = None) -> SwitchingEvent:
    event = SwitchingEvent(
        state=state, project_id=state.project_id, service_type=state.service_type, kind=kind, lot_ref=lot_ref,
        accepted=accepted, regime_before=regime_before, regime_after=state.regime, score_before=score_before,
        score_after=state.switching_score, defects_by_grade=defects_by_grade or {},
        plan=plan.to_dict() if plan is not None else {}, reason=str(reason)[:REASON_MAX],
        user=user if getattr(user, "pk", None) else None)
    event._change_reason = str(reason) or str(event.get_kind_display())
    event.save()
    return event


def _reset_counters(state: SwitchingState) -> None:
    state.switching_score = 0
    state.normal_window = ""
    state.consecutive_accepted = 0
    state.tightened_not_accepted = 0


def switch_regime(state: SwitchingState, regime: str, *, user, reason: str, kind: str = SwitchingEventKind.SWITCH,
                  discontinued: bool = False) -> None:
    """Change the regime (counters restart), log it and record the reason on the state.
    The caller saves the state."""
    before_regime, before_score = state.regime, state.switching_score
    state.regime = regime
    _reset_counters(state)
    state.discontinued = discontinued
    state.last_change_reason = str(reason)[:REASON_MAX]
    state.last_changed_at = timezone.now()
    state.version += 1
    state._change_reason = str(reason)
    _log(state, kind=kind, regime_before=before_regime, score_before=before_score, user=user, reason=reason)
    _notify_switch(state, reason)


def _notify_switch(state: SwitchingState, reason: str) -> None:
    from apps.accounts.enums import ProjectRole
    from apps.projects.models import ProjectMember

    project = state.project
    members = (ProjectMember.objects.filter(project=project, is_active=True, user__is_active=True,
                                            role__in=[ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR,
                                                      ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR])
               .select_related("user"))
    status = (_("discontinued") if state.discontinued else str(state.get_regime_display()))
    notify(recipients=[m.user for m in members], key=f"sampling:{state.pk}:v{state.version}",
           title=_("%(service)s: sampling inspection now %(status)s (%(project)s)")
           % {"service": state.get_service_type_display(), "status": status, "project": project.name},
           body=reason, link=reverse("sampling:project", args=[project.pk]), project=project, kind="sampling")


# ---------------------------------------------------------------- a decided lot

def switching_increment(plan: InspectionPlan, defects_by_grade: dict[str, int]) -> int | None:
    """What an accepted lot on normal inspection adds to the switching score (GB/T 2828.1
    §9.3.3, single sampling), or None when the score resets to 0.

    Per grade: Ac ≥ 2 → 3 if the grade's count would also have been accepted at the AQL one
    step tighter (same code letter, arrows followed), else reset; Ac 0 or 1 → 2. Across grades
    the lot earns points only if every grade earns them, and then the smallest of the grades'
    increments (so one grade's margin never hides another's lack of it). The "any fatal defect
    rejects" rule (no AQL) takes no part in the increment."""
    increments = []
    for grade, grade_plan in plan.plans.items():
        aql = plan.aqls.get(grade)
        count = defects_by_grade.get(grade, 0)
        if count > grade_plan.ac:
            return None
        if aql is None:
            # "Any fatal defect rejects" is not an AQL plan: it sets no increment (a fatal
            # defect rejects the lot, which resets the score anyway).
            continue
        if grade_plan.ac <= 1:
            increments.append(2)
            continue
        tighter = engine.tighter_aql(aql)
        if tighter is None:
            return None
        tighter_ac, _re = engine.acceptance_at(grade_plan.code, tighter, plan.regime)
        if count > tighter_ac:
            return None
        increments.append(3)
    return min(increments) if increments else 2


def _check_defects(defects_by_grade) -> dict[str, int]:
    if not isinstance(defects_by_grade, dict):
        raise DomainError(_("The defect counts must be given per grade."), field="defects_by_grade")
    unknown = set(defects_by_grade) - set(GRADES)
    if unknown:
        raise DomainError(_("Unknown defect grade: %(names)s.") % {"names": ", ".join(sorted(map(str, unknown)))},
                          field="defects_by_grade")
    counts = {}
    for grade in GRADES:
        value = defects_by_grade.get(grade, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DomainError(_("The defect counts must be whole numbers of at least 0."), field="defects_by_grade")
        counts[grade] = value
    return counts


@dataclass(frozen=True)
class Lot:
    """A decided lot as the switching rules read it (checked by :func:`_checked_lot`)."""

    ref: str
    accepted: bool
    resubmission: bool
    plan: InspectionPlan
    counts: dict[str, int]


def _checked_lot(service_type: str, *, lot_ref, accepted, plan, defects_by_grade, resubmission) -> Lot:
    if not isinstance(lot_ref, str) or not lot_ref.strip() or len(lot_ref.strip()) > LOT_REF_MAX:
        raise DomainError(_("Name the lot (at most 100 characters)."), field="lot_ref")
    if not isinstance(accepted, bool) or not isinstance(resubmission, bool):
        raise DomainError(_("Say whether the lot was accepted and whether it was resubmitted."), field="accepted")
    if not isinstance(plan, InspectionPlan):
        raise DomainError(_("The sampling plan of the lot is missing."), field="plan")
    if plan.service_type and plan.service_type != service_type:
        raise DomainError(_("The sampling plan belongs to another service type."), field="plan")
    return Lot(ref=lot_ref.strip(), accepted=accepted, resubmission=resubmission, plan=plan,
               counts=_check_defects(defects_by_grade))


@dataclass(frozen=True)
class Switch:
    """A regime change the switching rules call for after a lot."""

    regime: str
    reason: str
    discontinue: bool = False


def _on_normal(state: SwitchingState, lot: Lot) -> Switch | None:
    """§9.3.1 (2 of ≤ 5 not accepted → tightened) and the switching score of §9.3.3."""
    state.normal_window = (state.normal_window + ("A" if lot.accepted else "N"))[-WINDOW_SIZE:]
    if state.normal_window.count("N") >= 2:
        return Switch(Regime.TIGHTENED, _("2 lots not accepted out of %(n)d or fewer consecutive lots on normal "
                                          "inspection (GB/T 2828.1 §9.3.1)") % {"n": len(state.normal_window)})
    if not lot.accepted:
        state.switching_score = 0
    elif lot.plan.regime == Regime.NORMAL:
        increment = switching_increment(lot.plan, lot.counts)
        state.switching_score = 0 if increment is None else state.switching_score + increment
    return None


def _on_tightened(state: SwitchingState, lot: Lot) -> Switch | None:
    """§9.3.2 (5 consecutive accepted → normal) and §9.4 (5 not accepted → discontinued)."""
    if lot.accepted:
        state.consecutive_accepted += 1
        if state.consecutive_accepted >= TIGHTENED_TO_NORMAL:
            return Switch(Regime.NORMAL, _("5 consecutive lots accepted on tightened inspection (GB/T 2828.1 §9.3.2)"))
        return None
    state.consecutive_accepted = 0
    state.tightened_not_accepted += 1
    if state.tightened_not_accepted >= DISCONTINUE_AFTER:
        return Switch(Regime.TIGHTENED, _("5 lots not accepted on tightened inspection: sampling inspection "
                                          "discontinued until the contractor's corrective action (GB/T 2828.1 §9.4)"),
                      discontinue=True)
    return None


def _on_reduced(state: SwitchingState, lot: Lot) -> Switch | None:
    """§9.3.4: a lot not accepted on reduced inspection → normal."""
    if lot.accepted:
        return None
    return Switch(Regime.NORMAL, _("A lot not accepted on reduced inspection (GB/T 2828.1 §9.3.4)"))


RULES_BY_REGIME = {Regime.NORMAL: _on_normal, Regime.TIGHTENED: _on_tightened, Regime.REDUCED: _on_reduced}


def switching_lot_record(*, project: Project, service_type: str, lot_ref: str, accepted: bool, plan: InspectionPlan,
                         defects_by_grade: dict[str, int], resubmission: bool, user) -> SwitchingState:
    """Record the decision on a lot and apply the switching rules of GB/T 2828.1 §9.

    Resubmitted lots are logged and change nothing (§9.3.2 counts original lots only). A lot
    decided while inspection is discontinued (opened before) is logged and changes nothing.
    """
    require("sampling.may_record_lot_result", user, project)
    service_type = check_service_type(service_type)
    lot = _checked_lot(service_type, lot_ref=lot_ref, accepted=accepted, plan=plan,
                       defects_by_grade=defects_by_grade, resubmission=resubmission)
    with transaction.atomic(), history_context(user=user):
        state = locked_state(project, service_type)
        regime_before, score_before = state.regime, state.switching_score
        outcome = _("accepted") if lot.accepted else _("not accepted")
        logged = {"regime_before": regime_before, "score_before": score_before, "user": user, "lot_ref": lot.ref,
                  "accepted": lot.accepted, "defects_by_grade": lot.counts, "plan": lot.plan}
        if lot.resubmission or state.discontinued:
            note = (_("Resubmitted lot %(lot)s %(outcome)s: not counted by the switching rules")
                    if lot.resubmission else
                    _("Lot %(lot)s %(outcome)s while sampling inspection is discontinued: not counted"))
            _log(state, kind=SwitchingEventKind.RESUBMITTED_LOT if lot.resubmission else SwitchingEventKind.LOT,
                 reason=note % {"lot": lot.ref, "outcome": outcome}, **logged)
            return state

        state.lots_recorded += 1
        switch = RULES_BY_REGIME[state.regime](state, lot)
        lot_reason = _("Lot %(lot)s %(outcome)s") % {"lot": lot.ref, "outcome": outcome}
        _log(state, kind=SwitchingEventKind.LOT, reason=lot_reason, **logged)
        state._change_reason = lot_reason
        if switch is not None:
            switch_regime(state, switch.regime, user=user, reason=switch.reason, discontinued=switch.discontinue,
                          kind=SwitchingEventKind.DISCONTINUED if switch.discontinue else SwitchingEventKind.SWITCH)
        state.save()
    return state


# ---------------------------------------------------------------- the client lead's decisions

def _reason(reason, *, required: bool) -> str:
    return clean_text(reason, field="reason", label=_("The reason"), required=required, max_length=REASON_MAX)


def _locked_for_decision(project: Project, service_type: str, expected_version: int | None) -> SwitchingState:
    state = locked_state(project, service_type)
    check_version(state, expected_version,
                  message=_("The switching state changed in the meantime; reload the page and try again."))
    return state


def switching_reduced_approve(*, project: Project, service_type: str, user, production_steady: bool,
                              reason: str = "", expected_version: int | None = None) -> SwitchingState:
    """Normal → reduced (§9.3.3): the switching score is at least 30, the settings allow reduced
    inspection and the client lead confirms that production is at a steady rate."""
    require("sampling.may_approve_reduced", user, project)
    service_type = check_service_type(service_type)
    reason = _reason(reason, required=False)
    if production_steady is not True:
        raise DomainError(_("Confirm that production is at a steady rate."), field="production_steady")
    with transaction.atomic(), history_context(user=user):
        sampling_settings = settings_for(project)
        state = _locked_for_decision(project, service_type, expected_version)
        if state.regime != Regime.NORMAL or state.discontinued:
            raise DomainError(_("Reduced inspection can only follow normal inspection."), code="illegal_transition")
        if not sampling_settings.reduced_allowed:
            raise DomainError(_("The sampling settings do not allow reduced inspection."), code="illegal_transition")
        if state.switching_score < REDUCED_SCORE:
            raise DomainError(_("The switching score is %(score)d; reduced inspection needs at least %(min)d.")
                              % {"score": state.switching_score, "min": REDUCED_SCORE}, code="illegal_transition")
        text = _("Switching score %(score)d, production steady (confirmed by the client lead)") % {
            "score": state.switching_score}
        switch_regime(state, Regime.REDUCED, user=user, reason=f"{text}: {reason}" if reason else text)
        state.save()
    return state


def switching_normal_return(*, project: Project, service_type: str, user, reason: str,
                            expected_version: int | None = None) -> SwitchingState:
    """Reduced → normal at the client lead's decision (§9.3.4: production irregular or delayed,
    or other conditions warrant it)."""
    require("sampling.may_return_to_normal", user, project)
    service_type = check_service_type(service_type)
    reason = _reason(reason, required=True)
    with transaction.atomic(), history_context(user=user):
        state = _locked_for_decision(project, service_type, expected_version)
        if state.regime != Regime.REDUCED:
            raise DomainError(_("Only reduced inspection can be ended this way."), code="illegal_transition")
        switch_regime(state, Regime.NORMAL, user=user,
                      reason=_("Reduced inspection ended: %(reason)s") % {"reason": reason})
        state.save()
    return state


def switching_resume(*, project: Project, service_type: str, user, reason: str,
                     expected_version: int | None = None) -> SwitchingState:
    """Discontinued → tightened (§9.4): the client lead resumes after the contractor's
    corrective action, stating it."""
    require("sampling.may_resume_inspection", user, project)
    service_type = check_service_type(service_type)
    reason = _reason(reason, required=True)
    with transaction.atomic(), history_context(user=user):
        state = _locked_for_decision(project, service_type, expected_version)
        if not state.discontinued:
            raise DomainError(_("Sampling inspection of this service type is not discontinued."),
                              code="illegal_transition")
        switch_regime(state, Regime.TIGHTENED, user=user, kind=SwitchingEventKind.RESUMED,
                      reason=_("Resumed on tightened inspection after corrective action: %(reason)s")
                      % {"reason": reason})
        state.save()
    return state
