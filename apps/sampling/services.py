"""Writes and the sampling plan of a lot: contract settings, GB/T 2828.1 switching rules,
reproducible sample drawing.

Functions other apps call (exact signatures):

- ``settings_for(project) -> SamplingSettings`` (created with defaults when first needed)
- ``inspection_plan(project, service_type, lot_size) -> InspectionPlan``
- ``record_lot_result(project, service_type, *, lot_ref, accepted, plan, defects_by_grade,
  resubmission, user) -> SwitchingState``
- ``draw_sample(population_size, n, seed) -> list[int]`` and ``new_seed() -> int``

Switching (GB/T 2828.1 §9), per project and service type::

    NORMAL ──2 of ≤5 consecutive lots not accepted──► TIGHTENED ──5 consecutive accepted──► NORMAL
    NORMAL ──score ≥ 30, reduced allowed, client lead confirms steady production──► REDUCED
    REDUCED ──a lot not accepted (or the client lead: production irregular)──► NORMAL
    TIGHTENED ──5 lots not accepted since tightened began──► DISCONTINUED
    DISCONTINUED ──client lead, after corrective action, with reason──► TIGHTENED
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal, InvalidOperation

import rules
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import history_context, save_with_history
from apps.core.validation import full_clean_or_error
from apps.inspections.enums import GRADE_ORDER, DefectGrade
from apps.projects.enums import Confidentiality, RiskLevel, ServiceType
from apps.projects.models import Project

from . import engine
from .engine import Plan
from .enums import AqlValue, InspectionLevel, Regime, SwitchingEventKind
from .models import WINDOW_SIZE, SamplingSettings, SwitchingEvent, SwitchingState

GRADES: tuple[str, ...] = tuple(str(g) for g in GRADE_ORDER)
REDUCED_SCORE = 30  # §9.3.3: switching score of at least 30
TIGHTENED_TO_NORMAL = 5  # §9.3.2: 5 consecutive lots accepted on tightened inspection
DISCONTINUE_AFTER = 5  # §9.4: 5 lots not accepted on tightened inspection
MAX_SAMPLE_POPULATION = 10_000_000
REASON_MAX = 500
SEED_BITS = 63


# ---------------------------------------------------------------- the plan of a lot

@dataclass(frozen=True)
class InspectionPlan:
    """Everything the lot inspection needs to draw and judge a sample.

    ``plans`` maps each defect grade to the GB/T 2828.1 plan whose Ac/Re judge the sample
    (``aqls`` gives the AQL it was read at; None = "any fatal defect rejects", Ac 0 / Re 1).
    ``gb_sample_size`` is the largest n of those plans, ``floor_size`` the DA/T 68.6 minimum
    (``floor_rate`` % of the lot, rounded up), ``sample_size`` the number of items inspected.
    """

    service_type: str
    lot_size: int
    regime: str
    level: str
    code: str
    plans: dict[str, Plan]
    aqls: dict[str, str | None]
    gb_sample_size: int
    floor_rate: Decimal
    floor_size: int
    sample_size: int
    full_inspection: bool
    fatal_rejects: bool = True
    enlarged_by_floor: bool = field(default=False)

    def plan_json(self) -> dict[str, dict]:
        """{grade: {code, n, ac, re}}: what the lot inspection stores per grade."""
        return {grade: {"code": p.code, "n": p.n, "ac": p.ac, "re": p.re} for grade, p in self.plans.items()}

    def to_dict(self) -> dict:
        return {
            "service_type": self.service_type, "lot_size": self.lot_size, "regime": self.regime,
            "level": self.level, "code": self.code,
            "plans": {grade: p.as_dict() for grade, p in self.plans.items()}, "aqls": dict(self.aqls),
            "gb_sample_size": self.gb_sample_size, "floor_rate": str(self.floor_rate),
            "floor_size": self.floor_size, "sample_size": self.sample_size,
            "full_inspection": self.full_inspection, "fatal_rejects": self.fatal_rejects,
            "enlarged_by_floor": self.enlarged_by_floor,
        }

    @classmethod
    def from_dict(cls, data: dict) -> InspectionPlan:
        return cls(
            service_type=data["service_type"], lot_size=int(data["lot_size"]), regime=data["regime"],
            level=data["level"], code=data["code"],
            plans={grade: Plan.from_dict(p) for grade, p in data["plans"].items()},
            aqls=dict(data.get("aqls") or {}), gb_sample_size=int(data["gb_sample_size"]),
            floor_rate=Decimal(str(data["floor_rate"])), floor_size=int(data["floor_size"]),
            sample_size=int(data["sample_size"]), full_inspection=bool(data["full_inspection"]),
            fatal_rejects=bool(data.get("fatal_rejects", True)),
            enlarged_by_floor=bool(data.get("enlarged_by_floor", False)))


def floor_rate_for(project: Project, sampling_settings: SamplingSettings) -> Decimal:
    """The minimum sampling rate (%) of the project: DA/T 68.6 §5.2.1 (≥ 5 %) and Annex A
    (classified ≥ 15 %); a high-risk project uses the settings' high-risk rate."""
    classified = project.confidentiality == Confidentiality.CLASSIFIED
    if project.risk_level == RiskLevel.HIGH:
        return (sampling_settings.high_risk_floor_rate_classified if classified
                else sampling_settings.high_risk_floor_rate_ordinary)
    return sampling_settings.floor_rate_classified if classified else sampling_settings.floor_rate_ordinary


