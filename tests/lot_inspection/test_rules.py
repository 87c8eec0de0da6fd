"""The lot inspection's rules (apps/lot_inspection/rules.py): who may see the sample and the
evidence of a defect, who may attach evidence, and the state rule of the entry pages."""

from __future__ import annotations

import pytest

from apps.attachments import registry
from apps.core.permissions import allowed
from apps.lot_inspection import services
from apps.lot_inspection.models import ItemDefect

from .builders import all_conforming, open_for

pytestmark = pytest.mark.django_db


def test_evidence_of_a_defect_follows_the_inspection(w):
    inspection = open_for(w, items=40)
    first = inspection.items.order_by("position").first()
    all_conforming(inspection, w.inspector, except_positions={first.position: ["DIG-G1"]})
    defect = ItemDefect.objects.get()
    assert registry.may_add_to(w.inspector, defect) and registry.may_add_to(w.lead, defect)
    assert not registry.may_add_to(w.pm, defect)
    assert registry.may_download_from(w.regulator, defect) and not registry.may_download_from(w.pm, defect)
    assert allowed("lot_inspection.inspection_is_open", w.inspector, inspection)
    services.lot_inspection_decide(inspection=inspection, user=w.lead)
    defect = ItemDefect.objects.get()
    assert not registry.may_add_to(w.inspector, defect)
    assert registry.may_download_from(w.pm, defect)
    inspection.refresh_from_db()
    assert not allowed("lot_inspection.inspection_is_open", w.inspector, inspection)
    assert allowed("lot_inspection.may_see_lot_sample", w.pm, inspection)


def test_decided_inspection_entry_pages_send_back_with_the_rule_sentence(w, login):
    inspection = open_for(w, items=20)
    all_conforming(inspection, w.inspector)
    services.lot_inspection_decide(inspection=inspection, user=w.inspector)
    client = login(w.inspector)
    for page in ("entry", "import"):
        response = client.get(f"/lot-inspection/{inspection.pk}/{page}/", follow=True)
        assert "its results can no longer be changed" in response.content.decode(), page


def test_contractor_is_refused_the_sample_csv_with_the_sentence(w, login):
    inspection = open_for(w, items=20)
    response = login(w.pm).get(f"/lot-inspection/{inspection.pk}/sample.csv")
    assert response.status_code == 403
    assert "once the inspection is decided" in response.content.decode()
