"""The acceptance inspection (验收抽检, §5.3.1): the lot is the project's accepted batches of one
service type; recorded and decided like a batch inspection, but it changes no batch, switching
state or ticket."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from apps.accounts.enums import OrgKind, ProjectRole
from apps.batches.models import Batch
from apps.core.errors import DomainError, PermissionDenied
from apps.inspections.enums import LedgerKind
from apps.inspections.models import LedgerEntry
from apps.inspections.services import defect_counts as annex_b_counts
from apps.lot_inspection import selectors, services
from apps.lot_inspection.enums import Decision, InspectionStatus, ItemResult, Purpose
from apps.lot_inspection.models import LotInspection, SampledItem
from apps.lot_inspection.rows import RowInput
from apps.projects import services as project_services
from apps.projects.models import Project
from apps.rectification.models import RectificationTicket
from apps.sampling import engine
from apps.sampling.models import SamplingSettings, SwitchingEvent, SwitchingState
from apps.sampling.services import draw_sample

from ..factories import OrganizationFactory, UserFactory
from .builders import (
    name_to_team,
    acceptance_for,
    accepted_batch,
    all_conforming,
    in_acceptance,
    open_for,
    submitted_batch,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_batches(w):
    """Batch 1 with an item list of 120 items, batch 2 of 80 without one; the project in acceptance."""
    first = accepted_batch(w, items=120)
    second = accepted_batch(w, items=0, quantity=80)
    in_acceptance(w.project)
    name_to_team(w, w.acceptance)
    return first, second


@pytest.fixture
def expert(w):
    """An invited acceptance expert of another organisation (§5.3.1)."""
    other = OrganizationFactory(kind=OrgKind.CLIENT, name="浙江省档案学会")
    person = UserFactory(username="expert", name="吴教授", organization=other)
    project_services.member_add(project=w.project, actor=w.lead, user=person, role=ProjectRole.ACCEPTANCE_EXPERT)
    name_to_team(w, person)
    return person


def _batch_state():
    return list(Batch.objects.order_by("pk").values_list("pk", "status", "version"))


def _switching_state():
    return (list(SwitchingState.objects.order_by("pk").values()), SwitchingEvent.objects.count())


def _record_all(inspection, user, *, defective: dict | None = None):
    defective = defective or {}
    rows = [RowInput(label=str(i.position), item_id=i.pk,
                     result="defective" if i.position in defective else "conforming",
                     defects=list(defective.get(i.position, ())))
            for i in inspection.items.order_by("position")]
    return services.lot_inspection_results_record(inspection=inspection, user=user, rows=rows)


# ---------------------------------------------------------------- open

def test_open_draws_from_the_accepted_batches_in_number_order(w, two_batches):
    first, second = two_batches
    batches, switching = _batch_state(), _switching_state()
    inspection = acceptance_for(w, floor_rate=Decimal(5))
    assert inspection.purpose == Purpose.ACCEPTANCE and inspection.batch is None
    assert inspection.label == "第1轮验收 · 数字化" and inspection.status == InspectionStatus.OPEN
    assert inspection.population == [{"batch": first.pk, "number": first.number, "count": 120},
                                     {"batch": second.pk, "number": second.number, "count": 80}]
    assert inspection.lot_size == 200 and inspection.regime == "normal"
    assert inspection.code_letter == engine.code_letter(200, "II")
    positions = list(inspection.items.values_list("position", flat=True))
    assert positions == draw_sample(200, inspection.sample_size, inspection.seed)
    for item in inspection.items.select_related("batch_item"):
        if item.position <= 120:  # batch 1: linked to its item at that position
            assert item.batch_item.batch_id == first.pk and item.batch_item.position == item.position
            assert item.place == f"batch {first.number}, item {item.position}"
        else:  # batch 2 has no item list: the place only
            assert item.batch_item is None
            assert inspection.locate(item.position) == (second.pk, second.number, item.position - 120)
            assert item.place == f"batch {second.number}, item {item.position - 120}"
    assert str(inspection) == "Acceptance inspection: 第1轮验收 · 数字化"
    assert SampledItem.history.filter(inspection_id=inspection.pk).count() == inspection.sample_size
    # Opening it touches no batch and no switching state.
    assert _batch_state() == batches and _switching_state() == switching


def test_the_plan_rate_raises_the_sample_never_below_the_statutory_floor(w, two_batches):
    low = acceptance_for(w, floor_rate=Decimal(1), label="低")
    assert low.floor_rate == Decimal("5.00") and low.floor_size == 10
    high = acceptance_for(w, floor_rate=Decimal(40), label="高")
    assert high.floor_rate == Decimal("40.00") and high.floor_size == 80
    assert high.sample_size == 80 > high.gb_sample_size and high.items.count() == 80
    none = acceptance_for(w, floor_rate=None, label="法定")
    assert none.floor_rate == Decimal("5.00")


def test_classified_project_samples_at_least_15_percent(w, two_batches):
    Project.objects.filter(pk=w.project.pk).update(confidentiality="classified")
    w.project.refresh_from_db()
    inspection = acceptance_for(w, floor_rate=Decimal(5))
    assert inspection.floor_rate == Decimal("15.00") and inspection.floor_size == 30


def test_only_accepted_batches_of_the_service_type_make_the_lot(w):
    first = accepted_batch(w, items=40)
    accepted_batch(w, items=30, service_type="storage")
    submitted_batch(w, items=25)  # awaiting inspection: not part of the lot
    in_acceptance(w.project)
    inspection = acceptance_for(w)
    assert [p["batch"] for p in inspection.population] == [first.pk] and inspection.lot_size == 40


def test_refused_unless_the_project_is_in_acceptance(w):
    accepted_batch(w, items=40)  # the project is in implementation
    with pytest.raises(DomainError) as exc:
        acceptance_for(w)
    assert exc.value.code == "illegal_transition"
    assert not LotInspection.objects.filter(purpose=Purpose.ACCEPTANCE).exists()


def test_refused_when_nothing_to_sample(w):
    accepted_batch(w, items=40)
    in_acceptance(w.project)
    with pytest.raises(DomainError) as exc:
        acceptance_for(w, service_type="storage")
    assert exc.value.code == "invalid" and "no accepted batch" in exc.value.message
    assert not LotInspection.objects.filter(purpose=Purpose.ACCEPTANCE).exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"service_type": "bogus"}, "service_type"), ({"label": ""}, "label"), ({"label": "第1轮\n验收"}, "label"),
    ({"label": "验" * 121}, "label"), ({"floor_rate": "abc"}, "floor_rate"), ({"floor_rate": Decimal(-1)}, "floor_rate"),
    ({"floor_rate": Decimal("100.5")}, "floor_rate"), ({"floor_rate": True}, "floor_rate"),
    ({"floor_rate": Decimal("NaN")}, "floor_rate"),
])
def test_bad_input_is_refused_naming_the_field(w, two_batches, kwargs, field):
    with pytest.raises(DomainError) as exc:
        acceptance_for(w, **kwargs)
    assert exc.value.field == field
    assert not LotInspection.objects.filter(purpose=Purpose.ACCEPTANCE).exists()


def test_who_may_open(w, two_batches, expert):
    for user in (w.pm, w.special, w.operator, w.security, w.regulator, w.outsider, w.other_regulator):
        with pytest.raises(PermissionDenied):
            acceptance_for(w, user=user)
    assert not LotInspection.objects.filter(purpose=Purpose.ACCEPTANCE).exists()
    for n, user in enumerate((w.lead, w.inspector, w.acceptance, expert)):
        assert acceptance_for(w, user=user, label=f"第{n + 1}轮验收").opened_by == user


def test_an_expert_the_lead_did_not_name_to_the_team_may_not_inspect(w, two_batches):
    """The project role alone is not enough: the lead names the team (§5.3.1)."""
    other = OrganizationFactory(kind=OrgKind.CLIENT, name="江苏省档案学会")
    unnamed = UserFactory(username="unnamed_expert", name="钱教授", organization=other)
    project_services.member_add(project=w.project, actor=w.lead, user=unnamed, role=ProjectRole.ACCEPTANCE_EXPERT)
    with pytest.raises(PermissionDenied):
        acceptance_for(w, user=unnamed)
    inspection = acceptance_for(w)
    item = inspection.items.order_by("position").first()
    with pytest.raises(PermissionDenied):
        services.lot_inspection_results_record(inspection=inspection, user=unnamed,
                                               rows=[RowInput(label="1", item_id=item.pk, result="conforming")])
    name_to_team(w, unnamed)
    inspection = LotInspection.objects.get(pk=inspection.pk)  # a new request reads the team afresh
    assert services.lot_inspection_results_record(
        inspection=inspection, user=unnamed, rows=[RowInput(label="1", item_id=item.pk, result="conforming")]) == 1


def test_an_expert_of_the_contractor_is_no_team_member(w, two_batches):
    """Even a role row naming a contractor's person as expert (written past member_add) admits nothing."""
    from apps.projects.models import ProjectMember

    ProjectMember.objects.create(project=w.project, user=w.special, role=ProjectRole.ACCEPTANCE_EXPERT)
    with pytest.raises(PermissionDenied):
        acceptance_for(w, user=w.special)


