"""Thin views: scoped lookup, rule, one service call, message, redirect. The transitions (open
a round; submit, approve, reject a round; check or remove a document) are rows of one
transition table per model."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.core.transitions import Target, TransitionView
from apps.deadlines.selectors import deadlines_for_record
from apps.projects.selectors import project_for_user

from . import selectors, services
from .enums import ReviewStatus
from .forms import ConclusionForm, DocumentCheckForm, DocumentForm


def _sign_url(review) -> str:
    ct = ContentType.objects.get_for_model(review)
    return reverse("signatures:sign", args=[ct.pk, review.pk]) + "?" + urlencode(
        {"next": review.get_absolute_url()})


def _security_only(user, obj) -> bool:
    """The security officer adds and edits security capability evidence only."""
    return not allowed("qualification.may_add_any_document", user, obj)


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
        "can_open": allowed("qualification.can_start_round", request.user, project),
    })


class RoundOpen(TransitionView):
    """Open the next round (contractor PM): a button on the project's qualification page."""

    lookup = staticmethod(project_for_user)
    entity = "project"
    pk_url_kwarg = "project_id"
    targets = {
        "open": Target(rule="qualification.can_open_qualification_round", service=services.qualification_round_open,
                       success=gettext_lazy("Round opened. Add or update the documents, then submit."),
                       post_only=True, to_result=True),
    }

    def get_back_url(self, obj) -> str:
        return reverse("qualification:project", args=[obj.pk])


@login_required
def review_detail(request, pk):
    review = selectors.review_for_user(request.user, pk)
    documents = list(review.documents.select_related("project", "reviewed_by", "copied_from"))
    approval = selectors.approval_signature(review) if review.status == ReviewStatus.APPROVED else None
    return render(request, "qualification/review_detail.html", {
        "review": review, "project": review.project, "documents": documents, "approval": approval,
        "sign_url": _sign_url(review) if review.status == ReviewStatus.APPROVED and approval is None else "",
        "check_form": DocumentCheckForm(), "conclusion_form": ConclusionForm(),
        "history": review.history.select_related("history_user").order_by("-history_date")[:50],
    })


class ReviewTransition(TransitionView):
    """Submit (contractor PM), approve (client lead; then to the signing form), reject with
    reasons (client lead or inspector): buttons on the round's page (``post_only``)."""

    lookup = staticmethod(selectors.review_for_user)
    entity = "review"
    targets = {
        "submit": Target(rule="qualification.can_submit_qualification", service=services.qualification_round_submit,
                         success=gettext_lazy("Documents submitted to the client for review."), post_only=True),
        "approve": Target(rule="qualification.can_approve_qualification",
                          service=services.qualification_round_approve, form_class=ConclusionForm, post_only=True,
                          success=gettext_lazy("Qualification approved. Sign the approval to put it in writing.")),
        "reject": Target(rule="qualification.can_reject_qualification", service=services.qualification_round_reject,
                         form_class=ConclusionForm, post_only=True,
                         success=gettext_lazy("Qualification rejected. The contractor can resubmit in a new round.")),
    }

    def get_success_url(self, obj, result) -> str:
        if self.target == "approve":
            # The written approval: straight to the signing form, back to the round afterwards.
            return _sign_url(result)
        return super().get_success_url(obj, result)


@login_required
def document_add(request, pk):
    review = selectors.review_for_user(request.user, pk)
    require("qualification.can_add_qualification_document", request.user, review)
    form = DocumentForm(request.POST or None, security_only=_security_only(request.user, review))
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_document_add(review=review, user=request.user, **form.service_kwargs())
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Document added. Attach the scanned document below it."))
            return redirect(review.get_absolute_url())
    return render(request, "qualification/document_form.html", {"form": form, "review": review,
                                                                 "project": review.project})


@login_required
def document_edit(request, pk):
    document = selectors.document_for_user(request.user, pk)
    require("qualification.can_edit_qualification_document", request.user, document)
    form = DocumentForm(request.POST or None, instance=document,
                        security_only=_security_only(request.user, document))
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_document_update(document=document, user=request.user, **form.service_kwargs())
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Document saved."))
            return redirect(document.review.get_absolute_url())
    return render(request, "qualification/document_form.html", {"form": form, "review": document.review,
                                                                 "document": document,
                                                                 "project": document.project})


class DocumentTransition(TransitionView):
    """Record the client's check (client lead or inspector) or take a document out of a draft
    round (its contractor authors): buttons on the round's page (``post_only``)."""

    lookup = staticmethod(selectors.document_for_user)
    entity = "document"
    targets = {
        "check": Target(rule="qualification.can_check_qualification_document",
                        service=services.qualification_document_check, form_class=DocumentCheckForm,
                        success=gettext_lazy("Check recorded."), post_only=True),
        "remove": Target(rule="qualification.can_edit_qualification_document",
                         service=services.qualification_document_remove,
                         success=gettext_lazy("Document removed."), post_only=True),
    }

    def get_back_url(self, obj) -> str:
        if self.target == "check":
            return obj.review.get_absolute_url() + f"#document-{obj.pk}"
        return obj.review.get_absolute_url()
