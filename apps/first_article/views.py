"""Thin views: scoped lookup, form, one service call, message, redirect."""

from __future__ import annotations

import functools
import logging
from urllib.parse import quote

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.accounts.enums import Party
from apps.core.errors import DomainError, PermissionDenied
from apps.projects.gates import BATCH_SUBMISSION, registry
from apps.projects.selectors import project_for_user

from . import selectors, services
from .forms import RectificationForm, SubmitForm, VerifyForm

logger = logging.getLogger(__name__)


def _deny_unless(rule: str, user, obj) -> None:
    if not rules.test_rule(rule, user, obj):
        raise DjangoPermissionDenied


def _apply_domain_error(form, exc: DomainError) -> None:
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied from None
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@login_required
def project_page(request, project_id):
    """The project's first-article rounds, its baseline and the batch-production gate."""
    project = project_for_user(request.user, project_id)
    rounds = list(selectors.verifications_for_project(project))
    gate = next(r for r in registry.evaluate(project, BATCH_SUBMISSION) if r.gate.code == "first_article_passed")
    return render(request, "first_article/project.html", {
        "project": project, "rounds": rounds, "baseline": selectors.baseline_of(project), "gate": gate,
        "may_submit": rules.test_rule("first_article.may_submit_first_article", request.user, project),
        "can_submit": rules.test_rule("first_article.can_submit_first_article", request.user, project),
        "submission_refusal": selectors.submission_refusal(project),
        "open_sheet": selectors.open_contact_sheet(project),
        "history_page": Paginator(selectors.project_first_article_history(project), 30).get_page(
            request.GET.get("page")),
    })


@login_required
def submit(request, project_id):
    project = project_for_user(request.user, project_id)
    _deny_unless("first_article.may_submit_first_article", request.user, project)
    form = SubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files", [])
        try:
            verification = services.verification_submit(project=project, user=request.user, files=files, **data)
        except DomainError as exc:
            _apply_domain_error(form, exc)
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


@login_required
def verify(request, pk):
    verification = selectors.verification_for_user(request.user, pk)
    _deny_unless("first_article.may_verify_first_article", request.user, verification)
    if not rules.test_rule("first_article.can_verify_first_article", request.user, verification):
        messages.error(request, _("This round has already been verified (%(status)s).")
                       % {"status": verification.get_status_display()})
        return redirect(verification)
    form = VerifyForm(request.POST or None, initial={"verified_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            verification = services.verification_verify(verification=verification, user=request.user,
                                                        **form.service_kwargs())
        except DomainError as exc:
            _apply_domain_error(form, exc)
        else:
            messages.success(request, _("Verification recorded. Both parties now sign the record."))
            return redirect(verification)
    return render(request, "first_article/verify.html", {
        "project": verification.project, "verification": verification, "form": form})


@login_required
def answer(request, sheet_id):
    sheet = selectors.contact_sheet_for_user(request.user, sheet_id)
    _deny_unless("first_article.may_answer_contact_sheet", request.user, sheet)
    if not rules.test_rule("first_article.can_answer_contact_sheet", request.user, sheet):
        messages.error(request, _("This work contact sheet has already been answered."))
        return redirect(sheet.verification)
    form = RectificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.rectification_submit(contact_sheet=sheet, user=request.user, measures=data["measures"],
                                          result=data["result"], files=data.get("files", []))
        except DomainError as exc:
            _apply_domain_error(form, exc)
        else:
            messages.success(request, _("Rectification sheet submitted. You can now submit the batch again."))
            return redirect(sheet.verification)
    return render(request, "first_article/answer.html", {
        "project": sheet.project, "sheet": sheet, "verification": sheet.verification, "form": form})


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
