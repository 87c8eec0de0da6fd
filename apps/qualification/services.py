"""Writes of the qualification review (§5.1.1). One function per transition; each checks the
state and the role, saves with a history reason and notifies on commit."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError
from apps.core.history import delete_with_history, history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.core.validation import full_clean_or_error
from apps.deadlines.enums import Counting, DeadlineKind, DeadlineState
from apps.deadlines.models import Deadline
from apps.deadlines.services import deadline_create, deadline_meet
from apps.projects.enums import ServiceType
from apps.projects.models import Project

from .enums import REQUIRED_KINDS, DocumentKind, ItemResult, ReviewStatus
from .models import QualificationDocument, QualificationReview

CERTIFICATE_EXPIRY = "certificate_expiry"
DOCUMENT_FIELDS = ("kind", "number", "issuer", "scope", "service_types", "valid_from", "valid_until")


def _full_clean(obj, exclude: list[str] | None = None) -> None:
    full_clean_or_error(obj, exclude)


def _refuse_unless(review: QualificationReview, status: str, message: str) -> None:
    if review.status != status:
        raise DomainError(message, code="illegal_transition")


def _people(project: Project, roles: set[str]):
    return [m.user for m in project.members.filter(is_active=True, role__in=roles).select_related("user")]


# ---------------------------------------------------------------- project creation hook

def review_deadline_create(*, project: Project, user) -> None:
    """Annex A: the qualification review is due 5 working days after the contract is signed.
    Called inside ``project_create``'s transaction (apps.projects.hooks)."""
    responsible = user if project.members.filter(user=user, role=ProjectRole.CLIENT_LEAD,
                                                 is_active=True).exists() else None
    deadline_create(record=project, project=project, kind=DeadlineKind.QUALIFICATION_REVIEW,
                    title=_("Qualification review of the contractor (资质审核)"),
                    base_date=project.contract_signed_on, amount=5, counting=Counting.WORKING_DAYS,
                    responsible_org=project.client, responsible_user=responsible, user=user)


def review_deadline_reschedule(*, project: Project, user) -> None:
    """The signing date changed: the open review deadline counts from the new date."""
    from apps.deadlines.services import deadline_reschedule

    for deadline in Deadline.objects.filter(project=project, kind=DeadlineKind.QUALIFICATION_REVIEW,
                                            state=DeadlineState.OPEN).exclude(base_date=project.contract_signed_on):
        deadline_reschedule(deadline=deadline, user=user, base_date=project.contract_signed_on,
                            reason=_("The contract signing date changed"))


# ---------------------------------------------------------------- rounds

def qualification_round_open(*, project: Project, user) -> QualificationReview:
    """The contractor PM opens the next round. From the second round on, the documents of the
    last concluded round are copied into it, with copies of their files (the earlier round keeps
    its own, as reviewed)."""
    require("qualification.can_open_qualification_round", user, project)
    with transaction.atomic(), history_context(user=user, reason=_("Qualification review round opened")):
        lock(project)
        rounds = project.qualification_reviews.all()
        if rounds.filter(status__in=[ReviewStatus.DRAFT, ReviewStatus.SUBMITTED]).exists():
            raise DomainError(_("A qualification review round is already open for this project."),
                              code="illegal_transition")
        previous = rounds.order_by("-round_no").first()
        number = (rounds.aggregate(n=Max("round_no"))["n"] or 0) + 1
        review = QualificationReview(project=project, round_no=number, previous=previous, created_by=user)
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError as exc:
            raise DomainError(_("A qualification review round is already open for this project."),
                              code="illegal_transition") from exc
        if previous is not None:
            from django.contrib.contenttypes.models import ContentType

            from apps.attachments.models import Attachment
            from apps.attachments.services import attachment_copy

            doc_type = ContentType.objects.get_for_model(QualificationDocument)

            for doc in previous.documents.order_by("pk"):
                copy = QualificationDocument.objects.create(
                    review=review, project=project, copied_from=doc, created_by=user,
                    **{f: getattr(doc, f) for f in DOCUMENT_FIELDS})
                for attachment in Attachment.objects.filter(content_type=doc_type, object_id=doc.pk,
                                                            is_removed=False).order_by("pk"):
                    attachment_copy(source=attachment, record=copy, user=user)
    return review


