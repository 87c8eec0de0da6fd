"""Reads, always scoped to the projects the user may see (outsiders get 404)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.inspections.enums import DefectGrade
from apps.projects.enums import ServiceType
from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from . import integration
from .enums import Decision, InspectionStatus, ItemResult, Purpose
from .models import ItemDefect, LotInspection, SampledItem

GRADES = tuple(DefectGrade.values)  # most severe first


def inspections_visible_to(user) -> QuerySet[LotInspection]:
    return LotInspection.objects.filter(project__in=projects_visible_to(user)).select_related(
        "project", "project__client", "project__contractor", "batch", "opened_by", "decided_by")


def inspection_for_user(user, pk) -> LotInspection:
    try:
        return inspections_visible_to(user).get(pk=pk)
    except (LotInspection.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def inspections_for_project(project: Project, purpose: str | None = Purpose.LOT) -> QuerySet[LotInspection]:
    """The project's inspections of batches (``purpose`` "lot", the default), its acceptance
    inspections ("acceptance"), or both (None: the API, which shows each one's purpose)."""
    qs = project.lot_inspections.select_related("batch", "opened_by", "decided_by")
    if purpose is not None:
        qs = qs.filter(purpose=purpose)
    return qs.order_by("-started_at", "-pk")


def batches_awaiting_inspection(project: Project):
    """Submitted batches not yet under inspection (the client's to-do list)."""
    from apps.batches.enums import BatchStatus

    return project.batches.filter(status=BatchStatus.SUBMITTED).order_by("number")


def sampled_items(inspection: LotInspection) -> QuerySet[SampledItem]:
    """The sample in position order, with the batch item and the defects in two queries."""
    return (inspection.items.select_related("batch_item", "checked_by")
            .prefetch_related("defects__defect_type").order_by("position"))


def entry_rows(inspection: LotInspection) -> list[dict]:
    """The entry page's rows as plain dicts: one query for the items (with their batch items) and
    one for the defect codes — no model instances, no per-row queries."""
    items = list(inspection.items.order_by("position").values(
        "id", "position", "result", "note", "measurements", "version", "batch_item__archive_code",
        "batch_item__title", "batch_item__file_name", "batch_item__contractor_passed"))
    for item in items:  # an acceptance inspection's lot spans batches: "批次 3 第 12 件"
        item["place"] = inspection.place_of(item["position"])
    codes: dict[int, list[str]] = {}
    for item_id, code in (ItemDefect.objects.filter(sampled_item__inspection=inspection)
                          .order_by("sampled_item_id", "defect_type__code")
                          .values_list("sampled_item_id", "defect_type__code")):
        codes.setdefault(item_id, []).append(code)
    for item in items:
        item["defects"] = ",".join(codes.get(item["id"], ()))
    return items


def result_counts(inspection: LotInspection) -> dict:
    """Counts of the current results: pending, conforming, defective and defective items per
    most severe grade, in one query."""
    agg = inspection.items.aggregate(
        pending=Count("id", filter=Q(result=ItemResult.PENDING)),
        conforming=Count("id", filter=Q(result=ItemResult.CONFORMING)),
        defective=Count("id", filter=Q(result=ItemResult.DEFECTIVE)),
        **{g: Count("id", filter=Q(result=ItemResult.DEFECTIVE, worst_grade=g)) for g in GRADES})
    agg["defects_total"] = ItemDefect.objects.filter(sampled_item__inspection=inspection).count()
    return agg


def _floor_rate(conforming: int, inspected: int) -> Decimal:
    """The pass rate rounded down, for a refusal (never shows a failing rate as the threshold)."""
    return (Decimal(conforming) * 100 / Decimal(inspected)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def pass_rate(conforming: int, inspected: int) -> Decimal | None:
    """Pass rate in %, two decimals (§7.1.4: conforming items / inspected items)."""
    if not inspected:
        return None
    return (Decimal(conforming) * 100 / Decimal(inspected)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Outcome:
    """What ``services.decide`` would conclude from the recorded results."""

    accepted: bool
    pass_rate: Decimal | None
    counts: dict
    reasons: list[str]  # why not accepted (empty when accepted)
    pending: int


def outcome(inspection: LotInspection, counts: dict | None = None, *, fatal_rejects: bool | None = None) -> Outcome:
    """The decision rule (§7.1.4, §7.1.5, GB/T 2828.1): accepted iff for every grade the number of
    defective items (counted in their most severe grade) is at most Ac, the pass rate reaches the
    contract threshold, and no fatal defect was found (unless the contract allows it)."""
    counts = counts if counts is not None else result_counts(inspection)
    threshold = inspection.pass_threshold
    if fatal_rejects is None:
        fatal_rejects = inspection.fatal_rejects
    inspected = counts["conforming"] + counts["defective"]
    rate = pass_rate(counts["conforming"], inspected)
    labels = dict(DefectGrade.choices)
    reasons = []
    for grade in GRADES:
        plan = inspection.plans.get(grade)
        if plan and counts[grade] > int(plan["ac"]):
            reasons.append(_("%(grade)s: %(count)d defective items, more than the acceptance number Ac %(ac)d "
                             "(Re %(re)d)") % {"grade": labels[grade], "count": counts[grade], "ac": int(plan["ac"]),
                                               "re": int(plan["re"])})
    # Compared exactly (conforming × 100 < threshold × inspected): 94.9975 % is below 95 % even
    # though it displays as 95.00.
    if inspected and Decimal(counts["conforming"]) * 100 < threshold * inspected:
        reasons.append(_("pass rate %(rate)s %% below the contract threshold %(threshold)s %%")
                       % {"rate": _floor_rate(counts["conforming"], inspected), "threshold": threshold})
    if fatal_rejects and counts[DefectGrade.FATAL] > 0:
        reasons.append(_("a fatal defect was found (any fatal defect rejects the batch)"))
    return Outcome(accepted=not reasons, pass_rate=rate, counts=counts, reasons=reasons, pending=counts["pending"])


# ---------------------------------------------------------------- acceptance inspection (§5.3.1)

def clean_floor_rate(value) -> Decimal | None:
    """The acceptance plan's sampling rate (%) as given, checked; None for the statutory floor alone."""
    if value is None or value == "":
        return None
    try:
        rate = None if isinstance(value, bool) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        rate = None
    if rate is None or not rate.is_finite() or not 0 <= rate <= 100:
        raise DomainError(_("The sampling rate must be a percentage between 0 and 100."), field="floor_rate")
    return rate.quantize(Decimal("0.01"))


def acceptance_lot(project: Project, service_type: str, floor_rate: Decimal | None = None, *,
                   read_only: bool = True) -> tuple[list[dict], object, Decimal]:
    """The lot of an acceptance inspection and its plan: (population, InspectionPlan, statutory
    floor rate %). Raises DomainError (invalid) when the service type has no accepted batch."""
    if service_type not in ServiceType.values:
        raise DomainError(_("Unknown service type."), field="service_type")
    population = integration.accepted_batches(project, service_type)
    if not population:
        raise DomainError(_("%(service)s has no accepted batch: there is nothing to sample for the acceptance.")
                          % {"service": ServiceType(service_type).label}, field="service_type", code="invalid")
    lot_size = sum(p["count"] for p in population)
    plan, statutory = integration.acceptance_plan(project, service_type, lot_size, floor_rate=floor_rate,
                                                  read_only=read_only)
    return population, plan, statutory


def acceptance_plan_proposal(project: Project, service_type: str, floor_rate: Decimal | None = None) -> dict:
    """What GB/T 2828.1 proposes for the acceptance inspection of a service type (writes nothing):
    the lot (its size and batches), the statutory floor rate, the rate used (the larger of the
    floor and ``floor_rate``), the code letter, the sample size and per grade {code, n, ac, re, aql}.
    Raises DomainError when there is nothing to sample."""
    population, plan, statutory = acceptance_lot(project, service_type, clean_floor_rate(floor_rate), read_only=True)
    snap = integration.plan_snapshot(plan)
    return {
        "service_type": service_type, "service_type_display": ServiceType(service_type).label,
        "batches": population, "lot_size": plan.lot_size,
        "statutory_floor_rate": statutory.quantize(Decimal("0.01")), "floor_rate": snap["floor_rate"],
        "floor_size": snap["floor_size"], "regime": snap["regime"], "level": snap["level"],
        "code_letter": snap["code_letter"], "gb_sample_size": snap["gb_sample_size"],
        "sample_size": snap["sample_size"], "full_inspection": snap["full_inspection"],
        "fatal_rejects": plan.fatal_rejects, "plans": snap["plans"],
    }


def rectification_candidates(project: Project) -> QuerySet[LotInspection]:
    """Decided, not-accepted inspections whose batch still awaits rectification (batch status
    NOT_ACCEPTED): what the rectification module turns into tickets."""
    from apps.batches.enums import BatchStatus

    return (project.lot_inspections.filter(purpose=Purpose.LOT, status=InspectionStatus.DECIDED,
                                           decision=Decision.NOT_ACCEPTED, batch__status=BatchStatus.NOT_ACCEPTED)
            .select_related("batch", "decided_by").order_by("decided_at", "pk"))


@dataclass(frozen=True)
class Findings:
    """What a decided inspection found, as a rectification ticket links it
    (``apps.projects.hooks.problem_found(…, severity=, defects=, items=)``)."""

    defects: list  # ItemDefect rows, with their sampled item and its batch item
    items: list  # the BatchItems of the defective sampled items (batches with an item list)
    severity: str  # the most severe grade among the defective items (general when none)
    per_grade: str  # "致命 1、一般 2" (blank when nothing was defective)


def findings(inspection: LotInspection) -> Findings:
    """The defects found and the defective batch items of a decided inspection (a batch's, or an
    acceptance inspection's, whose rectification the acceptance report raises)."""
    defects = list(ItemDefect.objects.filter(sampled_item__inspection=inspection)
                   .select_related("sampled_item__batch_item", "defect_type").order_by("sampled_item__position", "pk"))
    items = list({d.sampled_item.batch_item_id: d.sampled_item.batch_item for d in defects
                  if d.sampled_item.batch_item_id}.values())
    severity = (DefectGrade.FATAL if inspection.fatal_count else DefectGrade.SERIOUS if inspection.serious_count
                else DefectGrade.GENERAL)
    labels = dict(DefectGrade.choices)
    per_grade = "、".join(f"{labels[g]} {n}" for g, n in inspection.grade_counts().items() if n)
    return Findings(defects=defects, items=items, severity=severity, per_grade=per_grade)


@dataclass(frozen=True)
class EscapeRate:
    """Defects that escaped the contractor's own inspection (§6.2.1 vs §5.2.1)."""

    escaped: int  # defective sampled items the contractor had passed
    base: int  # checked sampled items the contractor had passed
    rate: Decimal | None  # escaped / base in %, two decimals; None when nothing was checked

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate} %"


def escape_rate(project: Project, service_type: str | None = None) -> EscapeRate:
    """Defective sampled items the contractor's inspection passed (``batch_item.contractor_passed``,
    or no item list) over the checked sampled items it passed, in decided inspections of batches
    only (an acceptance inspection re-samples accepted batches: it is reported on its own): both
    parties see it, and the contractor sees no result before the decision."""
    qs = SampledItem.objects.filter(inspection__project=project, inspection__purpose=Purpose.LOT,
                                    inspection__status=InspectionStatus.DECIDED)
    if service_type:
        qs = qs.filter(inspection__service_type=service_type)
    passed = Q(batch_item__isnull=True) | Q(batch_item__contractor_passed=True)
    agg = qs.filter(passed).aggregate(base=Count("id"), escaped=Count("id", filter=Q(result=ItemResult.DEFECTIVE)))
    rate = None
    if agg["base"]:
        rate = (Decimal(agg["escaped"]) * 100 / Decimal(agg["base"])).quantize(Decimal("0.01"),
                                                                             rounding=ROUND_HALF_UP)
    return EscapeRate(escaped=agg["escaped"], base=agg["base"], rate=rate)


def summary(project: Project) -> dict:
    """The project's inspection summary: escape rate overall and per service type, pass rate
    per decided batch, defects by grade (decided inspections of batches only: the contractor sees
    it too; acceptance inspections are listed apart)."""
    inspections = list(inspections_for_project(project))
    service_types = sorted({i.service_type for i in inspections})
    defects = {(row["st"], row["g"]): row["n"] for row in ItemDefect.objects.filter(
        sampled_item__inspection__project=project, sampled_item__inspection__purpose=Purpose.LOT,
        sampled_item__inspection__status=InspectionStatus.DECIDED).values(
        st=F("sampled_item__inspection__service_type"), g=F("grade")).annotate(n=Count("id")).order_by()}
    decided = [i for i in inspections if i.status == InspectionStatus.DECIDED]
    labels = dict(ServiceType.choices)
    return {
        "inspections": inspections,
        "decided": decided,
        "accepted": sum(1 for i in decided if i.decision == Decision.ACCEPTED),
        "escape": escape_rate(project),
        "by_type": [(labels.get(st, st), escape_rate(project, st), [defects.get((st, g), 0) for g in GRADES])
                    for st in service_types],
        "defect_totals": [sum(defects.get((st, g), 0) for st in service_types) for g in GRADES],
    }


def defect_counts(project: Project) -> dict[tuple[str, str], int]:
    """Annex B form: the defects found by sampling in the project's decided inspections of
    batches, per (service type, grade). Registered with
    ``apps.inspections.services.register_defect_counter``."""
    rows = (ItemDefect.objects.filter(sampled_item__inspection__project=project,
                                      sampled_item__inspection__purpose=Purpose.LOT,
                                      sampled_item__inspection__status=InspectionStatus.DECIDED)
            .values(st=F("sampled_item__inspection__service_type"), g=F("grade")).annotate(n=Count("id")).order_by())
    return {(row["st"], row["g"]): row["n"] for row in rows}


def project_lot_inspection_history(project: Project) -> list:
    from apps.core.history_view import history_entries

    return history_entries([
        LotInspection.history.filter(project_id=project.pk),
    ])