def floor_size_for(lot_size: int, rate: Decimal) -> int:
    return int((Decimal(lot_size) * Decimal(rate) / 100).to_integral_value(rounding=ROUND_CEILING))


def _check_service_type(service_type) -> str:
    if service_type not in ServiceType.values:
        raise DomainError(_("Unknown service type."), field="service_type")
    return str(service_type)


def _check_lot_size(lot_size) -> int:
    if isinstance(lot_size, bool) or not isinstance(lot_size, int) or not 1 <= lot_size <= engine.MAX_LOT_SIZE:
        raise DomainError(_("The lot size must be a whole number of at least 1."), field="lot_size")
    return lot_size


def compute_plan(*, lot_size: int, regime: str, level: str, aqls: dict[str, str | None], fatal_rejects: bool,
                 floor_rate: Decimal, service_type: str = "") -> InspectionPlan:
    """The plan of a lot from explicit settings (no database). See :func:`inspection_plan`."""
    code = engine.code_letter(lot_size, level)
    table_plans: dict[str, Plan | None] = {}
    used_aqls: dict[str, str | None] = {}
    for grade in GRADES:
        aql = aqls.get(grade)
        if grade == DefectGrade.FATAL and (fatal_rejects or aql is None):
            table_plans[grade], used_aqls[grade] = None, None
        else:
            aql = engine.normalize_aql(aql)
            table_plans[grade], used_aqls[grade] = engine.single_plan(lot_size, level, aql, regime), aql
    gb_sample_size = max((p.n for p in table_plans.values() if p is not None),
                         default=min(lot_size, engine.sample_size_of(code, regime)))
    floor_size = floor_size_for(lot_size, floor_rate)
    sample_size = min(lot_size, max(gb_sample_size, floor_size))
    full_inspection = sample_size >= lot_size
    plans: dict[str, Plan] = {}
    for grade in GRADES:
        plan = table_plans[grade]
        if plan is None:
            plans[grade] = Plan(code=code, n=sample_size, ac=0, re=1, full_inspection=full_inspection)
            continue
        if plan.n < sample_size:
            # The sample is larger than this plan's n (the floor rate, or another grade's larger n):
            # read the acceptance numbers where the table's sample size covers it.
            plan = engine.plan_for_sample(sample_size, used_aqls[grade], regime, lot_size)
        plans[grade] = replace(plan, full_inspection=full_inspection)
    return InspectionPlan(service_type=service_type, lot_size=lot_size, regime=regime, level=level, code=code,
                          plans=plans, aqls=used_aqls, gb_sample_size=gb_sample_size, floor_rate=Decimal(floor_rate),
                          floor_size=floor_size, sample_size=sample_size, full_inspection=full_inspection,
                          fatal_rejects=fatal_rejects, enlarged_by_floor=floor_size > gb_sample_size)


def inspection_plan(project: Project, service_type: str, lot_size: int) -> InspectionPlan:
    """The sampling plan of a lot of ``service_type`` in ``project``: the current regime of the
    switching state, the settings' level and AQLs, the DA/T 68.6 floor. Refused while sampling
    inspection of that service type is discontinued."""
    service_type = _check_service_type(service_type)
    lot_size = _check_lot_size(lot_size)
    return plan_with(project, settings_for(project), service_type, lot_size)