def _clean_document_fields(fields: dict) -> dict:
    unknown = set(fields) - set(DOCUMENT_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    cleaned = dict(fields)
    for name in ("number", "issuer", "scope"):
        if name in cleaned:
            field = QualificationDocument._meta.get_field(name)
            clean = clean_text if name == "scope" else clean_line
            cleaned[name] = clean(cleaned[name], field=name, label=field.verbose_name, required=False,
                                  max_length=field.max_length)
    if "service_types" in cleaned:
        types = list(cleaned["service_types"] or [])
        bad = [t for t in types if t not in ServiceType.values]
        if bad:
            raise DomainError(_("Unknown service type."), field="service_types")
        cleaned["service_types"] = sorted(set(types))
    for name in ("valid_from", "valid_until"):
        value = cleaned.get(name)
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            raise DomainError(_("Enter a valid date."), field=name)
    return cleaned


def qualification_document_add(*, review: QualificationReview, user, **fields) -> QualificationDocument:
    require("qualification.can_add_qualification_document", user, review)
    fields = _clean_document_fields(fields)
    if fields.get("kind") != DocumentKind.SECURITY_EVIDENCE:
        require("qualification.may_add_any_document", user, review)
    with transaction.atomic(), history_context(user=user, reason=_("Qualification document added")):
        locked = lock(review, related=("project",))
        _refuse_unless(locked, ReviewStatus.DRAFT,
                       _("Documents can only be added to a round that has not been submitted."))
        document = QualificationDocument(review=locked, project=locked.project, created_by=user, **fields)
        _full_clean(document, exclude=["review", "project", "created_by", "copied_from", "reviewed_by"])
        document.save()
    return document


def qualification_document_update(*, document: QualificationDocument, user, **fields) -> QualificationDocument:
    require("qualification.can_edit_qualification_document", user, document)
    fields = _clean_document_fields(fields)
    if "kind" in fields and fields["kind"] != document.kind:
        require("qualification.may_add_any_document", user, document)
    with transaction.atomic(), history_context(user=user, reason=_("Qualification document edited")):
        _refuse_unless(lock(document.review, related=("project",)), ReviewStatus.DRAFT,
                       _("Documents can only be changed while the round has not been submitted."))
        locked = lock(document, related=("project", "review"))
        changed = [n for n, v in fields.items() if getattr(locked, n) != v]
        for n in changed:
            setattr(locked, n, fields[n])
        if changed:
            _full_clean(locked, exclude=["review", "project", "created_by", "copied_from", "reviewed_by"])
            locked.save(update_fields=[*changed, "updated_at"])
    return locked


def qualification_document_remove(*, document: QualificationDocument, user, reason: str = "") -> None:
    """Take a document out of a draft round (e.g. copied from the last round but no longer
    relevant). Its history stays; a document that still has files cannot be removed."""
    from django.contrib.contenttypes.models import ContentType

    from apps.attachments.models import Attachment

    require("qualification.can_edit_qualification_document", user, document)
    reason = clean_text(reason, field="reason", label=_("reason"), required=False, max_length=2000)
    with transaction.atomic(), history_context(user=user):
        _refuse_unless(lock(document.review, related=("project",)), ReviewStatus.DRAFT,
                       _("Documents can only be changed while the round has not been submitted."))
        ct = ContentType.objects.get_for_model(QualificationDocument)
        if Attachment.objects.filter(content_type=ct, object_id=document.pk, is_removed=False).exists():
            raise DomainError(_("Remove the document's files first."))
        delete_with_history(document, reason=reason or _("Qualification document removed"))


def qualification_round_submit(*, review: QualificationReview, user) -> QualificationReview:
    """The contractor PM submits the round for the client's review (§5.1.1)."""
    require("qualification.can_submit_qualification", user, review)
    with transaction.atomic(), history_context(user=user, reason=_("Qualification documents submitted")):
        locked = lock(review, related=("project",))
        _refuse_unless(locked, ReviewStatus.DRAFT,
                       _("Only a round that has not been submitted yet can be submitted."))
        kinds = set(locked.documents.values_list("kind", flat=True))
        missing = [DocumentKind(k).label for k in REQUIRED_KINDS if k not in kinds]
        if missing:
            raise DomainError(_("Add the missing documents before submitting: %(k)s")
                              % {"k": "；".join(str(m) for m in missing)}, code="incomplete")
        for doc in locked.documents.all():
            # Earlier rounds' checks never carry over: every round is reviewed afresh.
            if doc.result != ItemResult.PENDING:
                doc.result, doc.reviewed_at, doc.reviewed_by = ItemResult.PENDING, None, None
                doc.is_authentic = doc.in_date = doc.scope_matches = None
                doc.save(update_fields=["result", "reviewed_at", "reviewed_by", "is_authentic", "in_date",
                                        "scope_matches", "updated_at"])
        locked.status = ReviewStatus.SUBMITTED
        locked.submitted_by = user
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
        notify(recipients=_people(locked.project, {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR}),
               key=f"qualification:{locked.pk}:submitted",
               title=_("Qualification documents submitted for review (round %(n)d)") % {"n": locked.round_no},
               link=locked.get_absolute_url(), project=locked.project, kind="qualification")
    return locked


def qualification_document_check(*, document: QualificationDocument, user, is_authentic: bool, in_date: bool,
                                  scope_matches: bool, note: str = "") -> QualificationDocument:
    """The client checks one document: genuine and valid, in date for the contract, scope
    matching the project's service types. All three yes accepts it; any no rejects it (with a note)."""
    require("qualification.can_check_qualification_document", user, document)
    values = (is_authentic, in_date, scope_matches)
    if any(not isinstance(v, bool) for v in values):
        raise DomainError(_("Answer each check with yes or no."))
    note = clean_text(note, field="note", label=_("note"), required=False, max_length=2000)
    accepted = all(values)
    if not accepted and not note:
        raise DomainError(_("Say why the document is not acceptable."), field="note")
    with transaction.atomic(), history_context(user=user):
        _refuse_unless(lock(document.review, related=("project",)), ReviewStatus.SUBMITTED,
                       _("Only documents of a submitted round can be reviewed."))
        locked = lock(document, related=("project",))
        if in_date and locked.not_valid_at_start:
            raise DomainError(_("The document is not valid on the contract start date; it cannot be marked in date."),
                              field="in_date")
        if in_date and locked.expired:
            raise DomainError(_("The document has expired; it cannot be marked in date."), field="in_date")
        locked.is_authentic, locked.in_date, locked.scope_matches = values
        locked.result = ItemResult.ACCEPTED if accepted else ItemResult.REJECTED
        locked.review_note = note
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        save_with_history(locked, reason=_("Document accepted") if accepted else _("Document rejected"),
                          update_fields=["is_authentic", "in_date", "scope_matches", "result", "review_note",
                                         "reviewed_by", "reviewed_at", "updated_at"])
    return locked


def qualification_round_approve(*, review: QualificationReview, user, reason: str = "") -> QualificationReview:
    """The client lead approves a submitted round whose every document was accepted. The
    written approval is the client lead's signature (meaning 批准) on the round, made next."""
    require("qualification.can_approve_qualification", user, review)
    reason = clean_text(reason, field="reason", label=_("conclusion and reasons"), required=False, max_length=4000)
    with transaction.atomic(), history_context(user=user, reason=_("Qualification review approved")):
        locked = lock(review, related=("project",))
        _refuse_unless(locked, ReviewStatus.SUBMITTED, _("Only a submitted round can be approved."))
        docs = list(locked.documents.select_related("project"))
        pending = [d for d in docs if d.result == ItemResult.PENDING]
        if pending:
            raise DomainError(_("Review every document before concluding: %(n)d not reviewed yet.")
                              % {"n": len(pending)}, code="incomplete")
        if any(d.result == ItemResult.REJECTED for d in docs):
            raise DomainError(_("A document was rejected: reject the round with reasons instead of approving it."),
                              code="illegal_transition")
        locked.status = ReviewStatus.APPROVED
        locked.concluded_by = user
        locked.concluded_at = timezone.now()
        locked.conclusion_reason = reason
        locked.save(update_fields=["status", "concluded_by", "concluded_at", "conclusion_reason", "updated_at"])
        # Annex A deadline: the review is done.
        for deadline in Deadline.objects.filter(
                project=locked.project, kind=DeadlineKind.QUALIFICATION_REVIEW, state=DeadlineState.OPEN):
            deadline_meet(deadline=deadline, user=user)
        _expiry_deadlines(review=locked, documents=docs, user=user)
        notify(recipients=_people(locked.project, {ProjectRole.CONTRACTOR_PM}),
               key=f"qualification:{locked.pk}:approved",
               title=_("Qualification review approved (round %(n)d)") % {"n": locked.round_no},
               link=locked.get_absolute_url(), project=locked.project, kind="qualification")
    return locked


def _expiry_deadlines(*, review: QualificationReview, documents, user) -> None:
    """Certificates expiring before the contract ends or within 30 days get a reminder (due on
    the expiry date, the contractor responsible). The earlier rounds' reminders are closed:
    this round's documents replace them."""
    project = review.project
    for deadline in Deadline.objects.filter(project=project, kind=CERTIFICATE_EXPIRY, state=DeadlineState.OPEN):
        deadline_meet(deadline=deadline, user=user)
    for doc in documents:
        if doc.needs_expiry_reminder:
            deadline_create(record=doc, project=project, kind=CERTIFICATE_EXPIRY,
                            title=(_("Certificate expires: %(kind)s %(number)s")
                                   % {"kind": doc.get_kind_display(), "number": doc.number})[:200],
                            base_date=doc.valid_until, amount=0, counting=Counting.CALENDAR_DAYS,
                            responsible_org=project.contractor, user=user)


def qualification_round_reject(*, review: QualificationReview, user, reason: str) -> QualificationReview:
    """The client rejects a submitted round with reasons; the contractor may open a new round."""
    require("qualification.can_reject_qualification", user, review)
    reason = clean_text(reason, field="reason", label=_("conclusion and reasons"), required=False, max_length=4000)
    if not reason:
        raise DomainError(_("Give the reasons for rejecting the qualification documents."), field="reason")
    with transaction.atomic(), history_context(user=user, reason=_("Qualification review rejected")):
        locked = lock(review, related=("project",))
        _refuse_unless(locked, ReviewStatus.SUBMITTED, _("Only a submitted round can be rejected."))
        locked.status = ReviewStatus.REJECTED
        locked.concluded_by = user
        locked.concluded_at = timezone.now()
        locked.conclusion_reason = reason
        locked.save(update_fields=["status", "concluded_by", "concluded_at", "conclusion_reason", "updated_at"])
        notify(recipients=_people(locked.project, {ProjectRole.CONTRACTOR_PM}),
               key=f"qualification:{locked.pk}:rejected",
               title=_("Qualification review rejected (round %(n)d)") % {"n": locked.round_no},
               link=locked.get_absolute_url(), project=locked.project, kind="qualification")
    return locked


def review_url(review: QualificationReview) -> str:
    return reverse("qualification:review", args=[review.pk])
