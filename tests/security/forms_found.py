"""The forms of the HTML pages, found by import (for the malformed-input and mass-assignment
sweeps): every form class defined in ``apps/*/forms.py``, the kit's confirmation form, and the
form of every formset found there."""

from __future__ import annotations

import importlib
import inspect
from functools import cache

from django import forms
from django.apps import apps as django_apps
from django.forms.formsets import BaseFormSet


def _form_modules():
    modules = [importlib.import_module("apps.core.transitions")]
    for config in django_apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.forms"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.forms":
                raise
    return modules


@cache
def form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in ``apps/*/forms.py`` (and the kit's confirmation form), plus the
    form of every formset found there."""
    found = {}
    for module in _form_modules():
        for value in vars(module).values():
            if not isinstance(value, type):
                continue
            if issubclass(value, BaseFormSet) and value is not BaseFormSet:
                found[f"{module.__name__}.{value.__name__}.form"] = value.form
            elif issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                found[f"{module.__name__}.{value.__name__}"] = value
    return [found[k] for k in sorted(found)]


def form_name(cls) -> str:
    return f"{cls.__module__.removeprefix('apps.')}.{cls.__qualname__}"


def keyword_only(cls) -> dict[str, inspect.Parameter]:
    """The keyword-only arguments of the form's ``__init__`` along its classes."""
    params = {}
    for klass in reversed(cls.__mro__):
        init = vars(klass).get("__init__")
        if init is None or klass.__module__.startswith("django."):
            continue
        for p in inspect.signature(init).parameters.values():
            if p.kind == p.KEYWORD_ONLY:
                params[p.name] = p
    return params
