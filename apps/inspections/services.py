"""Writes of client supervision: the project catalogue (Tables 1–5, Annex B), judging measured
values, patrols (巡查), key-node checks (关键节点检查) and the inspection ledger (检查台账).

Functions other apps call:

* ``ensure_catalogue(project) -> None`` — copy the templates of the project's service types (idempotent).
* ``judge(check_item, value) -> bool | None`` — a numeric item's verdict on a measured value.
* ``judge_measurements(project, service_type, {metric: value}) -> list[(CheckItem, Decimal, bool)]``.
* ``record_ledger_entry(project, *, kind, occurred_at, inspector, content, problems, requirements,
  conclusion, source, batch=None, inspector_name=None, url=None) -> LedgerEntry`` — inside the
  caller's transaction.
* ``update_ledger_entry(source, **fields) -> LedgerEntry | None``.
* ``register_defect_counter(fn)`` with ``fn(project) -> {(service_type, grade): count}``;
  ``defect_counts(project)`` sums every registered counter.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

import rules
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import history_context, save_with_history
from apps.core.text import clean_text
from apps.core.validation import full_clean_or_error
from apps.projects.enums import ServiceType
from apps.projects.models import Project, ProjectMember

from . import selectors
from .enums import DefectGrade, KeyNodeResult, LedgerKind, Metric
from .models import (CODE_MAX, NAME_MAX, TEXT_MAX, CheckItem, CheckItemTemplate, DefectTemplate, DefectType,
                     KeyNodeCheck, LedgerEntry, Patrol)
from .rules import INSPECTOR_ROLES, SUPERVISION_PHASES

logger = logging.getLogger(__name__)

MAX_INSPECTORS = 10
# Values a measurement may take (|value| below this); beyond it the input is a typing error.
MAX_MEASUREMENT = Decimal("1000000000")


def _require(rule: str, user, obj, message: str) -> None:
    if not (user is not None and rules.test_rule(rule, user, obj)):
        raise PermissionDenied(message)


def _text(value, *, field: str, label: str, required: bool = True, max_length: int = TEXT_MAX) -> str:
    return clean_text(value, field=field, label=label, required=required, max_length=max_length)


def _date(value, *, field: str, label: str, project: Project) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("%(label)s is not a valid date.") % {"label": label}, field=field)
    if value > timezone.localdate():
        raise DomainError(_("%(label)s cannot be in the future.") % {"label": label}, field=field)
    if value < project.contract_signed_on:
        raise DomainError(_("%(label)s cannot be before the contract was signed.") % {"label": label}, field=field)
    return value


def _lock(model, obj, expected_version: int | None):
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise DomainError(_("Someone else changed this record meanwhile. Reload the page and try again."),
                          code="stale")
    return locked


def _require_supervision_phase(project: Project) -> None:
    if project.phase not in SUPERVISION_PHASES:
        raise DomainError(_("Patrols and key-node checks are recorded while the project is in implementation or "
                            "acceptance (now: %(phase)s).") % {"phase": project.get_phase_display()},
                          code="illegal_transition")


def _names(users: Iterable) -> str:
    return "、".join(u.get_full_name() for u in users)[:200]


# ================================================================ catalogue


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


def ensure_catalogue(project: Project) -> None:
    """Give the project its own copy of the check items and defects of its service types (§7.2
    Tables 1–5 and defect lists; Annex B's cases for consulting/other). Idempotent: only the
    templates not copied yet are copied, so the client lead's edits are kept; a service type
    added to the project later gets its rows on the next call."""
    items, defects = _missing(project)
    if not items.exists() and not defects.exists():
        return
    with transaction.atomic(), history_context(reason=_("Catalogue created from the standard's tables")):
        Project.objects.select_for_update().filter(pk=project.pk).first()  # one copy at a time
        items, defects = _missing(project)
        taken = set(CheckItem.objects.filter(project=project).values_list("code", flat=True))
        new_items = []
        for t in items:
            code = t.code if t.code not in taken else f"{t.code}*"[:CODE_MAX]
            new_items.append(CheckItem(project=project, template=t, **{f: getattr(t, f) for f in ITEM_FIELDS
                                                                    if f != "code"}, code=code))
        if new_items:
            bulk_create_with_history(new_items, CheckItem)
        by_template_code = {ci.template.code: ci for ci in CheckItem.objects.filter(
            project=project, template__isnull=False).select_related("template")}
        taken = set(DefectType.objects.filter(project=project).values_list("code", flat=True))
        new_defects = []
        for t in defects:
            code = t.code if t.code not in taken else f"{t.code}*"[:CODE_MAX]
            new_defects.append(DefectType(project=project, template=t, check_item=by_template_code.get(
                t.check_item_code), **{f: getattr(t, f) for f in DEFECT_FIELDS if f != "code"}, code=code))
        if new_defects:
            bulk_create_with_history(new_defects, DefectType)


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


def judge_measurements(project: Project, service_type: str, measurements: dict) -> list[tuple[CheckItem, Decimal, bool]]:
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
    ensure_catalogue(project)
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
        out["name"] = _text(data.get("name"), field="name", label=_("Check item"), max_length=NAME_MAX)
    if "requirement" in data or partial_of is None:
        out["requirement"] = _text(data.get("requirement"), field="requirement", label=_("Quality requirement"),
                                   max_length=500)
    if "method" in data or partial_of is None:
        out["method"] = _text(data.get("method"), field="method", label=_("Inspection method"), max_length=NAME_MAX)
    if "remark" in data:
        out["remark"] = _text(data.get("remark"), field="remark", label=_("Remark"), required=False, max_length=200)
    if "unit" in data:
        out["unit"] = _text(data.get("unit"), field="unit", label=_("Unit"), required=False, max_length=16)
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
    code = _text(value, field="code", label=_("Code"), max_length=CODE_MAX)
    if model.objects.filter(project=project, code=code).exclude(pk=exclude_pk).exists():
        raise DomainError(_("The code %(code)s is already used in this project.") % {"code": code}, field="code")
    template_model = CheckItemTemplate if model is CheckItem else DefectTemplate
    if exclude_pk is None and template_model.objects.filter(code=code).exists():
        raise DomainError(_("The code %(code)s is reserved for the standard's rows.") % {"code": code}, field="code")
    return code


def check_item_update(*, item: CheckItem, user, expected_version: int, reason: str = "", **data) -> CheckItem:
    """The client lead adapts a check item to the contract (requirement, method, limits, in use)."""
    _require("inspections.can_edit_catalogue", user, item.project, _("Only the client's project lead can edit the catalogue."))
    allowed = {"name", "requirement", "method", "remark", "metric", "min_value", "max_value", "unit", "absolute",
               "active"}
    if set(data) - allowed:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(set(data) - allowed))})
    values = _item_values(data, partial_of=item)
    with transaction.atomic(), history_context(user=user):
        locked = _lock(CheckItem, item, expected_version)
        for key, value in values.items():
            setattr(locked, key, value)
        locked.version += 1
        full_clean_or_error(locked, exclude=["project", "template"])
        save_with_history(locked, reason=reason or _("Check item edited"))
    return locked


def check_item_create(*, project: Project, user, service_type: str, code: str, **data) -> CheckItem:
    """The client lead adds a check item the contract requires beyond the standard's tables."""
    _require("inspections.can_edit_catalogue", user, project, _("Only the client's project lead can edit the catalogue."))
    if service_type not in (project.service_types or []):
        raise DomainError(_("Choose one of the project's service types."), field="service_type")
    values = _item_values(data)
    values.pop("active", None)
    with transaction.atomic(), history_context(user=user, reason=_("Check item added")):
        Project.objects.select_for_update().filter(pk=project.pk).first()
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
        out["name"] = _text(data.get("name"), field="name", label=_("Defect"), max_length=NAME_MAX)
    if "grade" in data or not partial:
        if data.get("grade") not in DefectGrade.values:
            raise DomainError(_("Choose the grade: fatal, serious or general."), field="grade")
        out["grade"] = data["grade"]
    if "description" in data:
        out["description"] = _text(data.get("description"), field="description", label=_("Description"),
                                   required=False)
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
    _require("inspections.can_edit_catalogue", user, defect.project, _("Only the client's project lead can edit the catalogue."))
    allowed = {"name", "grade", "description", "active", "check_item"}
    if set(data) - allowed:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(set(data) - allowed))})
    values = _defect_values(defect.project, data, partial=True)
    if values.get("check_item") is not None and values["check_item"].service_type != defect.service_type:
        raise DomainError(_("The check item belongs to another service type."), field="check_item")
    with transaction.atomic(), history_context(user=user):
        locked = _lock(DefectType, defect, expected_version)
        for key, value in values.items():
            setattr(locked, key, value)
        locked.version += 1
        full_clean_or_error(locked, exclude=["project", "template", "check_item"])
        save_with_history(locked, reason=reason or _("Defect type edited"))
    return locked


