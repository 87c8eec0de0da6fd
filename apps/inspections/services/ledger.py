"""The inspection ledger (检查台账, §5.2.1) that every check writes into, and the Annex B defect
counts other modules contribute to.

* ``ledger_entry_record(*, project, kind, occurred_at, inspector, content, problems, requirements,
  conclusion, source, batch=None, inspector_name=None, url=None) -> LedgerEntry`` — inside the
  caller's transaction; one entry per source (recording it again updates it).
* ``ledger_entry_update(*, source, **fields) -> LedgerEntry | None``.
* ``register_defect_counter(fn)`` with ``fn(project) -> {(service_type, grade): count}``;
  ``defect_counts(project)`` sums every registered counter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import save_with_history
from apps.projects.models import Project

from ..enums import LedgerKind
from ..models import LedgerEntry


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


def ledger_entry_record(*, project: Project, kind: str, occurred_at, inspector, content: str, problems: str = "",
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


def ledger_entry_update(*, source, **fields) -> LedgerEntry | None:
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


# ---------------------------------------------------------------- Annex B defect counts

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
