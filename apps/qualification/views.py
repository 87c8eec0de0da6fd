"""Thin views: scoped lookup, rule check, one service call, message, redirect."""

from __future__ import annotations

from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines.selectors import deadlines_for_record
from apps.projects.selectors import project_for_user

from . import selectors, services
from .enums import ReviewStatus
from .forms import ConclusionForm, DocumentCheckForm, DocumentForm


def _deny_unless(rule: str, user, obj) -> None:
    if not rules.test_rule(rule, user, obj):
        raise DjangoPermissionDenied


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _security_only(user, obj) -> bool:
    return not rules.test_rule("qualification.can_open_qualification_round", user, obj.project)


@login_required
def project_reviews(request, project_id):
    project = project_for_user(request.user, project_id)
    reviews = list(selectors.project_reviews(project))
    for review in reviews:
        review.approval = selectors.approval_signature(review) if review.status == ReviewStatus.APPROVED else None
    return render(request, "qualification/project_reviews.html", {
        "project": project, "reviews": reviews,
        "gate_met": selectors.qualification_is_approved(project),
        "deadlines": deadlines_for_record(project).filter(kind="qualification_review"),
        "can_open": rules.test_rule("qualification.can_open_qualification_round", request.user, project)
        and not any(r.is_open for r in reviews),
    })


@login_required
@require_POST
def round_open(request, project_id):
    project = project_for_user(request.user, project_id)
    _deny_unless("qualification.can_open_qualification_round", request.user, project)
    try:
        review = services.qualification_round_open(project=project, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("qualification:project", project_id=project.pk)
    messages.success(request, _("Round opened. Add or update the documents, then submit."))
    return redirect(review.get_absolute_url())


@login_required
def review_detail(request, pk):
    review = selectors.review_for_user(request.user, pk)
    documents = list(review.documents.select_related("project", "reviewed_by", "copied_from"))
    approval = selectors.approval_signature(review) if review.status == ReviewStatus.APPROVED else None
    sign_url = ""
    if review.status == ReviewStatus.APPROVED and approval is None:
        ct = ContentType.objects.get_for_model(review)
        sign_url = reverse("signatures:sign", args=[ct.pk, review.pk]) + "?" + urlencode(
            {"next": review.get_absolute_url()})
    return render(request, "qualification/review_detail.html", {
        "review": review, "project": review.project, "documents": documents, "approval": approval,
        "sign_url": sign_url, "check_form": DocumentCheckForm(), "conclusion_form": ConclusionForm(),
        "history": review.history.select_related("history_user").order_by("-history_date")[:50],
    })


@login_required
def document_add(request, pk):
    review = selectors.review_for_user(request.user, pk)
    _deny_unless("qualification.can_add_qualification_document", request.user, review)
    form = DocumentForm(request.POST or None, security_only=_security_only(request.user, review))
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_document_add(review=review, user=request.user, **form.service_kwargs())
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Document added. Attach the scanned document below it."))
            return redirect(review.get_absolute_url())
    return render(request, "qualification/document_form.html", {"form": form, "review": review,
                                                                 "project": review.project})


@login_required
def document_edit(request, pk):
    document = selectors.document_for_user(request.user, pk)
    _deny_unless("qualification.can_edit_qualification_document", request.user, document)
    form = DocumentForm(request.POST or None, instance=document,
                        security_only=_security_only(request.user, document))
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_document_update(document=document, user=request.user, **form.service_kwargs())
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Document saved."))
            return redirect(document.review.get_absolute_url())
    return render(request, "qualification/document_form.html", {"form": form, "review": document.review,
                                                                 "document": document,
                                                                 "project": document.project})


@login_required
@require_POST
def document_remove(request, pk):
    document = selectors.document_for_user(request.user, pk)
    _deny_unless("qualification.can_edit_qualification_document", request.user, document)
    review = document.review
    try:
        services.qualification_document_remove(document=document, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Document removed."))
    return redirect(review.get_absolute_url())


@login_required
@require_POST
def document_check(request, pk):
    document = selectors.document_for_user(request.user, pk)
    _deny_unless("qualification.can_check_qualification_document", request.user, document)
    form = DocumentCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer each check with yes or no."))
    else:
        try:
            services.qualification_document_check(document=document, user=request.user, **form.service_kwargs())
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Check recorded."))
    return redirect(document.review.get_absolute_url() + f"#document-{document.pk}")


def _conclude(request, pk, rule, service, success, needs_reason=False):
    review = selectors.review_for_user(request.user, pk)
    _deny_unless(rule, request.user, review)
    form = ConclusionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The text is too long (at most 4000 characters)."))
        return redirect(review.get_absolute_url())
    try:
        review = service(review=review, user=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(review.get_absolute_url())
    messages.success(request, success)
    if review.status == ReviewStatus.APPROVED:
        # The written approval: straight to the signing form, back to the round afterwards.
        ct = ContentType.objects.get_for_model(review)
        return redirect(reverse("signatures:sign", args=[ct.pk, review.pk]) + "?"
                        + urlencode({"next": review.get_absolute_url()}))
    return redirect(review.get_absolute_url())


@login_required
@require_POST
def review_submit(request, pk):
    review = selectors.review_for_user(request.user, pk)
    _deny_unless("qualification.can_submit_qualification", request.user, review)
    try:
        services.qualification_submit(review=review, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Documents submitted to the client for review."))
    return redirect(review.get_absolute_url())


@login_required
@require_POST
def review_approve(request, pk):
    return _conclude(request, pk, "qualification.can_approve_qualification", services.qualification_approve,
                     _("Qualification approved. Sign the approval to put it in writing."))


@login_required
@require_POST
def review_reject(request, pk):
    return _conclude(request, pk, "qualification.can_reject_qualification", services.qualification_reject,
                     _("Qualification rejected. The contractor can resubmit in a new round."))
