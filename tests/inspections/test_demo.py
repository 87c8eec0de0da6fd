from __future__ import annotations

import pytest

from apps.demo.steps import inspections as demo
from apps.inspections.models import KeyNodeCheck, LedgerEntry, Patrol

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("complete, patrols, checks", [(True, 3, 2), (False, 1, 0)])
def test_demo_loads(impl, complete, patrols, checks):
    demo.load(project=impl.project, users={"client_lead": impl.lead, "client_inspector": impl.inspector},
              complete=complete)
    assert Patrol.objects.count() == patrols and KeyNodeCheck.objects.count() == checks
    assert LedgerEntry.objects.count() == patrols + checks
    assert impl.project.check_items.count() == 10
