"""Every change is in the history: who, when, old → new, and why."""

import pytest

from apps.core.history import delete_with_history, history_context
from apps.projects import services
from apps.projects.models import GateAttestation, Project
from tests.factories import suspension_ground

pytestmark = pytest.mark.django_db


def test_create_records_user_and_reason(world):
    created = world.project.history.earliest()
    assert created.history_type == "+"
    assert created.history_user == world.lead
    assert created.history_change_reason


def test_update_records_old_and_new_values(world):
    old_name = world.project.name
    services.project_update(project=world.project, user=world.lead, expected_version=world.project.version,
                            reason="合同补充协议", name="改名后的项目")
    latest = world.project.history.first()
    assert latest.history_type == "~" and latest.history_user == world.lead
    assert latest.history_change_reason == "合同补充协议"
    delta = latest.diff_against(latest.prev_record)
    change = next(c for c in delta.changes if c.field == "name")
    assert (change.old, change.new) == (old_name, "改名后的项目")


def test_delete_records_user_and_reason(world):
    attestation = services.gate_attest(project=world.project, user=world.lead, gate="plan_approved", reference="纸")
    pk = attestation.pk
    with history_context(user=world.lead):
        delete_with_history(attestation, reason="录入错误")
    row = GateAttestation.history.filter(id=pk, history_type="-").get()
    assert row.history_user == world.lead and row.history_change_reason == "录入错误"


def test_request_records_client_ip(world, login):
    c = login(world.lead)
    suspension_ground(world.project)
    c.post(f"/projects/{world.project.pk}/suspend/", {"reason": "检查"}, REMOTE_ADDR="10.1.2.3")
    row = Project.history.filter(id=world.project.pk).first()
    assert row.history_ip == "10.1.2.3" and row.history_user == world.lead and "检查" in row.history_change_reason


def test_history_tab_shows_who_what_and_why(world, login):
    suspension_ground(world.project)
    services.project_suspend(project=world.project, user=world.lead, reason="拒不整改")
    response = login(world.inspector).get(f"/projects/{world.project.pk}/?tab=history")
    body = response.content.decode()
    assert response.status_code == 200
    assert "拒不整改" in body and "王建国" in body
    assert "暂停" in body  # new value of the phase
    assert "陈志强" in body  # member rows are part of the project's history


def test_history_tab_query_count_does_not_grow_with_rows(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = login(world.lead)

    def queries_after(n):
        for i in range(n):
            services.project_update(project=world.project, user=world.lead,
                                    expected_version=Project.objects.get(pk=world.project.pk).version, name=f"名称{n}{i}")
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(f"/projects/{world.project.pk}/?tab=history").status_code == 200
        return len(ctx.captured_queries)

    # One query per history source (each app registers its own), none per row.
    assert queries_after(3) == queries_after(15)
