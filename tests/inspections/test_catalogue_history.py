"""The catalogue is written when the project is created or its service types change, attributed in
the history (the acting user and the reason), and never by a page or endpoint that only reads."""

import importlib

import pytest
from django.apps import apps as django_apps

from apps.core.history import SYSTEM_ACCOUNT_USERNAME, history_context
from apps.inspections.models import CheckItem, DefectType
from apps.inspections.services import catalogue_ensure
from apps.projects import services as project_services

pytestmark = pytest.mark.django_db


def _rows(model, project):
    return model.history.filter(project_id=project.pk)


def test_creating_a_project_copies_its_catalogue_as_the_creator(world):
    assert CheckItem.objects.filter(project=world.project).count() == 10
    assert DefectType.objects.filter(project=world.project).count() == 10
    for model in (CheckItem, DefectType):
        rows = _rows(model, world.project)
        assert set(rows.values_list("history_user", flat=True)) == {world.lead.pk}
        reasons = set(rows.values_list("history_change_reason", flat=True))
        assert len(reasons) == 1 and all(reasons)


def test_adding_a_service_type_copies_its_rows_as_the_editor(world):
    project_services.project_update(project=world.project, user=world.lead, expected_version=world.project.version,
                                    service_types=["digitization", "storage"], reason="合同补充协议")
    storage = CheckItem.objects.filter(project=world.project, service_type="storage")
    assert storage.count() == 10
    assert set(CheckItem.history.filter(id__in=storage.values("id")).values_list("history_user", flat=True)) == {
        world.lead.pk}


def test_reading_the_catalogue_writes_nothing(world, login):
    CheckItem.objects.filter(project=world.project).delete()
    DefectType.objects.filter(project=world.project).delete()
    before = CheckItem.history.count() + DefectType.history.count()
    page = login(world.pm).get(f"/inspections/projects/{world.project.pk}/catalogue/")
    assert page.status_code == 200
    api = login(world.pm).get(f"/api/v1/projects/{world.project.pk}/check-items/")
    assert api.status_code == 200 and api.json()["count"] == 0
    assert not CheckItem.objects.filter(project=world.project).exists()
    assert CheckItem.history.count() + DefectType.history.count() == before


def test_the_migration_copies_the_catalogue_of_existing_projects_as_the_system_account(world):
    DefectType.objects.filter(project=world.project).delete()
    CheckItem.objects.filter(project=world.project).delete()
    migration = importlib.import_module("apps.inspections.migrations.0005_catalogue_for_existing_projects")
    migration.copy(django_apps, None)
    assert CheckItem.objects.filter(project=world.project).count() == 10
    new = DefectType.history.filter(project_id=world.project.pk, history_change_reason=migration.REASON)
    assert new.count() == 10
    assert {r.history_user.username for r in new} == {SYSTEM_ACCOUNT_USERNAME}
    assert DefectType.objects.get(project=world.project, code="DIG-F1").check_item.code == "DIG-03"
    migration.copy(django_apps, None)  # idempotent
    assert CheckItem.objects.filter(project=world.project).count() == 10


def test_catalogue_rows_written_without_a_user_name_the_system_account(world):
    CheckItem.objects.filter(project=world.project).delete()
    last = CheckItem.history.order_by("-history_id").values_list("history_id", flat=True).first()
    with history_context(reason="定时任务"):
        catalogue_ensure(project=world.project)
    rows = CheckItem.history.filter(project_id=world.project.pk, history_id__gt=last)
    assert rows.count() == 10
    assert {r.history_user.username for r in rows} == {SYSTEM_ACCOUNT_USERNAME}
