"""Writes: signing a record, and the guard that keeps signed records unchanged."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import Party, ProjectRole
from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import history_context

from . import hashing
from .enums import AttemptOutcome, SignatureMeaning
from .models import Signature, SignatureAttempt
from .registry import NotSignable, signables

logger = logging.getLogger("apps.signatures")

# Signing re-checks the password, so it must not become a way around the login lock-out.
MAX_FAILED_ATTEMPTS = 5
FAILED_ATTEMPT_WINDOW = dt.timedelta(minutes=15)


# Extension point: other apps add checks on who may sign (e.g. apps.teams refuses contractor
# people whose staff filing is not approved, §8.1.1). Each check is called as
# ``check(user=..., project=..., party=..., record=...)`` after the built-in rules passed and
# returns a refusal sentence, or None to let the signing go on. Register from AppConfig.ready()
# with ``signer_checks.append(check)`` (guard against appending twice).
SignerCheck = Callable[..., "str | None"]
signer_checks: list[SignerCheck] = []


def _signable(record: models.Model):
    try:
        return signables.get(record)
    except NotSignable:
        raise DomainError(_("This kind of record cannot be signed."), code="not_signable") from None


def _current_roles(user, project) -> set[str]:
    """The roles ``user`` holds on ``project`` now, read from the database each time: unlike
    ``apps.projects.rules.active_roles`` (cached on the project instance for one request's rule
    checks), a signature must reflect the roles at the moment it is given."""
    return set(project.members.filter(user=user, is_active=True).values_list("role", flat=True))


def signing_refusal(*, user, record: models.Model, party: str) -> str | None:
    """Why ``user`` may not sign ``record`` for ``party`` (a sentence), or None if they may.

    Only an active member of the party's organisation on the record's project, holding a
    role the record allows for that party, may sign for it. Invited acceptance experts
    (§5.3.1) sign for the client when the record allows that role. Regulators never sign.
    """
    signable = _signable(record)
    project = signable.project_of(record)
    if not (user and user.is_authenticated and user.is_active):
        return _("Your account is not active.")
    if getattr(user, "is_read_only", False) or getattr(user, "is_regulator", False):
        return _("Regulators do not sign project records.")
    if party not in Party.values:
        return _("Unknown party.")
    allowed_roles = signable.roles_for(record).get(party, frozenset())
    if not allowed_roles:
        return _("This record is not signed by this party.")
    org = user.organization
    if org is None or not org.is_active:
        return _("Your organisation is not active.")
    roles = _current_roles(user, project) & allowed_roles
    party_org_id = project.client_id if party == Party.CLIENT else project.contractor_id
    is_expert = (party == Party.CLIENT and ProjectRole.ACCEPTANCE_EXPERT in roles
                 and org.pk != project.contractor_id)
    if org.pk != party_org_id and not is_expert:
        return _("Only people of the party's own organisation can sign for it.")
    if not roles:
        return _("Your role on this project does not allow you to sign this record for this party.")
    for check in list(signer_checks):
        refusal = check(user=user, project=project, party=party, record=record)
        if refusal:
            return str(refusal)
    return None


def signing_parties(*, user, record: models.Model) -> list[str]:
    """The parties ``user`` may sign ``record`` for (for forms and buttons)."""
    if not signables.is_signable(record):
        return []
    return [p for p in signables.get(record).parties_for(record)
            if signing_refusal(user=user, record=record, party=p) is None]


def _record_failure(*, user, record, project, party: str, meaning: str, outcome: str, request_ip) -> None:
    logger.warning("signature refused (%s): user_id=%s record=%s:%s project_id=%s ip=%s", outcome, user.pk,
                   record._meta.label_lower, record.pk, project.pk, request_ip or "-")
    with history_context(user=user, reason=_("Failed signing attempt"), ip=request_ip):
        SignatureAttempt.objects.create(
            user=user, project=project, content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
            party=str(party)[:16], meaning=str(meaning)[:16], outcome=outcome, ip=request_ip)


def signature_sign(*, record: models.Model, user, password: str, party: str, meaning: str,
                   request_ip: str | None = None) -> Signature:
    """Sign ``record`` for ``party`` with ``meaning`` after re-entering the password.

    Nothing is signed unless the password is right (a failure is logged and kept as a
    :class:`SignatureAttempt`), the person may sign for that party, has not signed this
    record for the other party, and has not already signed it with this meaning.
    """
    signable = _signable(record)
    project = signable.project_of(record)
    if meaning not in SignatureMeaning.values:
        raise DomainError(_("Unknown meaning of signature."), field="meaning")
    if party not in Party.values:
        raise DomainError(_("Unknown party."), field="party")
    if record.pk is None:
        raise DomainError(_("Save the record before signing it."))
    refusal = signing_refusal(user=user, record=record, party=party)
    if refusal:
        raise PermissionDenied(refusal, field="party")
    if meaning not in signable.meanings_for(party):
        raise DomainError(_("This party cannot sign this record with this meaning."), field="meaning")

    since = timezone.now() - FAILED_ATTEMPT_WINDOW
    failures = SignatureAttempt.objects.filter(user=user, attempted_at__gte=since).count()
    if failures >= MAX_FAILED_ATTEMPTS:
        _record_failure(user=user, record=record, project=project, party=party, meaning=meaning,
                        outcome=AttemptOutcome.LOCKED, request_ip=request_ip)
        raise PermissionDenied(_("Too many failed signing attempts. Wait a quarter of an hour and try again."),
                               code="locked", field="password")
    # 21 CFR 11.200: each signing re-authenticates the signer.
    if not password or not user.check_password(password):
        _record_failure(user=user, record=record, project=project, party=party, meaning=meaning,
                        outcome=AttemptOutcome.BAD_PASSWORD, request_ip=request_ip)
        raise DomainError(_("Wrong password: nothing was signed."), code="bad_password", field="password")

    ct = ContentType.objects.get_for_model(record)
    with transaction.atomic(), history_context(user=user, reason=_("Record signed"), ip=request_ip):
        # Lock the record: two simultaneous signings, or a signing and an edit that takes the
        # same lock, run one after the other.
        locked = type(record)._base_manager.select_for_update().filter(pk=record.pk).first()
        if locked is None:
            raise DomainError(_("The record no longer exists."))
        refusal = signable.refusal(locked)
        if refusal:
            raise DomainError(refusal, code="not_signable_now")
        existing = Signature.objects.filter(content_type=ct, object_id=locked.pk, signer=user)
        if existing.exclude(party=party).exists():
            raise PermissionDenied(_("You have already signed this record for the other party. "
                                     "One person can never sign for both parties."), field="party")
        if existing.filter(party=party, meaning=meaning).exists():
            raise DomainError(_("You have already signed this record with this meaning."), field="meaning")

        content = signable.signed_content(locked)
        digest = hashing.content_hash(content)
        org = user.organization
        signature = Signature(
            project=project, content_type=ct, object_id=locked.pk, party=party, meaning=meaning, signer=user,
            organization=org, signer_name=(user.get_full_name() or user.get_username())[:100],
            organization_name=org.name[:200], signed_at=timezone.now(), signed_content=hashing.canonical_json(content),
            content_hash=digest, ip=request_ip)
        signature.record_binding = binding_of(signature)
        try:
            with transaction.atomic():
                signature.save()
        except IntegrityError as exc:
            raise DomainError(_("You have already signed this record with this meaning."), field="meaning") from exc
    logger.info("record signed: signature_id=%s user_id=%s record=%s:%s party=%s meaning=%s", signature.pk, user.pk,
                record._meta.label_lower, record.pk, party, meaning)
    return signature


def binding_of(signature: Signature) -> str:
    """The binding a signature row must carry, computed from its own columns."""
    ct = ContentType.objects.get_for_id(signature.content_type_id)
    return hashing.record_binding(
        content_type_label=f"{ct.app_label}.{ct.model}", object_id=signature.object_id,
        project_id=signature.project_id, signer_id=signature.signer_id, party=signature.party,
        meaning=signature.meaning, signed_at=signature.signed_at, content_hash=signature.content_hash,
        signer_name=signature.signer_name, organization_name=signature.organization_name)


def assert_not_signed(record: models.Model, *, message: str | None = None) -> None:
    """Refuse (DomainError) to change a record that carries any signature.

    Record services call it before every edit of signed fields. A broken signature counts
    too: it is evidence that the record was changed outside the services, and stays so.
    """
    if record.pk is None:
        return
    if Signature.objects.for_record(record).exists():
        raise DomainError(message or _("This record has been signed and can no longer be changed."),
                          code="signed")
