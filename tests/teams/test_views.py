import pytest
from django.urls import reverse

from apps.accounts.enums import ProjectRole
from apps.teams.enums import FilingStatus
from apps.teams.models import StaffFiling

from .factories import complete_fields, file_person


def _post_data(world, person):
    data = {k: ("on" if v is True else "" if v is None or v is False else v) for k, v in complete_fields().items()}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items() if v != ""}
    data.update(person=person.pk, role=ProjectRole.CONTRACTOR_OPERATOR)
    return data


def test_project_page_shows_actions_by_role(world, login):
    url = reverse("teams:project", args=[world.project.pk])
    page = login(world.pm).get(url)
    assert page.status_code == 200 and reverse("teams:filing_create", args=[world.project.pk]) in page.text
    page = login(world.inspector).get(url)
    assert page.status_code == 200 and reverse("teams:filing_create", args=[world.project.pk]) not in page.text
    assert login(world.regulator).get(url).status_code == 200
    assert login(world.outsider).get(url).status_code == 404


def test_pm_files_through_the_page(world, login):
    client = login(world.pm)
    response = client.post(reverse("teams:filing_create", args=[world.project.pk]), _post_data(world, world.operator))
    filing = StaffFiling.objects.get()
    assert response.status_code == 302 and response.url == filing.get_absolute_url()
    assert filing.person == world.operator and filing.status == FilingStatus.SUBMITTED


def test_wrong_role_and_regulator_cannot_file(world, login):
    url = reverse("teams:filing_create", args=[world.project.pk])
    assert login(world.inspector).post(url, _post_data(world, world.operator)).status_code == 403
    assert login(world.regulator).post(url, _post_data(world, world.operator)).status_code == 403
    assert login(world.outsider).get(url).status_code == 404
    assert not StaffFiling.objects.exists()


def test_bad_input_gives_form_error(world, login):
    data = _post_data(world, world.operator)
    data["cert_valid_until"] = "2026-02-30"
    response = login(world.pm).post(reverse("teams:filing_create", args=[world.project.pk]), data)
    assert response.status_code == 200 and not StaffFiling.objects.exists()


def test_decisions_through_pages(world, login):
    filing = file_person(world, world.operator, ProjectRole.CONTRACTOR_OPERATOR)
    detail = login(world.inspector).get(filing.get_absolute_url())
    assert reverse("teams:filing_approve", args=[filing.pk]) in detail.text
    assert reverse("teams:filing_approve", args=[filing.pk]) not in login(world.pm).get(filing.get_absolute_url()).text
    assert login(world.pm).post(reverse("teams:filing_approve", args=[filing.pk])).status_code == 403
    assert login(world.outsider).post(reverse("teams:filing_approve", args=[filing.pk])).status_code == 404
    login(world.lead).post(reverse("teams:filing_reject", args=[filing.pk]), {"reason": ""})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    login(world.lead).post(reverse("teams:filing_approve", args=[filing.pk]), {"note": "同意"})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED
    # Approving again: a message, no change, no error page.
    response = login(world.lead).post(reverse("teams:filing_approve", args=[filing.pk]), follow=True)
    assert response.status_code == 200 and "Only a submitted filing" in response.text
