"""The admin is a write path like the others (security row 15): a change names the administrator and
the reason typed, deletions too; records of the quality process are read-only there."""

import pytest
from django.contrib import admin

from apps.core.admin import AuditedAdmin, ReadOnlyAdmin
from apps.projects.models import Project, ProjectMember
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True, organization=None)


def test_every_admin_page_is_audited_or_read_only():
    unaudited = [f"{model._meta.label}: {type(model_admin).__name__}"
                 for model, model_admin in admin.site._registry.items()
                 if model._meta.app_label not in ("auth", "authtoken", "axes", "otp_totp", "otp_static")
                 and not isinstance(model_admin, (AuditedAdmin, ReadOnlyAdmin))]
    assert not unaudited, unaudited


def _project_form(project, **overrides):
    data = {"name": project.name, "contract_no": project.contract_no, "client": project.client_id,
            "contractor": project.contractor_id, "service_types": ",".join(project.service_types),
            "risk_level": project.risk_level, "confidentiality": "ordinary",
            "contract_signed_on": project.contract_signed_on, "start_date": project.start_date,
            "end_date": project.end_date, "quality_threshold": project.quality_threshold,
            "warranty_months": project.warranty_months, "description": project.description,
            "members-TOTAL_FORMS": 0, "members-INITIAL_FORMS": 0}
    data.update(overrides)
    return data


def test_a_change_in_the_admin_needs_a_reason_and_names_the_administrator(world, client, superuser):
    client.force_login(superuser)
    url = f"/admin/projects/project/{world.project.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="change_reason"' in page.content.decode()
    prefix = _inline_prefix(page.content.decode())
    rows = world.project.history.count()
    refused = client.post(url, _project_form(world.project, name="改名", **_inline(prefix)))
    assert refused.status_code == 200
    assert Project.objects.get(pk=world.project.pk).name != "改名" and world.project.history.count() == rows
    done = client.post(url, _project_form(world.project, name="改名", change_reason="合同名称更正", **_inline(prefix)))
    assert done.status_code == 302, done.content.decode()[:2000]
    last = world.project.history.latest()
    assert (last.name, last.history_user, last.history_change_reason) == ("改名", superuser, "合同名称更正")


def test_a_deletion_in_the_admin_names_the_administrator_and_a_reason(world, client, superuser):
    client.force_login(superuser)
    member = ProjectMember.objects.get(project=world.project, user=world.operator)
    response = client.post(f"/admin/projects/projectmember/{member.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    row = ProjectMember.history.filter(id=member.pk, history_type="-").get()
    assert row.history_user == superuser and row.history_change_reason


def test_records_of_the_quality_process_cannot_be_changed_in_the_admin(world, client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/batches/batch/add/").status_code == 403
    assert client.get("/admin/attachments/attachment/add/").status_code == 403


def _inline_prefix(page: str) -> str:
    import re

    found = re.search(r'name="([\w-]+)-TOTAL_FORMS"', page)
    return found.group(1) if found else "members"


def _inline(prefix: str) -> dict:
    return {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}


def test_adding_a_user_in_the_admin_needs_a_reason_and_names_the_administrator(world, client, superuser):
    from apps.accounts.models import User

    client.force_login(superuser)
    page = client.get("/admin/accounts/user/add/")
    assert page.status_code == 200 and 'name="password1"' in page.content.decode()
    data = {"username": "new-inspector", "name": "新检查员", "email": "n@example.cn",
            "organization": world.client_org.pk, "password1": "Xk3-long-enough-pass", "password2": "Xk3-long-enough-pass"}
    assert client.post("/admin/accounts/user/add/", data).status_code == 200  # no reason: refused
    assert not User.objects.filter(username="new-inspector").exists()
    done = client.post("/admin/accounts/user/add/", {**data, "change_reason": "新入职"})
    assert done.status_code == 302
    row = User.objects.get(username="new-inspector").history.get()
    assert (row.history_user, row.history_change_reason) == (superuser, "新入职")


def test_a_history_page_link_that_is_not_a_version_is_404_not_500(world, client, superuser):
    client.force_login(superuser)
    row = world.lead.history.first()
    assert client.get(f"/admin/accounts/user/{world.lead.pk}/history/{row.history_id}/").status_code == 200
    assert client.get(f"/admin/accounts/user/{world.lead.pk}/history/password/").status_code == 404
