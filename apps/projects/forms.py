from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import OrgKind, ProjectRole
from apps.accounts.models import Organization
from apps.core.forms import DateInput, VersionField, kit_formfield
from apps.core.text import LineField, TextField

from .enums import ServiceType
from .models import Project


class ProjectForm(forms.ModelForm):
    """Fields a client lead sets. Client, phase, owner and version are never form fields:
    whatever a request sends for them is ignored (mass assignment)."""

    service_types = forms.MultipleChoiceField(label=_("service types"), choices=ServiceType.choices,
                                              widget=forms.CheckboxSelectMultiple)
    version = VersionField()

    class Meta:
        model = Project
        formfield_callback = kit_formfield
        fields = ["name", "contract_no", "contractor", "service_types", "risk_level", "confidentiality",
                  "contract_signed_on", "start_date", "end_date", "quality_threshold", "warranty_months",
                  "description"]
        widgets = {
            "contract_signed_on": DateInput(),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contractor"].queryset = Organization.objects.filter(kind=OrgKind.CONTRACTOR, is_active=True)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        start, end, signed = data.get("start_date"), data.get("end_date"), data.get("contract_signed_on")
        if start and end and end < start:
            self.add_error("end_date", _("The contract end date cannot be before its start date."))
        if signed and end and signed > end:
            self.add_error("contract_signed_on", _("The contract cannot be signed after it ends."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class MemberAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("person"), queryset=get_user_model().objects.none(),
                                  widget=forms.Select(attrs={"class": "form-select"}))
    role = forms.ChoiceField(label=_("project role"), choices=ProjectRole.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True, organization__is_active=True)
            .filter(Q(organization=project.client) | Q(organization=project.contractor)
                    | Q(organization__kind=OrgKind.CLIENT))
            .select_related("organization").order_by("organization__kind", "organization__name", "name")
        )
        self.fields["user"].label_from_instance = lambda u: f"{u.name}（{u.organization}）"


class ReasonForm(forms.Form):
    reason = TextField(label=_("reason"), max_length=1000,
                       widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    version = VersionField()


class OptionalReasonForm(ReasonForm):
    reason = TextField(label=_("note"), max_length=1000, required=False,
                       widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class AttestationForm(forms.Form):
    gate = LineField(widget=forms.HiddenInput, max_length=64)
    reference = LineField(label=_("paper record reference"), max_length=200,
                          widget=forms.TextInput(attrs={"class": "form-control"}))
    note = TextField(label=_("note"), max_length=2000, required=False,
                     widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
