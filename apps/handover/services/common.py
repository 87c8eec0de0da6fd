"""What the handover services share: the people to tell, the list's lock and state check, saving
with a history reason, and the cleaned fields of an item."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError
from apps.core.forms import MAX_INT
from apps.core.history import save_with_history
from apps.core.locking import lock
from apps.core.text import clean_line
from apps.projects.models import Project, ProjectMember

from ..enums import HandoverState, LineKind, Medium
from ..models import LINE_MAX, Handover, HandoverLine

KIND = "handover"  # the kind of every notification of the handover
DEADLINE_KIND = "handover"  # apps.deadlines.enums.DeadlineKind.HANDOVER


def people(project: Project, roles: Iterable[str], *, client: bool) -> list:
    org_id = project.client_id if client else project.contractor_id
    rows = (ProjectMember.objects.filter(project=project, is_active=True, role__in=list(roles), user__is_active=True,
                                         user__organization_id=org_id).select_related("user").order_by("pk"))
    return list({m.user_id: m.user for m in rows}.values())


def client_staff(project: Project) -> list:
    return people(project, [ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR], client=True)


def client_lead(project: Project) -> list:
    return people(project, [ProjectRole.CLIENT_LEAD], client=True)


def contractor_pm(project: Project) -> list:
    return people(project, [ProjectRole.CONTRACTOR_PM], client=False)


def lock_handover(handover: Handover, *, expected_version: int | None = None) -> Handover:
    return lock(handover, expected_version=expected_version, related=("project",),
                message=_("Someone else changed this handover list after you opened it. Reload the page and try "
                          "again."))


def lock_line(line: HandoverLine, *, expected_version: int | None = None) -> HandoverLine:
    return lock(line, expected_version=expected_version,
                message=_("Someone else changed this item after you opened it. Reload the page and try again."))


def check_state(handover: Handover, states: Iterable[str]) -> None:
    if handover.state not in set(states):
        raise DomainError(_("The handover list is %(state)s; that step is not possible now.")
                          % {"state": handover.get_state_display()}, code="illegal_transition")


def save_handover(handover: Handover, *, reason: str, fields: list[str]) -> None:
    handover.version += 1
    save_with_history(handover, reason=reason, update_fields=[*fields, "version", "updated_at"])


def save_line(line: HandoverLine, *, reason: str, fields: list[str]) -> None:
    line.version += 1
    save_with_history(line, reason=reason, update_fields=[*fields, "version", "updated_at"])


def clean_item(*, kind, description, quantity, unit, medium, note) -> dict:
    """An item's fields, cleaned (or refused naming the field)."""
    if kind not in LineKind.values:
        raise DomainError(_("The kind of item: choose one of the listed values."), field="kind")
    if medium not in Medium.values:
        raise DomainError(_("The medium: choose one of the listed values."), field="medium")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        try:
            quantity = int(str(quantity).strip())
        except (TypeError, ValueError):
            raise DomainError(_("The quantity must be a whole number."), field="quantity") from None
    if not 1 <= quantity <= MAX_INT:
        raise DomainError(_("The quantity must be at least 1."), field="quantity")
    note = clean_line(note, field="note", label=_("The remarks"), required=False, max_length=LINE_MAX)
    if medium == Medium.OTHER and not note:
        raise DomainError(_("Name the medium in the remarks when it is “other”."), field="note")
    return {
        "kind": kind, "medium": medium, "quantity": quantity, "note": note,
        "description": clean_line(description, field="description", label=_("What is handed over"),
                                  max_length=LINE_MAX),
        "unit": clean_line(unit, field="unit", label=_("The unit"), max_length=20),
    }


EDITABLE = (HandoverState.DRAFT, HandoverState.RETURNED)
