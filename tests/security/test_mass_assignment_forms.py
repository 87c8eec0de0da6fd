"""Mass assignment on the HTML pages (docs/security.md row 10): no form offers a field that sets
a record's state, owner, organisation, project, classification, version or signature unless
that form's role is meant to set it (the allow-list below says why), and extra fields posted to
the pages that create and change records are ignored."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from apps.core.forms import VersionField

from .forms_found import form_classes, form_name

# Field names that decide who owns a record, where it belongs, what state it is in or how secret it is.
PROTECTED = re.compile(r"^(status|state|phase|resume_phase|owner|user|person|people|author|role|level|"
                       r"risk_level|organi[sz]ation|client|contractor|project|classification|confidentiality|"
                       r"is_classified|version|number|round|signature.*|.*signed.*|.*_by|.*_at)$")

# (form, field): why this form's role sets it on purpose.
ALLOWED = {
    ("batches.forms.BatchFilterForm", "status"): "a filter of the batch list (GET); nothing is saved",
    ("control.forms.ActionItemForm", "owner"): "the person responsible for the action, chosen among the "
                                               "project's members; the creator is the acting user",
    ("control.forms.ImprovementForm", "owner"): "the contractor's person responsible for the plan (members only)",
    ("control.forms.RiskPointForm", "owner"): "the person responsible for the risk point (members only)",
    ("control.forms.RiskPointForm", "level"): "shown only to whom may rate (can_rate: the client lead) and "
                                              "checked again by the service; see the page test below",
    ("control.forms.RiskRateForm", "level"): "rating a risk point is this form's purpose (client lead only)",
    ("acceptance.forms.TeamMemberForm", "person"): "naming a member of the acceptance team is this form's "
                                                   "purpose (client lead only; choices limited to the project's "
                                                   "client members and invited experts, checked again by "
                                                   "team_member_add)",
    ("projects.forms.MemberAddForm", "user"): "adding a person to the project is this form's purpose "
                                              "(client lead only)",
    ("projects.forms.MemberAddForm", "role"): "the project role of the person added (client lead only)",
    ("projects.forms.ProjectForm", "contractor"): "the client lead's contract data (projects.can_manage_project)",
    ("projects.forms.ProjectForm", "risk_level"): "the client lead rates the project's risk (§5.1)",
    ("projects.forms.ProjectForm", "confidentiality"): "the client lead classifies the project; the client, "
                                                       "phase and creator are never fields",
    ("projects.forms.ProjectForm", "contract_signed_on"): "the date the contract was signed, from the paper "
                                                          "contract (not an electronic signature)",
    ("qualification.forms.DocumentForm", "number"): "the certificate's own number as printed on it",
    ("rectification.forms.IncidentForm", "occurred_at"): "when the incident happened, as reported",
    ("sampling.forms.SettingsForm", "level"): "the GB/T 2828.1 inspection level the client lead sets",
    ("teams.forms.StaffFilingForm", "person"): "the PM files one of the contractor's people (choices limited "
                                               "to them)",
    ("teams.forms.StaffFilingForm", "role"): "the post filed for, limited to the contractor's roles",
    ("teams.forms.StaffFilingForm", "confidentiality_signed_on"): "the date the person signed the paper "
                                                                  "confidentiality agreement",
}


def _protected_fields(cls) -> list[str]:
    """Protected names among the form's fields. ``version`` as the kit's hidden ``VersionField``
    is the optimistic-locking check (``expected_version``), never assigned."""
    return [name for name, field in cls.base_fields.items()
            if PROTECTED.match(name) and not (name == "version" and isinstance(field, VersionField))]


@pytest.mark.parametrize("cls", form_classes(), ids=form_name)
def test_no_form_offers_a_field_its_role_may_not_set(cls):
    unexpected = [f for f in _protected_fields(cls) if (form_name(cls), f) not in ALLOWED]
    assert not unexpected, f"{form_name(cls)} offers {unexpected}: remove them, or add them to ALLOWED with why"


def test_every_allowed_field_still_exists():
    present = {(form_name(cls), f) for cls in form_classes() for f in _protected_fields(cls)}
    assert set(ALLOWED) <= present, f"stale entries: {set(ALLOWED) - present}"


@pytest.mark.parametrize("cls", [c for c in form_classes() if issubclass(c, forms.ModelForm)], ids=form_name)
def test_every_model_form_lists_its_fields(cls):
    """A ModelForm names its fields: ``__all__`` or ``exclude`` would offer every new model field."""
    assert isinstance(cls._meta.fields, list | tuple) and not cls._meta.exclude, form_name(cls)
    assert "version" not in cls._meta.fields


# ---------------------------------------------------------------- extra fields posted to the pages

def _later(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _implementation(w):
    from tests.lot_inspection.builders import in_implementation

    in_implementation(w.project)


@pytest.fixture
def elsewhere(world):
    """Another client's project and people: values a forged post might name."""
    from tests.factories import ProjectFactory

    return ProjectFactory()


