from django.urls import reverse

from apps.accounts.enums import ProjectRole
from apps.teams.enums import FilingStatus
from apps.teams.models import StaffFiling

from .builders import complete_fields, file_person


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


def test_equipment_reject_through_the_page(world, login):
    from apps.teams import services

    eq = services.equipment_file(project=world.project, user=world.pm, name="扫描仪", serial_number="SN-1",
                                 use="档案扫描", network_isolated=True)
    url = reverse("teams:equipment_reject", args=[eq.pk])
    assert login(world.pm).post(url, {"reason": "自己驳回"}).status_code == 403
    assert login(world.outsider).post(url, {"reason": "x"}).status_code == 404
    assert login(world.inspector).get(url).status_code == 405
    response = login(world.inspector).post(url, {"reason": "未禁用 USB"})
    assert response.status_code == 302 and response.url == eq.get_absolute_url()
    eq.refresh_from_db()
    assert eq.status == FilingStatus.REJECTED and eq.decision_note == "未禁用 USB"
    # Rejecting again: a message, no change, no error page.
    response = login(world.lead).post(url, {"reason": "再次驳回"}, follow=True)
    assert response.status_code == 200 and "Only submitted equipment can be rejected" in response.text
    eq.refresh_from_db()
    assert eq.decided_by == world.inspector and eq.decision_note == "未禁用 USB"


def test_staff_change_withdraw_through_the_page(world, login):
    import datetime as dt

    from django.utils import timezone

    from apps.teams import services
    from apps.teams.enums import ChangeStatus
    from tests.factories import UserFactory

    from .builders import approve_all

    filings = approve_all(world)
    newcomer = UserFactory(username="newcomer", organization=world.contractor)
    incoming = file_person(world, newcomer, ProjectRole.CONTRACTOR_OPERATOR)
    change = services.staff_change_request(project=world.project, user=world.pm, leaving=filings["operator"],
                                           incoming=incoming, reason="离职",
                                           planned_date=timezone.localdate() + dt.timedelta(days=5))
    url = reverse("teams:change_withdraw", args=[change.pk])
    assert login(world.lead).post(url, {"reason": "x"}).status_code == 403
    assert reverse("teams:change_withdraw", args=[change.pk]) not in login(world.lead).get(
        change.get_absolute_url()).text
    assert reverse("teams:change_withdraw", args=[change.pk]) in login(world.pm).get(change.get_absolute_url()).text
    login(world.pm).post(url, {"reason": ""})  # the reason is required
    change.refresh_from_db()
    assert change.status == ChangeStatus.REQUESTED
    assert login(world.pm).post(url, {"reason": "不再需要"}).status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN
    response = login(world.pm).post(url, {"reason": "再次撤回"}, follow=True)
    assert response.status_code == 200 and "already been decided or withdrawn" in response.text
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN
