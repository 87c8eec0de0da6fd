"""Thin views: scoped lookup, rule, one service call, message, redirect."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.errors import DomainError, PermissionDenied
from apps.core.permissions import allowed, refusal_message, require
from apps.core.refusals import show_refusal
from apps.inspections.enums import DefectGrade
from apps.projects.selectors import project_for_user

from . import integration, selectors, services
from .enums import ItemResult, Purpose
from .forms import ImportForm, RowsError, rows_from_post

ITEMS_PER_PAGE = 200


def _metrics(inspection) -> list:
    """The numeric check items of the inspection's service type (columns of the entry page)."""
    return list(integration.numeric_check_items(inspection.project, inspection.service_type).values())


@login_required
@require_GET
def project_page(request, project_id):
    project = project_for_user(request.user, project_id)
    page = Paginator(selectors.inspections_for_project(project), 50).get_page(request.GET.get("page"))
    can_open = allowed("lot_inspection.can_open_lot_inspection", request.user, project)
    return render(request, "lot_inspection/project.html", {
        "project": project, "page": page, "can_open": can_open,
        "awaiting": list(selectors.batches_awaiting_inspection(project)[:100]) if can_open else [],
        "candidates": list(selectors.rectification_candidates(project)[:50]),
        "escape": selectors.escape_rate(project),
        "acceptance": list(selectors.inspections_for_project(project, Purpose.ACCEPTANCE)[:100]),
    })


@login_required
@require_GET
def summary(request, project_id):
    project = project_for_user(request.user, project_id)
    return render(request, "lot_inspection/summary.html", {
        "project": project, "grades": DefectGrade.choices, **selectors.summary(project)})


@login_required
@require_http_methods(["GET", "POST"])
def open_inspection(request, batch_id):
    from apps.batches.selectors import batch_for_user

    batch = batch_for_user(request.user, batch_id)
    project = batch.project
    require("lot_inspection.may_open_lot_inspection", request.user, project)
    if request.method == "POST":
        try:
            inspection = services.lot_inspection_open(batch=batch, user=request.user)
        except DomainError as exc:
            show_refusal(exc, request=request)
        else:
            messages.success(request, _("Sampling inspection opened: %(n)d items drawn. Record the results.")
                             % {"n": inspection.sample_size})
            return redirect("lot_inspection:entry", pk=inspection.pk)
    plan, refusal = None, None
    existing = getattr(batch, "lot_inspection", None)
    try:
        lot_size = batch.items.count() or batch.quantity
        plan = integration.plan_snapshot(integration.inspection_plan(project, batch.service_type, lot_size))
    except DomainError as exc:
        refusal = exc.message
    except Exception as exc:  # an engine error on odd input is shown, never a 500
        refusal = str(exc)
    labels = dict(DefectGrade.choices)
    return render(request, "lot_inspection/open.html", {
        "project": project, "batch": batch, "plan": plan, "refusal": refusal, "existing": existing,
        "plan_rows": [{"label": labels[g], **p} for g, p in (plan or {}).get("plans", {}).items()],
        "can_open": allowed("lot_inspection.can_open_lot_inspection", request.user, project),
    })


