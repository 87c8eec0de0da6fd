"""Forms only validate shapes; the services decide. Project, author, version and the like are
never form fields (mass assignment)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.models import User
from apps.core.forms import DateField, DateInput, MultipleFileField
from apps.core.text import LineField, TextField
from apps.projects.enums import ServiceType
from apps.projects.models import ProjectMember

from .enums import DefectGrade, KeyNodeResult, LedgerKind, Metric
from .models import CODE_MAX, NAME_MAX, TEXT_MAX
from .rules import INSPECTOR_ROLES

OTHER_NODE = "__other__"


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")


def client_inspectors(project):
    return (User.objects.filter(pk__in=ProjectMember.objects.filter(
        project=project, is_active=True, role__in=list(INSPECTOR_ROLES), user__is_active=True,
        user__organization_id=project.client_id).values("user_id")).order_by("name", "pk"))


class PatrolForm(_Styled):
    patrolled_on = DateField(label=_("patrol date"), widget=DateInput())
    inspectors = forms.ModelMultipleChoiceField(label=_("inspectors"), queryset=User.objects.none(),
                                                widget=forms.CheckboxSelectMultiple, required=False,
                                                help_text=_("You, if none is chosen."))
    content = TextField(label=_("what was checked"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                        help_text=_("Operating procedures, quality, safety measures (§5.2.1)."))
    findings = TextField(label=_("problems found"), max_length=TEXT_MAX, required=False,
                         widget=forms.Textarea(attrs={"rows": 3}))
    requirements = TextField(label=_("rectification requirements"), max_length=TEXT_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when problems were found."))
    files = MultipleFileField(label=_("attachments"))

    def __init__(self, *args, project, with_files: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = client_inspectors(project)
        if not with_files:
            del self.fields["files"]


class KeyNodeForm(_Styled):
    node_choice = forms.ChoiceField(label=_("key node"), required=False,
                                    help_text=_("A quality control point of the approved plan, or another node."))
    node_other = LineField(label=_("other node"), max_length=200, required=False)
    checked_on = DateField(label=_("check date"), widget=DateInput())
    inspector = forms.ModelChoiceField(label=_("inspector"), queryset=User.objects.none(), required=False,
                                       help_text=_("You, if none is chosen."))
    content = TextField(label=_("what was checked"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.ChoiceField(label=_("result"), choices=KeyNodeResult.choices, widget=forms.RadioSelect)
    findings = TextField(label=_("problems found"), max_length=TEXT_MAX, required=False,
                         widget=forms.Textarea(attrs={"rows": 3}))
    requirements = TextField(label=_("rectification requirements"), max_length=TEXT_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("attachments"))

    def __init__(self, *args, project, control_points: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = client_inspectors(project)
        self.fields["node_choice"].choices = ([("", "—")] + [(p, p) for p in control_points]
                                              + [(OTHER_NODE, _("Other (type it below)"))])

    def clean(self):
        data = super().clean()
        choice, other = data.get("node_choice"), (data.get("node_other") or "").strip()
        if choice and choice != OTHER_NODE:
            data["node"] = choice
        elif other:
            data["node"] = other
        else:
            self.add_error("node_other", _("Name the key node."))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"node": d["node"], "checked_on": d["checked_on"], "inspector": d.get("inspector"),
                "content": d["content"], "result": d["result"], "findings": d.get("findings", ""),
                "requirements": d.get("requirements", ""), "files": d.get("files", [])}


METRIC_CHOICES = [("", "—"), *Metric.choices]


class CheckItemForm(_Styled):
    name = LineField(label=_("check item"), max_length=NAME_MAX)
    requirement = LineField(label=_("quality requirement"), max_length=500)
    method = LineField(label=_("inspection method"), max_length=NAME_MAX,
                       help_text=_("e.g. 逐件, 抽检, 程序校验, 人工目检"))
    remark = LineField(label=_("remark"), max_length=200, required=False)
    metric = forms.ChoiceField(label=_("measured quantity"), choices=METRIC_CHOICES, required=False)
    min_value = forms.DecimalField(label=_("minimum"), max_digits=12, decimal_places=3, required=False)
    max_value = forms.DecimalField(label=_("maximum"), max_digits=12, decimal_places=3, required=False)
    unit = LineField(label=_("unit"), max_length=16, required=False)
    absolute = forms.BooleanField(label=_("judge the absolute value"), required=False)
    active = forms.BooleanField(label=_("in use"), required=False, initial=True)


class CheckItemCreateForm(CheckItemForm):
    service_type = forms.ChoiceField(label=_("service type"), choices=ServiceType.choices)
    code = LineField(label=_("code"), max_length=CODE_MAX)

    field_order = ["service_type", "code"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["active"]
        self.fields["service_type"].choices = [c for c in ServiceType.choices if c[0] in project.service_types]


class DefectTypeForm(_Styled):
    name = LineField(label=_("defect"), max_length=NAME_MAX)
    grade = forms.ChoiceField(label=_("grade"), choices=DefectGrade.choices)
    description = TextField(label=_("description"), max_length=TEXT_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    check_item = forms.ChoiceField(label=_("check item"), required=False)
    active = forms.BooleanField(label=_("in use"), required=False, initial=True)

    def __init__(self, *args, project, service_type: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import CheckItem

        items = CheckItem.objects.filter(project=project)
        if service_type:
            items = items.filter(service_type=service_type)
        self.fields["check_item"].choices = [("", "—")] + [(str(i.pk), str(i)) for i in items.order_by(
            "service_type", "order", "code")]

    def clean_check_item(self):
        value = self.cleaned_data.get("check_item")
        return int(value) if value else None


class DefectTypeCreateForm(DefectTypeForm):
    service_type = forms.ChoiceField(label=_("service type"), choices=ServiceType.choices)
    code = LineField(label=_("code"), max_length=CODE_MAX)

    field_order = ["service_type", "code"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        del self.fields["active"]
        self.fields["service_type"].choices = [c for c in ServiceType.choices if c[0] in project.service_types]


YES_NO = [("", _("all")), ("1", _("with problems")), ("0", _("without problems"))]


class LedgerFilterForm(_Styled):
    kind = forms.ChoiceField(label=_("kind"), choices=[("", _("all"))] + list(LedgerKind.choices), required=False)
    date_from = DateField(label=pgettext_lazy("date range", "from"), required=False, widget=DateInput())
    date_to = DateField(label=_("to"), required=False, widget=DateInput())
    inspector = forms.TypedChoiceField(label=_("inspector"), required=False, coerce=int, empty_value=None)
    batch = forms.IntegerField(label=_("batch id"), required=False, min_value=1, max_value=2**62)
    q = LineField(label=_("search"), max_length=100, required=False)
    problems = forms.ChoiceField(label=_("problems"), choices=YES_NO, required=False)

    def __init__(self, *args, inspectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].choices = [("", _("all"))] + [(str(u.pk), str(u)) for u in inspectors]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self):
        from .selectors import LedgerFilters

        if not self.is_valid():
            return LedgerFilters()
        d = self.cleaned_data
        problems = {"1": True, "0": False}.get(d.get("problems") or "")
        return LedgerFilters(kind=d.get("kind") or "", date_from=d.get("date_from"), date_to=d.get("date_to"),
                             inspector_id=d.get("inspector"), batch_id=d.get("batch"), q=(d.get("q") or "").strip(),
                             has_problems=problems)
