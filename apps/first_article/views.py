"""Thin views: scoped lookup, form, one service call, message, redirect. The transitions of a
round and of a work contact sheet are ``TransitionView`` targets (``apps.core.transitions``)."""

from __future__ import annotations

import functools
import logging
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from apps.accounts.enums import Party
from apps.core.errors import DomainError
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.core.transitions import Target, TransitionView
from apps.projects.gates import BATCH_SUBMISSION, registry
from apps.projects.selectors import project_for_user

from . import selectors, services
from .forms import RectificationForm, SubmitForm, VerifyForm

logger = logging.getLogger(__name__)


@login_required
def project_page(request, project_id):
    """The project's first-article rounds, its baseline and the batch-production gate."""
    project = project_for_user(request.user, project_id)
    rounds = list(selectors.verifications_for_project(project))
    gate = next(r for r in registry.evaluate(project, BATCH_SUBMISSION) if r.gate.code == "first_article_passed")
    return render(request, "first_article/project.html", {
        "project": project, "rounds": rounds, "baseline": selectors.baseline_of(project), "gate": gate,
        "may_submit": allowed("first_article.may_submit_first_article", request.user, project),
        "can_submit": allowed("first_article.can_submit_first_article", request.user, project),
        "submission_refusal": selectors.submission_refusal(project),
        "open_sheet": selectors.open_contact_sheet(project),
        "history_page": Paginator(selectors.project_first_article_history(project), 30).get_page(
            request.GET.get("page")),
    })


@login_required
def submit(request, project_id):
    """A new round on the project (not a transition of a record): the submission form."""
    project = project_for_user(request.user, project_id)
    require("first_article.may_submit_first_article", request.user, project)
    form = SubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification = services.verification_submit(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("First batch submitted. The client will verify it."))
            return redirect(verification)
    return render(request, "first_article/submit.html", {
        "project": project, "form": form, "refusal": selectors.submission_refusal(project)})


@login_required
def detail(request, pk):
    verification = selectors.verification_for_user(request.user, pk)
    parties = selectors.signature_parties(verification)
    sheet = getattr(verification, "contact_sheet", None)
    return render(request, "first_article/detail.html", {
        "project": verification.project, "verification": verification, "sheet": sheet,
        "rectification": getattr(sheet, "rectification", None) if sheet else None,
        "signed_client": parties[Party.CLIENT], "signed_contractor": parties[Party.CONTRACTOR],
        "signatures_valid": parties["all_valid"],
    })


class VerificationTransition(TransitionView):
    """The client verifies a submitted round (Annex C)."""

    lookup = staticmethod(selectors.verification_for_user)
    entity = "verification"
    template_name = "first_article/transition.html"
    targets = {
        "verify": Target(
            rule="first_article.may_verify_first_article",
            state_rule="first_article.verification_awaits_verification",
            service=services.verification_verify, form_class=VerifyForm,
            success=gettext_lazy("Verification recorded. Both parties now sign the record."),
            title=gettext_lazy("Verify the first batch"),
            extra={"submit_label": gettext_lazy("Record the verification")}),
    }

    def get_initial(self, obj, target):
        return {"verified_on": timezone.localdate()}

    def service_kwargs(self, obj, target, cleaned):
        return {"verification": obj, "user": self.request.user, **VerifyForm.service_kwargs(cleaned)}

    def get_context_data(self, **context):
        v = context["record"]
        self_check = _("contractor's self-check result")
        context["intro"] = (f"{_('batch')}: {v.batch_description} {v.batch_no} · {v.quantity} {v.unit_printed} · "
                            f"{v.batch_date:%Y-%m-%d}\n{self_check}: {v.self_check_result}")
        return context


class ContactSheetTransition(TransitionView):
    """The contractor answers an open work contact sheet with a rectification sheet."""

    lookup = staticmethod(selectors.contact_sheet_for_user)
    entity = "contact_sheet"
    pk_url_kwarg = "sheet_id"
    template_name = "first_article/transition.html"
    targets = {
        "answer": Target(
            rule="first_article.may_answer_contact_sheet", state_rule="first_article.contact_sheet_is_open",
            service=services.contact_sheet_answer, form_class=RectificationForm, files=True,
            success=gettext_lazy("Rectification sheet submitted. You can now submit the batch again."),
            title=gettext_lazy("Answer the work contact sheet"),
            extra={"submit_label": gettext_lazy("Submit the rectification sheet")}),
    }

    def get_back_url(self, obj):
        return obj.verification.get_absolute_url()

    def get_context_data(self, **context):
        sheet = context["record"]
        context["intro"] = (f"{_('what failed')}: {sheet.problem}\n{_('rectification requirement')}: "
                            f"{sheet.requirement}\n{_('rectification deadline')}: {sheet.due_date:%Y-%m-%d}")
        return context


@functools.cache
def _pdf_engine():
    """A template engine that finds ``reports/base_pdf.html`` whether or not ``apps.reports`` is
    in INSTALLED_APPS (its folder is named explicitly); PDF templates need no context processors."""
    from pathlib import Path

    import apps.reports
    from django.template.backends.django import DjangoTemplates

    return DjangoTemplates({"NAME": "first_article_pdf", "DIRS": [Path(apps.reports.__file__).parent / "templates"],
                            "APP_DIRS": True, "OPTIONS": {}})


@login_required
@require_GET
def annex_c_pdf(request, pk):
    """表C.1 首件（批）验证记录表 as a PDF, with both parties' signatures."""
    from apps.reports.pdf import FontsNotBuiltError, render_pdf
    from apps.signatures.selectors import signatures_for

    verification = selectors.verification_for_user(request.user, pk)
    signatures = signatures_for(verification)
    sheet = getattr(verification, "contact_sheet", None)
    context = {
        "form_title": "首件（批）验证记录表", "form_code": "表C.1",
        "doc_no": f"{verification.project.contract_no}-SJ-{verification.round_no:02d}",
        "project": verification.project, "verification": verification, "record": verification,
        "rows": verification.check_rows(), "sheet": sheet,
        "client_signatures": [s for s in signatures if s.party == Party.CLIENT],
        "contractor_signatures": [s for s in signatures if s.party == Party.CONTRACTOR],
    }
    try:
        # The Annex C form is printed in Chinese whatever the interface language (signature meanings included).
        with translation.override(settings.LANGUAGE_CODE):
            html = _pdf_engine().get_template("first_article/annex_c_pdf.html").render(context, request)
        pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    except FontsNotBuiltError:
        logger.error("PDF fonts are not built; the Annex C record cannot be printed.")
        messages.error(request, _("The PDF cannot be produced right now. Please tell the administrator."))
        return redirect(verification)
    filename = f"首件验证记录-第{verification.round_no}轮.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="annex-c-round-{verification.round_no}.pdf"; '
                                       f"filename*=UTF-8''{quote(filename)}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
