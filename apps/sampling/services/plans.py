"""The sampling plan of a lot (GB/T 2828.1 and the DA/T 68.6 floor) and reproducible sample
drawing: pure computations, plus :func:`settings_for`, which creates the project's settings
with the defaults the first time a plan needs them."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.inspections.enums import GRADE_ORDER, DefectGrade
from apps.projects.enums import Confidentiality, RiskLevel, ServiceType
from apps.projects.models import Project

from .. import engine
from ..engine import Plan
from ..enums import Regime
from ..models import SamplingSettings, SwitchingState

GRADES: tuple[str, ...] = tuple(str(g) for g in GRADE_ORDER)
MAX_SAMPLE_POPULATION = 10_000_000
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


def check_service_type(service_type) -> str:
    if service_type not in ServiceType.values:
        raise DomainError(_("Unknown service type."), field="service_type")
    return str(service_type)


def check_lot_size(lot_size) -> int:
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
    service_type = check_service_type(service_type)
    lot_size = check_lot_size(lot_size)
    return plan_with(project, settings_for(project), service_type, lot_size)


def plan_with(project: Project, sampling_settings: SamplingSettings, service_type: str,
              lot_size: int) -> InspectionPlan:
    """:func:`inspection_plan` with the settings given (the pages preview a plan with unsaved
    default settings, without writing anything)."""
    service_type = check_service_type(service_type)
    lot_size = check_lot_size(lot_size)
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
