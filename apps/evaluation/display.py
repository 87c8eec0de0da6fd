"""The frozen or live figures of a report turned into labelled rows for the page and the PDF
(codes become the standard's Chinese terms here, at display time, never in the stored figures)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.acceptance.enums import ProblemCategory
from apps.inspections.enums import DefectGrade
from apps.projects.enums import ServiceType
from apps.rectification.enums import TicketSource

from .enums import BREACH_PRINTED, BreachGround


def _moment(value):
    """The stored ISO time of the figures, as a local time (None when missing or unreadable)."""
    try:
        return timezone.localtime(dt.datetime.fromisoformat(value)) if value else None
    except (TypeError, ValueError):
        return None


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return _("Other")


def tables(figures: dict) -> dict:
    sampling = figures.get("sampling") or {}
    rect = figures.get("rectification") or {}
    acceptance = figures.get("acceptance") or {}
    breaches = figures.get("breaches") or {}
    return {
        "batches": [{**b, "service": _label(ServiceType, b["service_type"]),
                     "decision": _("accepted") if b["accepted"] else _("not accepted")}
                    for b in sampling.get("batches", [])],
        "by_type": [{**t, "service": _label(ServiceType, t["service_type"]),
                     "defect_counts": [t["defects"].get(g, 0) for g in DefectGrade.values]}
                    for t in sampling.get("by_type", [])],
        "grades": [str(label) for label in DefectGrade.labels],
        "defect_totals": [(sampling.get("defects") or {}).get(g, 0) for g in DefectGrade.values],
        "grade_totals": [(str(label), (sampling.get("defects") or {}).get(code, 0))
                         for code, label in DefectGrade.choices],
        "sampling": sampling,
        "rectification": rect,
        "sources": [(str(label), (rect.get("by_source") or {}).get(code, 0))
                    for code, label in TicketSource.choices if (rect.get("by_source") or {}).get(code)],
        "incidents": figures.get("incidents") or {},
        "complaints": figures.get("complaints") or 0,
        "acceptance": acceptance,
        "common_problems": [{**p, "category_label": _label(ProblemCategory, p["category"])}
                            for p in acceptance.get("common_problems", [])],
        "warranty": figures.get("warranty") or {},
        "breaches": breaches,
        "breach_grounds": [(_label(BreachGround, code), n) for code, n in (breaches.get("by_ground") or {}).items()],
        "breach_grounds_printed": [(BREACH_PRINTED.get(code, "其他违约"), n)
                                   for code, n in (breaches.get("by_ground") or {}).items()],
        "threshold": figures.get("threshold"),
        "computed_at": _moment(figures.get("computed_at")),
    }
