"""The acceptance application (验收申请, §5.3.1, §6.5.1) and the client's review (§8.3.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.acceptance import services
from apps.acceptance.enums import ApplicationState, LineReview, MaterialKind, SystemRecord
from apps.acceptance.models import AcceptanceApplication, MaterialLine
from apps.core.errors import DomainError, PermissionDenied
from apps.projects.enums import Phase
from apps.rectification import services as ticket_services

from ..lot_inspection.builders import submitted_batch
from .builders import apply, ready_to_apply

pytestmark = pytest.mark.django_db


def _ticket(w):
    return ticket_services.ticket_raise(project=w.project, user=w.lead, source="patrol", found_on=dt.date(2026, 10, 5),
                                        title="目录著录错误", description="第 3 盒著录错误。", requirement="更正。",
                                        due_date=dt.date(2027, 1, 10))


def test_the_pm_applies_with_the_usual_materials_lines(w):
    ready_to_apply(w)
    application = services.application_create(project=w.project, user=w.pm, results="图像 60 件")
    assert application.state == ApplicationState.DRAFT
    lines = list(application.lines.all())
    assert len(lines) == 6 and {line.kind for line in lines} >= {"results", "quality_records", "self_check"}
    assert {line.record_ref for line in lines} >= {SystemRecord.BATCHES, SystemRecord.RECTIFICATION}
    with pytest.raises(DomainError) as exc:
        services.application_create(project=w.project, user=w.pm)
    assert exc.value.code == "illegal_transition"


@pytest.mark.parametrize("who", ["lead", "inspector", "acceptance", "special", "operator", "regulator"])
def test_only_the_contractor_pm_applies(w, who):
    ready_to_apply(w)
    with pytest.raises(PermissionDenied):
        services.application_create(project=w.project, user=getattr(w, who))
    assert not AcceptanceApplication.objects.exists()


def test_applying_is_refused_outside_implementation(w):
    with pytest.raises(DomainError) as exc:
        services.application_create(project=w.project, user=w.pm)
    assert exc.value.code == "illegal_transition"
    assert not AcceptanceApplication.objects.exists()


def test_applying_is_refused_while_a_batch_is_not_accepted_naming_it(w):
    ready_to_apply(w)
    batch = submitted_batch(w, items=10)
    with pytest.raises(DomainError) as exc:
        services.application_create(project=w.project, user=w.pm)
    assert exc.value.code == "illegal_transition"
    assert f"batches not yet accepted: {batch.number}" in str(exc.value)
    assert not AcceptanceApplication.objects.exists()


def test_submitting_is_refused_while_a_ticket_is_open_naming_it(w):
    ready_to_apply(w)
    application = apply(w, submit=False)
    ticket = _ticket(w)
    with pytest.raises(DomainError) as exc:
        services.application_submit(application=application, user=w.pm)
    assert exc.value.code == "illegal_transition"
    assert f"rectification tickets still open: No. {ticket.number}" in str(exc.value)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_a_required_line_needs_files_or_records(w):
    ready_to_apply(w)
    application = services.application_create(project=w.project, user=w.pm, results="图像 60 件")
    with pytest.raises(DomainError) as exc:
        services.application_submit(application=application, user=w.pm)
    self_check = application.lines.get(kind=MaterialKind.SELF_CHECK)
    assert exc.value.code == "invalid" and self_check.title in str(exc.value)
    for line in application.lines.filter(record_ref=""):
        upload = SimpleUploadedFile("自检报告.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                                    content_type="application/pdf")
        services.line_update(line=line, user=w.pm, kind=line.kind, title=line.title, required=True, files=[upload])
    submitted = services.application_submit(application=application, user=w.pm)
    assert submitted.state == ApplicationState.SUBMITTED and submitted.submissions == 1


def test_the_results_are_required_to_submit(w):
    ready_to_apply(w)
    application = apply(w, submit=False)
    services.application_update(application=application, user=w.pm, results="")
    with pytest.raises(DomainError) as exc:
        services.application_submit(application=application, user=w.pm)
    assert exc.value.field == "results"


def test_lines_are_edited_added_and_removed_only_while_editable(w):
    ready_to_apply(w)
    application = apply(w, submit=False)
    line = services.line_add(application=application, user=w.pm, kind="other", title="培训记录",
                             record_ref=SystemRecord.CONTROL)
    with pytest.raises(DomainError) as exc:
        services.line_add(application=application, user=w.pm, kind="nonsense", title="x")
    assert exc.value.field == "kind"
    with pytest.raises(DomainError) as exc:
        services.line_add(application=application, user=w.pm, kind="other", title="a\nb")
    assert exc.value.field == "title"
    services.line_remove(line=line, user=w.pm)
    assert not MaterialLine.objects.filter(pk=line.pk).exists()
    application = services.application_submit(application=application, user=w.pm)
    with pytest.raises(DomainError) as exc:
        services.line_add(application=application, user=w.pm, kind="other", title="迟交材料")
    assert exc.value.code == "illegal_transition"
    with pytest.raises(PermissionDenied):
        services.application_update(application=application, user=w.lead, results="x")


def test_returned_with_what_is_missing_per_line_then_resubmitted_and_complete(w):
    ready_to_apply(w)
    application = apply(w)
    first = application.lines.order_by("order").first()
    with pytest.raises(DomainError) as exc:
        services.application_review(application=application, user=w.lead, complete=False)
    assert exc.value.field == "missing"
    with pytest.raises(DomainError) as exc:
        services.application_review(application=application, user=w.lead, complete=True, missing={first.pk: "缺清单"})
    assert exc.value.field == "complete"
    returned = services.application_review(application=application, user=w.lead, complete=False,
                                           missing={str(first.pk): "成果清单缺数量"}, note="请补充")
    assert returned.state == ApplicationState.RETURNED
    first.refresh_from_db()
    assert (first.review, first.review_note) == (LineReview.MISSING, "成果清单缺数量")
    assert set(returned.lines.exclude(pk=first.pk).values_list("review", flat=True)) == {LineReview.COMPLETE}
    w.project.refresh_from_db()
    assert w.project.phase == Phase.IMPLEMENTATION
    resubmitted = services.application_submit(application=returned, user=w.pm)
    assert resubmitted.submissions == 2
    complete = services.application_review(application=resubmitted, user=w.lead, complete=True)
    assert complete.state == ApplicationState.COMPLETE
    w.project.refresh_from_db()
    assert w.project.phase == Phase.ACCEPTANCE


@pytest.mark.parametrize("who", ["inspector", "acceptance", "pm", "regulator"])
def test_only_the_client_lead_reviews(w, who):
    ready_to_apply(w)
    application = apply(w)
    with pytest.raises(PermissionDenied):
        services.application_review(application=application, user=getattr(w, who), complete=True)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_review_of_a_draft_is_an_illegal_transition(w):
    ready_to_apply(w)
    application = apply(w, submit=False)
    with pytest.raises(DomainError) as exc:
        services.application_review(application=application, user=w.lead, complete=True)
    assert exc.value.code == "illegal_transition"


def test_complete_review_is_refused_by_the_gates_and_nothing_changes(w):
    """The review moves the project with project_advance: its gates are checked in the same
    transaction, and their refusal leaves the application awaiting review."""
    from django.db import transaction

    ready_to_apply(w)
    application = apply(w)
    _ticket(w)
    with pytest.raises(DomainError), transaction.atomic():
        services.application_review(application=application, user=w.lead, complete=True)
    application.refresh_from_db()
    w.project.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert w.project.phase == Phase.IMPLEMENTATION


def test_a_stale_version_is_refused(w):
    ready_to_apply(w)
    application = apply(w)
    with pytest.raises(DomainError) as exc:
        services.application_review(application=application, user=w.lead, complete=True,
                                    expected_version=application.version - 1)
    assert exc.value.code == "stale"
