"""Malformed input, generated (docs/security.md row 22): every form of the HTML pages, every field,
fed bad dates, numbers, huge strings, line breaks in one-line fields, NUL, wrong choices and odd
Unicode. Each value is refused with a message or cleaned into something safe to store — never an
exception. Then the same over HTTP: every creating/changing page, found in the URL resolver,
posted malformed values by the role that may use it, answers 200 with the form's errors (or 400,
or back to the record with a message), never 500, and saves nothing.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import re
import unicodedata
import zlib
from decimal import Decimal
from functools import cache

import pytest
from django import forms
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_str

from apps.core.forms import EARLIEST_DATE, LATEST_DATE

from . import sweep_after_implementation as after_implementation
from .forms_found import form_classes, form_name, keyword_only

# ---------------------------------------------------------------- bad values; building each form

HUGE = "长" * 100_000
NUMBER_BAD = ["1e309", "NaN", "inf", "-inf", "9" * 40, "-" + "9" * 40, "abc", "1,5", "0x10", "a\x00b", "\ud800"]
DATE_BAD = ["2026-02-30", "abc", "99999-01-01", "9999-12-31", "0001-01-01", "1e309", "2026-13-01", "a\x00b",
            "\ud800"]
DATETIME_BAD = ["2026-02-30T10:00", "abc", "99999-01-01T00:00", "9999-12-31T23:59", "0001-01-01T00:00",
                "2026-01-01T25:00", "\ud800"]
TEXT_BAD = [HUGE, "a\x00b", "\ud800", "a\udfffb"]
LINE_BAD = ["a\r\nb", "a\nb", "a\rb", "a\x1b[31mb", "a\u2028b", "a\x85b", "a\tb"]
CHOICE_BAD = ["not-a-choice", "9" * 40, "-1", "a\x00b", "\ud800", HUGE[:1000]]
ODD_UNICODE = ["\u202eexe.pdf", "a\u200db", "👨‍👩‍👧 档案", "e\u0301\u0301\u0301", "\ufeffabc", "䶮𠀀"]
INT64 = 2**63


def _context(world) -> dict:
    """What forms are built with (their keyword arguments), by argument name."""
    from apps.batches.models import Batch

    User = get_user_model()
    people = User.objects.filter(pk__in=[world.pm.pk, world.operator.pk, world.special.pk])
    return {"project": world.project, "inspectors": User.objects.filter(pk=world.special.pk), "staff": people,
            "batches": Batch.objects.filter(project=world.project), "control_points": ["扫描图像质量"],
            "user": world.lead}


def _variants(cls, request) -> list[dict]:
    """The form's required keyword arguments; each boolean switch also turned on (it adds or
    removes fields). The shared ``world`` is built only for a form that needs it."""
    base, switches = {}, []
    for name, p in keyword_only(cls).items():
        if p.default is inspect.Parameter.empty:
            context = _context(request.getfixturevalue("world"))
            assert name in context, f"{form_name(cls)} needs {name!r}: add it to _context() so the sweep can build it"
            base[name] = context[name]
        elif isinstance(p.default, bool):
            switches.append(name)
    return [base] + [{**base, name: not keyword_only(cls)[name].default} for name in switches]


def _build(cls, kwargs, data=None):
    if "request" in inspect.signature(cls.__init__).parameters:  # AuthenticationForm
        kwargs = {**kwargs, "request": RequestFactory().post("/accounts/login/")}
    if data is None:
        return cls(**kwargs)
    return cls(data=data, files=MultiValueDict(), **kwargs)


# ---------------------------------------------------------------- what is bad for which field

def is_single_line(field: forms.Field) -> bool:
    widget = field.widget
    return isinstance(widget, forms.widgets.Input) and widget.input_type in ("text", "hidden", "search", "email", "url",
                                                                      "tel")


def bad_values(field: forms.Field) -> tuple[list, list]:
    """(values the field must refuse, values it may accept if it cleans them safely)."""
    required = [""] if field.required else []
    if isinstance(field, (forms.FileField, forms.BooleanField)) or isinstance(field.widget, forms.CheckboxInput):
        return [], ["abc", "\ud800", HUGE]
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return [["not-a-choice"], ["9" * 40], ["\ud800"], ["a\x00b"]] + ([[]] if field.required else []), []
    if isinstance(field, forms.ModelChoiceField):
        return required + ["9" * 40, "abc", "a\x00b", "\ud800", "1e309", "0", "-1"], []
    if isinstance(field, forms.ChoiceField):
        valid = {str(k) for k, _ in field.choices}
        return required + [v for v in CHOICE_BAD if v not in valid], []
    if isinstance(field, forms.DateTimeField):
        return required + DATETIME_BAD, [EARLIEST_DATE.isoformat() + "T00:00", LATEST_DATE.isoformat() + "T23:59"]
    if isinstance(field, forms.DateField):
        return required + DATE_BAD, [EARLIEST_DATE.isoformat(), LATEST_DATE.isoformat()]
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return required + NUMBER_BAD, ["-1", "0", "1.5", " 7 "]
    if isinstance(field, forms.CharField):
        must = required + TEXT_BAD
        if is_single_line(field):
            must += LINE_BAD
        return must, ODD_UNICODE + ["a\r\nb"]
    return required, ["abc", "\ud800"]


def _is_lone_surrogate(ch: str) -> bool:
    return unicodedata.category(ch) == "Cs"


def unsafe(value) -> str | None:
    """Why a cleaned value could not be stored or would break later, or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return "NUL kept"
        if any(_is_lone_surrogate(ch) for ch in value):
            return "lone surrogate kept (PostgreSQL cannot encode it)"
        if len(value) >= len(HUGE):
            return "100,000 characters accepted"
    elif isinstance(value, bool) or value is None:
        return None
    elif isinstance(value, int):
        if not -INT64 <= value < INT64:
            return "integer outside 64 bits"
    elif isinstance(value, Decimal):
        if not value.is_finite() or abs(value) >= Decimal(10) ** 18:
            return "decimal not finite or huge"
    elif isinstance(value, float):
        if not math.isfinite(value):
            return "float not finite"
    elif isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            return f"date {value} outside {EARLIEST_DATE}–{LATEST_DATE}"
    elif isinstance(value, list | tuple):
        return next((r for r in map(unsafe, value) if r), None)
    return None