def defect_type_create(*, project: Project, user, service_type: str, code: str, **data) -> DefectType:
    _require("inspections.can_edit_catalogue", user, project, _("Only the client's project lead can edit the catalogue."))
    if service_type not in (project.service_types or []):
        raise DomainError(_("Choose one of the project's service types."), field="service_type")
    values = _defect_values(project, data, partial=False)
    values.pop("active", None)
    if values.get("check_item") is not None and values["check_item"].service_type != service_type:
        raise DomainError(_("The check item belongs to another service type."), field="check_item")
    with transaction.atomic(), history_context(user=user, reason=_("Defect type added")):
        Project.objects.select_for_update().filter(pk=project.pk).first()
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


# ================================================================ ledger


def _clip(value, limit: int) -> str:
    text = "" if value is None else str(value).replace("\x00", "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _source_ref(source) -> tuple[ContentType | None, int | None]:
    if source is None:
        return None, None
    if getattr(source, "pk", None) is None:
        raise DomainError(_("A ledger entry's source must be saved first."))
    return ContentType.objects.get_for_model(type(source)), source.pk


def _batch_ref(batch, source) -> tuple[int | None, str]:
    if batch is None and source is not None and source._meta.label == "batches.Batch":
        batch = source
    elif batch is None and source is not None:
        batch_id = getattr(source, "batch_id", None)
        if batch_id is not None:
            batch = getattr(source, "batch", None) or batch_id
    if batch is None:
        return None, ""
    if isinstance(batch, int) and not isinstance(batch, bool):
        return batch, ""
    return batch.pk, _clip(batch, 64)


def _safe_url(url) -> str:
    """Only links inside the site (a path): the ledger renders them as links."""
    url = _clip(url or "", 300)
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else ""


def _aware(occurred_at) -> dt.datetime:
    if isinstance(occurred_at, dt.datetime):
        return occurred_at if timezone.is_aware(occurred_at) else timezone.make_aware(occurred_at)
    if isinstance(occurred_at, dt.date):
        return timezone.make_aware(dt.datetime.combine(occurred_at, dt.time(12, 0)))
    raise DomainError(_("The time of the check is not a valid date."), field="occurred_at")


_LIMIT = LedgerEntry._meta.get_field("content").max_length


def record_ledger_entry(project: Project, *, kind: str, occurred_at, inspector, content: str, problems: str = "",
                        requirements: str = "", conclusion: str = "", source=None, batch=None,
                        inspector_name: str | None = None, url: str | None = None) -> LedgerEntry:
    """Write the ledger row of a check (§5.2.1 检查台账: time, inspector, content, problems,
    requirements). Call it inside the transaction that records the check. ``source`` is the
    record (its page is linked; one entry per source: recording it again updates the entry);
    ``batch`` (a Batch or its id) defaults to ``source.batch``. Long texts are clipped, never
    refused: the check itself was already validated by its own service."""
    if kind not in LedgerKind.values:
        raise DomainError(_("Unknown kind of check."), field="kind")
    content = _clip(content, _LIMIT)
    if not content:
        raise DomainError(_("The ledger entry needs the content of the check."), field="content")
    source_type, source_id = _source_ref(source)
    batch_id, batch_label = _batch_ref(batch, source)
    if url is None and source is not None and hasattr(source, "get_absolute_url"):
        try:
            url = source.get_absolute_url()
        except Exception:  # noqa: BLE001 - a source without a page is linked to nothing
            url = ""
    problems = _clip(problems, _LIMIT)
    values = dict(
        project=project, kind=kind, occurred_at=_aware(occurred_at), inspector=inspector,
        inspector_name=_clip(inspector_name if inspector_name is not None
                             else (inspector.get_full_name() if inspector is not None else ""), 200),
        batch_id=batch_id, batch_label=batch_label, content=content, problems=problems,
        requirements=_clip(requirements, _LIMIT), conclusion=_clip(conclusion, 200), has_problems=bool(problems),
        url=_safe_url(url))
    with transaction.atomic():
        existing = (LedgerEntry.objects.select_for_update().filter(source_type=source_type, source_id=source_id)
                    .first() if source_id is not None else None)
        if existing is not None:
            for key, value in values.items():
                setattr(existing, key, value)
            save_with_history(existing, reason=_("Ledger entry updated"))
            return existing
        entry = LedgerEntry(source_type=source_type, source_id=source_id, **values)
        save_with_history(entry, reason=_("Ledger entry recorded"))
    return entry


LEDGER_UPDATABLE = {"occurred_at", "inspector", "inspector_name", "content", "problems", "requirements",
                    "conclusion", "batch", "url", "kind"}


def update_ledger_entry(source, **fields) -> LedgerEntry | None:
    """Update the ledger row of ``source`` after the check changed (same transaction as the
    change). Returns None when the source has no entry."""
    unknown = set(fields) - LEDGER_UPDATABLE
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    source_type, source_id = _source_ref(source)
    with transaction.atomic():
        entry = LedgerEntry.objects.select_for_update().filter(source_type=source_type, source_id=source_id).first()
        if entry is None:
            return None
        for key, value in fields.items():
            if key == "occurred_at":
                entry.occurred_at = _aware(value)
            elif key == "inspector":
                entry.inspector = value
                if "inspector_name" not in fields:
                    entry.inspector_name = _clip(value.get_full_name() if value is not None else "", 200)
            elif key == "batch":
                entry.batch_id, entry.batch_label = _batch_ref(value, None)
            elif key == "kind":
                if value not in LedgerKind.values:
                    raise DomainError(_("Unknown kind of check."), field="kind")
                entry.kind = value
            elif key == "conclusion":
                entry.conclusion = _clip(value, 200)
            elif key in ("inspector_name",):
                entry.inspector_name = _clip(value, 200)
            elif key == "url":
                entry.url = _safe_url(value)
            else:
                setattr(entry, key, _clip(value, _LIMIT))
        if not entry.content:
            raise DomainError(_("The ledger entry needs the content of the check."), field="content")
        entry.has_problems = bool(entry.problems)
        save_with_history(entry, reason=_("Ledger entry updated"))
    return entry


# ================================================================ Annex B defect counts

_defect_counters: list[Callable[[Project], dict]] = []


def register_defect_counter(fn: Callable[[Project], dict]) -> None:
    """Register ``fn(project) -> {(service_type, grade): count}`` (lot inspection registers its
    count of defects found by sampling). Registering the same function twice is a no-op."""
    if not callable(fn):
        raise TypeError("a defect counter must be callable")
    if fn not in _defect_counters:
        _defect_counters.append(fn)


def defect_counts(project: Project) -> dict[tuple[str, str], int]:
    """The project's defects per (service type, grade), summed over every registered counter."""
    totals: dict[tuple[str, str], int] = {}
    for fn in list(_defect_counters):
        for (service_type, grade), count in (fn(project) or {}).items():
            key = (str(service_type), str(grade))
            totals[key] = totals.get(key, 0) + int(count or 0)
    return totals


# ================================================================ patrols


def _inspectors(project: Project, inspectors, user) -> list:
    from apps.accounts.models import User

    people = list(inspectors or [])
    if not people:
        return [user]
    if len(people) > MAX_INSPECTORS:
        raise DomainError(_("At most %(n)d inspectors.") % {"n": MAX_INSPECTORS}, field="inspectors")
    ids = set()
    for person in people:
        pk = person.pk if isinstance(person, User) else person
        if isinstance(pk, bool) or not str(pk).isdigit():
            raise DomainError(_("Choose the inspectors among the client's lead and quality inspectors."),
                              field="inspectors")
        ids.add(int(pk))
    allowed = set(ProjectMember.objects.filter(project=project, is_active=True, role__in=list(INSPECTOR_ROLES),
                                               user__is_active=True, user__organization_id=project.client_id,
                                               user_id__in=ids).values_list("user_id", flat=True))
    if ids - allowed:
        raise DomainError(_("Choose the inspectors among the client's lead and quality inspectors."),
                          field="inspectors")
    return list(User.objects.filter(pk__in=ids).order_by("name", "pk"))


def _attach(record, project: Project, user, files: Iterable) -> None:
    from apps.attachments.enums import AttachmentKind
    from apps.attachments.services import attachment_add

    for uploaded in files or ():
        attachment_add(record=record, project=project, user=user, uploaded_file=uploaded,
                       kind=AttachmentKind.EVIDENCE)


def _patrol_ledger(patrol: Patrol, people: list) -> dict:
    return dict(kind=LedgerKind.PATROL, occurred_at=patrol.patrolled_on, inspector=patrol.created_by,
                inspector_name=_names(people), content=patrol.content, problems=patrol.findings,
                requirements=patrol.requirements,
                conclusion=_("Problems found, rectification required") if patrol.findings else _("No problems found"))


def patrol_create(*, project: Project, user, patrolled_on: dt.date, content: str, findings: str = "",
                  requirements: str = "", inspectors: Iterable = (), files: Iterable = ()) -> Patrol:
    """Record a patrol (巡查, §5.2.1) and its ledger entry."""
    _require("inspections.may_record_supervision", user, project,
             _("Only the client's project lead or quality inspectors can record patrols."))
    patrolled_on = _date(patrolled_on, field="patrolled_on", label=_("The patrol date"), project=project)
    content = _text(content, field="content", label=_("What was checked"))
    findings = _text(findings, field="findings", label=_("Problems found"), required=False)
    requirements = _text(requirements, field="requirements", label=_("Rectification requirements"), required=False)
    if findings and not requirements:
        raise DomainError(_("Say what the contractor must do about the problems found."), field="requirements")
    people = _inspectors(project, inspectors, user)
    with transaction.atomic(), history_context(user=user, reason=_("Patrol recorded")):
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_supervision_phase(locked)
        patrol = Patrol(project=locked, patrolled_on=patrolled_on, content=content, findings=findings,
                        requirements=requirements, created_by=user)
        full_clean_or_error(patrol, exclude=["project", "created_by", "inspectors"], validate_constraints=False)
        patrol.save()
        patrol.inspectors.set(people)
        _attach(patrol, locked, user, files)
        record_ledger_entry(locked, source=patrol, **_patrol_ledger(patrol, people))
    return patrol


def patrol_update(*, patrol: Patrol, user, expected_version: int, reason: str = "", **data) -> Patrol:
    """Correct a patrol record (client lead or inspector); the ledger entry follows."""
    _require("inspections.may_record_supervision", user, patrol.project,
             _("Only the client's project lead or quality inspectors can record patrols."))
    allowed = {"patrolled_on", "content", "findings", "requirements", "inspectors"}
    if set(data) - allowed:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(set(data) - allowed))})
    values = {}
    if "patrolled_on" in data:
        values["patrolled_on"] = _date(data["patrolled_on"], field="patrolled_on", label=_("The patrol date"),
                                       project=patrol.project)
    if "content" in data:
        values["content"] = _text(data["content"], field="content", label=_("What was checked"))
    for key, label in (("findings", _("Problems found")), ("requirements", _("Rectification requirements"))):
        if key in data:
            values[key] = _text(data[key], field=key, label=label, required=False)
    people = _inspectors(patrol.project, data["inspectors"], user) if "inspectors" in data else None
    with transaction.atomic(), history_context(user=user):
        locked = _lock(Patrol, patrol, expected_version)
        for key, value in values.items():
            setattr(locked, key, value)
        if locked.findings and not locked.requirements:
            raise DomainError(_("Say what the contractor must do about the problems found."), field="requirements")
        locked.version += 1
        save_with_history(locked, reason=reason or _("Patrol corrected"))
        if people is not None:
            locked.inspectors.set(people)
        people = list(locked.inspectors.all().order_by("name", "pk"))
        fields = _patrol_ledger(locked, people)
        fields.pop("kind")
        if update_ledger_entry(locked, **fields) is None:
            record_ledger_entry(locked.project, source=locked, kind=LedgerKind.PATROL, **fields)
    return locked


