from __future__ import annotations

from decimal import Decimal

import pytest

from apps.core.errors import DomainError, PermissionDenied
from apps.inspections import services
from apps.inspections.models import CheckItem, DefectType
from apps.projects.models import Project

pytestmark = pytest.mark.django_db


def test_ensure_catalogue_copies_the_projects_service_types(world):
    services.catalogue_ensure(project=world.project)
    assert CheckItem.objects.filter(project=world.project).count() == 10
    assert set(CheckItem.objects.filter(project=world.project).values_list("service_type", flat=True)) == {
        "digitization"}
    # The 9 defects of §7.2.1 and the system's 图像分辨率不达标 for the dpi indicator.
    assert DefectType.objects.filter(project=world.project).count() == 10
    resolution = DefectType.objects.get(project=world.project, name="图像分辨率不达标")
    assert resolution.grade == "serious" and resolution.check_item.code == "DIG-01"
    missing_page = DefectType.objects.get(project=world.project, code="DIG-F1")
    assert missing_page.grade == "fatal" and missing_page.check_item.code == "DIG-03"
    assert CheckItem.history.filter(project_id=world.project.pk).count() == 10


def test_ensure_catalogue_is_idempotent_and_keeps_edits(world):
    services.catalogue_ensure(project=world.project)
    item = CheckItem.objects.get(project=world.project, code="DIG-01")
    services.check_item_update(item=item, user=world.lead, expected_version=item.version, min_value="400")
    services.catalogue_ensure(project=world.project)
    assert CheckItem.objects.filter(project=world.project).count() == 10
    assert CheckItem.objects.get(pk=item.pk).min_value == 400


def test_a_service_type_added_later_gets_its_rows(world):
    services.catalogue_ensure(project=world.project)
    Project.objects.filter(pk=world.project.pk).update(service_types=["digitization", "storage"])
    world.project.refresh_from_db()
    services.catalogue_ensure(project=world.project)
    assert CheckItem.objects.filter(project=world.project, service_type="storage").count() == 10
    # 8 defects of §7.2.3 and 4 indicator defects (humidity, retrieval, drills, CCTV).
    assert DefectType.objects.filter(project=world.project, service_type="storage").count() == 12


def _item(world, code):
    services.catalogue_ensure(project=world.project)
    return CheckItem.objects.get(project=world.project, code=code)


def test_judge_numeric_items(world):
    dpi, skew, border = _item(world, "DIG-01"), _item(world, "DIG-02"), _item(world, "DIG-05")
    assert services.judge(dpi, 300) is True
    assert services.judge(dpi, "299.9") is False
    assert services.judge(dpi, Decimal("600")) is True
    assert services.judge(skew, "-0.8") is True  # magnitude
    assert services.judge(skew, -1.2) is False
    assert services.judge(skew, 1) is True
    assert services.judge(border, 3.5) is False


def test_judge_is_none_for_items_that_are_not_numeric(world):
    assert services.judge(_item(world, "DIG-04"), 5) is None


@pytest.mark.parametrize("bad", ["abc", "", None, True, "nan", "1e30", [1]])
def test_judge_refuses_values_that_are_not_numbers(world, bad):
    with pytest.raises(DomainError, match="must be a number|is required"):
        services.judge(_item(world, "DIG-01"), bad)


def test_judge_measurements(world):
    results = services.judge_measurements(world.project, "digitization", {"dpi": "280", "skew_deg": 0.5,
                                                                          "border_mm": ""})
    assert [(i.code, v, ok) for i, v, ok in results] == [("DIG-01", Decimal("280"), False),
                                                          ("DIG-02", Decimal("0.5"), True)]


def test_judge_measurements_storage_range(world):
    Project.objects.filter(pk=world.project.pk).update(service_types=["storage"])
    world.project.refresh_from_db()
    results = services.judge_measurements(world.project, "storage", {"temperature_c": 25, "humidity_pct": 50})
    assert {i.metric: ok for i, _v, ok in results} == {"temperature_c": False, "humidity_pct": True}


def test_judge_measurements_skips_inactive_items(world):
    item = _item(world, "DIG-01")
    services.check_item_update(item=item, user=world.lead, expected_version=item.version, active=False)
    assert services.judge_measurements(world.project, "digitization", {"dpi": 100}) == []