# ---------------------------------------------------------------- the sweep, form by form

def _sweep_one(cls, kwargs) -> list[str]:
    problems = []
    fields = _build(cls, kwargs).fields
    for name, field in fields.items():
        if field.disabled:  # what is posted is ignored
            continue
        must, may = bad_values(field)
        single_line = is_single_line(field)
        for value, must_refuse in [(v, True) for v in must] + [(v, False) for v in may]:
            data = MultiValueDict({name: value if isinstance(value, list) else [value]})
            form = _build(cls, kwargs, data)
            where = f"{form_name(cls)}.{name} = {value[:40]!r}"
            try:
                form.is_valid()
                errors = form.errors.get(name)
            except Exception as exc:  # noqa: BLE001 - the sweep reports any exception as a bug
                problems.append(f"{where}: raised {type(exc).__name__}: {exc}"[:300])
                continue
            if errors:
                if not all(force_str(e).strip() for e in errors):
                    problems.append(f"{where}: refused without a message")
                continue
            if must_refuse:
                problems.append(f"{where}: accepted")
                continue
            cleaned = form.cleaned_data.get(name)
            reason = unsafe(cleaned)
            if reason is None and single_line and isinstance(cleaned, str) and re.search(r"[\r\n]", cleaned):
                reason = "line break kept in a one-line field"
            if reason:
                problems.append(f"{where}: {reason}")
    return problems


def test_the_sweep_finds_the_forms_of_every_app():
    names = {form_name(c) for c in form_classes()}
    # A sample across the layers: if discovery breaks, this fails instead of sweeping nothing.
    for expected in ("projects.forms.ProjectForm", "rectification.forms.TicketForm", "batches.forms.BatchForm",
                     "teams.forms.EquipmentForm", "control.forms.MeetingForm", "core.transitions.ConfirmForm"):
        assert expected in names
    assert len(names) > 80