# ================================================================ key-node checks


def key_node_create(*, project: Project, user, node: str, checked_on: dt.date, content: str, result: str,
                    findings: str = "", requirements: str = "", inspector=None, files: Iterable = ()) -> KeyNodeCheck:
    """Record a check at a key node (关键节点检查, §5.2.1): a control point of the approved plan
    (recognised by its wording) or a node named freely."""
    _require("inspections.may_record_supervision", user, project,
             _("Only the client's project lead or quality inspectors can record key-node checks."))
    node = _text(node, field="node", label=_("The key node"), max_length=200)
    checked_on = _date(checked_on, field="checked_on", label=_("The check date"), project=project)
    content = _text(content, field="content", label=_("What was checked"))
    if result not in KeyNodeResult.values:
        raise DomainError(_("Choose the result: conforming or not conforming."), field="result")
    findings = _text(findings, field="findings", label=_("Problems found"), required=False)
    requirements = _text(requirements, field="requirements", label=_("Rectification requirements"), required=False)
    if result == KeyNodeResult.NONCONFORMING and not (findings and requirements):
        raise DomainError(_("A node that does not conform needs the problems found and the rectification "
                            "requirements."), field="findings" if not findings else "requirements")
    if findings and not requirements:
        raise DomainError(_("Say what the contractor must do about the problems found."), field="requirements")
    inspector = _inspectors(project, [inspector] if inspector is not None else [], user)[0]
    with transaction.atomic(), history_context(user=user, reason=_("Key-node check recorded")):
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_supervision_phase(locked)
        check = KeyNodeCheck(project=locked, node=node, from_plan=node in selectors.plan_control_points(locked),
                             checked_on=checked_on, inspector=inspector, content=content, result=result,
                             findings=findings, requirements=requirements, created_by=user)
        full_clean_or_error(check, exclude=["project", "created_by", "inspector"], validate_constraints=False)
        check.save()
        _attach(check, locked, user, files)
        record_ledger_entry(
            locked, source=check, kind=LedgerKind.KEY_NODE, occurred_at=checked_on, inspector=inspector,
            content=f"【{node}】{content}", problems=findings, requirements=requirements,
            conclusion=check.get_result_display())
    return check


