"""The contractor performance record: figures across a contractor's projects, a bounded number of
queries whatever the number of projects, and who may see which contractor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.enums import OrgKind, ProjectRole
from apps.evaluation import performance
from apps.evaluation.enums import Grade
from apps.evaluation.models import QualityEvaluation
from apps.lot_inspection import services as lot_services
from apps.projects import services as project_services
from apps.rectification import services as problems
from tests.factories import OrganizationFactory, UserFactory
from tests.lot_inspection.builders import all_conforming, in_implementation, open_for

from .builders import accepted, breach, issued

pytestmark = pytest.mark.django_db

_counter = {"n": 0}


def project_of(world, contractor, pm) -> SimpleNamespace:
    """A further project of ``contractor`` with its own PM, the world's client people."""
    _counter["n"] += 1
    n = _counter["n"]
    project = project_services.project_create(
        user=world.lead, name=f"第{n}号项目", contract_no=f"HZ-2026-P{n:03d}", contractor=contractor,
        service_types=["digitization"], risk_level="medium", confidentiality="ordinary",
        contract_signed_on=dt.date(2026, 9, 25), start_date=dt.date(2026, 9, 28), end_date=dt.date(2027, 9, 27))
    project_services.member_add(project=project, actor=world.lead, user=world.inspector,
                                role=ProjectRole.CLIENT_INSPECTOR)
    project_services.member_add(project=project, actor=world.lead, user=pm, role=ProjectRole.CONTRACTOR_PM)
    project.refresh_from_db()
    return SimpleNamespace(project=project, lead=world.lead, inspector=world.inspector, pm=pm,
                           client_org=world.client_org)


def with_records(w, *, fatal: bool = False, score: str = "90") -> SimpleNamespace:
    """One decided batch (a fatal defect when ``fatal``), an incident, a breach and an issued
    evaluation."""
    in_implementation(w.project)
    inspection = open_for(w, items=60)
    first = inspection.items.order_by("position").first()
    all_conforming(inspection, w.inspector, except_positions={first.position: ["DIG-F1"]} if fatal else None)
    lot_services.lot_inspection_decide(inspection=inspection, user=w.lead)
    problems.incident_report(project=w.project, user=w.pm, category="quality", title="事故", is_major=fatal,
                             occurred_at=timezone.now() - dt.timedelta(hours=1), description="经过。", scale="一卷。",
                             remedial_action="已处置。")
    breach(w)
    evaluation = accepted(w)
    from apps.evaluation import services

    services.evaluation_score(evaluation=evaluation, user=w.lead, indicator="cooperation", score=score,
                              comment="评分。")
    issued(w, evaluation)
    return w


@pytest.fixture
def other_pm(world):
    return UserFactory(username="other_pm", name="冯强", organization=world.other_contractor)


def test_the_record_adds_up_a_contractors_projects(world, other_pm):
    with_records(world, fatal=False)
    with_records(project_of(world, world.contractor, world.pm), fatal=True, score="0")
    with_records(project_of(world, world.other_contractor, other_pm))
    records = dict(performance.contractor_records(world.lead))
    mine = records[world.contractor]
    assert mine.projects == 2 and mine.evaluations == 2
    scores = sorted(QualityEvaluation.objects.filter(project__contractor=world.contractor)
                    .values_list("total_score", flat=True))
    assert mine.average_score == ((scores[0] + scores[1]) / 2).quantize(Decimal("0.01"))
    latest = QualityEvaluation.objects.filter(project__contractor=world.contractor).order_by("-issued_at").first()
    assert mine.latest_score == latest.total_score and mine.latest_grade in Grade.values
    assert (mine.batches, mine.batches_accepted, mine.batch_pass_rate) == (2, 1, Decimal("50.00"))
    assert (mine.inspected, mine.conforming) == (26, 25)
    assert (mine.escape_base, mine.escaped, mine.escape_rate) == (26, 1, Decimal("3.85"))
    assert (mine.incidents, mine.major_incidents, mine.breaches) == (2, 1, 2)
    # The failed batch's ticket is open and not yet due: no period counted yet.
    assert (mine.on_time, mine.late, mine.on_time_rate) == (0, 0, None)
    theirs = records[world.other_contractor]
    assert (theirs.projects, theirs.batches, theirs.breaches, theirs.incidents) == (1, 1, 1, 1)