def _bounds(cls, kwargs) -> list[str]:
    problems = []
    for name, field in _build(cls, kwargs).fields.items():
        if isinstance(field, forms.IntegerField | forms.FloatField) and not isinstance(field, forms.DecimalField):
            if field.min_value is None or field.max_value is None:
                problems.append(f"{form_name(cls)}.{name}: a number without min_value and max_value")
        elif isinstance(field, forms.DecimalField):
            if field.max_digits is None and (field.min_value is None or field.max_value is None):
                problems.append(f"{form_name(cls)}.{name}: a decimal without max_digits or bounds")
        elif isinstance(field, forms.CharField) and field.max_length is None:
            problems.append(f"{form_name(cls)}.{name}: text without max_length")
    return problems


@pytest.mark.parametrize("module", sorted({c.__module__ for c in form_classes()}))
def test_every_field_refuses_malformed_input_or_cleans_it_safely(module, db, request):
    """Every form of the module, every field: each bad value refused with a message or cleaned
    safely, never an exception; every text has a maximum length and every number bounds."""
    problems = []
    for cls in (c for c in form_classes() if c.__module__ == module):
        for kwargs in _variants(cls, request):
            problems += _bounds(cls, kwargs) + _sweep_one(cls, kwargs)
    assert not problems, "\n".join(dict.fromkeys(problems))


# ---------------------------------------------------------------- over HTTP, page by page

ROLES = ("lead", "pm", "inspector", "special", "operator", "security", "acceptance")
# Pages that create or change records, found by their URL names …
CHANGING = re.compile(r"(^|_)(new|create|add|edit|settings|update|attendance|entry)(_|$)")
# … and data-entry pages whose names do not say so (transitions with dates and numbers; those of
# the after-implementation apps are listed in sweep_after_implementation).
EXTRA = ["first_article:submit", "batches:special_inspection", "projects:gate_attest", *after_implementation.EXTRA]


def _in_implementation(w):
    from tests.lot_inspection.builders import in_implementation

    in_implementation(w.project)
    return w.project


def _review(w):
    from tests.qualification.builders import open_round

    return open_round(w)


def _document(w):
    from tests.qualification.builders import add_documents

    return add_documents(w, _review(w))[0]


def _plan(w):
    from tests.plans.builders import draft

    return draft(w)


def _filing(w):
    from tests.teams.builders import file_person

    return file_person(w, w.operator, "contractor_operator")


def _equipment(w):
    from apps.teams.services import equipment_file

    return equipment_file(project=w.project, user=w.pm, name="扫描仪", serial_number="SN-001", use="扫描")


def _disclosure(w):
    from django.utils import timezone

    from apps.disclosure.services import disclosure_create

    return disclosure_create(project=w.project, user=w.lead, meeting_date=timezone.localdate(), place="会议室")


def _draft_batch(w):
    from tests.batches.builders import draft

    _in_implementation(w)
    return draft(w, items=False, quantity=5)


def _catalogue(w, model):
    _in_implementation(w)
    return model.objects.filter(project=w.project).order_by("pk").first()


def _patrol(w):
    from django.utils import timezone

    from apps.inspections.services import patrol_create

    _in_implementation(w)
    return patrol_create(project=w.project, user=w.inspector, patrolled_on=timezone.localdate(), content="巡查扫描")


def _inspection(w):
    from tests.lot_inspection.builders import open_for

    _in_implementation(w)
    return open_for(w, items=20)


def _control(builder):
    def build(w):
        from tests.control import builders

        _in_implementation(w)
        return getattr(builders, builder)(w)
    return build


def _catalogue_item(w):
    from apps.inspections.models import CheckItem

    return _catalogue(w, CheckItem)


def _catalogue_defect(w):
    from apps.inspections.models import DefectType

    return _catalogue(w, DefectType)


