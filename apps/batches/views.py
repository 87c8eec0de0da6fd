"""Thin views: scoped lookup, rule, form, one service call, message, redirect.

A refused rule is the 403 page with the rule's sentence (``require``); a refusal of the
service is shown on the form or as a message (``show_refusal``). Submitting and resubmitting a
batch are the targets of :class:`BatchTransition`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.core.transitions import Target, TransitionView
from apps.projects.rules import is_contractor_side
from apps.projects.selectors import project_for_user

from . import selectors, services
from .enums import BatchStatus
from .forms import (
    PROCESS_STEPS,
    BatchFilterForm,
    BatchForm,
    ImportForm,
    MutualCheckForm,
    SelfCheckForm,
    SpecialInspectionForm,
)
from .imports import MAX_FILE_BYTES, parse_item_file

PAGE_SIZE = 25
ITEMS_PAGE_SIZE = 100


# ---------------------------------------------------------------- list, create, edit

@login_required
def project_batches(request, project_id):
    project = project_for_user(request.user, project_id)
    batches = selectors.batches_for(request.user, project)
    filters = BatchFilterForm(request.GET or None)
    query = {}
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            batches = batches.filter(status=filters.cleaned_data["status"])
            query["status"] = filters.cleaned_data["status"]
        if filters.cleaned_data["service_type"]:
            batches = batches.filter(service_type=filters.cleaned_data["service_type"])
            query["service_type"] = filters.cleaned_data["service_type"]
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "batches/project.html", {
        "project": project, "page": page, "filters": filters, "query": urlencode(query),
        "counts": selectors.status_counts(selectors.batches_for(request.user, project)),
        "can_create": allowed("batches.can_create_batch", request.user, project),
        "is_contractor": is_contractor_side(request.user, project),
    })


@login_required
def create(request, project_id):
    project = project_for_user(request.user, project_id)
    require("batches.may_create_batch", request.user, project)
    form = BatchForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Draft batch %(n)d created. Import its item list next.") % {"n": batch.number})
            return redirect(batch)
    return render(request, "batches/form.html", {"project": project, "form": form, "batch": None})


@login_required
def edit(request, pk):
    batch = selectors.batch_for_user(request.user, pk)
    require("batches.may_edit_batch", request.user, batch)
    if not allowed("batches.batch_is_draft", request.user, batch):
        messages.error(request, _("Only a draft batch can be changed (this one is %(s)s).")
                       % {"s": batch.get_status_display()})
        return redirect(batch)
    has_items = batch.items.exists()
    initial = {"service_type": batch.service_type, "unit": batch.unit, "quantity": batch.quantity,
               "description": batch.description}
    form = BatchForm(request.POST or None, project=batch.project, has_items=has_items, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if has_items:
            data.pop("quantity")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            services.batch_update(batch=batch, user=request.user, expected_version=version, **data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Batch saved."))
            return redirect(batch)
    return render(request, "batches/form.html", {"project": batch.project, "form": form, "batch": batch})


# ---------------------------------------------------------------- detail and actions

@login_required
def detail(request, pk):
    batch = selectors.batch_for_user(request.user, pk)
    user = request.user
    items = Paginator(selectors.items_of(batch), ITEMS_PAGE_SIZE).get_page(request.GET.get("page"))
    can_submit = allowed("batches.can_submit_batch", user, batch)
    return render(request, "batches/detail.html", {
        "project": batch.project, "batch": batch, "items": items, "summary": selectors.batch_summary(batch),
        "special_inspections": list(selectors.special_inspections_of(batch)),
        "covered": selectors.special_inspection_covers(batch),
        "self_checks": list(batch.self_checks.select_related("operator").order_by("-date", "pk")[:50]),
        "mutual_checks": list(batch.mutual_checks.select_related("producer", "checker").order_by("-date", "pk")[:50]),
        "resubmissions": list(batch.resubmissions.all()),
        "can_edit": allowed("batches.can_edit_batch", user, batch),
        "can_special": allowed("batches.can_record_special_inspection", user, batch),
        "may_submit": allowed("batches.may_submit_batch", user, batch),
        "can_submit": can_submit,
        "refusals": services.submission_refusals(batch) if can_submit else [],
        "can_resubmit": allowed("batches.can_resubmit_batch", user, batch),
    })


@login_required
def import_items(request, pk):
    batch = selectors.batch_for_user(request.user, pk)
    require("batches.may_edit_batch", request.user, batch)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_FILE_BYTES:
                raise DomainError(_("The file is too large (at most %(n)d MB).")
                                  % {"n": MAX_FILE_BYTES // (1024 * 1024)}, field="file")
            rows = parse_item_file(upload.read(), upload.name)
            batch = services.batch_items_replace(batch=batch, user=request.user, rows=rows)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("%(n)d items imported.") % {"n": batch.quantity})
            return redirect(batch)
    return render(request, "batches/import.html", {"project": batch.project, "batch": batch, "form": form,
                                                   "has_items": batch.items.exists()})


@login_required
def special_inspection(request, pk):
    batch = selectors.batch_for_user(request.user, pk)
    require("batches.may_record_special_inspection", request.user, batch)
    inspectors = selectors.special_inspectors(batch.project)
    default = inspectors.filter(pk=request.user.pk).first() or inspectors.first()
    form = SpecialInspectionForm(request.POST or None, inspectors=inspectors,
                                 initial={"checked_count": batch.quantity or None, "inspector": default})
    if request.method == "POST" and form.is_valid():
        try:
            services.special_inspection_record(batch=batch, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Special inspection recorded."))
            return redirect(batch)
    return render(request, "batches/special.html", {"project": batch.project, "batch": batch, "form": form})


class BatchTransition(TransitionView):
    """Submit and resubmit: buttons on the batch page (``post_only``); a refusal comes back
    to the batch as a message. A resubmission leads to the new draft it created."""

    lookup = staticmethod(selectors.batch_for_user)
    entity = "batch"
    targets = {
        "submit": Target(rule="batches.may_submit_batch", service=services.batch_submit,
                         success=gettext_lazy("Batch submitted. The client will inspect it."), post_only=True),
        "resubmit": Target(rule="batches.may_resubmit_batch", service=services.batch_resubmit,
                           success=gettext_lazy("Rectified batch created as a new draft: record its special "
                                                "inspection, then submit it."),
                           post_only=True, to_result=True),
    }


# ---------------------------------------------------------------- three-level records (fast entry)

def _check_forms(request, project, *, self_form=None, mutual_form=None):
    staff = selectors.filed_staff(project)
    batches = selectors.batches_for(request.user, project).filter(status=BatchStatus.DRAFT)
    today = timezone.localdate()
    user_default = request.user if staff.filter(pk=request.user.pk).exists() else None
    self_form = self_form or SelfCheckForm(staff=staff, batches=batches, prefix="self",
                                           initial={"date": today, "operator": user_default})
    mutual_form = mutual_form or MutualCheckForm(staff=staff, batches=batches, prefix="mutual",
                                                 initial={"date": today, "checker": user_default})
    return self_form, mutual_form


def _checks_context(request, project, **forms_):
    self_form, mutual_form = _check_forms(request, project, **forms_)
    return {
        "project": project, "self_form": self_form, "mutual_form": mutual_form, "steps": PROCESS_STEPS,
        "can_record": allowed("batches.can_record_checks", request.user, project),
        "self_page": Paginator(selectors.self_checks_of_project(project).order_by("-date", "-pk"), 50).get_page(
            request.GET.get("self_page")),
        "mutual_page": Paginator(selectors.mutual_checks_of_project(project).order_by("-date", "-pk"), 50).get_page(
            request.GET.get("mutual_page")),
        "incomplete": list(selectors.incomplete_self_checks(project)[:100]),
    }


@login_required
def checks(request, project_id):
    project = project_for_user(request.user, project_id)
    return render(request, "batches/checks.html", _checks_context(request, project))


def _add_check(request, project_id, *, kind: str):
    project = project_for_user(request.user, project_id)
    require("batches.may_record_self_checks" if kind == "self" else "batches.may_record_mutual_checks",
            request.user, project)
    staff = selectors.filed_staff(project)
    batches = selectors.batches_for(request.user, project).filter(status=BatchStatus.DRAFT)
    form_class = SelfCheckForm if kind == "self" else MutualCheckForm
    form = form_class(request.POST, staff=staff, batches=batches, prefix=kind)
    saved = None
    if form.is_valid():
        try:
            record = services.self_check_record if kind == "self" else services.mutual_check_record
            saved = record(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
    if saved is not None:
        # Keep operator, date, step and batch for the next row; clear the counts.
        keep = {k: form.cleaned_data.get(k) for k in ("operator", "producer", "checker", "date", "process_step",
                                                      "batch")}
        form = form_class(staff=staff, batches=batches, prefix=kind, initial={k: v for k, v in keep.items() if v})
        form.fields["output_count" if kind == "self" else "checked_count"].widget.attrs["autofocus"] = True
    if request.htmx:
        context = _checks_context(request, project, **{f"{kind}_form": form})
        context["saved"] = saved
        response = render(request, f"batches/_{kind}_block.html", context)
        if saved is None:
            response.status_code = 200  # htmx swaps 2xx only: show the errors in place
        return response
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect("batches:checks", project.pk)
    return render(request, "batches/checks.html", _checks_context(request, project, **{f"{kind}_form": form}),
                  status=400)


@login_required
@require_POST
def add_self_check(request, project_id):
    return _add_check(request, project_id, kind="self")


@login_required
@require_POST
def add_mutual_check(request, project_id):
    return _add_check(request, project_id, kind="mutual")


