from __future__ import annotations

import pytest

from apps.demo.steps import lot_inspection as demo
from apps.lot_inspection.models import LotInspection

from .builders import submitted_batch

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("complete", [True, False])
def test_demo_loads(w, complete):
    submitted_batch(w, items=300)
    demo.load(project=w.project, users={"client_inspector": w.inspector, "client_lead": w.lead}, complete=complete)
    inspection = LotInspection.objects.get()
    assert inspection.status == ("decided" if complete else "open")
    if complete:
        assert inspection.defective_count == 2


def test_demo_without_submitted_batch_does_nothing(w):
    demo.load(project=w.project, users={"client_inspector": w.inspector, "client_lead": w.lead}, complete=True)
    assert not LotInspection.objects.exists()
