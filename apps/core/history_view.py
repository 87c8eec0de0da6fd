"""Turn django-simple-history rows into readable entries: who, when, what, old → new, why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

HISTORY_TYPES = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
SKIP_FIELDS = {"id", "version", "updated_at", "created_at", "phase_changed_at", "added_at", "project", "position"}


@dataclass
class Change:
    field: str
    label: str
    old: Any
    new: Any


@dataclass
class Entry:
    record: Any
    model_label: str
    object_repr: str
    type_label: str
    changes: list[Change] = field(default_factory=list)

    @property
    def date(self):
        return self.record.history_date

    @property
    def user(self):
        return self.record.history_user

    @property
    def reason(self) -> str:
        return self.record.history_change_reason or ""

    @property
    def ip(self) -> str:
        return getattr(self.record, "history_ip", None) or ""


def _display(model_field: models.Field, value: Any, fk_names: dict) -> Any:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return fk_names.get((model_field.related_model, value), value)
    if getattr(model_field, "base_field", None) is not None and model_field.base_field.choices:
        labels = dict(model_field.base_field.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    if model_field.choices:
        return dict(model_field.choices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _object_repr(row, fields, fk_objects) -> str:
    instance = row.instance
    for f in fields:
        if f.is_relation:
            related = fk_objects.get((f.related_model, getattr(row, f.attname)))
            if related is not None:
                setattr(instance, f.name, related)
    try:
        return str(instance)
    except Exception:  # a related row that no longer exists
        return f"#{row.id}"


def _related_objects(loaded: list[tuple[type[models.Model], list]]) -> tuple[dict, dict]:
    """The objects the rows' foreign keys point to, and their names, keyed by (model, pk): one
    query per related model for all the rows together."""
    wanted: dict = {}
    for model, rows in loaded:
        for f in model._meta.concrete_fields:
            if f.is_relation:
                wanted.setdefault(f.related_model, set()).update({getattr(r, f.attname) for r in rows} - {None})
    fk_objects: dict = {}
    fk_names: dict = {}
    for related_model, ids in wanted.items():
        if ids:
            for obj in related_model._default_manager.filter(pk__in=ids):
                fk_objects[(related_model, obj.pk)] = obj
                fk_names[(related_model, obj.pk)] = str(obj)
    return fk_objects, fk_names


def history_entries(querysets: Iterable[models.QuerySet]) -> list[Entry]:
    """All rows of the given historical querysets, newest first, with per-field changes.

    Diffs are computed in Python between consecutive rows of the same object (one query per
    historical model plus one per related model for names, whichever models and fields point to
    it), never a query per row.
    """
    loaded = []
    for qs in querysets:
        rows = list(qs.select_related("history_user").order_by("id", "history_date", "history_id"))
        if rows:
            loaded.append((qs.model.instance_type, rows))
    fk_objects, fk_names = _related_objects(loaded)
    entries: list[Entry] = []
    for model, rows in loaded:
        fields = [f for f in model._meta.concrete_fields if f.attname not in SKIP_FIELDS and f.name not in SKIP_FIELDS]
        relations = [f for f in model._meta.concrete_fields if f.is_relation]
        previous = {}
        for row in rows:
            obj_id = row.id
            prev = previous.get(obj_id)
            changes = []
            for f in fields:
                new = getattr(row, f.attname)
                old = getattr(prev, f.attname) if prev is not None else None
                if prev is None and row.history_type != "+":
                    continue
                if prev is None and (new is None or new == "" or new == []):
                    continue
                if prev is not None and old == new:
                    continue
                if row.history_type == "-":
                    continue
                changes.append(Change(field=f.name, label=str(f.verbose_name),
                                      old=_display(f, old, fk_names) if prev is not None else "—",
                                      new=_display(f, new, fk_names)))
            entries.append(Entry(record=row, model_label=str(model._meta.verbose_name),
                                 object_repr=_object_repr(row, relations, fk_objects),
                                 type_label=str(HISTORY_TYPES.get(row.history_type, row.history_type)),
                                 changes=changes))
            previous[obj_id] = row
    entries.sort(key=lambda e: e.date, reverse=True)
    return entries