def test_project_edit_ignores_phase_client_creator_and_takes_version_as_a_check(world, client, elsewhere):
    project = world.project
    client.force_login(world.lead)
    data = {"name": "民国档案数字化（二期）", "contract_no": project.contract_no, "contractor": project.contractor_id,
            "service_types": ["digitization"], "risk_level": "medium", "confidentiality": "ordinary",
            "contract_signed_on": "2026-09-25", "start_date": "2026-09-28", "end_date": "2027-09-27",
            "quality_threshold": "95.00", "warranty_months": "12", "description": "",
            "version": project.version}
    forged = {"phase": "closed", "resume_phase": "implementation", "client": elsewhere.client_id,
              "created_by": world.outsider.pk, "accepted_on": "2026-10-01", "phase_changed_at": "2020-01-01T00:00"}
    before = {f: getattr(project, f) for f in ("phase", "resume_phase", "client_id", "created_by_id", "accepted_on",
                                               "phase_changed_at")}
    response = client.post(reverse("projects:edit", args=[project.pk]), {**data, **forged})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "民国档案数字化（二期）"
    assert {f: getattr(project, f) for f in before} == before
    assert project.version == data["version"] + 1

    # A version sent is compared, never stored: an old one is refused and changes nothing.
    response = client.post(reverse("projects:edit", args=[project.pk]),
                           {**data, "name": "改名", "version": project.version + 5})
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.name == "民国档案数字化（二期）" and project.version == data["version"] + 1


def test_ticket_create_ignores_state_number_project_and_people(world, client, elsewhere):
    from apps.rectification.models import RectificationTicket

    _implementation(world)
    client.force_login(world.inspector)
    data = {"source": "patrol", "found_on": timezone.localdate().isoformat(), "severity": "general",
            "title": "扫描图像偏斜", "description": "第3卷多页偏斜超过2度。", "requirement": "重新扫描并逐页复核。",
            "due_date": _later(10)}
    forged = {"state": "closed", "number": "99", "project": elsewhere.pk, "raised_by": world.pm.pk,
              "closed_by": world.lead.pk, "closed_at": "2026-01-01T00:00", "reviewed_by": world.lead.pk,
              "auto_raised": "on", "version": "50"}
    response = client.post(reverse("rectification:new", args=[world.project.pk]), {**data, **forged})
    assert response.status_code == 302
    ticket = RectificationTicket.objects.get()
    assert (ticket.project, ticket.number, ticket.raised_by, ticket.closed_by, ticket.reviewed_by,
            ticket.auto_raised, ticket.version) == (world.project, 1, world.inspector, None, None, False, 1)
    assert ticket.state == RectificationTicket._meta.get_field("state").default