def test_first_pass_acceptance_and_rounds(world):
    from tests.acceptance.builders import pass_acceptance

    pass_acceptance(world)
    record = dict(performance.contractor_records(world.lead))[world.contractor]
    assert (record.accepted_projects, record.first_pass, record.first_pass_rate) == (1, 1, Decimal("100.00"))
    assert (record.rounds, record.overrides) == (1, 0)


def _queries(user, org_pk) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as listing:
        rows = performance.contractor_records(user)
        assert rows
    with CaptureQueriesContext(connection) as detail:
        performance.contractor_record(user, org_pk)
    return len(listing.captured_queries), len(detail.captured_queries)


def test_queries_do_not_grow_with_the_projects(world, other_pm):
    with_records(world)
    with_records(project_of(world, world.other_contractor, other_pm))
    two = _queries(world.lead, world.contractor.pk)
    for contractor, pm in ((world.contractor, world.pm), (world.contractor, world.pm),
                           (world.other_contractor, other_pm), (world.other_contractor, other_pm)):
        with_records(project_of(world, contractor, pm))
    records = dict(performance.contractor_records(world.lead))
    assert records[world.contractor].projects == 3 and records[world.other_contractor].projects == 3
    six = _queries(world.lead, world.contractor.pk)
    assert two == six


# ---------------------------------------------------------------- who sees which contractor

@pytest.fixture
def records(world, other_pm):
    with_records(world)
    with_records(project_of(world, world.other_contractor, other_pm))
    return world


def test_client_people_see_every_contractor_over_all_its_projects(records, login):
    stranger_client = OrganizationFactory(kind=OrgKind.CLIENT, name="宁波市档案馆")
    stranger = UserFactory(username="nb_user", name="宁波人", organization=stranger_client)
    for user in (records.lead, stranger):
        page = login(user).get("/evaluation/performance/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "汇档数字科技有限公司" in text and "其他档案服务公司" in text
        detail = login(user).get(f"/evaluation/performance/{records.contractor.pk}/")
        assert detail.status_code == 200
    # The stranger sees the record but none of the projects (they are not its own).
    assert "民国档案数字化" not in login(stranger).get(f"/evaluation/performance/{records.contractor.pk}/").content.decode()
    assert "民国档案数字化" in login(records.lead).get(f"/evaluation/performance/{records.contractor.pk}/").content.decode()


def test_a_regulator_sees_its_jurisdiction_only(records, login):
    page = login(records.regulator).get("/evaluation/performance/")
    assert page.status_code == 200 and "汇档数字科技有限公司" in page.content.decode()
    assert login(records.regulator).get(f"/evaluation/performance/{records.contractor.pk}/").status_code == 200
    assert login(records.other_regulator).get(f"/evaluation/performance/{records.contractor.pk}/").status_code == 404
    assert "汇档数字科技有限公司" not in login(records.other_regulator).get("/evaluation/performance/").content.decode()


def test_a_contractor_sees_only_its_own(records, login):
    page = login(records.pm).get("/evaluation/performance/")
    text = page.content.decode()
    assert page.status_code == 200 and "汇档数字科技有限公司" in text and "其他档案服务公司" not in text
    assert login(records.pm).get(f"/evaluation/performance/{records.contractor.pk}/").status_code == 200
    assert login(records.pm).get(f"/evaluation/performance/{records.other_contractor.pk}/").status_code == 404
    assert login(records.outsider).get(f"/evaluation/performance/{records.contractor.pk}/").status_code == 404


def test_people_without_an_organisation_get_404(records, login):
    nobody = UserFactory(username="nobody", name="无单位", organization=None)
    assert login(nobody).get("/evaluation/performance/").status_code == 404
    assert login(nobody).get(f"/evaluation/performance/{records.contractor.pk}/").status_code == 404


def test_an_unknown_or_non_contractor_id_is_404(records, login):
    client = login(records.lead)
    assert client.get("/evaluation/performance/999999/").status_code == 404
    assert client.get(f"/evaluation/performance/{records.client_org.pk}/").status_code == 404