def plan_with(project: Project, sampling_settings: SamplingSettings, service_type: str,
              lot_size: int) -> InspectionPlan:
    """:func:`inspection_plan` with the settings given (the pages preview a plan with unsaved
    default settings, without writing anything)."""
    service_type = _check_service_type(service_type)
    lot_size = _check_lot_size(lot_size)
    state = SwitchingState.objects.filter(project=project, service_type=service_type).first()
    if state is not None and state.discontinued:
        raise DomainError(_("Sampling inspection of %(service)s is discontinued (GB/T 2828.1 §9.4): the client lead "
                            "resumes it after the contractor's corrective action.")
                          % {"service": ServiceType(service_type).label}, code="illegal_transition")
    regime = state.regime if state is not None else Regime.NORMAL
    return compute_plan(
        lot_size=lot_size, regime=regime, level=sampling_settings.level,
        aqls={grade: sampling_settings.aql_for(grade) for grade in GRADES},
        fatal_rejects=sampling_settings.fatal_rejects, floor_rate=floor_rate_for(project, sampling_settings),
        service_type=service_type)


# ---------------------------------------------------------------- sample drawing

def new_seed() -> int:
    """A fresh random seed (63 bits) for :func:`draw_sample`; the caller records it."""
    return secrets.randbits(SEED_BITS)


def draw_sample(population_size: int, n: int, seed: int) -> list[int]:
    """``n`` distinct positions out of 1…population_size, sorted; the same seed gives the same
    sample (``random.Random(seed)``), so a recorded seed lets anyone re-draw it."""
    for value, name in ((population_size, "population_size"), (n, "n"), (seed, "seed")):
        if isinstance(value, bool) or not isinstance(value, int):
            raise DomainError(_("The sample cannot be drawn: %(name)s must be a whole number.") % {"name": name},
                              field=name)
    if not 1 <= population_size <= MAX_SAMPLE_POPULATION:
        raise DomainError(_("The sample cannot be drawn: the lot must have between 1 and %(max)d items.")
                          % {"max": MAX_SAMPLE_POPULATION}, field="population_size")
    if not 0 <= n <= population_size:
        raise DomainError(_("The sample cannot be drawn: the sample size must be between 0 and the lot size."),
                          field="n")
    if seed < 0:
        raise DomainError(_("The sample cannot be drawn: the seed must not be negative."), field="seed")
    return sorted(random.Random(seed).sample(range(1, population_size + 1), n))


# ---------------------------------------------------------------- settings

def _require(rule: str, user, obj, message: str) -> None:
    if not (user is not None and rules.test_rule(rule, user, obj)):
        raise PermissionDenied(message)


def settings_for(project: Project) -> SamplingSettings:
    """The project's sampling settings, created with the defaults when first needed."""
    existing = SamplingSettings.objects.filter(project=project).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic(), history_context(reason=_("Sampling settings created with the defaults")):
            return SamplingSettings.objects.create(project=project)
    except IntegrityError:
        return SamplingSettings.objects.get(project=project)


SETTINGS_FIELDS = ("level", "aql_fatal", "aql_serious", "aql_general", "fatal_rejects", "floor_rate_ordinary",
                   "floor_rate_classified", "high_risk_floor_rate_ordinary", "high_risk_floor_rate_classified",
                   "reduced_allowed")
RATE_FIELDS = ("floor_rate_ordinary", "floor_rate_classified", "high_risk_floor_rate_ordinary",
               "high_risk_floor_rate_classified")


def _rate(value, *, field: str, label: str) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise DomainError(_("%(label)s must be a percentage.") % {"label": label}, field=field)
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("%(label)s must be a percentage.") % {"label": label}, field=field) from None
    if not rate.is_finite() or rate <= 0 or rate > 100 or rate != rate.quantize(Decimal("0.01")):
        raise DomainError(_("%(label)s must be a percentage above 0 and at most 100, with at most two decimals.")
                          % {"label": label}, field=field)
    return rate.quantize(Decimal("0.01"))


