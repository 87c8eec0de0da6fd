from __future__ import annotations

import pytest

from apps.batches.enums import BatchStatus
from apps.batches.models import Batch, SelfCheck, SpecialInspection
from apps.demo.steps import batches as demo

pytestmark = pytest.mark.django_db


def _users(w):
    return {"contractor_pm": w.pm, "special_inspector": w.special, "operator": w.operator,
            "client_inspector": w.inspector, "client_lead": w.lead}


def test_demo_complete(ready):
    demo.load(project=ready.project, users=_users(ready), complete=True)
    statuses = list(Batch.objects.order_by("number").values_list("status", flat=True))
    assert statuses == [BatchStatus.SUBMITTED, BatchStatus.SUBMITTED, BatchStatus.DRAFT]
    assert SelfCheck.objects.count() == 5 and SpecialInspection.objects.count() == 3
    assert Batch.objects.get(number=3).items.filter(contractor_passed=False).count() == 2


def test_demo_incomplete(ready):
    demo.load(project=ready.project, users=_users(ready), complete=False)
    assert Batch.objects.get().status == BatchStatus.DRAFT


def test_demo_in_preparation_without_filings(world):
    demo.load(project=world.project, users=_users(world), complete=True)
    assert set(Batch.objects.values_list("status", flat=True)) == {BatchStatus.DRAFT}
    assert not SelfCheck.objects.exists()