@pytest.mark.parametrize("measurements, message", [
    ({"weight": 3}, "Unknown measured quantity"),
    ({"dpi": "high"}, "must be a number"),
    ("dpi=300", "quantity: value"),
])
def test_judge_measurements_bad_input(world, measurements, message):
    with pytest.raises(DomainError, match=message):
        services.judge_measurements(world.project, "digitization", measurements)


def test_client_lead_edits_a_check_item_with_history(world):
    item = _item(world, "DIG-01")
    item = services.check_item_update(item=item, user=world.lead, expected_version=item.version,
                                      requirement="≥400dpi（合同约定）", min_value="400", reason="合同约定400dpi")
    assert item.version == 2 and item.min_value == 400
    last = item.history.first()
    assert last.history_user == world.lead and last.history_change_reason == "合同约定400dpi"


def test_stale_version_is_refused(world):
    item = _item(world, "DIG-01")
    services.check_item_update(item=item, user=world.lead, expected_version=item.version, min_value="400")
    with pytest.raises(DomainError) as exc:
        services.check_item_update(item=item, user=world.lead, expected_version=1, min_value="200")
    assert exc.value.code == "stale"
    assert CheckItem.objects.get(pk=item.pk).min_value == 400


@pytest.mark.parametrize("fields, message", [
    ({"min_value": "500", "max_value": "100"}, "greater than the maximum"),
    ({"metric": ""}, "Limits need a measured quantity"),
    ({"min_value": "", "max_value": ""}, "needs a minimum or a maximum"),
    ({"metric": "weight"}, "Unknown measured quantity"),
    ({"name": ""}, "is required"),
    ({"requirement": "x" * 501}, "too long"),
    ({"code": "X"}, "cannot be changed"),
])
def test_bad_edits_change_nothing(world, fields, message):
    item = _item(world, "DIG-01")
    with pytest.raises(DomainError, match=message):
        services.check_item_update(item=item, user=world.lead, expected_version=item.version, **fields)
    fresh = CheckItem.objects.get(pk=item.pk)
    assert (fresh.version, fresh.min_value, fresh.name) == (1, 300, "图像分辨率")


@pytest.mark.parametrize("who", ["inspector", "pm", "special", "regulator", "outsider"])
def test_only_the_client_lead_edits_the_catalogue(world, who):
    item = _item(world, "DIG-01")
    with pytest.raises(PermissionDenied):
        services.check_item_update(item=item, user=getattr(world, who), expected_version=1, min_value="400")
    with pytest.raises(PermissionDenied):
        services.check_item_create(project=world.project, user=getattr(world, who), service_type="digitization",
                                   code="C-1", name="x", requirement="y", method="抽检")


def test_custom_check_item_and_defect(world):
    services.catalogue_ensure(project=world.project)
    item = services.check_item_create(project=world.project, user=world.lead, service_type="digitization",
                                      code="DIG-X1", name="双层PDF", requirement="文字层可检索", method="程序校验")
    assert item.order == 11 and item.template is None
    defect = services.defect_type_create(project=world.project, user=world.lead, service_type="digitization",
                                         code="DIG-XG1", name="文字层缺失", grade="general", check_item=item.pk)
    assert defect.check_item == item
    with pytest.raises(DomainError, match="already used"):
        services.check_item_create(project=world.project, user=world.lead, service_type="digitization",
                                   code="DIG-X1", name="a", requirement="b", method="c")
    with pytest.raises(DomainError, match="reserved"):
        services.check_item_create(project=world.project, user=world.lead, service_type="digitization",
                                   code="STO-01", name="a", requirement="b", method="c")
    with pytest.raises(DomainError, match="project's service types"):
        services.check_item_create(project=world.project, user=world.lead, service_type="storage",
                                   code="S-1", name="a", requirement="b", method="c")


def test_defect_grade_can_follow_the_contract(world):
    services.catalogue_ensure(project=world.project)
    defect = DefectType.objects.get(project=world.project, code="DIG-G2")
    defect = services.defect_type_update(defect=defect, user=world.lead, expected_version=1, grade="serious")
    assert defect.grade == "serious" and defect.version == 2
    with pytest.raises(DomainError, match="Choose the grade"):
        services.defect_type_update(defect=defect, user=world.lead, expected_version=2, grade="minor")
    with pytest.raises(DomainError, match="check item of this project"):
        services.defect_type_update(defect=defect, user=world.lead, expected_version=2, check_item=999999)
