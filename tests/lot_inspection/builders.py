"""Helpers: a project in implementation and submitted batches built directly (the batches app's
own submission rules — first article, special inspection — are tested there)."""

from __future__ import annotations

from django.utils import timezone

from apps.batches.enums import BatchStatus
from apps.batches.models import Batch, BatchItem
from apps.lot_inspection import services
from apps.lot_inspection.rows import RowInput
from apps.projects.enums import Phase
from apps.projects.models import Project


def in_implementation(project) -> None:
    Project.objects.filter(pk=project.pk).update(phase=Phase.IMPLEMENTATION)
    project.refresh_from_db()


_numbers: dict[int, int] = {}


def submitted_batch(world, *, items: int = 200, quantity: int | None = None, service_type: str = "digitization",
                    resubmission_of=None, failed_positions=()) -> Batch:
    project = world.project
    number = (Batch.objects.filter(project=project).order_by("-number").values_list("number", flat=True).first()
              or 0) + 1
    batch = Batch.objects.create(
        project=project, service_type=service_type, number=number, quantity=items or quantity or 0,
        status=BatchStatus.SUBMITTED, submitted_at=timezone.now(), submitted_by=world.pm, created_by=world.pm,
        resubmission_of=resubmission_of)
    if items:
        BatchItem.objects.bulk_create([
            BatchItem(batch=batch, position=p, archive_code=f"J001-{number:02d}-{p:05d}", title=f"文件{p}",
                      pages=3, file_name=f"J001-{number:02d}-{p:05d}.pdf", contractor_passed=p not in failed_positions)
            for p in range(1, items + 1)])
    return batch


def open_for(world, batch=None, user=None, **kwargs):
    batch = batch or submitted_batch(world, **kwargs)
    return services.lot_inspection_open(batch=batch, user=user or world.inspector)


def all_conforming(inspection, user, *, except_positions: dict | None = None):
    """Record every item conforming, except ``{position: [defect codes]}`` defective."""
    except_positions = except_positions or {}
    rows = []
    for item in inspection.items.order_by("position"):
        codes = except_positions.get(item.position)
        rows.append(RowInput(label=str(item.position), item_id=item.pk,
                             result="defective" if codes else "conforming", defects=list(codes or [])))
    return services.lot_inspection_results_record(inspection=inspection, user=user, rows=rows)


# ---------------------------------------------------------------- acceptance inspections

def accepted_batch(world, *, items: int = 30, quantity: int | None = None, service_type: str = "digitization"):
    """A batch submitted, sampled (all conforming) and accepted through the services."""
    batch = submitted_batch(world, items=items, quantity=quantity, service_type=service_type)
    inspection = services.lot_inspection_open(batch=batch, user=world.inspector)
    all_conforming(inspection, world.inspector)
    services.lot_inspection_decide(inspection=inspection, user=world.lead)
    batch.refresh_from_db()
    return batch


def in_acceptance(project) -> None:
    Project.objects.filter(pk=project.pk).update(phase=Phase.ACCEPTANCE)
    project.refresh_from_db()


def acceptance_for(world, *, service_type: str = "digitization", floor_rate=None, label: str = "第1轮验收 · 数字化",
                   user=None):
    return services.acceptance_inspection_open(project=world.project, user=user or world.lead,
                                               service_type=service_type, floor_rate=floor_rate, label=label)


def name_to_team(world, *people) -> None:
    """The client lead names ``people`` to the acceptance team (apps.acceptance)."""
    from apps.acceptance.services import team_member_add

    for person in people:
        team_member_add(project=world.project, user=world.lead, person=person)
