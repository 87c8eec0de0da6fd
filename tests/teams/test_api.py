import datetime as dt

from django.utils import timezone

from apps.accounts.enums import ProjectRole
from apps.teams.enums import CertificateLevel
from apps.teams.models import StaffFiling
from tests.factories import UserFactory

from .builders import approve_all, file_person


def base(world, resource):
    return f"/api/v1/projects/{world.project.pk}/{resource}/"


def payload(world, person, **extra):
    today = timezone.localdate()
    data = {"person": person.pk, "role": ProjectRole.CONTRACTOR_OPERATOR, "cert_name": "证书", "cert_number": "N1",
            "cert_level": "junior", "cert_valid_until": (today + dt.timedelta(days=30)).isoformat(),
            "years_experience": 2, "no_criminal_record": True, "training_result": "passed",
            "confidentiality_signed_on": today.isoformat()}
    data.update(extra)
    return data


def test_api_scoping(world, login):
    file_person(world, world.operator, ProjectRole.CONTRACTOR_OPERATOR)
    for resource in ("staff-filings", "equipment", "staff-changes", "integrity-pledges"):
        assert login(world.pm).get(base(world, resource)).status_code == 200
        assert login(world.regulator).get(base(world, resource)).status_code == 200
        assert login(world.outsider).get(base(world, resource)).status_code == 404
    filing = StaffFiling.objects.get()
    assert login(world.outsider).get(base(world, "staff-filings") + f"{filing.pk}/").status_code == 404
    assert login(world.outsider).post(base(world, "staff-filings") + f"{filing.pk}/approve/").status_code == 404
    assert login(world.regulator).post(base(world, "staff-filings") + f"{filing.pk}/approve/",
                                       content_type="application/json").status_code == 403
    assert StaffFiling.objects.get().status == "submitted"


def test_api_create_approve_and_roles(world, login):
    url = base(world, "staff-filings")
    assert login(world.lead).post(url, payload(world, world.operator), content_type="application/json").status_code \
        == 403
    bad = login(world.pm).post(url, payload(world, world.operator, cert_level="supreme"),
                               content_type="application/json")
    assert bad.status_code == 400
    response = login(world.pm).post(url, payload(world, world.operator, status="approved"),
                                    content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "submitted"  # mass assignment ignored
    pk = response.json()["id"]
    assert login(world.pm).post(f"{url}{pk}/approve/", {}, content_type="application/json").status_code == 403
    ok = login(world.inspector).post(f"{url}{pk}/approve/", {}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    again = login(world.inspector).post(f"{url}{pk}/approve/", {}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "illegal_transition"


def test_api_staff_change_refused_on_lower_qualification(world, login):
    filings = approve_all(world)
    newcomer = UserFactory(username="newcomer", organization=world.contractor)
    incoming = file_person(world, newcomer, ProjectRole.CONTRACTOR_OPERATOR, level=CertificateLevel.JUNIOR)
    response = login(world.pm).post(base(world, "staff-changes"), {
        "leaving": filings["operator"].pk, "incoming": incoming.pk, "reason": "离职",
        "planned_date": timezone.localdate().isoformat()}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "lower_qualification"
