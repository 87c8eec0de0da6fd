"""The contractor learns nothing of an open sample (§5.2.1): not its seed (which reproduces the
draw), nor the defects found so far on the project's history tab; both show once decided."""

import pytest

from apps.lot_inspection.rows import RowInput

from .builders import all_conforming, open_for, submitted_batch

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(w):
    inspection = open_for(w, submitted_batch(w, items=50))
    item = inspection.items.order_by("position").first()
    from apps.inspections.models import DefectType
    from apps.lot_inspection import services

    code = DefectType.objects.filter(project=w.project, service_type=inspection.service_type, grade="general") \
        .values_list("code", flat=True).first()
    services.lot_inspection_results_record(
        inspection=inspection, user=w.inspector,
        rows=[RowInput(label="1", item_id=item.pk, result="defective", defects=[code], note="右下角缺字（样本1）")])
    return inspection


def test_the_contractor_sees_no_seed_while_open(w, login, api, opened):
    seed = str(opened.seed)
    assert seed in login(w.inspector).get(f"/lot-inspection/{opened.pk}/").content.decode()
    assert seed not in login(w.pm).get(f"/lot-inspection/{opened.pk}/").content.decode()
    url = f"/api/v1/projects/{w.project.pk}/lot-inspections/{opened.pk}/"
    assert api(w.pm).get(url).json()["seed"] is None
    assert api(w.inspector).get(url).json()["seed"] == opened.seed


def test_the_history_tab_shows_an_open_inspection_only_once_decided(w, login, opened):
    from apps.lot_inspection import services

    history = f"/projects/{w.project.pk}/?tab=history"
    page = login(w.pm).get(history).content.decode()
    assert str(opened.seed) not in page and "右下角缺字（样本1）" not in page
    all_conforming(opened, w.inspector, except_positions={opened.items.order_by("position").first().position: None})
    services.lot_inspection_decide(inspection=opened, user=w.lead)
    page = login(w.pm).get(history).content.decode()
    assert str(opened.seed) in page

