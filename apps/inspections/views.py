"""Thin views: scoped lookup, rule, form, one service call, message, redirect.

A refused rule is the 403 page with the rule's sentence (``require``); a refusal of the
service is shown on the form (``show_refusal``).
"""

from __future__ import annotations

import tempfile
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.core.errors import DomainError
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.projects.enums import ServiceType
from apps.projects.selectors import project_for_user

from . import selectors, services
from .enums import GRADE_ORDER
from .forms import (
    CheckItemCreateForm,
    CheckItemForm,
    DefectTypeCreateForm,
    DefectTypeForm,
    KeyNodeForm,
    LedgerFilterForm,
    PatrolForm,
)

LEDGER_EXPORT_MAX = 50_000


def _nav(request, project, active: str) -> dict:
    return {"project": project, "active_tab": active,
            "can_record": allowed("inspections.can_record_supervision", request.user, project),
            "can_edit_catalogue": allowed("inspections.can_edit_catalogue", request.user, project)}


# ---------------------------------------------------------------- catalogue


@login_required
def catalogue(request, project_id):
    project = project_for_user(request.user, project_id)
    items = list(selectors.check_items(project))
    defects = list(selectors.defect_types(project))
    sections = []
    for st in project.service_types:
        sections.append({
            "service_type": st, "label": ServiceType(st).label if st in ServiceType.values else st,
            "items": [i for i in items if i.service_type == st],
            "grades": [{"grade": g, "defects": [d for d in defects if d.service_type == st and d.grade == g]}
                       for g in GRADE_ORDER],
        })
    return render(request, "inspections/catalogue.html", {**_nav(request, project, "catalogue"), "sections": sections})