# The record a ``<int:pk>`` in these URLs means cannot be read from the URL: one builder each (or
# the URL's arguments, when it has more than one).
RECORDS = {
    "projects:edit": lambda w: w.project,
    "projects:member_add": lambda w: w.project,
    "projects:gate_attest": lambda w: w.project,
    "qualification:document_add": _review,
    "qualification:document_edit": _document,
    "plans:version_edit": _plan,
    "teams:filing_edit": _filing,
    "teams:equipment_edit": _equipment,
    "disclosure:edit": _disclosure,
    "disclosure:attendance": _disclosure,
    "disclosure:item_update": lambda w: _disclosure(w).items.order_by("pk").first(),
    "batches:edit": _draft_batch,
    "batches:special_inspection": _draft_batch,
    "inspections:check_item_edit": _catalogue_item,
    "inspections:defect_type_edit": _catalogue_defect,
    "inspections:patrol_edit": _patrol,
    "lot_inspection:entry": _inspection,
    "control:risk_edit": _control("point"),
    "control:meeting_edit": _control("meeting"),
    "control:action_add": _control("meeting"),
    "control:report_edit": _control("report"),
    "control:improvement_edit": _control("improvement"),
    **after_implementation.RECORDS,
}
# Project pages that need the project in implementation (事中) to be used at all.
IMPLEMENTATION = re.compile(r"^(batches|inspections|lot_inspection|rectification|control|sampling):")


def _staff(w):
    from tests.batches.builders import add_operator, draft, file_staff

    file_staff(w)
    add_operator(w)
    draft(w, items=False, quantity=5)


def _filings(w):
    from apps.teams.models import StaffFiling
    from tests.factories import UserFactory
    from tests.teams.builders import approve_all, file_person

    approve_all(w)
    file_person(w, UserFactory(organization=w.contractor), "contractor_operator")
    assert StaffFiling.objects.filter(project=w.project).count() > 1


# What a page needs besides its record, so that a sound post would be accepted.
PREPARE = {"batches:add_self_check": _staff, "batches:add_mutual_check": _staff, "teams:change_create": _filings,
           **after_implementation.PREPARE}
# Pages with no form class: each has its own test below.
NO_FORM = {"lot_inspection:entry": "test_the_entry_page_refuses_malformed_rows_and_saves_nothing"}


def _walk(patterns, ns=None):
    from django.urls import URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, p.namespace or ns)
        elif p.name:
            yield f"{ns}:{p.name}" if ns else p.name, p


@cache
def changing_pages() -> list[str]:
    from django.urls import get_resolver

    names = {name for name, _ in _walk(get_resolver().url_patterns)
             if ":" in name and name.split(":")[0] not in ("api", "admin") and CHANGING.search(name.split(":")[1])}
    return sorted((names | set(EXTRA)) - set(NO_FORM))


def _url(name: str, w) -> str:
    from django.urls import get_resolver, reverse

    pattern = dict(_walk(get_resolver().url_patterns))[name]
    params = set(pattern.pattern.converters)
    if name in PREPARE or IMPLEMENTATION.match(name):
        _in_implementation(w)
    if name in PREPARE:
        PREPARE[name](w)
    if not params:
        return reverse(name)
    if params == {"project_id"}:
        return reverse(name, kwargs={"project_id": w.project.pk})
    assert name in RECORDS, f"{name}: say in RECORDS which record its {params} means"
    record = RECORDS[name](w)
    if isinstance(record, dict):  # the URL's arguments
        assert set(record) == params, f"{name}: RECORDS gives {set(record)} for {params}"
        return reverse(name, kwargs=record)
    return reverse(name, kwargs={params.pop(): record.pk})


@cache
def _history_sql() -> str:
    tables = [m._meta.db_table for m in django_apps.get_models()
              if m.__name__.startswith("Historical") and m.__module__.startswith("apps.")]
    return "SELECT " + " + ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)


def history_rows() -> int:
    """Every write path leaves a history row (docs/security.md row 15): their number tells
    whether anything was saved."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_history_sql())
        return cursor.fetchone()[0]


class FormSpy:
    """The app forms a request builds (their fields, as the view set them up)."""

    def __init__(self, monkeypatch):
        self.seen = []
        original = forms.BaseForm.__init__

        def spy(form, *args, **kwargs):
            original(form, *args, **kwargs)
            if type(form).__module__.startswith("apps."):
                self.seen.append(form)

        monkeypatch.setattr(forms.BaseForm, "__init__", spy)

    def during(self, call):
        self.seen = []
        response = call()
        return response, [f for f in self.seen if f.fields]


HIDDEN = re.compile(r'<input\b(?=[^>]*\btype="hidden")[^>]*\bname="([^"]+)"[^>]*?(?:\bvalue="([^"]*)")?[^>]*>')


HIDDEN_BAD = ["9" * 40, "abc", "a\x00b", HUGE[:5000]]


def _hidden_inputs(response) -> dict:
    """The page's hidden inputs (a record's ``version`` is often one, outside the form class)."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    found = dict(HIDDEN.findall(response.content.decode()))
    found.pop("csrfmiddlewaretoken", None)
    return found


