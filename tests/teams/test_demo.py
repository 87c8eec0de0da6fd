import pytest

from apps.demo.steps import disclosure as disclosure_demo
from apps.demo.steps import teams as teams_demo
from apps.disclosure.selectors import is_signed_by_both, latest_disclosure, signing_problems
from apps.projects.gates import registry
from apps.teams.enums import FilingStatus
from apps.teams.models import StaffFiling


def _users(world):
    for u in (world.lead, world.inspector, world.acceptance, world.pm, world.special, world.operator, world.security):
        u.set_password("Demo-2026-archqa")
        u.save()
    return {"client_lead": world.lead, "client_inspector": world.inspector, "acceptance_member": world.acceptance,
            "expert": None, "contractor_pm": world.pm, "special_inspector": world.special,
            "operator": world.operator, "security_officer": world.security, "regulator": world.regulator}


@pytest.mark.parametrize("complete", [True, False])
def test_demo_loads(world, complete):
    users = _users(world)
    teams_demo.load(project=world.project, users=users, complete=complete)
    disclosure_demo.load(project=world.project, users=users, complete=complete)
    approved = StaffFiling.objects.filter(status=FilingStatus.APPROVED).count()
    assert approved == (4 if complete else 0)
    assert registry.get("disclosure_signed").check(world.project) is complete
    d = latest_disclosure(world.project)
    assert is_signed_by_both(d) is complete
    if not complete:
        assert len(signing_problems(d)) == 2