@login_required
def check_item_edit(request, pk):
    item = selectors.check_item_for_user(request.user, pk)
    project = item.project
    require("inspections.may_edit_catalogue", request.user, project)
    initial = {f: getattr(item, f) for f in ("name", "requirement", "method", "remark", "metric", "min_value",
                                             "max_value", "unit", "absolute", "active")}
    form = CheckItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_item_update(item=item, user=request.user, expected_version=_version(request),
                                       **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Check item saved."))
            return redirect("inspections:catalogue", project.pk)
    return render(request, "inspections/catalogue_form.html", {
        **_nav(request, project, "catalogue"), "form": form, "record": item, "title": str(item),
        "origin": f"{item.template.name}：{item.template.requirement}（{item.template.method}）" if item.template else ""})


@login_required
def check_item_add(request, project_id):
    project = project_for_user(request.user, project_id)
    require("inspections.may_edit_catalogue", request.user, project)
    form = CheckItemCreateForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_item_create(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Check item added."))
            return redirect("inspections:catalogue", project.pk)
    return render(request, "inspections/catalogue_form.html", {
        **_nav(request, project, "catalogue"), "form": form, "title": _("Add a check item"), "origin": "", "record": None})


@login_required
def defect_type_edit(request, pk):
    defect = selectors.defect_type_for_user(request.user, pk)
    project = defect.project
    require("inspections.may_edit_catalogue", request.user, project)
    initial = {"name": defect.name, "grade": defect.grade, "description": defect.description,
               "check_item": str(defect.check_item_id or ""), "active": defect.active}
    form = DefectTypeForm(request.POST or None, initial=initial, project=project, service_type=defect.service_type)
    if request.method == "POST" and form.is_valid():
        try:
            services.defect_type_update(defect=defect, user=request.user, expected_version=_version(request),
                                        **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Defect type saved."))
            return redirect("inspections:catalogue", project.pk)
    return render(request, "inspections/catalogue_form.html", {
        **_nav(request, project, "catalogue"), "form": form, "record": defect, "title": str(defect),
        "origin": (f"{defect.template.name}（{defect.template.get_grade_display()}）：{defect.template.description}"
                   if defect.template else "")})


@login_required
def defect_type_add(request, project_id):
    project = project_for_user(request.user, project_id)
    require("inspections.may_edit_catalogue", request.user, project)
    form = DefectTypeCreateForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.defect_type_create(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Defect type added."))
            return redirect("inspections:catalogue", project.pk)
    return render(request, "inspections/catalogue_form.html", {
        **_nav(request, project, "catalogue"), "form": form, "title": _("Add a defect type"), "origin": "", "record": None})


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # a stale or missing version is a conflict, never a silent overwrite


# ---------------------------------------------------------------- patrols


@login_required
def patrols(request, project_id):
    project = project_for_user(request.user, project_id)
    page = Paginator(selectors.patrols(project), 30).get_page(request.GET.get("page"))
    return render(request, "inspections/patrols.html", {
        **_nav(request, project, "patrols"), "page": page, "gaps": selectors.patrol_gaps(project)})


@login_required
def patrol_create(request, project_id):
    project = project_for_user(request.user, project_id)
    require("inspections.may_record_patrols", request.user, project)
    form = PatrolForm(request.POST or None, request.FILES or None, project=project,
                      initial={"patrolled_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            patrol = services.patrol_create(project=project, user=request.user, **data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Patrol recorded and entered in the ledger."))
            return redirect(patrol)
    return render(request, "inspections/patrol_form.html", {**_nav(request, project, "patrols"), "form": form})


@login_required
def patrol_detail(request, pk):
    patrol = selectors.patrol_for_user(request.user, pk)
    return render(request, "inspections/patrol_detail.html", {
        **_nav(request, patrol.project, "patrols"), "patrol": patrol,
        "may_edit": allowed("inspections.may_record_patrols", request.user, patrol.project)})


@login_required
def patrol_edit(request, pk):
    patrol = selectors.patrol_for_user(request.user, pk)
    project = patrol.project
    require("inspections.may_record_patrols", request.user, project)
    initial = {"patrolled_on": patrol.patrolled_on, "inspectors": list(patrol.inspectors.all()),
               "content": patrol.content, "findings": patrol.findings, "requirements": patrol.requirements}
    form = PatrolForm(request.POST or None, project=project, initial=initial, with_files=False)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("inspectors"):
            data.pop("inspectors", None)
        try:
            patrol = services.patrol_update(patrol=patrol, user=request.user, expected_version=_version(request),
                                            **data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Patrol corrected; the ledger entry follows."))
            return redirect(patrol)
    return render(request, "inspections/patrol_form.html", {
        **_nav(request, project, "patrols"), "form": form, "patrol": patrol})


# ---------------------------------------------------------------- key-node checks


@login_required
def key_nodes(request, project_id):
    project = project_for_user(request.user, project_id)
    page = Paginator(selectors.key_node_checks(project), 30).get_page(request.GET.get("page"))
    return render(request, "inspections/key_nodes.html", {
        **_nav(request, project, "key_nodes"), "page": page, "control_points": selectors.plan_control_points(project)})


@login_required
def key_node_create(request, project_id):
    project = project_for_user(request.user, project_id)
    require("inspections.may_record_key_node_checks", request.user, project)
    points = selectors.plan_control_points(project)
    form = KeyNodeForm(request.POST or None, request.FILES or None, project=project, control_points=points,
                       initial={"checked_on": timezone.localdate(), "node_choice": request.GET.get("node", "")})
    if request.method == "POST" and form.is_valid():
        try:
            check = services.key_node_create(project=project, user=request.user, **form.service_kwargs())
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Key-node check recorded and entered in the ledger."))
            return redirect(check)
    return render(request, "inspections/key_node_form.html", {
        **_nav(request, project, "key_nodes"), "form": form, "control_points": points})


@login_required
def key_node_detail(request, pk):
    check = selectors.key_node_for_user(request.user, pk)
    return render(request, "inspections/key_node_detail.html", {**_nav(request, check.project, "key_nodes"),
                                                                 "check": check})


# ---------------------------------------------------------------- ledger


def _ledger_form(request, project):
    return LedgerFilterForm(request.GET or None, inspectors=selectors.ledger_inspectors(project))


@login_required
@require_GET
def ledger(request, project_id):
    project = project_for_user(request.user, project_id)
    form = _ledger_form(request, project)
    valid = not request.GET or form.is_valid()
    page = None
    if valid:
        filters = form.filters()
        page = selectors.ledger_page(selectors.ledger_entries(project, filters), request.GET.get("page"),
                                     cap=selectors.ledger_count_cap(filters))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "inspections/ledger.html", {
        **_nav(request, project, "ledger"), "form": form, "page": page, "query": query.urlencode(),
        "rows": _ledger_rows(page.entries) if page else [], "export_max": LEDGER_EXPORT_MAX})


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ledger_rows(entries) -> list[tuple]:
    """Plain tuples for the template: the 50 rows render without per-row lookups or filters."""
    from .enums import LedgerKind

    kinds = dict(LedgerKind.choices)
    tz = timezone.get_current_timezone()
    return [(e.url, e.occurred_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), kinds.get(e.kind, e.kind),
             e.inspector_name, e.batch_label or (e.batch_id or ""), _short(e.content, 120),
             _short(e.problems, 100) if e.has_problems else "", _short(e.requirements, 100), e.conclusion)
            for e in entries]


LEDGER_HEADERS = ("序号", "检查类型", "检查时间", "检查人员", "批次", "检查内容", "问题描述", "整改要求", "结论", "链接")


@login_required
@require_GET
def ledger_export(request, project_id):
    """The filtered ledger as .xlsx (openpyxl write-only, through a temporary file)."""
    from openpyxl import Workbook

    project = project_for_user(request.user, project_id)
    form = _ledger_form(request, project)
    back = reverse("inspections:ledger", args=[project.pk]) + (f"?{request.GET.urlencode()}" if request.GET else "")
    if request.GET and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(back)
    qs = selectors.ledger_entries(project, form.filters())
    total = qs.order_by()[:LEDGER_EXPORT_MAX + 1].count()
    if total > LEDGER_EXPORT_MAX:
        messages.error(request, _("More than %(n)d entries match: narrow the filters (e.g. a date range) and export "
                                  "again.") % {"n": LEDGER_EXPORT_MAX})
        return redirect(back)
    from .enums import LedgerKind

    kinds = dict(LedgerKind.choices)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("检查台账")
    ws.append([f"检查台账 — {project.name}（合同编号 {project.contract_no}）"])
    ws.append(list(LEDGER_HEADERS))
    site = request.build_absolute_uri("/").rstrip("/")
    rows = qs.values_list("kind", "occurred_at", "inspector_name", "batch_label", "batch_id", "content", "problems",
                          "requirements", "conclusion", "url")
    for n, (kind, when, who, batch_label, batch_id, content, problems, reqs, conclusion, url) in enumerate(
            rows.iterator(chunk_size=2000), start=1):
        ws.append([n, str(kinds.get(kind, kind)), timezone.localtime(when).strftime("%Y-%m-%d %H:%M"), _cell(who),
                   _cell(batch_label or (str(batch_id) if batch_id else "")), _cell(content), _cell(problems),
                   _cell(reqs), _cell(conclusion), f"{site}{url}" if url.startswith("/") else _cell(url)])
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(tmp)
    tmp.seek(0)
    filename = f"检查台账-{project.contract_no}-{timezone.localdate():%Y%m%d}.xlsx"
    response = FileResponse(tmp, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (f'attachment; filename="ledger-{project.pk}.xlsx"; '
                                       f"filename*=UTF-8''{quote(filename)}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _cell(value) -> str:
    """Text for a spreadsheet cell: formulas are neutralised (CSV/Excel injection)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text