def _first_choice(field):
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # an option group
            for v, _ in label:
                if str(v) != "":
                    return str(v)
        elif str(value) != "":
            return str(value.value if hasattr(value, "value") else value)
    return ""


def _valid(name, field, form):
    """A value the field accepts: what the page shows, or one made up for its kind."""
    if isinstance(field, forms.FileField) or field.disabled:
        return None
    shown = form[name].value() if not form.is_bound else None
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return [str(v.pk if hasattr(v, "pk") else v) for v in shown] if shown else [_first_choice(field)]
    if shown not in (None, "", []):
        if isinstance(shown, dt.datetime):
            return shown.strftime("%Y-%m-%dT%H:%M")
        return str(shown.pk if hasattr(shown, "pk") else shown)
    if isinstance(field, forms.BooleanField):
        return "on" if field.required else None
    if isinstance(field, forms.ChoiceField):  # ModelChoiceField too
        return _first_choice(field)
    if isinstance(field, forms.DateTimeField):
        return dt.datetime.now().strftime("%Y-%m-%dT%H:%M")
    if isinstance(field, forms.DateField):
        return (dt.date.today() + dt.timedelta(days=7)).isoformat()
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        low = field.min_value if field.min_value is not None else 1
        return str(max(low, 1) if field.max_value is None else min(max(low, 1), field.max_value))
    return "检查记录"


def http_bad_values(field) -> list:
    """What a client without a browser can post: the form-level values in a sample."""
    required = [""] if field.required else []
    if isinstance(field, forms.FileField | forms.BooleanField) or field.disabled:
        return []
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return [["not-a-choice"], ["9" * 40]]
    if isinstance(field, forms.ModelChoiceField):
        return required + ["9" * 40, "abc"]
    if isinstance(field, forms.ChoiceField):
        return required + ["not-a-choice", "a\x00b"]
    if isinstance(field, forms.DateTimeField):
        return required + ["2026-02-30T10:00", "9999-12-31T23:59", "0001-01-01T00:00", "abc"]
    if isinstance(field, forms.DateField):
        return required + ["2026-02-30", "9999-12-31", "99999-01-01", "0001-01-01", "abc"]
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        negative = ["-1"] if field.min_value is not None and field.min_value >= 0 else []
        return required + ["1e309", "NaN", "9" * 40, "-" + "9" * 40] + negative
    if isinstance(field, forms.CharField):
        return required + [HUGE, "a\x00b"] + (["a\r\nb", "a\x1bb"] if is_single_line(field) else [])
    return required


def _find_role(name, url, w, client, spy):
    """The first role whose request builds the page's form: (user, the form, the page's hidden
    inputs). A page that only takes POST is found with an empty POST, which must save nothing."""
    for role in ROLES:
        user = getattr(w, role)
        client.force_login(user)
        response, found = spy.during(lambda: client.get(url))
        if response.status_code == 405:
            before = history_rows()
            response, found = spy.during(lambda: client.post(url, {}))
            assert response.status_code < 500, f"{name}: an empty POST answered {response.status_code}"
            found = [f for f in found if f.is_bound]
            if any(f.required for form in found for f in form.fields.values()):
                assert history_rows() == before, f"{name}: an empty POST saved something"
        if response.status_code not in (401, 403, 404, 405) and found:
            return user, found[0], _hidden_inputs(response)
    raise AssertionError(f"{name}: no role of the world project can use this page")