# ================================================================ weekly patrol reminder


def last_working_day_of_week(day: dt.date) -> dt.date:
    """The last working day (official calendar) of ``day``'s ISO week; Friday if none is."""
    from apps.core.calendar import is_workday

    monday = day - dt.timedelta(days=day.weekday())
    for offset in range(6, -1, -1):
        candidate = monday + dt.timedelta(days=offset)
        if is_workday(candidate):
            return candidate
    return monday + dt.timedelta(days=4)


def patrol_reminders(today: dt.date | None = None) -> int:
    """Remind the client lead of each project in implementation whose current ISO week has no
    patrol yet, from the week's last working day on. Idempotent: one reminder per project-week
    (notification key). Returns the number of notifications created now."""
    from apps.accounts.enums import ProjectRole
    from apps.notifications.services import notify
    from apps.projects.enums import Phase

    today = today or timezone.localdate()
    if today < last_working_day_of_week(today):
        return 0
    monday = today - dt.timedelta(days=today.weekday())
    year, week = today.isocalendar()[:2]
    projects = (Project.objects.filter(phase=Phase.IMPLEMENTATION)
                .exclude(pk__in=Patrol.objects.filter(patrolled_on__gte=monday,
                                                      patrolled_on__lte=monday + dt.timedelta(days=6))
                         .values("project_id")))
    created = 0
    for project in projects.iterator():
        leads = [m.user for m in ProjectMember.objects.filter(
            project=project, is_active=True, role=ProjectRole.CLIENT_LEAD, user__is_active=True,
            user__organization_id=project.client_id).select_related("user")]
        if not leads:
            continue
        from django.urls import reverse

        ids = notify(recipients=leads, key=f"patrol-week:{project.pk}:{year}-W{week:02d}",
                     title=_("No patrol recorded this week (%(week)s) in “%(project)s”") % {
                         "week": f"{year}-W{week:02d}", "project": project.name},
                     body=_("§5.2.1 requires a patrol at least once a week. Record this week's patrol."),
                     link=reverse("inspections:patrols", args=[project.pk]), project=project, kind="inspections")
        created += len(ids or [])
    return created

