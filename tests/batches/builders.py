"""Helpers that drive batches through the services."""

from __future__ import annotations

from django.utils import timezone

from apps.batches import services
from apps.projects.enums import Phase
from apps.projects.models import Project
from apps.teams.enums import FilingStatus
from apps.teams.models import StaffFiling
from tests.first_article.builders import sign_both, submit, verify_pass


def put_in_implementation(world) -> None:
    verification = verify_pass(submit(world), world.inspector)
    sign_both(verification, world)
    Project.objects.filter(pk=world.project.pk).update(phase=Phase.IMPLEMENTATION)
    world.project.refresh_from_db()


def file_staff(world, people=("pm", "special", "operator")) -> None:
    from apps.projects.models import ProjectMember

    for name in people:
        user = getattr(world, name)
        role = ProjectMember.objects.filter(project=world.project, user=user, is_active=True).values_list(
            "role", flat=True).first()
        StaffFiling.objects.create(project=world.project, person=user, role=role, status=FilingStatus.APPROVED,
                                   submitted_by=world.pm, decided_by=world.lead, decided_at=timezone.now(),
                                   no_criminal_record=True)


def add_operator(world, username="operator2", name="吴磊"):
    """A second filed operator (for mutual checks)."""
    from apps.accounts.enums import ProjectRole
    from apps.projects.services import member_add
    from tests.factories import UserFactory

    user = UserFactory(username=username, name=name, organization=world.contractor)
    member_add(project=world.project, actor=world.lead, user=user, role=ProjectRole.CONTRACTOR_OPERATOR)
    StaffFiling.objects.create(project=world.project, person=user, role=ProjectRole.CONTRACTOR_OPERATOR,
                               status=FilingStatus.APPROVED, submitted_by=world.pm, decided_by=world.lead,
                               decided_at=timezone.now(), no_criminal_record=True)
    return user


ROWS = [{"archive_code": f"J001-WS-1950-{i:04d}", "title": f"关于档案工作的通知{i}", "pages": 3,
         "file_name": f"J001-WS-1950-{i:04d}.pdf"} for i in range(1, 11)]


def draft(world, user=None, *, items=True, quantity=0, **overrides):
    kwargs = dict(service_type="digitization", unit="item", description="全宗J001 1950年文书档案")
    kwargs.update(overrides)
    batch = services.batch_create(project=world.project, user=user or world.pm, quantity=quantity, **kwargs)
    if items:
        batch = services.batch_items_replace(batch=batch, user=user or world.pm, rows=[dict(r) for r in ROWS])
    return batch


def special_pass(batch, world, **overrides):
    kwargs = dict(date=timezone.localdate(), checked_count=batch.quantity or 1, conclusion="passed")
    kwargs.update(overrides)
    return services.special_inspection_record(batch=batch, user=world.special, **kwargs)


def submitted(world, **overrides):
    batch = draft(world, **overrides)
    special_pass(batch, world)
    return services.batch_submit(batch=batch, user=world.pm)


def under_inspection(world):
    return services.batch_inspection_start(batch=submitted(world), user=world.inspector)


def not_accepted(world):
    return services.batch_decision_record(batch=under_inspection(world), accepted=False, user=world.inspector)