@pytest.mark.parametrize("name", changing_pages())
def test_malformed_posts_answer_with_the_form_and_save_nothing(name, world, client, monkeypatch):
    """Each field of the page gets one malformed value (in turn across the values of its kind;
    the form-level sweep above tries them all), the other fields a sound one."""
    client.raise_request_exception = False  # a crash is reported as the 500 a person would get
    spy = FormSpy(monkeypatch)
    url = _url(name, world)
    user, form, hidden = _find_role(name, url, world, client, spy)
    key = form.add_prefix
    baseline = {**hidden, **{key(n): v for n, f in form.fields.items() if (v := _valid(n, f, form)) is not None}}
    problems, turn = [], zlib.crc32(name.encode())
    empty = {**hidden, **{key(n): "" for n in form.fields}}
    posts = [(empty, "all empty")] if any(f.required for f in form.fields.values()) else []
    for index, (field_name, field) in enumerate(form.fields.items()):
        if values := http_bad_values(field):
            bad = values[(turn + index) % len(values)]
            posts.append(({**baseline, key(field_name): bad}, f"{field_name}={str(bad)[:30]!r}"))
    if "version" in hidden and key("version") not in baseline:  # read by the view itself
        for bad in HIDDEN_BAD:
            posts.append(({**baseline, "version": bad}, f"version={bad[:30]!r}"))
    before = history_rows()
    for data, where in posts:
        response, bound = spy.during(lambda: client.post(url, data))  # noqa: B023 - called at once
        after = history_rows()
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
        elif after != before:
            problems.append(f"{where}: saved ({response.status_code})")
        elif response.status_code == 200 and not any(f.errors for f in bound):
            problems.append(f"{where}: 200 without a form error")
        before = after
    # Odd but valid Unicode, as long as each field allows, may be saved but never answers 500.
    data = dict(baseline)
    for field_name, field in form.fields.items():
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.HiddenInput):
            data[key(field_name)] = ("".join(ODD_UNICODE) * 10_000)[:field.max_length or 10]
    response = client.post(url, data)
    if response.status_code >= 500:
        problems.append(f"odd Unicode, longest values: {response.status_code}")
    assert not problems, f"{name} as {user.username}:\n" + "\n".join(problems)


def test_every_changing_page_is_swept_or_has_its_own_test():
    names = changing_pages()
    assert {"projects:edit", "rectification:new", "batches:create", "teams:equipment_create",
            "control:meeting_edit"} <= set(names)
    assert len(names) > 40
    assert set(RECORDS) <= set(names) | set(NO_FORM)
    assert all(callable(globals().get(test)) for test in NO_FORM.values())


def test_the_entry_page_refuses_malformed_rows_and_saves_nothing(world, client):
    """The lot inspection's entry page reads plain inputs or one JSON field (no form class); JSON
    can carry what a form post cannot, such as half a UTF-16 pair."""
    import json

    from django.urls import reverse

    inspection = _inspection(world)
    item = inspection.items.order_by("position").first()
    client.force_login(world.inspector)
    client.raise_request_exception = False
    url = reverse("lot_inspection:entry", args=[inspection.pk])
    rows = [{"note": "\ud800"}, {"note": "a\x00b"}, {"note": "a\r\nb"}, {"note": HUGE}, {"note": 5},
            {"defects": ["\ud800"]}, {"defects": "a\x00b"}, {"position": "\ud800", "defects": ["X"]},
            {"measurements": {"dpi": "\ud800"}}, {"measurements": {"dpi": "1e309"}},
            {"measurements": {"dpi": "NaN"}}, {"measurements": {"dpi": {"a": 1}}}, {"result": "\ud800"},
            {"result": ["x"]}, {"version": "9" * 40}, {"id": "9" * 40}, {"version": -1}]
    problems = []
    for extra in rows:
        for headers in ({"HTTP_ACCEPT": "application/json"}, {}):  # entry.js, and a page without it
            row = {"id": item.pk, "result": "conforming", "version": item.version, **extra}
            before = history_rows()
            response = client.post(url, {"payload": json.dumps([row])}, **headers)
            if response.status_code >= 500 or history_rows() != before:
                problems.append(f"{extra!r:.60} {headers}: {response.status_code}, saved {history_rows() - before}")
            elif headers and response.status_code != 400:
                problems.append(f"{extra!r:.60}: {response.status_code} instead of 400")
    assert not problems, "\n".join(problems)
    response = client.post(url, {"payload": json.dumps([{"id": item.pk, "result": "conforming", "note": "正常",
                                                         "version": item.version}])},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["saved"] == 1  # the same row, sound, is saved