@login_required
@require_GET
def detail(request, pk):
    inspection = selectors.inspection_for_user(request.user, pk)
    see_sample = allowed("lot_inspection.may_see_lot_sample", request.user, inspection)
    page = None
    if see_sample:
        qs = selectors.sampled_items(inspection)
        if request.GET.get("show") == "defective":
            qs = qs.filter(result=ItemResult.DEFECTIVE)
        page = Paginator(qs, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "lot_inspection/detail.html", {
        "project": inspection.project, "inspection": inspection, "see_sample": see_sample, "page": page,
        "population": inspection.population if inspection.is_acceptance else [],
        "query": "show=defective" if request.GET.get("show") == "defective" else "",
        "counts": selectors.result_counts(inspection) if see_sample and inspection.is_open else None,
        "can_record": allowed("lot_inspection.can_record_lot_results", request.user, inspection),
        "can_decide": allowed("lot_inspection.can_decide_lot", request.user, inspection),
    })


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _decided(request, inspection) -> bool:
    """The entry and import pages of a decided inspection send the person back to it, saying so."""
    if allowed("lot_inspection.inspection_is_open", request.user, inspection):
        return False
    messages.error(request, refusal_message("lot_inspection.inspection_is_open"))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def entry(request, pk):
    """All sampled items on one page (2,000 rows: one query for the items, one for the defect
    codes; plain inputs, no form objects). entry.js sends only the changed rows as one JSON
    field and saves without reloading; without JavaScript the page posts its inputs."""
    inspection = selectors.inspection_for_user(request.user, pk)
    require("lot_inspection.may_record_lot_results", request.user, inspection)
    if _decided(request, inspection):
        return redirect(inspection)
    metrics = _metrics(inspection)
    if request.method == "POST":
        try:
            rows = rows_from_post(request.POST, [m.metric for m in metrics])
            saved = services.lot_inspection_results_record(inspection=inspection, user=request.user, rows=rows)
        except RowsError as exc:
            if _wants_json(request):
                return JsonResponse({"detail": str(exc), "errors": []}, status=400)
            messages.error(request, str(exc))
        except DomainError as exc:
            if _wants_json(request) and not isinstance(exc, PermissionDenied):
                return JsonResponse({"detail": exc.message, "errors": exc.details}, status=400)
            show_refusal(exc, request=request)
        else:
            if _wants_json(request):
                ids = [r.item_id for r in rows]
                versions = dict(inspection.items.filter(pk__in=ids).values_list("id", "version"))
                counts = selectors.result_counts(inspection)
                return JsonResponse({"saved": saved, "versions": {str(k): v for k, v in versions.items()},
                                     "pending": counts["pending"],
                                     "detail": _("%(n)d results saved.") % {"n": saved}})
            messages.success(request, _("%(n)d results saved.") % {"n": saved})
            return redirect("lot_inspection:entry", pk=inspection.pk)
    rows = selectors.entry_rows(inspection)
    catalogue = integration.defect_catalogue(inspection.project, inspection.service_type)
    return render(request, "lot_inspection/entry.html", {
        "project": inspection.project, "inspection": inspection,
        "rows_html": _entry_rows_html(rows, metrics, place=inspection.is_acceptance),
        "metrics": metrics,
        "catalogue": list(catalogue.values()), "counts": selectors.result_counts(inspection),
    })


def _entry_rows_html(rows: list[dict], metrics: list, *, place: bool = False) -> str:
    """The entry table's rows, built as one string: 2,000 rows through the template engine take
    about a second; escaped string formatting takes a few tens of milliseconds."""
    labels = [(ItemResult.CONFORMING, escape(_("conforming")), ""),
              (ItemResult.DEFECTIVE, escape(_("defective")), ""),
              (ItemResult.PENDING, escape(_("pending")), ' class="text-muted"')]
    names = [m.metric for m in metrics]
    out = []
    for r in rows:
        i = r["id"]
        radios = " ".join(
            f'<label{css}><input type="radio" name="r{i}" value="{value}"{" checked" if r["result"] == value else ""}>'
            f' {label}</label>' for value, label, css in labels)
        values = r["measurements"] or {}
        place_cell = f'<td class="text-nowrap">{escape(r["place"])}</td>' if place else ""
        measured = "".join(
            f'<td><input name="m{i}_{name}" value="{escape(values.get(name, ""))}" size="5" inputmode="decimal" '
            f'data-metric="{name}"></td>' for name in names)
        out.append(
            f'<tr data-id="{i}" data-position="{r["position"]}"><td>{r["position"]}<input type="hidden" name="v{i}" '
            f'value="{r["version"]}"></td>{place_cell}'
            f'<td>{escape(r["batch_item__archive_code"] or "")}</td>'
            f'<td>{escape(r["batch_item__title"] or "")}</td><td>{escape(r["batch_item__file_name"] or "")}</td>'
            f'<td class="text-nowrap">{radios}</td><td><input name="d{i}" value="{escape(r["defects"])}" '
            f'list="defect-codes" size="10"></td>{measured}<td><input name="n{i}" value="{escape(r["note"])}" '
            f'size="16" maxlength="500"></td></tr>')
    return mark_safe("\n".join(out))