def settings_update(project: Project, *, user, version: int, **values) -> SamplingSettings:
    """The client lead changes the contract's sampling settings (optimistic lock on ``version``).

    Accepted keys: level, aql_fatal (None: any fatal rejects), aql_serious, aql_general,
    fatal_rejects, the four floor rates (%), reduced_allowed. Keys not given are unchanged.
    """
    _require("sampling.may_edit_sampling_settings", user, project,
             _("Only the client's project lead can change the sampling settings."))
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise DomainError(_("Unknown setting: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    labels = {name: SamplingSettings._meta.get_field(name).verbose_name for name in SETTINGS_FIELDS}
    clean: dict = {}
    if "level" in values:
        if values["level"] not in InspectionLevel.values:
            raise DomainError(_("Choose an inspection level of GB/T 2828.1: S-1, S-2, S-3, S-4, I, II or III."),
                              field="level")
        clean["level"] = values["level"]
    for name in ("aql_fatal", "aql_serious", "aql_general"):
        if name not in values:
            continue
        value = values[name]
        if name == "aql_fatal" and value in (None, ""):
            clean[name] = None
            continue
        try:
            value = engine.normalize_aql(value)
        except engine.EngineError:
            value = None
        if value not in AqlValue.values:
            raise DomainError(_("%(label)s: choose one of the AQL values of GB/T 2828.1 Table 2-A, from 0.010 to 10.")
                              % {"label": labels[name]}, field=name)
        clean[name] = value
    for name in ("fatal_rejects", "reduced_allowed"):
        if name in values:
            if not isinstance(values[name], bool):
                raise DomainError(_("%(label)s: answer yes or no.") % {"label": labels[name]}, field=name)
            clean[name] = values[name]
    for name in RATE_FIELDS:
        if name in values:
            clean[name] = _rate(values[name], field=name, label=labels[name])
    if isinstance(version, bool) or not isinstance(version, int):
        raise DomainError(_("The form is out of date; reload the page."), field="version")

    with transaction.atomic(), history_context(user=user):
        current = settings_for(project)
        locked = SamplingSettings.objects.select_for_update().get(pk=current.pk)
        if locked.version != version:
            raise DomainError(_("Someone else changed the sampling settings in the meantime; reload the page and "
                                "try again."), code="stale", field="version")
        was_reduced_allowed = locked.reduced_allowed
        for name, value in clean.items():
            setattr(locked, name, value)
        if not locked.fatal_rejects and locked.aql_fatal is None:
            raise DomainError(_("Give the AQL for fatal defects, or keep “any fatal defect rejects the lot”."),
                              field="aql_fatal")
        if locked.floor_rate_ordinary < Decimal("5"):
            # xgettext:no-python-format
            raise DomainError(_("The minimum sampling rate cannot be below 5 % of the batch (DA/T 68.6 §5.2.1)."),
                              field="floor_rate_ordinary")
        if locked.floor_rate_classified < Decimal("15"):
            # xgettext:no-python-format
            raise DomainError(_("The minimum sampling rate of classified archives cannot be below 15 % "
                                "(DA/T 68.6 Annex A)."), field="floor_rate_classified")
        if locked.high_risk_floor_rate_ordinary < locked.floor_rate_ordinary:
            raise DomainError(_("The high-risk rate cannot be below the ordinary rate."),
                              field="high_risk_floor_rate_ordinary")
        if locked.high_risk_floor_rate_classified < locked.floor_rate_classified:
            raise DomainError(_("The high-risk rate of classified archives cannot be below the classified rate."),
                              field="high_risk_floor_rate_classified")
        full_clean_or_error(locked, exclude=["project", "updated_by"], validate_constraints=False)
        locked.version += 1
        locked.updated_by = user
        save_with_history(locked, reason=_("Sampling settings changed"),
                          update_fields=[*clean.keys(), "version", "updated_by", "updated_at"])
        if was_reduced_allowed and not locked.reduced_allowed:
            for state in SwitchingState.objects.select_for_update().filter(project=project, regime=Regime.REDUCED):
                _switch(state, Regime.NORMAL, user=user,
                        reason=_("Reduced inspection is no longer allowed by the sampling settings"))
                state.save()
    return locked


# ---------------------------------------------------------------- switching state

def _locked_state(project: Project, service_type: str) -> SwitchingState:
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


def _switch(state: SwitchingState, regime: str, *, user, reason: str, kind: str = SwitchingEventKind.SWITCH,
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
    from apps.notifications.services import notify
    from apps.projects.models import ProjectMember

    project = state.project
    members = (ProjectMember.objects.filter(project=project, is_active=True, user__is_active=True,
                                            role__in=[ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR,
                                                      ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR])
               .select_related("user"))
    recipients = list({m.user_id: m.user for m in members}.values())
    if not recipients:
        return
    from django.urls import reverse

    status = (_("discontinued") if state.discontinued else str(state.get_regime_display()))
    notify(recipients=recipients, key=f"sampling:{state.pk}:v{state.version}",
           title=_("%(service)s: sampling inspection now %(status)s (%(project)s)")
           % {"service": state.get_service_type_display(), "status": status, "project": project.name},
           body=reason, link=reverse("sampling:project", args=[project.pk]), project=project, kind="sampling")


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


def record_lot_result(project: Project, service_type: str, *, lot_ref: str, accepted: bool, plan: InspectionPlan,
                      defects_by_grade: dict[str, int], resubmission: bool, user) -> SwitchingState:
    """Record the decision on a lot and apply the switching rules of GB/T 2828.1 §9.

    Resubmitted lots are logged and change nothing (§9.3.2 counts original lots only). A lot
    decided while inspection is discontinued (opened before) is logged and changes nothing.
    """
    _require("sampling.may_record_lot_result", user, project,
             _("Only the client's project lead or quality inspector can record the result of a lot."))
    service_type = _check_service_type(service_type)
    if not isinstance(lot_ref, str) or not lot_ref.strip() or len(lot_ref.strip()) > 100:
        raise DomainError(_("Name the lot (at most 100 characters)."), field="lot_ref")
    lot_ref = lot_ref.strip()
    if not isinstance(accepted, bool) or not isinstance(resubmission, bool):
        raise DomainError(_("Say whether the lot was accepted and whether it was resubmitted."), field="accepted")
    if not isinstance(plan, InspectionPlan):
        raise DomainError(_("The sampling plan of the lot is missing."), field="plan")
    if plan.service_type and plan.service_type != service_type:
        raise DomainError(_("The sampling plan belongs to another service type."), field="plan")
    counts = _check_defects(defects_by_grade)

    with transaction.atomic(), history_context(user=user):
        state = _locked_state(project, service_type)
        regime_before, score_before = state.regime, state.switching_score
        outcome = _("accepted") if accepted else _("not accepted")
        lot_reason = _("Lot %(lot)s %(outcome)s") % {"lot": lot_ref, "outcome": outcome}
        if resubmission or state.discontinued:
            note = (_("Resubmitted lot %(lot)s %(outcome)s: not counted by the switching rules")
                    if resubmission else
                    _("Lot %(lot)s %(outcome)s while sampling inspection is discontinued: not counted"))
            _log(state, kind=SwitchingEventKind.RESUBMITTED_LOT if resubmission else SwitchingEventKind.LOT,
                 regime_before=regime_before, score_before=score_before, user=user,
                 reason=note % {"lot": lot_ref, "outcome": outcome}, lot_ref=lot_ref, accepted=accepted,
                 defects_by_grade=counts, plan=plan)
            return state

        state.lots_recorded += 1
        switch_to: str | None = None
        switch_reason = ""
        discontinue = False
        if state.regime == Regime.NORMAL:
            state.normal_window = (state.normal_window + ("A" if accepted else "N"))[-WINDOW_SIZE:]
            if state.normal_window.count("N") >= 2:
                switch_to = Regime.TIGHTENED
                switch_reason = _("2 lots not accepted out of %(n)d or fewer consecutive lots on normal inspection "
                                  "(GB/T 2828.1 §9.3.1)") % {"n": len(state.normal_window)}
            elif not accepted:
                state.switching_score = 0
            elif plan.regime == Regime.NORMAL:
                increment = switching_increment(plan, counts)
                state.switching_score = 0 if increment is None else state.switching_score + increment
        elif state.regime == Regime.TIGHTENED:
            if accepted:
                state.consecutive_accepted += 1
                if state.consecutive_accepted >= TIGHTENED_TO_NORMAL:
                    switch_to = Regime.NORMAL
                    switch_reason = _("5 consecutive lots accepted on tightened inspection (GB/T 2828.1 §9.3.2)")
            else:
                state.consecutive_accepted = 0
                state.tightened_not_accepted += 1
                if state.tightened_not_accepted >= DISCONTINUE_AFTER:
                    switch_to, discontinue = Regime.TIGHTENED, True
                    switch_reason = _("5 lots not accepted on tightened inspection: sampling inspection "
                                      "discontinued until the contractor's corrective action (GB/T 2828.1 §9.4)")
        elif state.regime == Regime.REDUCED and not accepted:
            switch_to = Regime.NORMAL
            switch_reason = _("A lot not accepted on reduced inspection (GB/T 2828.1 §9.3.4)")

        _log(state, kind=SwitchingEventKind.LOT, regime_before=regime_before, score_before=score_before, user=user,
             reason=lot_reason, lot_ref=lot_ref, accepted=accepted, defects_by_grade=counts, plan=plan)
        state._change_reason = lot_reason
        if switch_to is not None:
            _switch(state, switch_to, user=user, reason=switch_reason, discontinued=discontinue,
                    kind=SwitchingEventKind.DISCONTINUED if discontinue else SwitchingEventKind.SWITCH)
        state.save()
    return state


def _check_reason(reason, *, required: bool) -> str:
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise DomainError(_("The reason must be text."), field="reason")
    reason = reason.strip()
    if required and not reason:
        raise DomainError(_("Give the reason."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("The reason is too long (at most %(n)d characters).") % {"n": REASON_MAX}, field="reason")
    if "\x00" in reason:
        raise DomainError(_("The reason contains a character that is not allowed."), field="reason")
    return reason


def _check_version(state: SwitchingState, version) -> None:
    if version is not None and state.version != version:
        raise DomainError(_("The switching state changed in the meantime; reload the page and try again."),
                          code="stale", field="version")


def approve_reduced(project: Project, service_type: str, *, user, production_steady: bool, reason: str = "",
                    version: int | None = None) -> SwitchingState:
    """Normal → reduced (§9.3.3): the switching score is at least 30, the settings allow reduced
    inspection and the client lead confirms that production is at a steady rate."""
    _require("sampling.may_manage_switching", user, project,
             _("Only the client's project lead can switch to reduced inspection."))
    service_type = _check_service_type(service_type)
    reason = _check_reason(reason, required=False)
    if production_steady is not True:
        raise DomainError(_("Confirm that production is at a steady rate."), field="production_steady")
    with transaction.atomic(), history_context(user=user):
        sampling_settings = settings_for(project)
        state = _locked_state(project, service_type)
        _check_version(state, version)
        if state.regime != Regime.NORMAL or state.discontinued:
            raise DomainError(_("Reduced inspection can only follow normal inspection."), code="illegal_transition")
        if not sampling_settings.reduced_allowed:
            raise DomainError(_("The sampling settings do not allow reduced inspection."), code="illegal_transition")
        if state.switching_score < REDUCED_SCORE:
            raise DomainError(_("The switching score is %(score)d; reduced inspection needs at least %(min)d.")
                              % {"score": state.switching_score, "min": REDUCED_SCORE}, code="illegal_transition")
        text = _("Switching score %(score)d, production steady (confirmed by the client lead)") % {
            "score": state.switching_score}
        _switch(state, Regime.REDUCED, user=user, reason=f"{text}: {reason}" if reason else text)
        state.save()
    return state


def return_to_normal(project: Project, service_type: str, *, user, reason: str,
                     version: int | None = None) -> SwitchingState:
    """Reduced → normal at the client lead's decision (§9.3.4: production irregular or delayed,
    or other conditions warrant it)."""
    _require("sampling.may_manage_switching", user, project,
             _("Only the client's project lead can end reduced inspection."))
    service_type = _check_service_type(service_type)
    reason = _check_reason(reason, required=True)
    with transaction.atomic(), history_context(user=user):
        state = _locked_state(project, service_type)
        _check_version(state, version)
        if state.regime != Regime.REDUCED:
            raise DomainError(_("Only reduced inspection can be ended this way."), code="illegal_transition")
        _switch(state, Regime.NORMAL, user=user, reason=_("Reduced inspection ended: %(reason)s") % {"reason": reason})
        state.save()
    return state


def resume_inspection(project: Project, service_type: str, *, user, reason: str,
                      version: int | None = None) -> SwitchingState:
    """Discontinued → tightened (§9.4): the client lead resumes after the contractor's
    corrective action, stating it."""
    _require("sampling.may_manage_switching", user, project,
             _("Only the client's project lead can resume sampling inspection."))
    service_type = _check_service_type(service_type)
    reason = _check_reason(reason, required=True)
    with transaction.atomic(), history_context(user=user):
        state = _locked_state(project, service_type)
        _check_version(state, version)
        if not state.discontinued:
            raise DomainError(_("Sampling inspection of this service type is not discontinued."),
                              code="illegal_transition")
        _switch(state, Regime.TIGHTENED, user=user, kind=SwitchingEventKind.RESUMED,
                reason=_("Resumed on tightened inspection after corrective action: %(reason)s") % {"reason": reason})
        state.save()
    return state


__all__ = [
    "InspectionPlan", "Plan", "approve_reduced", "compute_plan", "draw_sample", "floor_rate_for", "inspection_plan",
    "new_seed", "record_lot_result", "resume_inspection", "return_to_normal", "settings_for", "settings_update",
    "switching_increment",
]

