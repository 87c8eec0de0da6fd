"""The registry of printable forms (PDF) and how each is built from its record.

An app registers its forms from ``AppConfig.ready()``::

    from apps.reports.registry import FormSpec, forms
    forms.register(FormSpec(code="annex_c", title=_("Annex C"), model=FirstArticleVerification,
                            template="first_article/annex_c.html", context=annex_c_context,
                            project=lambda record: record.project,
                            watch={FirstArticleVerification: lambda obj: obj}))

Small forms are rendered on request. Forms that ``is_large(record)`` says are large are rendered
by a Celery task, stored as an attachment (kind "report") of their record, and regenerated when
the record changes (``watch``: models whose saves make the stored copy stale, each with a function
from the saved instance to the record, or None).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from django.db import models


@dataclass
class FormSpec:
    code: str
    title: str
    model: type[models.Model]
    template: str
    context: Callable[[Any], dict]
    project: Callable[[Any], Any]
    filename: Callable[[Any], str] | None = None
    is_large: Callable[[Any], bool] = lambda record: False
    watch: dict[type[models.Model], Callable[[Any], Any]] = field(default_factory=dict)

    def file_name(self, record) -> str:
        return self.filename(record) if self.filename else f"{self.title}-{record.pk}.pdf"


class FormRegistry:
    def __init__(self) -> None:
        self._specs: dict[str, FormSpec] = {}
        self._listeners: list[Callable[[FormSpec], None]] = []

    def register(self, spec: FormSpec) -> FormSpec:
        if spec.code in self._specs:
            raise ValueError(f"form {spec.code!r} registered twice")
        self._specs[spec.code] = spec
        for listener in self._listeners:
            listener(spec)
        return spec

    def add_listener(self, listener: Callable[[FormSpec], None]) -> None:
        """``listener(spec)`` for every form registered, before and after (the reports app
        watches the forms' models to keep stored copies current: ``signals.watch_models``)."""
        self._listeners.append(listener)
        for spec in self._specs.values():
            listener(spec)

    def get(self, code: str) -> FormSpec | None:
        return self._specs.get(code)

    def all(self) -> list[FormSpec]:
        return list(self._specs.values())


forms = FormRegistry()
