"""Breaches of contract (违约, §5.2.3 追究违约责任): recorded by the client lead with the ground, the
description, the date and evidence files; withdrawn only with a reason (kept in the history).
A breach that stands counts against the contractor in its performance record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.attachments.enums import AttachmentKind
from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.projects.enums import Phase
from apps.projects.models import Project

from ..enums import BreachGround, BreachState
from ..models import COMMENT_MAX, REFERENCE_MAX, TEXT_MAX, Breach
from .common import CONTRACTOR_PM, choice, past_date, people


def breach_record(*, project: Project, user, ground: str, description: str, occurred_on: dt.date,
                  reference: str = "", files=()) -> Breach:
    """The client lead holds the contractor in breach (§5.2.3), with the evidence files."""
    from apps.attachments.services import attachment_add

    require("evaluation.may_record_breach", user, project)
    ground = choice(ground, BreachGround, field="ground", label=_("the ground"))
    description = clean_text(description, field="description", label=_("The description"), max_length=TEXT_MAX)
    occurred_on = past_date(occurred_on, field="occurred_on", label=_("The date of the breach"),
                            earliest=project.contract_signed_on)
    reference = clean_line(reference, field="reference", label=_("The related record"), required=False,
                           max_length=REFERENCE_MAX)
    with transaction.atomic(), history_context(user=user, reason=_("Breach of contract recorded")):
        locked = lock(project)
        if locked.phase == Phase.CLOSED:
            raise DomainError(_("The project is closed."), code="illegal_transition")
        number = (Breach.objects.filter(project=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        breach = Breach.objects.create(project=locked, contractor_id=locked.contractor_id, number=number,
                                       ground=ground, description=description, occurred_on=occurred_on,
                                       reference=reference, recorded_by=user)
        for uploaded in files or ():
            attachment_add(record=breach, project=locked, user=user, uploaded_file=uploaded,
                           kind=AttachmentKind.EVIDENCE)
        notify(recipients=people(locked, CONTRACTOR_PM), key=f"evaluation:breach:{breach.pk}:recorded",
               title=_("%(breach)s recorded against you: %(ground)s") % {
                   "breach": breach, "ground": breach.get_ground_display()},
               body=description, link=breach.get_absolute_url(), project=locked, kind="evaluation")
    return breach


def breach_withdraw(*, breach: Breach, user, reason: str, expected_version: int | None = None) -> Breach:
    """Only with a reason; the breach stays in the history and no longer counts."""
    require("evaluation.may_withdraw_breach", user, breach)
    reason = clean_text(reason, field="reason", label=_("The reason for withdrawing"), max_length=COMMENT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = lock(breach, expected_version=expected_version, related=("project",))
        if locked.state != BreachState.RECORDED:
            raise DomainError(_("This breach has already been withdrawn."), code="illegal_transition")
        locked.state = BreachState.WITHDRAWN
        locked.withdraw_reason = reason
        locked.withdrawn_by, locked.withdrawn_at = user, timezone.now()
        locked.version += 1
        save_with_history(locked, reason=_("Breach withdrawn: %(r)s") % {"r": reason},
                          update_fields=["state", "withdraw_reason", "withdrawn_by", "withdrawn_at", "version",
                                         "updated_at"])
        notify(recipients=people(locked.project, CONTRACTOR_PM), key=f"evaluation:breach:{locked.pk}:withdrawn",
               title=_("%(breach)s withdrawn") % {"breach": locked}, body=reason,
               link=locked.get_absolute_url(), project=locked.project, kind="evaluation")
    return locked
