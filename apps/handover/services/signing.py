"""Both parties sign the confirmed handover list (§6.5.2 签字确认): the client's project lead and the
contractor's project manager, each re-entering the password (apps.signatures). The second valid
signature completes the handover: the list is handed over, the gate ``handover_confirmed`` is met
and the handover deadline (7 working days after the acceptance, Annex A) is met.

The deadline is opened when the acceptance passes (``hooks.acceptance_passed``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import Party
from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.core.notify import notify
from apps.core.permissions import require
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning

from .. import selectors
from ..enums import HandoverState
from ..models import Handover, signing_through_handover
from .common import (
    DEADLINE_KIND,
    KIND,
    check_state,
    client_lead,
    client_staff,
    contractor_pm,
    lock_handover,
    save_handover,
)

HANDOVER_WORKING_DAYS = 7  # Annex A 成果移交: 验收后7个工作日内


def handover_deadline_open(*, project: Project, user) -> None:
    """On ``hooks.acceptance_passed``: the handover is due 7 working days after the acceptance date
    on the official calendar (holidays and make-up days), reminded and escalated by the deadlines
    app; the contractor is responsible. Once per project."""
    from apps.deadlines.selectors import deadlines_for_record
    from apps.deadlines.services import deadline_create
    if project.accepted_on is None or deadlines_for_record(project).filter(kind=DEADLINE_KIND).exists():
        return
    pm = contractor_pm(project)
    deadline_create(record=project, project=project, kind=DEADLINE_KIND,
                    title=_("Handover of the results (移交清单), signed by both parties"),
                    base_date=project.accepted_on, amount=HANDOVER_WORKING_DAYS, counting="working_days",
                    responsible_org=project.contractor, responsible_user=pm[0] if pm else None, user=user)


def _party_of(handover: Handover, user) -> str:
    return Party.CLIENT if user.organization_id == handover.project.client_id else Party.CONTRACTOR


def _check_password(handover: Handover, user, password, party: str, request_ip) -> None:
    """With a wrong password nothing is signed; the signatures app records the failed attempt
    (outside the transaction of the signing, so that it stays) and refuses."""
    from apps.signatures.services import signature_sign

    if not isinstance(password, str) or not password:
        raise DomainError(_("Enter your password to sign."), field="password")
    if not user.check_password(password):
        signature_sign(record=handover, user=user, password=password, party=party,
                       meaning=SignatureMeaning.CONFIRM, request_ip=request_ip)
        raise DomainError(_("Wrong password: nothing was signed."), field="password", code="bad_password")


def handover_sign(*, handover: Handover, user, password: str, request_ip: str | None = None) -> Handover:
    """Sign the confirmed list for one's party (client lead: the client; contractor PM: the
    contractor). When both parties' signatures are there and valid, the results are handed over."""
    from apps.deadlines.services import deadlines_close_for_record
    from apps.signatures.services import signature_sign

    require("handover.may_sign", user, handover)
    party = _party_of(handover, user)
    token = signing_through_handover.set(True)
    try:
        check_state(handover, [HandoverState.CONFIRMED])
        _check_password(handover, user, password, party, request_ip)
        with transaction.atomic(), history_context(user=user):
            locked = lock_handover(handover)
            check_state(locked, [HandoverState.CONFIRMED])
            signature_sign(record=locked, user=user, password=password, party=party,
                           meaning=SignatureMeaning.CONFIRM, request_ip=request_ip)
            parties = selectors.signature_parties(locked)
            project = locked.project
            if not (parties[Party.CLIENT] and parties[Party.CONTRACTOR] and parties["all_valid"]):
                other = contractor_pm(project) if party == Party.CLIENT else client_lead(project)
                notify(recipients=other, key=f"handover:{locked.pk}:signed:{party}",
                       title=_("The handover list is signed by %(name)s: please sign it too (%(project)s)")
                       % {"name": user.get_full_name() or user.get_username(), "project": project.name},
                       link=locked.get_absolute_url(), project=project, kind=KIND)
                return locked
            locked.state, locked.signed_at = HandoverState.SIGNED, timezone.now()
            save_handover(locked, reason=_("Signed by both parties: the results are handed over"),
                          fields=["state", "signed_at"])
            deadlines_close_for_record(record=project, user=user, kinds=[DEADLINE_KIND])
            notify(recipients=client_staff(project) + contractor_pm(project), key=f"handover:{locked.pk}:handed_over",
                   title=_("Results handed over: the handover list is signed by both parties (%(project)s)")
                   % {"project": project.name}, link=locked.get_absolute_url(), project=project, kind=KIND)
    finally:
        signing_through_handover.reset(token)
    return locked
