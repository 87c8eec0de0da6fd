"""Breaches of contract (违约, §5.2.3): recorded by the client lead with ground, description, date
and evidence; withdrawn only with a reason; they count against the contractor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.attachments.models import Attachment
from apps.core.errors import DomainError, PermissionDenied
from apps.evaluation import services
from apps.evaluation.enums import BreachState
from apps.evaluation.models import Breach
from apps.projects.enums import Phase
from apps.projects.models import Project
from tests.lot_inspection.builders import in_implementation

from .builders import breach

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def w(world):
    in_implementation(world.project)
    return world


def test_lead_records_a_breach_with_evidence(w):
    found = breach(w, ground="overdue_rectification", files=[SimpleUploadedFile("逾期通知.pdf", PDF)])
    assert found.number == 1 and found.contractor == w.contractor and found.state == BreachState.RECORDED
    assert Attachment.objects.filter(object_id=found.pk, kind="evidence").count() == 1
    assert breach(w).number == 2
    assert found.history.first().history_user == w.lead


@pytest.mark.parametrize("who", ["inspector", "pm", "regulator", "outsider"])
def test_only_the_lead_records_a_breach(w, who):
    with pytest.raises(PermissionDenied):
        services.breach_record(project=w.project, user=getattr(w, who), ground="other", description="x",
                               occurred_on=timezone.localdate())
    assert not Breach.objects.exists()


@pytest.mark.parametrize("field, value", [
    ("ground", "nonsense"), ("description", ""), ("occurred_on", "2026-01-01"),
    ("occurred_on", timezone.localdate() + dt.timedelta(days=1)), ("occurred_on", dt.date(2020, 1, 1)),
    ("reference", "一\n二"),
])
def test_bad_input_records_nothing(w, field, value):
    with pytest.raises(DomainError) as exc:
        breach(w, **{field: value})
    assert exc.value.field == field
    assert not Breach.objects.exists()


def test_no_breach_on_a_closed_project(w):
    Project.objects.filter(pk=w.project.pk).update(phase=Phase.CLOSED)
    w.project.refresh_from_db()
    with pytest.raises(PermissionDenied):
        breach(w)


def test_withdrawal_needs_a_reason_and_happens_once(w):
    found = breach(w)
    with pytest.raises(DomainError) as exc:
        services.breach_withdraw(breach=found, user=w.lead, reason=" ")
    assert exc.value.field == "reason"
    found = services.breach_withdraw(breach=found, user=w.lead, reason="经核实系误录。")
    assert found.state == BreachState.WITHDRAWN and found.withdrawn_by == w.lead
    assert "经核实系误录。" in found.history.order_by("-history_id").first().history_change_reason
    with pytest.raises(DomainError) as exc:
        services.breach_withdraw(breach=found, user=w.lead, reason="再撤")
    assert exc.value.code == "illegal_transition"


@pytest.mark.parametrize("who", ["inspector", "pm", "regulator"])
def test_only_the_lead_withdraws(w, who):
    found = breach(w)
    with pytest.raises(PermissionDenied):
        services.breach_withdraw(breach=found, user=getattr(w, who), reason="x")
    found.refresh_from_db()
    assert found.state == BreachState.RECORDED


def test_evidence_only_on_a_breach_that_stands(w):
    from apps.attachments.services import attachment_add

    found = services.breach_withdraw(breach=breach(w), user=w.lead, reason="撤销。")
    with pytest.raises(PermissionDenied):
        attachment_add(record=found, project=w.project, user=w.lead, uploaded_file=SimpleUploadedFile("a.pdf", PDF),
                       kind="evidence")
