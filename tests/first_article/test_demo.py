from __future__ import annotations

import pytest

from apps.demo.steps import first_article as demo
from apps.first_article.enums import ContactSheetState, VerificationStatus
from apps.first_article.selectors import first_article_passed, latest_verification

pytestmark = pytest.mark.django_db


def _users(world) -> dict:
    users = {"client_lead": world.lead, "client_inspector": world.inspector, "acceptance_member": world.acceptance,
             "contractor_pm": world.pm, "special_inspector": world.special, "operator": world.operator,
             "security_officer": world.security, "regulator": world.regulator}
    for user in users.values():
        user.set_password(demo.DEMO_PASSWORD)
        user.save()
    return users


def test_demo_complete_meets_the_gate(world):
    demo.load(project=world.project, users=_users(world), complete=True)
    latest = latest_verification(world.project)
    assert latest.round_no == 2 and latest.is_baseline
    assert first_article_passed(world.project)


def test_demo_stuck_has_an_open_contact_sheet(world):
    demo.load(project=world.project, users=_users(world), complete=False)
    latest = latest_verification(world.project)
    assert latest.status == VerificationStatus.FAILED
    assert latest.contact_sheet.state == ContactSheetState.OPEN
    assert not first_article_passed(world.project)