def test_batch_create_ignores_status_number_project_and_people(world, client, elsewhere):
    from apps.batches.enums import BatchStatus
    from apps.batches.models import Batch

    _implementation(world)
    client.force_login(world.pm)
    data = {"service_type": "digitization", "unit": "item", "quantity": "20", "description": "全宗J001 1950年"}
    forged = {"status": BatchStatus.ACCEPTED, "number": "42", "project": elsewhere.pk, "created_by": world.lead.pk,
              "submitted_by": world.pm.pk, "submitted_at": "2026-01-01T00:00", "decided_by": world.lead.pk,
              "version": "7"}
    response = client.post(reverse("batches:create", args=[world.project.pk]), {**data, **forged})
    assert response.status_code == 302
    batch = Batch.objects.get()
    assert (batch.project, batch.number, batch.status, batch.created_by, batch.submitted_by, batch.decided_by,
            batch.version) == (world.project, 1, BatchStatus.DRAFT, world.pm, None, None, 1)


def test_equipment_create_ignores_status_and_decision(world, client, elsewhere):
    from apps.teams.enums import FilingStatus
    from apps.teams.models import Equipment

    client.force_login(world.pm)
    data = {"name": "高速扫描仪", "model_no": "KV-S5076H", "serial_number": "SN-2026-01", "use": "文书档案扫描",
            "network_isolated": "on", "other_measures": ""}
    forged = {"status": FilingStatus.APPROVED, "decided_by": world.lead.pk, "decided_at": "2026-01-01T00:00",
              "decision_note": "同意", "project": elsewhere.pk, "submitted_by": world.lead.pk}
    response = client.post(reverse("teams:equipment_create", args=[world.project.pk]), {**data, **forged})
    assert response.status_code == 302
    equipment = Equipment.objects.get()
    assert (equipment.project, equipment.status, equipment.decided_by, equipment.decision_note,
            equipment.submitted_by) == (world.project, FilingStatus.SUBMITTED, None, "", world.pm)


def test_staff_filing_refuses_a_client_role_and_ignores_status(world, client):
    from apps.teams.enums import FilingStatus
    from apps.teams.models import StaffFiling

    client.force_login(world.pm)
    url = reverse("teams:filing_create", args=[world.project.pk])
    data = {"person": world.operator.pk, "post": "扫描员", "cert_level": "none", "years_experience": "2",
            "training_result": "pending", "status": FilingStatus.APPROVED, "decided_by": world.lead.pk}
    response = client.post(url, {**data, "role": "client_lead"})
    assert response.status_code == 200 and not StaffFiling.objects.exists()
    response = client.post(url, {**data, "role": "contractor_operator"})
    assert response.status_code == 302
    filing = StaffFiling.objects.get()
    assert (filing.status, filing.decided_by, filing.role) == (FilingStatus.SUBMITTED, None, "contractor_operator")


def test_plan_version_create_ignores_status_number_and_review(world, client):
    from apps.plans.models import PlanVersion

    client.force_login(world.pm)
    data = {"title": "实施方案", "implementation_plan": "按合同执行。"}
    forged = {"status": "approved", "number": "9", "reviewed_by": world.lead.pk, "review_comments": "同意",
              "reviewed_at": "2026-01-01T00:00", "created_by": world.lead.pk}
    response = client.post(reverse("plans:version_create", args=[world.project.pk]), {**data, **forged})
    assert response.status_code == 302
    version = PlanVersion.objects.get()
    assert (version.number, version.status, version.reviewed_by, version.review_comments, version.created_by) == (
        1, PlanVersion._meta.get_field("status").default, None, "", world.pm)


def test_a_contractor_proposing_a_risk_point_cannot_rate_it(world, client):
    from apps.control.models import RiskPoint

    _implementation(world)
    client.force_login(world.pm)
    response = client.post(reverse("control:risk_add", args=[world.project.pk]), {
        "category": "archive_security", "description": "脆化档案扫描时易破损", "control_measures": "先修复后扫描",
        "level": "low", "status": "retired", "created_by": world.lead.pk})
    assert response.status_code == 302
    point = RiskPoint.objects.get()
    assert (point.level, point.created_by) == ("", world.pm)
    assert point.status == RiskPoint._meta.get_field("status").default


# ---------------------------------------------------------------- after implementation