def test_the_database_keeps_purpose_and_batch_consistent(w, two_batches):
    inspection = acceptance_for(w)
    with pytest.raises(IntegrityError), transaction.atomic():
        LotInspection.objects.filter(pk=inspection.pk).update(purpose=Purpose.LOT)
    lot = LotInspection.objects.filter(purpose=Purpose.LOT).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        LotInspection.objects.filter(pk=lot.pk).update(batch=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        LotInspection.objects.filter(pk=inspection.pk).update(regime="tightened")


# ---------------------------------------------------------------- the proposal

def test_proposal_writes_nothing_and_matches_the_inspection(w, two_batches, django_assert_max_num_queries):
    first, second = two_batches
    SamplingSettings.objects.filter(project=w.project).delete()
    with django_assert_max_num_queries(4):
        proposal = selectors.acceptance_plan_proposal(w.project, "digitization", Decimal(20))
    assert not SamplingSettings.objects.filter(project=w.project).exists()
    assert proposal["lot_size"] == 200
    assert [p["batch"] for p in proposal["batches"]] == [first.pk, second.pk]
    assert proposal["statutory_floor_rate"] == Decimal("5.00") and proposal["floor_rate"] == Decimal("20.00")
    assert proposal["code_letter"] == engine.code_letter(200, "II") and proposal["regime"] == "normal"
    assert proposal["floor_size"] == 40
    assert proposal["sample_size"] == max(proposal["gb_sample_size"], proposal["floor_size"])
    assert set(proposal["plans"]) == {"fatal", "serious", "general"}
    for plan in proposal["plans"].values():
        assert {"n", "ac", "re", "aql"} <= set(plan) and plan["re"] == plan["ac"] + 1
    inspection = acceptance_for(w, floor_rate=Decimal(20))
    assert inspection.sample_size == proposal["sample_size"] and inspection.plans == proposal["plans"]
    # Without a rate: the statutory floor.
    assert selectors.acceptance_plan_proposal(w.project, "digitization")["floor_rate"] == Decimal("5.00")


def test_proposal_refuses_nothing_to_sample_and_bad_rates(w, two_batches):
    with pytest.raises(DomainError) as exc:
        selectors.acceptance_plan_proposal(w.project, "storage")
    assert exc.value.code == "invalid"
    with pytest.raises(DomainError) as exc:
        selectors.acceptance_plan_proposal(w.project, "digitization", "x")
    assert exc.value.field == "floor_rate"


# ---------------------------------------------------------------- results and decision

def test_acceptance_member_records_and_decides_accepted(w, two_batches):
    inspection = acceptance_for(w)
    batches, switching = _batch_state(), _switching_state()
    tickets = RectificationTicket.objects.count()
    assert _record_all(inspection, w.acceptance) == inspection.sample_size
    decided = services.lot_inspection_decide(inspection=inspection, user=w.acceptance)
    assert decided.status == InspectionStatus.DECIDED and decided.decision == Decision.ACCEPTED
    assert decided.pass_rate == Decimal("100.00") and decided.conforming_count == inspection.sample_size
    assert decided.inspectors == w.acceptance.name
    assert _batch_state() == batches and _switching_state() == switching
    assert RectificationTicket.objects.count() == tickets
    entry = LedgerEntry.objects.get(source_id=inspection.pk, kind=LedgerKind.ACCEPTANCE)
    assert entry.batch_id is None and "第1轮验收 · 数字化" in entry.content and entry.conclusion
    assert entry.url == f"/lot-inspection/{inspection.pk}/"
    with pytest.raises(DomainError) as exc:
        services.lot_inspection_decide(inspection=inspection, user=w.lead)
    assert exc.value.code == "illegal_transition"


def test_not_accepted_changes_no_batch_and_raises_no_ticket(w, two_batches):
    inspection = acceptance_for(w)
    batches, switching = _batch_state(), _switching_state()
    tickets = RectificationTicket.objects.count()
    drawn = list(inspection.items.order_by("position").values_list("position", flat=True))
    _record_all(inspection, w.inspector, defective={drawn[0]: ["DIG-F1"], drawn[-1]: ["DIG-G1"]})
    decided = services.lot_inspection_decide(inspection=inspection, user=w.lead)
    assert decided.decision == Decision.NOT_ACCEPTED
    assert decided.fatal_count == 1 and decided.general_count == 1 and decided.defective_count == 2
    assert "fatal" in decided.reason
    assert _batch_state() == batches and _switching_state() == switching
    assert RectificationTicket.objects.count() == tickets
    entry = LedgerEntry.objects.get(source_id=inspection.pk, kind=LedgerKind.ACCEPTANCE)
    assert entry.has_problems and "acceptance report" in entry.requirements
    assert not selectors.rectification_candidates(w.project).exists()


def test_expert_records_results_the_contractor_cannot(w, two_batches, expert):
    inspection = acceptance_for(w)
    item = inspection.items.first()
    row = [RowInput(label="1", item_id=item.pk, result="conforming")]
    for user in (w.pm, w.special, w.operator, w.regulator, w.outsider):
        with pytest.raises(PermissionDenied):
            services.lot_inspection_results_record(inspection=inspection, user=user, rows=row)
        with pytest.raises(PermissionDenied):
            services.lot_inspection_decide(inspection=inspection, user=user)
    assert not inspection.items.exclude(result=ItemResult.PENDING).exists()
    assert services.lot_inspection_results_record(inspection=inspection, user=expert, rows=row) == 1


def test_the_acceptance_team_does_not_record_batch_inspections(w, expert):
    inspection = open_for(w, items=30)
    item = inspection.items.first()
    for user in (w.acceptance, expert):
        with pytest.raises(PermissionDenied):
            services.lot_inspection_results_record(inspection=inspection, user=user, rows=[
                RowInput(label="1", item_id=item.pk, result="conforming")])
        with pytest.raises(PermissionDenied):
            services.lot_inspection_decide(inspection=inspection, user=user)


def test_import_by_position_and_archive_code(w, two_batches):
    inspection = acceptance_for(w, floor_rate=Decimal(30))
    items = list(inspection.items.select_related("batch_item").order_by("position"))
    lines = ["位置,档号,结果,缺陷代码"]
    for it in items:  # by archive code where the batch has an item list, by position otherwise
        if it.batch_item:
            lines.append(f",{it.batch_item.archive_code},合格,")
        else:
            lines.append(f"{it.position},,合格,")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    upload = io.BytesIO(data)
    upload.name = "验收.csv"
    assert services.lot_inspection_results_import(inspection=inspection, user=w.acceptance,
                                                  uploaded_file=upload) == len(items)
    assert not inspection.items.filter(result=ItemResult.PENDING).exists()


def test_acceptance_inspections_stay_out_of_the_batch_figures(w):
    batch = submitted_batch(w, items=100)
    lot = services.lot_inspection_open(batch=batch, user=w.inspector)
    drawn = list(lot.items.order_by("position").values_list("position", flat=True))
    all_conforming(lot, w.inspector, except_positions={drawn[0]: ["DIG-G1"]})
    services.lot_inspection_decide(inspection=lot, user=w.lead)
    in_acceptance(w.project)
    before = (selectors.escape_rate(w.project), selectors.escape_rate(w.project, "digitization"),
              selectors.summary(w.project)["defect_totals"], annex_b_counts(w.project))
    inspection = acceptance_for(w)
    picked = list(inspection.items.order_by("position").values_list("position", flat=True))
    _record_all(inspection, w.inspector, defective={p: ["DIG-S1"] for p in picked[:3]})
    services.lot_inspection_decide(inspection=inspection, user=w.lead)
    after = (selectors.escape_rate(w.project), selectors.escape_rate(w.project, "digitization"),
             selectors.summary(w.project)["defect_totals"], annex_b_counts(w.project))
    assert after == before
    summary = selectors.summary(w.project)
    assert [i.pk for i in summary["decided"]] == [lot.pk] and summary["accepted"] == 1
    assert list(selectors.inspections_for_project(w.project)) == [lot]
    assert list(selectors.inspections_for_project(w.project, Purpose.ACCEPTANCE)) == [inspection]
    assert set(selectors.inspections_for_project(w.project, None)) == {lot, inspection}


def test_findings_give_the_acceptance_report_its_defects_and_items(w, two_batches):
    inspection = acceptance_for(w, floor_rate=Decimal(30))
    listed = inspection.items.filter(batch_item__isnull=False).order_by("position").first()
    unlisted = inspection.items.filter(batch_item__isnull=True).order_by("position").first()
    _record_all(inspection, w.inspector, defective={listed.position: ["DIG-S1", "DIG-G1"],
                                                    unlisted.position: ["DIG-G1"]})
    decided = services.lot_inspection_decide(inspection=inspection, user=w.lead)
    found = selectors.findings(decided)
    assert len(found.defects) == 3 and [i.pk for i in found.items] == [listed.batch_item_id]
    assert found.severity == "serious" and found.per_grade == "Serious (严重) 1、General (一般) 1"


def test_the_acceptance_team_attaches_evidence_while_open(w, two_batches, expert):
    from django.core.files.base import ContentFile

    from apps.attachments.services import attachment_add
    from apps.lot_inspection.models import ItemDefect

    inspection = acceptance_for(w)
    first = inspection.items.order_by("position").first()
    _record_all(inspection, w.acceptance, defective={first.position: ["DIG-G1"]})
    defect = ItemDefect.objects.get(sampled_item__inspection=inspection)

    def photo(name):
        return ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, name=name)

    with pytest.raises(PermissionDenied):
        attachment_add(record=defect, project=w.project, user=w.pm, uploaded_file=photo("x.png"), kind="evidence")
    for user in (w.acceptance, expert):
        attachment_add(record=defect, project=w.project, user=user, uploaded_file=photo(f"{user.username}.png"),
                       kind="evidence")


def test_locate_maps_lot_positions_to_batches():
    inspection = LotInspection(purpose=Purpose.ACCEPTANCE, population=[
        {"batch": 7, "number": 1, "count": 120}, {"batch": 9, "number": 3, "count": 80}])
    assert inspection.locate(1) == (7, 1, 1) and inspection.locate(120) == (7, 1, 120)
    assert inspection.locate(121) == (9, 3, 1) and inspection.locate(200) == (9, 3, 80)
    assert inspection.locate(0) is None and inspection.locate(201) is None
    assert LotInspection(purpose=Purpose.LOT).locate(1) is None