@login_required
@require_http_methods(["GET", "POST"])
def import_results(request, pk):
    inspection = selectors.inspection_for_user(request.user, pk)
    require("lot_inspection.may_record_lot_results", request.user, inspection)
    if _decided(request, inspection):
        return redirect(inspection)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.lot_inspection_results_import(inspection=inspection, user=request.user,
                                                           uploaded_file=form.cleaned_data["file"])
        except DomainError as exc:
            # Next to the file when it is about the file, with every row's error above the form.
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("%(n)d results imported.") % {"n": saved})
            return redirect(inspection)
    return render(request, "lot_inspection/import.html", {
        "project": inspection.project, "inspection": inspection, "form": form,
        "metrics": _metrics(inspection)})


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, pk):
    """The outcome the rules give, then the decision. A function view rather than a target of
    ``apps.core.transitions.TransitionView``: what the person is told afterwards depends on the
    verdict (accepted: success; not accepted: a warning), which a target's one ``success``
    sentence cannot say; the page also previews the outcome before the button."""
    inspection = selectors.inspection_for_user(request.user, pk)
    require("lot_inspection.may_decide_lot", request.user, inspection)
    if not allowed("lot_inspection.inspection_is_open", request.user, inspection):
        messages.error(request, _("This inspection has already been decided (%(decision)s).")
                       % {"decision": inspection.get_decision_display()})
        return redirect(inspection)
    if request.method == "POST":
        try:
            inspection = services.lot_inspection_decide(inspection=inspection, user=request.user)
        except DomainError as exc:
            show_refusal(exc, request=request)
        else:
            if inspection.is_acceptance:
                verdict = _("accepted") if inspection.is_accepted else _("not accepted, rectification required")
                message = _("Decision recorded: the acceptance sample is %(verdict)s.") % {"verdict": verdict}
                (messages.success if inspection.is_accepted else messages.warning)(request, message)
            elif inspection.is_accepted:
                messages.success(request, _("Decision recorded: the batch is accepted."))
            else:
                messages.warning(request, _("Decision recorded: the batch is not accepted and is marked for "
                                            "rectification."))
            return redirect(inspection)
    outcome = selectors.outcome(inspection)
    return render(request, "lot_inspection/decide.html", {
        "project": inspection.project, "inspection": inspection, "outcome": outcome,
        "grade_rows": [(label, outcome.counts[g], inspection.plans.get(g)) for g, label in DefectGrade.choices],
    })


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_GET
def sample_csv(request, pk):
    """The drawn sample as a CSV (UTF-8 with BOM, opens in Excel): the columns the import reads,
    so a QC tool or a spreadsheet can fill in the results and bring them back."""
    inspection = selectors.inspection_for_user(request.user, pk)
    require("lot_inspection.may_see_lot_sample", request.user, inspection)
    metrics = _metrics(inspection)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    place = inspection.is_acceptance  # the lot spans batches: where each item is
    writer.writerow(["位置", *(["批次及件号"] if place else []), "档号", "题名", "文件名", "结果", "缺陷代码",
                     *[m.metric for m in metrics], "备注"])
    result_words = {ItemResult.CONFORMING: "合格", ItemResult.DEFECTIVE: "不合格", ItemResult.PENDING: ""}
    for row in selectors.entry_rows(inspection):
        values = row["measurements"] or {}
        writer.writerow([_csv_cell(v) for v in [
            row["position"], *([row["place"]] if place else []), row["batch_item__archive_code"],
            row["batch_item__title"], row["batch_item__file_name"],
            result_words.get(row["result"], ""), row["defects"], *[values.get(m.metric, "") for m in metrics],
            row["note"]]])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    if place:
        filename = "验收抽检样本-" + "".join(c for c in inspection.label if c not in '/\\"') + ".csv"
    else:
        filename = f"抽检样本-批次{inspection.batch.number}.csv"
    response["Content-Disposition"] = (f'attachment; filename="sample-{inspection.pk}.csv"; '
                                       f"filename*=UTF-8''{quote(filename)}")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def defect_evidence(request, pk):
    """One defect found by sampling with its evidence files (photos, scans, tool reports): the
    client's inspectors attach them while the inspection is open (§7.2, Annex B)."""
    from django.http import Http404

    from .models import ItemDefect

    try:
        defect = (ItemDefect.objects.select_related("sampled_item__inspection__project", "sampled_item__batch_item",
                                                    "defect_type", "created_by").get(pk=pk))
    except (ItemDefect.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    inspection = selectors.inspection_for_user(request.user, defect.sampled_item.inspection_id)
    if not allowed("lot_inspection.may_see_lot_sample", request.user, inspection):
        raise Http404
    return render(request, "lot_inspection/defect_evidence.html", {
        "project": inspection.project, "inspection": inspection, "defect": defect, "item": defect.sampled_item})