def test_acceptance_application_ignores_state_submission_review_and_project(world, client, elsewhere):
    from apps.acceptance.models import AcceptanceApplication
    from tests.acceptance.builders import ready_to_apply

    ready_to_apply(world, items=20)
    client.force_login(world.pm)
    forged = {"state": "complete", "project": elsewhere.pk, "created_by": world.lead.pk, "submitted_by": world.pm.pk,
              "submitted_at": "2026-01-01T00:00", "submissions": "5", "reviewed_by": world.lead.pk,
              "review_note": "齐全", "version": "9"}
    response = client.post(reverse("acceptance:apply", args=[world.project.pk]),
                           {"results": "数字化图像 20 件。", "note": "", **forged})
    assert response.status_code == 302
    application = AcceptanceApplication.objects.get()
    assert (application.project, application.state, application.created_by, application.submitted_by,
            application.submissions, application.reviewed_by, application.review_note, application.version) == (
        world.project, "draft", world.pm, None, 0, None, "", 1)


def test_handover_line_ignores_status_position_decision_and_list(world, client, elsewhere):
    from apps.handover.enums import LineStatus
    from tests.handover.builders import accept, draft

    accept(world)
    handover = draft(world, lines=[])
    client.force_login(world.pm)
    data = {"kind": "results", "description": "数字化图像（TIFF）", "quantity": "1200", "unit": "卷",
            "medium": "removable_disk", "note": "", "version": handover.version}
    forged = {"status": LineStatus.CONFIRMED, "position": "42", "decided_by": world.lead.pk,
              "decided_at": "2026-01-01T00:00", "handover": "999", "refusal_reason": "伪造"}
    response = client.post(reverse("handover:add_line", args=[handover.pk]), {**data, **forged})
    assert response.status_code == 302
    line = handover.lines.get()
    assert (line.status, line.position, line.decided_by, line.decided_at, line.refusal_reason) == (
        LineStatus.PENDING, 1, None, None, "")


def test_breach_ignores_contractor_state_number_and_people(world, client, elsewhere, settings, tmp_path):
    from apps.evaluation.models import Breach
    from tests.attachments.factories import PDF, upload

    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.lead)
    data = {"ground": "refused_rectification", "description": "承包方拒不整改第2号整改单。",
            "occurred_on": timezone.localdate().isoformat(), "reference": "整改单第2号",
            "files": upload("催告函.pdf", PDF)}
    forged = {"contractor": world.other_contractor.pk, "project": elsewhere.pk, "state": "withdrawn", "number": "77",
              "recorded_by": world.inspector.pk, "withdrawn_by": world.lead.pk, "withdraw_reason": "伪造",
              "version": "9"}
    response = client.post(reverse("evaluation:breach_add", args=[world.project.pk]), {**data, **forged})
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert (breach.project, breach.contractor, breach.state, breach.number, breach.recorded_by, breach.withdrawn_by,
            breach.withdraw_reason, breach.version) == (
        world.project, world.contractor, "recorded", 1, world.lead, None, "", 1)


def test_evaluation_text_ignores_state_scores_grade_and_signer(world, client):
    from tests.evaluation.builders import accepted

    evaluation = accepted(world)
    client.force_login(world.lead)
    data = {"problems": "部分批次图像偏斜。", "causes": "", "lessons": "", "weaknesses": "", "version": evaluation.version}
    forged = {"state": "issued", "total_score": "100", "grade": "excellent", "figures": "{}", "sheet": "{}",
              "issued_by": world.lead.pk, "issued_at": "2026-01-01T00:00", "answered_by": world.pm.pk,
              "acknowledged_by": world.lead.pk, "project": "999"}
    response = client.post(reverse("evaluation:edit", args=[evaluation.pk]), {**data, **forged})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.problems == "部分批次图像偏斜。"
    assert (evaluation.state, evaluation.total_score, evaluation.grade, evaluation.issued_by, evaluation.issued_at,
            evaluation.answered_by, evaluation.acknowledged_by, evaluation.project) == (
        "draft", None, "", None, None, None, None, world.project)
