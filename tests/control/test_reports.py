"""Quality and data reports (§8.2.3): figures from the records, submission, acknowledgement."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.control import services
from apps.control.enums import ReportState
from apps.control.models import QualityReport
from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines.models import Deadline
from apps.lot_inspection import services as lots
from apps.rectification.enums import ACTIVE_STATES
from apps.rectification.models import RectificationTicket
from tests.lot_inspection.builders import all_conforming, open_for

from .builders import report, today

pytestmark = pytest.mark.django_db


def _records(w):
    good = open_for(w, items=200)
    all_conforming(good, w.inspector)
    good = lots.lot_inspection_decide(inspection=good, user=w.inspector)
    bad = open_for(w, items=200)
    first = bad.items.order_by("position").first()
    all_conforming(bad, w.inspector, except_positions={first.position: ["DIG-F1", "DIG-G1"]})
    bad = lots.lot_inspection_decide(inspection=bad, user=w.inspector)
    return good, bad


def test_figures_come_from_the_records(w):
    good, bad = _records(w)
    r = report(w)
    f = r.figures
    inspected = good.sample_size + bad.sample_size
    assert f["batches"]["submitted"] == 2 and f["batches"]["quantity"] == 400
    s = f["sampling"]
    assert (s["lots_decided"], s["lots_accepted"], s["lots_not_accepted"]) == (2, 1, 1)
    assert s["items_inspected"] == inspected and s["items_conforming"] == inspected - 1
    assert s["pass_rate"] == f"{(inspected - 1) * 100 / inspected:.2f}"
    assert s["items_by_worst_grade"] == {"fatal": 1, "serious": 0, "general": 0}
    assert s["defects_by_grade"] == {"fatal": 1, "serious": 0, "general": 1} and s["defects_total"] == 2
    tickets = RectificationTicket.objects.filter(project=w.project)
    assert f["tickets"]["raised"] == tickets.count()
    assert f["tickets"]["open_now"] == tickets.filter(state__in=list(ACTIVE_STATES)).count() >= 1


def test_figures_are_limited_to_the_period(w):
    _records(w)
    r = report(w, period_start=today() - dt.timedelta(days=30), period_end=today() - dt.timedelta(days=10))
    assert r.figures["sampling"]["lots_decided"] == 0 and r.figures["sampling"]["pass_rate"] is None
    assert r.figures["batches"]["submitted"] == 0


def test_submit_freezes_recomputed_figures_and_acknowledge_sets_next_deadline(w):
    r = report(w)
    assert r.figures["sampling"]["lots_decided"] == 0
    _records(w)
    r = services.quality_report_submit(quality_report=r, user=w.pm)
    assert r.state == ReportState.SUBMITTED and r.figures["sampling"]["lots_decided"] == 2
    with pytest.raises(DomainError):
        services.quality_report_update(quality_report=r, user=w.pm, summary="改")
    due = today() + dt.timedelta(days=7)
    r = services.quality_report_acknowledge(quality_report=r, user=w.inspector, comment="已阅", next_report_due=due)
    assert r.state == ReportState.ACKNOWLEDGED and r.acknowledged_by == w.inspector
    d = Deadline.objects.get(project=w.project, kind="quality_report")
    assert d.due_date == due and d.responsible_org == w.contractor
    # The next report delivered meets that deadline.
    nxt = report(w, period_start=today() - dt.timedelta(days=13), period_end=today() - dt.timedelta(days=7))
    services.quality_report_submit(quality_report=nxt, user=w.special)
    d.refresh_from_db()
    assert d.state == "met"


def test_return_and_resubmit(w):
    r = services.quality_report_submit(quality_report=report(w), user=w.pm)
    with pytest.raises(DomainError):
        services.quality_report_return(quality_report=r, user=w.lead, reason="")
    r = services.quality_report_return(quality_report=r, user=w.lead, reason="缺少缺陷原因分析")
    assert r.state == ReportState.RETURNED
    r = services.quality_report_update(quality_report=r, user=w.pm, summary="补充", problems="偏斜：装订过紧")
    r = services.quality_report_submit(quality_report=r, user=w.pm)
    assert r.state == ReportState.SUBMITTED
    r = services.quality_report_acknowledge(quality_report=r, user=w.lead)
    for call in (lambda: services.quality_report_acknowledge(quality_report=r, user=w.lead),
                 lambda: services.quality_report_return(quality_report=r, user=w.lead, reason="x"),
                 lambda: services.quality_report_submit(quality_report=r, user=w.pm)):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "illegal_transition"


@pytest.mark.parametrize("who", ["lead", "inspector", "operator", "regulator", "outsider"])
def test_only_the_contractor_pm_or_special_inspector_prepares(w, who):
    with pytest.raises(PermissionDenied):
        report(w, user=getattr(w, who))


@pytest.mark.parametrize("who", ["pm", "special", "regulator", "outsider"])
def test_only_the_client_acknowledges(w, who):
    r = services.quality_report_submit(quality_report=report(w), user=w.pm)
    with pytest.raises(PermissionDenied):
        services.quality_report_acknowledge(quality_report=r, user=getattr(w, who))


def test_bad_input(w):
    for kw in (dict(period_end=today() + dt.timedelta(days=1)),
               dict(period_start=today(), period_end=today() - dt.timedelta(days=1)),
               dict(period_start=today() - dt.timedelta(days=400)), dict(summary="")):
        with pytest.raises(DomainError):
            report(w, **kw)
    assert not QualityReport.objects.exists()
    report(w)
    with pytest.raises(DomainError) as exc:
        report(w)
    assert exc.value.code == "duplicate"
    r = services.quality_report_submit(quality_report=QualityReport.objects.get(), user=w.pm)
    with pytest.raises(DomainError):
        services.quality_report_acknowledge(quality_report=r, user=w.lead, next_report_due=today())


def test_draft_files_stay_with_the_contractor_until_submitted(w, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.attachments.services import attachment_add

    draft = report(w)
    pdf = SimpleUploadedFile("报表.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    attachment = attachment_add(record=draft, project=w.project, user=w.pm, uploaded_file=pdf, kind="evidence")
    url = f"/attachments/{attachment.pk}/download/"
    assert login(w.pm).get(url).status_code == 200
    for user in (w.inspector, w.lead, w.regulator):
        assert login(user).get(url).status_code == 404
    services.quality_report_submit(quality_report=draft, user=w.pm)
    assert login(w.inspector).get(url).status_code == 200


def test_overdue_counts_only_tickets_awaiting_the_contractor(w):
    import time_machine
    from django.utils import timezone

    from apps.control.selectors import report_figures
    from tests.rectification.builders import answer, raise_ticket

    raise_ticket(w, due_date=today() + dt.timedelta(days=1))
    answer(raise_ticket(w, due_date=today() + dt.timedelta(days=1)), w)
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        figures = report_figures(w.project, today() - dt.timedelta(days=7), today())
    assert figures["tickets"]["open_now"] == 2 and figures["tickets"]["overdue_now"] == 1
