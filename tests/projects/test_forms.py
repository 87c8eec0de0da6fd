"""Bad input on each form: a clear error, nothing saved, never a 500."""

import pytest

from apps.projects.models import Project

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "照片档案数字化", "contract_no": "HZ-2026-099", "service_types": ["digitization"], "risk_level": "low",
    "confidentiality": "ordinary", "contract_signed_on": "2026-09-25", "start_date": "2026-09-28",
    "end_date": "2027-09-27", "quality_threshold": "95", "warranty_months": "12", "description": "",
}


def test_client_lead_creates_a_project_and_becomes_its_lead(world, login):
    data = dict(GOOD, contractor=world.contractor.pk)
    response = login(world.inspector).post("/projects/new/", data)
    project = Project.objects.get(contract_no="HZ-2026-099")
    assert response.status_code == 302
    assert project.client == world.client_org and project.phase == "preparation"
    assert project.members.get(role="client_lead").user == world.inspector
    assert project.stage_tasks.count() == 22
    # Annex A: qualification review due 5 working days after signing, across National Day.
    assert str(project.stage_tasks.get(step="qualification_review").due_date) == "2026-10-09"


@pytest.mark.parametrize("override,field", [
    ({"end_date": "2026-01-01"}, "end_date"),
    ({"start_date": "2026-13-45"}, "start_date"),
    ({"quality_threshold": "abc"}, "quality_threshold"),
    ({"quality_threshold": "101"}, "quality_threshold"),
    ({"service_types": []}, "service_types"),
    ({"service_types": ["teleportation"]}, "service_types"),
    ({"risk_level": "extreme"}, "risk_level"),
    ({"name": "档" * 5000}, "name"),
    ({"contract_no": ""}, "contract_no"),
    ({"contractor": "999999"}, "contractor"),
    ({"warranty_months": "-3"}, "warranty_months"),
])
def test_bad_project_input_is_refused_with_a_message(world, login, override, field):
    data = {**GOOD, "contractor": world.contractor.pk, **override}
    response = login(world.lead).post("/projects/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not Project.objects.filter(contract_no=data["contract_no"] or "HZ-2026-099").exists()


def test_duplicate_contract_number_is_a_form_error(world, login):
    data = dict(GOOD, contractor=world.contractor.pk, contract_no=world.project.contract_no)
    response = login(world.lead).post("/projects/new/", data)
    assert response.status_code == 200
    assert "合同" in str(response.context["form"].errors)
    assert Project.objects.filter(contract_no=world.project.contract_no).count() == 1


def test_client_and_phase_sent_in_the_form_are_ignored(world, login):
    other = world.other_contractor
    data = dict(GOOD, contractor=world.contractor.pk, client=other.pk, phase="closed", created_by=world.pm.pk,
                version=99)
    login(world.lead).post("/projects/new/", data)
    project = Project.objects.get(contract_no="HZ-2026-099")
    assert project.client == world.client_org and project.phase == "preparation" and project.created_by == world.lead


def test_contractor_must_be_a_contractor(world, login):
    data = dict(GOOD, contractor=world.regulator_org.pk)
    response = login(world.lead).post("/projects/new/", data)
    assert response.status_code == 200 and not Project.objects.filter(contract_no="HZ-2026-099").exists()


def test_edit_with_stale_version_is_refused(world, login):
    c = login(world.lead)
    data = dict(GOOD, contractor=world.contractor.pk, contract_no=world.project.contract_no,
                version=world.project.version)
    assert c.post(f"/projects/{world.project.pk}/edit/", dict(data, name="第一次")).status_code == 302
    response = c.post(f"/projects/{world.project.pk}/edit/", dict(data, name="第二次"))
    assert response.status_code == 200
    world.project.refresh_from_db()
    assert world.project.name == "第一次"


def test_attestation_without_reference_changes_nothing(world, login):
    c = login(world.lead)
    response = c.post(f"/projects/{world.project.pk}/gates/attest/", {"gate": "plan_approved", "reference": ""})
    assert response.status_code == 302
    assert not world.project.gate_attestations.exists()
    response = c.post(f"/projects/{world.project.pk}/gates/attest/", {"gate": "no_such_gate", "reference": "x"})
    assert response.status_code == 302 and not world.project.gate_attestations.exists()


def test_every_project_tab_renders(world, login):
    c = login(world.lead)
    for tab in ["overview", "gates", "annex_a", "members", "history", "nonsense"]:
        assert c.get(f"/projects/{world.project.pk}/?tab={tab}").status_code == 200
