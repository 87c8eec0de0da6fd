"""demo.load builds a complete and a stuck qualification review and plan for one project."""

import pytest

from apps.demo.steps import plans as plans_demo
from apps.demo.steps import qualification as demo
from apps.plans.selectors import plan_is_approved
from apps.qualification.enums import ReviewStatus
from apps.qualification.selectors import qualification_is_approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users(world, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_PASSWORD", "correct-horse-battery")
    monkeypatch.setattr(plans_demo, "DEMO_PASSWORD", "correct-horse-battery")
    return {"client_lead": world.lead, "client_inspector": world.inspector, "acceptance_member": world.acceptance,
            "contractor_pm": world.pm, "special_inspector": world.special, "operator": world.operator,
            "security_officer": world.security, "regulator": world.regulator}


def test_complete(world, demo_users):
    demo.load(project=world.project, users=demo_users, complete=True)
    plans_demo.load(project=world.project, users=demo_users, complete=True)
    assert qualification_is_approved(world.project) and plan_is_approved(world.project)
    demo.load(project=world.project, users=demo_users, complete=True)  # idempotent
    assert world.project.qualification_reviews.count() == 1


def test_stuck(world, demo_users):
    demo.load(project=world.project, users=demo_users, complete=False)
    plans_demo.load(project=world.project, users=demo_users, complete=False)
    assert not qualification_is_approved(world.project) and not plan_is_approved(world.project)
    statuses = list(world.project.qualification_reviews.order_by("round_no").values_list("status", flat=True))
    assert statuses == [ReviewStatus.REJECTED, ReviewStatus.SUBMITTED]
    assert world.project.plan_versions.count() == 2
