"""The project's catalogue (§7.2 Tables 1–5, Annex B): copied from the standard's templates,
adapted by the client lead; and judging measured values against its numeric check items."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import bulk_create_with_context, history_context, save_with_history
from apps.core.locking import lock
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.core.validation import full_clean_or_error
from apps.projects.enums import ServiceType
from apps.projects.models import Project

from .. import selectors
from ..enums import DefectGrade, Metric
from ..models import (
    CODE_MAX,
    NAME_MAX,
    TEXT_MAX,
    CheckItem,
    CheckItemTemplate,
    DefectTemplate,
    DefectType,
)

# Values a measurement may take (|value| below this); beyond it the input is a typing error.
MAX_MEASUREMENT = Decimal("1000000000")


def _missing(project: Project):
    types = list(project.service_types or [])
    items = (CheckItemTemplate.objects.filter(service_type__in=types)
             .exclude(pk__in=CheckItem.objects.filter(project=project, template__isnull=False).values("template_id")))
    defects = (DefectTemplate.objects.filter(service_type__in=types)
               .exclude(pk__in=DefectType.objects.filter(project=project, template__isnull=False)
                        .values("template_id")))
    return items, defects


ITEM_FIELDS = ("service_type", "code", "name", "requirement", "method", "remark", "metric", "min_value",
               "max_value", "unit", "absolute", "order")
DEFECT_FIELDS = ("service_type", "code", "name", "grade", "description", "order")


def catalogue_ensure(*, project: Project, user=None) -> None:
    """Give the project its own copy of the check items and defects of its service types (§7.2
    Tables 1–5 and defect lists; Annex B's cases for consulting/other). Idempotent: only the
    templates not copied yet are copied, so the client lead's edits are kept. Called when the
    project is created and when its service types change (``apps.projects.hooks``), as ``user``;
    never from a page that only reads."""
    items, defects = _missing(project)
    if not items.exists() and not defects.exists():
        return
    with transaction.atomic(), history_context(user=user, reason=_("Catalogue created from the standard's tables")):
        lock(project)  # one copy at a time
        items, defects = _missing(project)
        taken = set(CheckItem.objects.filter(project=project).values_list("code", flat=True))
        new_items = []
        for t in items:
            code = t.code if t.code not in taken else f"{t.code}*"[:CODE_MAX]
            new_items.append(CheckItem(project=project, template=t, **{f: getattr(t, f) for f in ITEM_FIELDS
                                                                    if f != "code"}, code=code))
        if new_items:
            bulk_create_with_context(new_items, CheckItem)
        by_template_code = {ci.template.code: ci for ci in CheckItem.objects.filter(
            project=project, template__isnull=False).select_related("template")}
        taken = set(DefectType.objects.filter(project=project).values_list("code", flat=True))
        new_defects = []
        for t in defects:
            code = t.code if t.code not in taken else f"{t.code}*"[:CODE_MAX]
            new_defects.append(DefectType(project=project, template=t, check_item=by_template_code.get(
                t.check_item_code), **{f: getattr(t, f) for f in DEFECT_FIELDS if f != "code"}, code=code))
        if new_defects:
            bulk_create_with_context(new_defects, DefectType)


def _decimal(value, *, field: str, label: str, required: bool = True) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
        return None
    if isinstance(value, bool):
        raise DomainError(_("%(label)s must be a number.") % {"label": label}, field=field)
    try:
        number = Decimal(str(value).strip().replace("，", ".").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_("%(label)s must be a number.") % {"label": label}, field=field) from None
    if not number.is_finite() or abs(number) >= MAX_MEASUREMENT:
        raise DomainError(_("%(label)s must be a number.") % {"label": label}, field=field)
    return number


def judge(check_item: CheckItem, value) -> bool | None:
    """Whether ``value`` meets a numeric check item (limits inclusive; the magnitude when the item
    judges the absolute value, e.g. skew). None for an item that is not numeric. A value that is
    not a number raises DomainError."""
    if not check_item.is_numeric:
        return None
    number = _decimal(value, field=check_item.metric, label=check_item.name)
    if check_item.absolute:
        number = abs(number)
    if check_item.min_value is not None and number < check_item.min_value:
        return False
    if check_item.max_value is not None and number > check_item.max_value:
        return False
    return True


def judge_measurements(project: Project, service_type: str,
                       measurements: dict) -> list[tuple[CheckItem, Decimal, bool]]:
    """Judge measured values ``{metric: value}`` against the project's active numeric check items of
    ``service_type``: one ``(check_item, value, ok)`` per item whose metric was measured (empty
    values are skipped). An unknown metric or a value that is not a number raises DomainError."""
    if not isinstance(measurements, dict):
        raise DomainError(_("Measurements must be given as quantity: value."))
    unknown = [str(k) for k in measurements if k not in Metric.values]
    if unknown:
        raise DomainError(_("Unknown measured quantity: %(names)s.") % {"names": "、".join(unknown)}, field="metric")
    if service_type not in ServiceType.values:
        raise DomainError(_("Unknown service type."), field="service_type")
    given = {k: v for k, v in measurements.items() if not (v is None or (isinstance(v, str) and not v.strip()))}
    if not given:
        return []
    catalogue_ensure(project=project)
    results = []
    for item in selectors.check_items(project, service_type, active_only=True).filter(metric__in=list(given)):
        if not item.is_numeric:
            continue
        value = _decimal(given[item.metric], field=item.metric, label=item.name)
        results.append((item, value, judge(item, value)))
    return results


def _item_values(data: dict, *, partial_of: CheckItem | None = None) -> dict:
    out = {}
    if "name" in data or partial_of is None:
        out["name"] = clean_line(data.get("name"), field="name", label=_("Check item"), max_length=NAME_MAX)
    if "requirement" in data or partial_of is None:
        out["requirement"] = clean_line(data.get("requirement"), field="requirement",
                                        label=_("Quality requirement"), max_length=500)
    if "method" in data or partial_of is None:
        out["method"] = clean_line(data.get("method"), field="method", label=_("Inspection method"),
                                   max_length=NAME_MAX)
    if "remark" in data:
        out["remark"] = clean_line(data.get("remark"), field="remark", label=_("Remark"), required=False,
                                   max_length=200)
    if "unit" in data:
        out["unit"] = clean_line(data.get("unit"), field="unit", label=_("Unit"), required=False, max_length=16)
    if "metric" in data:
        metric = data.get("metric") or ""
        if metric not in ("", *Metric.values):
            raise DomainError(_("Unknown measured quantity: %(names)s.") % {"names": metric}, field="metric")
        out["metric"] = metric
    for key, label in (("min_value", _("Minimum")), ("max_value", _("Maximum"))):
        if key in data:
            out[key] = _decimal(data.get(key), field=key, label=label, required=False)
    if "absolute" in data:
        out["absolute"] = bool(data.get("absolute"))
    if "active" in data:
        out["active"] = bool(data.get("active"))
    merged = {f: out.get(f, getattr(partial_of, f, None)) for f in ("metric", "min_value", "max_value")}
    if merged["metric"] and merged["min_value"] is None and merged["max_value"] is None:
        raise DomainError(_("A measured quantity needs a minimum or a maximum."), field="min_value")
    if not merged["metric"] and (merged["min_value"] is not None or merged["max_value"] is not None):
        raise DomainError(_("Limits need a measured quantity."), field="metric")
    if (merged["min_value"] is not None and merged["max_value"] is not None
            and merged["min_value"] > merged["max_value"]):
        raise DomainError(_("The minimum cannot be greater than the maximum."), field="min_value")
    return out


def _code(value, *, project: Project, model, exclude_pk=None) -> str:
    code = clean_line(value, field="code", label=_("Code"), max_length=CODE_MAX)
    if model.objects.filter(project=project, code=code).exclude(pk=exclude_pk).exists():
        raise DomainError(_("The code %(code)s is already used in this project.") % {"code": code}, field="code")
    template_model = CheckItemTemplate if model is CheckItem else DefectTemplate
    if exclude_pk is None and template_model.objects.filter(code=code).exists():
        raise DomainError(_("The code %(code)s is reserved for the standard's rows.") % {"code": code}, field="code")
    return code


def check_item_update(*, item: CheckItem, user, expected_version: int, reason: str = "", **data) -> CheckItem:
    """The client lead adapts a check item to the contract (requirement, method, limits, in use)."""
    require("inspections.can_edit_catalogue", user, item.project)
    allowed = {"name", "requirement", "method", "remark", "metric", "min_value", "max_value", "unit", "absolute",
               "active"}
    if set(data) - allowed:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(set(data) - allowed))})
    values = _item_values(data, partial_of=item)
    with transaction.atomic(), history_context(user=user):
        locked = lock(item, expected_version=expected_version)
        for key, value in values.items():
            setattr(locked, key, value)
        locked.version += 1
        full_clean_or_error(locked, exclude=["project", "template"])
        save_with_history(locked, reason=reason or _("Check item edited"))
    return locked


def check_item_create(*, project: Project, user, service_type: str, code: str, **data) -> CheckItem:
    """The client lead adds a check item the contract requires beyond the standard's tables."""
    require("inspections.can_edit_catalogue", user, project)
    if service_type not in (project.service_types or []):
        raise DomainError(_("Choose one of the project's service types."), field="service_type")
    values = _item_values(data)
    values.pop("active", None)
    with transaction.atomic(), history_context(user=user, reason=_("Check item added")):
        lock(project)
        code = _code(code, project=project, model=CheckItem)
        last = CheckItem.objects.filter(project=project, service_type=service_type).order_by("-order").first()
        item = CheckItem(project=project, service_type=service_type, code=code,
                         order=(last.order + 1) if last else 1, **values)
        full_clean_or_error(item, exclude=["project", "template"])
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            raise DomainError(_("The code %(code)s is already used in this project.") % {"code": code},
                              field="code") from None
    return item


def _defect_values(project: Project, data: dict, *, partial: bool) -> dict:
    out = {}
    if "name" in data or not partial:
        out["name"] = clean_line(data.get("name"), field="name", label=_("Defect"), max_length=NAME_MAX)
    if "grade" in data or not partial:
        if data.get("grade") not in DefectGrade.values:
            raise DomainError(_("Choose the grade: fatal, serious or general."), field="grade")
        out["grade"] = data["grade"]
    if "description" in data:
        out["description"] = clean_text(data.get("description"), field="description", label=_("Description"),
                                        required=False, max_length=TEXT_MAX)
    if "active" in data:
        out["active"] = bool(data.get("active"))
    if "check_item" in data:
        ci = data.get("check_item")
        if ci is not None and not isinstance(ci, CheckItem):
            ci = CheckItem.objects.filter(project=project, pk=ci).first() if str(ci).isdigit() else None
            if ci is None:
                raise DomainError(_("Choose a check item of this project."), field="check_item")
        if ci is not None and ci.project_id != project.pk:
            raise DomainError(_("Choose a check item of this project."), field="check_item")
        out["check_item"] = ci
    return out


def defect_type_update(*, defect: DefectType, user, expected_version: int, reason: str = "", **data) -> DefectType:
    """The client lead adapts a defect (name, grade as the contract says, description, in use)."""
    require("inspections.can_edit_catalogue", user, defect.project)
    allowed = {"name", "grade", "description", "active", "check_item"}
    if set(data) - allowed:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(set(data) - allowed))})
    values = _defect_values(defect.project, data, partial=True)
    if values.get("check_item") is not None and values["check_item"].service_type != defect.service_type:
        raise DomainError(_("The check item belongs to another service type."), field="check_item")
    with transaction.atomic(), history_context(user=user):
        locked = lock(defect, expected_version=expected_version)
        for key, value in values.items():
            setattr(locked, key, value)
        locked.version += 1
        full_clean_or_error(locked, exclude=["project", "template", "check_item"])
        save_with_history(locked, reason=reason or _("Defect type edited"))
    return locked


def defect_type_create(*, project: Project, user, service_type: str, code: str, **data) -> DefectType:
    require("inspections.can_edit_catalogue", user, project)
    if service_type not in (project.service_types or []):
        raise DomainError(_("Choose one of the project's service types."), field="service_type")
    values = _defect_values(project, data, partial=False)
    values.pop("active", None)
    if values.get("check_item") is not None and values["check_item"].service_type != service_type:
        raise DomainError(_("The check item belongs to another service type."), field="check_item")
    with transaction.atomic(), history_context(user=user, reason=_("Defect type added")):
        lock(project)
        code = _code(code, project=project, model=DefectType)
        last = DefectType.objects.filter(project=project).order_by("-order").first()
        defect = DefectType(project=project, service_type=service_type, code=code,
                            order=(last.order + 1) if last else 1, **values)
        full_clean_or_error(defect, exclude=["project", "template", "check_item"])
        try:
            with transaction.atomic():
                defect.save()
        except IntegrityError:
            raise DomainError(_("The code %(code)s is already used in this project.") % {"code": code},
                              field="code") from None
    return defect
