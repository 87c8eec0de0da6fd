"""Risk register (§5.2.2, §6.3.1): points, ratings, assessments, re-assessment requests."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.control import selectors, services
from apps.control.enums import AssessmentTrigger, RequestState
from apps.control.models import RiskAssessment, RiskReassessmentRequest
from apps.core.errors import DomainError, PermissionDenied
from apps.projects.models import Project

from .builders import assess, point

pytestmark = pytest.mark.django_db


def test_project_start_asks_for_a_risk_assessment(w):
    requests = list(selectors.open_reassessment_requests(w.project))
    assert [r.trigger for r in requests] == [AssessmentTrigger.START]


def test_request_is_idempotent_per_project_trigger_and_source(w):
    a = services.risk_reassessment_request(project=w.project, trigger="incident", note="火情", source_label="事故1",
                                           source_url="/rectification/incidents/1/")
    b = services.risk_reassessment_request(project=w.project, trigger="incident", note="again", source_label="事故1")
    c = services.risk_reassessment_request(project=w.project, trigger="incident", source_label="事故2")
    assert a.pk == b.pk and c.pk != a.pk
    assert RiskReassessmentRequest.objects.filter(project=w.project, trigger="incident").count() == 2


def test_request_refuses_unknown_trigger_and_foreign_links(w):
    with pytest.raises(DomainError):
        services.risk_reassessment_request(project=w.project, trigger="whenever")
    r = services.risk_reassessment_request(project=w.project, trigger="incident", source_url="https://evil.example/")
    assert r.source_url == ""


def test_incident_report_asks_for_a_reassessment(w):
    from django.utils import timezone

    from apps.rectification.services import incident_report

    incident = incident_report(project=w.project, user=w.pm, category=_first_incident_category(), title="库房漏水",
                               occurred_at=timezone.now(), description="暴雨导致库房漏水", scale="3盒受潮",
                               remedial_action="转移并晾干")
    req = RiskReassessmentRequest.objects.get(project=w.project, trigger=AssessmentTrigger.INCIDENT)
    assert req.source_url == incident.get_absolute_url() and req.state == RequestState.OPEN


def _first_incident_category():
    from apps.rectification.enums import IncidentCategory

    return IncidentCategory.values[0]


def test_assessment_sets_level_closes_requests_and_keeps_history(w):
    point(w, level="low")
    point(w, level="high", description="涉密信息泄露")
    services.risk_reassessment_request(project=w.project, trigger="incident", source_label="事故1")
    version = Project.objects.get(pk=w.project.pk).version
    a = assess(w)
    project = Project.objects.get(pk=w.project.pk)
    assert (a.computed_level, a.resulting_level, a.previous_level, a.trigger) == ("high", "high", "medium", "start")
    assert project.risk_level == "high" and project.version == version + 1
    assert not selectors.open_reassessment_requests(project).exists()
    assert set(RiskReassessmentRequest.objects.values_list("closed_by", flat=True)) == {a.pk}
    assert len(a.points_snapshot) == 2
    row = project.history.first()
    assert row.history_user == w.lead and "Risk level" in row.history_change_reason


def test_risk_level_drives_the_sampling_floor_and_patrols(w):
    from apps.sampling.selectors import settings_or_defaults
    from apps.sampling.services import floor_rate_for

    before = floor_rate_for(w.project, settings_or_defaults(w.project))
    point(w, level="high")
    assess(w)
    project = Project.objects.get(pk=w.project.pk)
    after = floor_rate_for(project, settings_or_defaults(project))
    assert before == Decimal("5") and after == settings_or_defaults(project).high_risk_floor_rate_ordinary
    assert after > before
    assert selectors.sampling_floor_rate(project) == after
    assert selectors.patrols_required_per_week(project) == 2


def test_lower_level_than_highest_point_needs_a_reason(w):
    point(w, level="high")
    with pytest.raises(DomainError) as exc:
        assess(w, resulting_level="low")
    assert exc.value.field == "level_reason"
    assert not RiskAssessment.objects.exists()
    a = assess(w, resulting_level="medium", level_reason="已采取隔离措施")
    assert a.is_override and Project.objects.get(pk=w.project.pk).risk_level == "medium"


def test_assessment_needs_rated_points(w):
    with pytest.raises(DomainError):
        assess(w)
    point(w, user=w.pm, level="")
    with pytest.raises(DomainError) as exc:
        assess(w)
    assert "Rate every" in exc.value.message
    assert selectors.open_reassessment_requests(w.project).count() == 1


@pytest.mark.parametrize("who", ["inspector", "pm", "regulator", "outsider"])
def test_only_the_client_lead_assesses(w, who):
    point(w, level="low")
    with pytest.raises(PermissionDenied):
        services.risk_assessment_complete(project=w.project, user=getattr(w, who), conclusion="x")
    assert not RiskAssessment.objects.exists()


def test_contractor_proposes_unrated_points_and_cannot_rate(w):
    p = point(w, user=w.security, level="")
    assert p.level == ""
    with pytest.raises(PermissionDenied):
        point(w, user=w.pm, level="high")
    with pytest.raises(PermissionDenied):
        services.risk_point_rate(risk_point=p, user=w.pm, level="high")
    p = services.risk_point_rate(risk_point=p, user=w.lead, level="high", reason="涉及全部档案")
    assert p.level == "high" and "涉及全部档案" in p.history.first().history_change_reason
    with pytest.raises(DomainError):
        services.risk_point_rate(risk_point=p, user=w.lead, level="high")


def test_contractor_edits_only_control_measures(w):
    p = point(w)
    p = services.risk_point_update(risk_point=p, user=w.pm, category=p.category, description=p.description,
                                   control_measures="新增每日巡检", owner=None)
    assert p.control_measures == "新增每日巡检"
    with pytest.raises(PermissionDenied):
        services.risk_point_update(risk_point=p, user=w.pm, category="quality", description=p.description,
                                   control_measures=p.control_measures, owner=None)
    with pytest.raises(PermissionDenied):
        services.risk_point_update(risk_point=p, user=w.operator, category=p.category, description="x",
                                   control_measures="", owner=None)


def test_retire_needs_reason_and_only_once(w):
    p = point(w)
    with pytest.raises(DomainError):
        services.risk_point_retire(risk_point=p, user=w.lead, reason="  ")
    p = services.risk_point_retire(risk_point=p, user=w.lead, reason="风险已消除")
    with pytest.raises(DomainError):
        services.risk_point_retire(risk_point=p, user=w.lead, reason="again")
    with pytest.raises(DomainError):
        services.risk_point_rate(risk_point=p, user=w.lead, level="low")


def test_bad_input_changes_nothing(w):
    for kwargs in (dict(category="nonsense"), dict(description=""), dict(level="extreme"),
                   dict(description="x" * 3000), dict(owner=w.outsider)):
        with pytest.raises(DomainError):
            point(w, **kwargs)
    assert not w.project.risk_points.exists()


def test_closed_project_refuses(w):
    Project.objects.filter(pk=w.project.pk).update(phase="closed")
    w.project.refresh_from_db()
    with pytest.raises(PermissionDenied):
        point(w)


def test_high_risk_level_requires_two_patrols_a_week(w):
    from django.utils import timezone

    from apps.inspections.selectors import patrol_gaps
    from apps.inspections.services import patrol_create

    today = timezone.localdate()
    patrol_create(project=w.project, user=w.inspector, patrolled_on=today, inspectors=[w.inspector],
                  content="库房温湿度与加工区巡查", findings="", requirements="")
    this_week = today.isocalendar()[:2]

    def gap_now():
        return [g for g in patrol_gaps(w.project, today) if (g.year, g.week) == this_week]
    assert gap_now() == []
    point(w, level="high")
    assess(w)
    w.project.refresh_from_db()
    gaps = gap_now()
    assert len(gaps) == 1 and (gaps[0].patrols, gaps[0].required) == (1, 2)


def test_a_new_risk_level_does_not_judge_past_weeks_again(w):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from apps.inspections.selectors import patrol_gaps
    from apps.inspections.services import patrol_create
    from apps.projects.models import Project

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    last_monday = monday - dt.timedelta(days=7)
    Project.objects.filter(pk=w.project.pk).update(phase_changed_at=timezone.make_aware(
        dt.datetime.combine(last_monday, dt.time(9))))
    w.project.refresh_from_db()
    with time_machine.travel(dt.datetime.combine(last_monday + dt.timedelta(days=2), dt.time(10)), tick=False):
        patrol_create(project=w.project, user=w.inspector, patrolled_on=last_monday + dt.timedelta(days=2),
                      inspectors=[w.inspector], content="上周巡查", findings="", requirements="")
    point(w, level="high")
    assess(w)
    weeks = {(g.monday, g.required) for g in patrol_gaps(w.project, today)}
    # Last week (one patrol, medium risk then) is not a gap; this week needs two.
    assert last_monday not in {m for m, _r in weeks}
    assert (monday, 2) in weeks


def test_annex_a_risk_row_reads_the_register(w):
    from apps.projects.enums import TaskStatus
    from apps.projects.selectors import annex_a_rows

    def row():
        return next(r for r in annex_a_rows(w.project) if r["step"].code == "risk_control")

    assert row()["status"] == TaskStatus.DUE  # the start assessment is asked for
    point(w, level="high")
    assess(w)
    reading = row()
    assert reading["status"] == TaskStatus.ONGOING and "last assessed on" in reading["evidence"]
    point(w, level="")
    assert row()["status"] == TaskStatus.DUE
