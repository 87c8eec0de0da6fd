"""Qualification review: rounds, documents, checks, conclusions, deadlines."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from apps.accounts.enums import Party
from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines.enums import DeadlineState
from apps.deadlines.models import Deadline
from apps.qualification import services
from apps.qualification.enums import DocumentKind, ItemResult, ReviewStatus
from apps.qualification.models import QualificationReview
from apps.qualification.selectors import qualification_is_approved
from apps.signatures.enums import SignatureMeaning
from apps.signatures.services import signature_sign
from tests.conftest import PASSWORD

from .builders import DOCS, accept_all, add_documents, approved_round, open_round, submitted_round

pytestmark = pytest.mark.django_db


def test_project_creation_sets_the_review_deadline(world):
    deadline = Deadline.objects.get(project=world.project, kind="qualification_review")
    # Annex A: 5 working days after signing on Fri 2026-09-25 → Fri 2026-10-09 (National Day holiday).
    assert deadline.base_date == dt.date(2026, 9, 25)
    assert deadline.amount == 5 and deadline.counting == "working_days"
    assert deadline.responsible_org == world.client_org and deadline.responsible_user == world.lead
    assert deadline.due_date > dt.date(2026, 10, 1)


def test_happy_path_approve_and_sign(world):
    review = approved_round(world, sign=False)
    assert review.status == ReviewStatus.APPROVED
    assert not qualification_is_approved(world.project)  # not yet in writing
    signature_sign(record=review, user=world.lead, password=PASSWORD, party=Party.CLIENT,
                   meaning=SignatureMeaning.APPROVE)
    assert qualification_is_approved(world.project)
    # The Annex A deadline is met, and the certificate expiring before the contract end got a reminder.
    assert Deadline.objects.get(project=world.project, kind="qualification_review").state != DeadlineState.OPEN
    expiry = Deadline.objects.get(project=world.project, kind="certificate_expiry")
    assert expiry.due_date == dt.date(2027, 4, 30) and expiry.responsible_org == world.contractor
    assert expiry.state == DeadlineState.OPEN
    assert review.history.filter(history_change_reason="Qualification review approved").exists()


def test_submit_requires_every_kind_of_document(world):
    review = open_round(world)
    add_documents(world, review, DOCS[:2])
    with pytest.raises(DomainError) as exc:
        services.qualification_round_submit(review=review, user=world.pm)
    assert exc.value.code == "incomplete"
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def test_cannot_approve_a_draft_or_with_unreviewed_documents(world):
    review = open_round(world)
    add_documents(world, review)
    with pytest.raises(PermissionDenied):  # the rule includes the state: approve only submitted rounds
        services.qualification_round_approve(review=review, user=world.lead)
    review = services.qualification_round_submit(review=review, user=world.pm)
    with pytest.raises(DomainError) as exc:
        services.qualification_round_approve(review=review, user=world.lead)
    assert exc.value.code == "incomplete"


def test_cannot_approve_with_a_rejected_document(world):
    review = submitted_round(world)
    accept_all(world, review)
    doc = review.documents.get(kind=DocumentKind.QUALITY_CERTIFICATE)
    services.qualification_document_check(document=doc, user=world.inspector, is_authentic=False, in_date=True,
                                          scope_matches=True, note="证书编号查询不到")
    with pytest.raises(DomainError):
        services.qualification_round_approve(review=review, user=world.lead)


def test_reject_then_resubmit_opens_a_new_round_with_copies(world):
    review = submitted_round(world)
    with pytest.raises(DomainError):
        services.qualification_round_reject(review=review, user=world.inspector, reason="  ")
    review = services.qualification_round_reject(review=review, user=world.inspector, reason="质量体系证书即将到期")
    assert review.status == ReviewStatus.REJECTED
    with pytest.raises(PermissionDenied):  # a rejected round is closed
        services.qualification_round_approve(review=review, user=world.lead)
    second = open_round(world)
    assert second.round_no == 2 and second.previous == review
    assert second.documents.count() == 4
    assert all(d.copied_from_id for d in second.documents.all())
    assert all(d.result == ItemResult.PENDING for d in second.documents.all())
    # Every round stays.
    assert QualificationReview.objects.filter(project=world.project).count() == 2


def test_copied_documents_carry_copies_of_their_files(world):
    from django.core.files.base import ContentFile

    from apps.attachments.models import Attachment
    from apps.attachments.services import attachment_add

    review = open_round(world)
    docs = add_documents(world, review)
    original = attachment_add(record=docs[0], project=world.project, user=world.pm, kind="certificate",
                              uploaded_file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="营业执照.pdf"))
    review = services.qualification_round_submit(review=review, user=world.pm)
    services.qualification_round_reject(review=review, user=world.inspector, reason="证书过期")
    second = open_round(world)
    copy_doc = second.documents.get(copied_from=docs[0])
    copies = Attachment.objects.filter(object_id=copy_doc.pk, content_type__model="qualificationdocument")
    assert copies.count() == 1
    copy = copies.get()
    assert (copy.original_name, copy.sha256, copy.size) == (original.original_name, original.sha256, original.size)
    assert copy.file.name != original.file.name
    with copy.file.open("rb") as fh:
        assert fh.read() == b"%PDF-1.4\n%%EOF\n"
    # The reviewed round keeps its own file.
    assert Attachment.objects.get(pk=original.pk).object_id == docs[0].pk
    # A document without files was copied without any.
    assert not Attachment.objects.filter(object_id=second.documents.get(copied_from=docs[1]).pk,
                                         content_type__model="qualificationdocument").exists()


def test_only_one_open_round(world):
    open_round(world)
    with pytest.raises(DomainError) as exc:
        open_round(world)
    assert exc.value.code == "illegal_transition"
    with pytest.raises(IntegrityError), transaction.atomic():
        QualificationReview.objects.create(project=world.project, round_no=9, created_by=world.pm)


@pytest.mark.parametrize("who", ["lead", "inspector", "special", "operator", "regulator", "outsider"])
def test_only_the_contractor_pm_opens_and_submits(world, who):
    with pytest.raises(PermissionDenied):
        services.qualification_round_open(project=world.project, user=getattr(world, who))
    review = open_round(world)
    add_documents(world, review)
    with pytest.raises(PermissionDenied):
        services.qualification_round_submit(review=review, user=getattr(world, who))


@pytest.mark.parametrize("who", ["pm", "security", "inspector", "regulator", "outsider"])
def test_only_the_client_lead_approves(world, who):
    review = submitted_round(world)
    accept_all(world, review)
    with pytest.raises(PermissionDenied):
        services.qualification_round_approve(review=review, user=getattr(world, who))


@pytest.mark.parametrize("who", ["pm", "special", "regulator", "acceptance"])
def test_contractor_and_others_cannot_check_or_reject(world, who):
    review = submitted_round(world)
    doc = review.documents.first()
    with pytest.raises(PermissionDenied):
        services.qualification_document_check(document=doc, user=getattr(world, who), is_authentic=True,
                                              in_date=True, scope_matches=True)
    with pytest.raises(PermissionDenied):
        services.qualification_round_reject(review=review, user=getattr(world, who), reason="x")


def test_security_officer_adds_only_security_evidence(world):
    review = open_round(world)
    doc = services.qualification_document_add(review=review, user=world.security, **DOCS[3])
    assert doc.kind == DocumentKind.SECURITY_EVIDENCE
    with pytest.raises(PermissionDenied):
        services.qualification_document_add(review=review, user=world.security, **DOCS[0])
    pm_doc = services.qualification_document_add(review=review, user=world.pm, **DOCS[0])
    with pytest.raises(PermissionDenied):
        services.qualification_document_update(document=pm_doc, user=world.security, number="X")


def test_documents_are_frozen_after_submission(world):
    review = submitted_round(world)
    doc = review.documents.first()
    with pytest.raises(PermissionDenied):
        services.qualification_document_update(document=doc, user=world.pm, number="changed")
    with pytest.raises(PermissionDenied):
        services.qualification_document_add(review=review, user=world.pm, **DOCS[0])


def test_bad_document_input_changes_nothing(world):
    review = open_round(world)
    bad = dict(DOCS[1], valid_from=dt.date(2030, 1, 1), valid_until=dt.date(2020, 1, 1))
    with pytest.raises(DomainError):
        services.qualification_document_add(review=review, user=world.pm, **bad)
    with pytest.raises(DomainError):
        services.qualification_document_add(review=review, user=world.pm, **dict(DOCS[1], number=""))
    with pytest.raises(DomainError):
        services.qualification_document_add(review=review, user=world.pm, **dict(DOCS[1], kind="passport"))
    with pytest.raises(DomainError):
        services.qualification_document_add(review=review, user=world.pm, **dict(DOCS[1], service_types=["x"]))
    with pytest.raises(DomainError):
        services.qualification_document_add(review=review, user=world.pm, **dict(DOCS[1], valid_from="2020-01-01"))
    with pytest.raises(DomainError):
        services.qualification_document_add(review=review, user=world.pm, **dict(DOCS[1], status="approved"))
    assert review.documents.count() == 0


def test_check_refuses_in_date_for_a_document_not_valid_at_the_start(world):
    review = open_round(world)
    add_documents(world, review, DOCS[:3] + [dict(DOCS[3], valid_until=dt.date(2026, 9, 1))])
    review = services.qualification_round_submit(review=review, user=world.pm)
    late = review.documents.get(kind=DocumentKind.SECURITY_EVIDENCE)
    assert late.not_valid_at_start and late.expired
    with pytest.raises(DomainError) as exc:
        services.qualification_document_check(document=late, user=world.lead, is_authentic=True, in_date=True,
                                              scope_matches=True)
    assert exc.value.field == "in_date"
    with pytest.raises(DomainError):  # a failed check needs a note
        services.qualification_document_check(document=late, user=world.lead, is_authentic=True, in_date=False,
                                              scope_matches=True)
    doc = services.qualification_document_check(document=late, user=world.lead, is_authentic=True, in_date=False,
                                                scope_matches=True, note="已过期")
    assert doc.result == ItemResult.REJECTED


def test_flags(world):
    review = open_round(world)
    docs = add_documents(world, review)
    licence, service, quality, security = docs
    assert not licence.needs_expiry_reminder and licence.missing_service_types == []
    assert quality.expires_before_contract_end and quality.needs_expiry_reminder
    assert not service.expires_soon
    service.project.service_types = ["digitization", "storage"]
    assert service.missing_service_types == ["storage"]


def test_signing_refused_before_approval_and_for_contractor(world):
    review = submitted_round(world)
    with pytest.raises(DomainError):
        signature_sign(record=review, user=world.lead, password=PASSWORD, party=Party.CLIENT,
                       meaning=SignatureMeaning.APPROVE)
    accept_all(world, review)
    review = services.qualification_round_approve(review=review, user=world.lead)
    with pytest.raises(PermissionDenied):
        signature_sign(record=review, user=world.pm, password=PASSWORD, party=Party.CONTRACTOR,
                       meaning=SignatureMeaning.APPROVE)
    with pytest.raises(PermissionDenied):
        signature_sign(record=review, user=world.inspector, password=PASSWORD, party=Party.CLIENT,
                       meaning=SignatureMeaning.APPROVE)


def test_new_approved_round_replaces_expiry_reminders(world):
    approved_round(world)
    second = open_round(world)
    quality = second.documents.get(kind=DocumentKind.QUALITY_CERTIFICATE)
    services.qualification_document_update(document=quality, user=world.pm, valid_until=dt.date(2030, 4, 30))
    second = services.qualification_round_submit(review=second, user=world.pm)
    assert not qualification_is_approved(world.project)  # the plan is back under review
    accept_all(world, second)
    services.qualification_round_approve(review=second, user=world.lead)
    assert not Deadline.objects.filter(project=world.project, kind="certificate_expiry",
                                       state=DeadlineState.OPEN).exists()


def test_remove_a_document_only_from_a_draft_and_without_files(world):
    from django.core.files.base import ContentFile

    from apps.attachments.services import attachment_add

    review = open_round(world)
    first, second = add_documents(world, review, DOCS[:2])
    services.qualification_document_remove(document=first, user=world.pm, reason="重复")
    assert review.documents.count() == 1
    attachment_add(record=second, project=world.project, user=world.pm, kind="certificate",
                   uploaded_file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="资质.pdf"))
    with pytest.raises(DomainError):
        services.qualification_document_remove(document=second, user=world.pm)
    with pytest.raises(PermissionDenied):
        services.qualification_document_remove(document=second, user=world.lead)


def test_files_can_be_attached_only_while_the_round_is_a_draft(world):
    from django.core.files.base import ContentFile

    from apps.attachments.services import attachment_add

    review = submitted_round(world)
    doc = review.documents.first()
    with pytest.raises(DomainError):
        attachment_add(record=doc, project=world.project, user=world.pm, kind="certificate",
                       uploaded_file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="late.pdf"))


def test_files_of_a_submitted_round_can_no_longer_be_removed(world):
    import rules as django_rules
    from django.core.files.base import ContentFile

    from apps.attachments.services import attachment_add, attachment_remove

    review = open_round(world)
    doc = add_documents(world, review, DOCS[:1])[0]
    kept = attachment_add(record=doc, project=world.project, user=world.pm, kind="certificate",
                          uploaded_file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="营业执照.pdf"))
    spare = attachment_add(record=doc, project=world.project, user=world.pm, kind="certificate",
                           uploaded_file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="多余.pdf"))
    attachment_remove(attachment=spare, user=world.pm, reason="传错了")  # a draft: allowed
    add_documents(world, review, DOCS[1:])
    services.qualification_round_submit(review=review, user=world.pm)
    for user in (world.pm, world.lead):  # neither the uploader nor the client lead, once submitted
        assert not django_rules.test_rule("attachments.can_remove_attachment", user, kept)
        with pytest.raises(PermissionDenied, match="can no longer be removed"):
            attachment_remove(attachment=kept, user=user, reason="撤回")
    kept.refresh_from_db()
    assert not kept.is_removed


def test_changing_the_signing_date_moves_the_review_deadline(world):
    from apps.projects.models import Project
    from apps.projects.services import project_update

    project = Project.objects.get(pk=world.project.pk)
    project_update(project=project, user=world.lead, expected_version=project.version,
                   contract_signed_on=dt.date(2026, 10, 12))
    deadline = Deadline.objects.get(project=world.project, kind="qualification_review")
    assert deadline.base_date == dt.date(2026, 10, 12)
    assert deadline.due_date == dt.date(2026, 10, 19)  # 5 working days after Mon 10-12
    task = world.project.stage_tasks.get(step="qualification_review")
    assert task.due_date == deadline.due_date  # the Annex A row and the reminder agree


def test_late_approval_says_so_on_the_gate_and_annex_a(world):
    from apps.qualification.selectors import qualification_evidence

    approved_round(world)  # signed 2026-09-25, due 2026-10-09: approved after that
    deadline = Deadline.objects.get(project=world.project, kind="qualification_review")
    assert deadline.state == DeadlineState.MISSED
    assert "after the 5-working-day limit" in qualification_evidence(world.project)[0]
