from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import CONTRACTOR_ROLES, ProjectRole
from apps.core.forms import DateField, DateInput, kit_formfield
from apps.core.text import LineField, TextField

from .enums import ChangeStatus, FilingStatus
from .models import Equipment, StaffFiling
from .services import EQUIPMENT_FIELDS, FILING_FIELDS


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class StaffFilingForm(forms.ModelForm):
    class Meta:
        model = StaffFiling
        fields = ["person", "role", *FILING_FIELDS]
        formfield_callback = kit_formfield
        widgets = {"cert_valid_from": DateInput, "cert_valid_until": DateInput,
                   "confidentiality_signed_on": DateInput}

    def __init__(self, *args, project, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        if editing:
            del self.fields["person"]
            del self.fields["role"]
        else:
            from .selectors import contractor_people

            self.fields["person"].queryset = contractor_people(project)
            self.fields["role"].choices = [(r.value, r.label) for r in ProjectRole if r in CONTRACTOR_ROLES]
        _bootstrap(self)

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in FILING_FIELDS if name in self.cleaned_data}


class EquipmentForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = list(EQUIPMENT_FIELDS)
        formfield_callback = kit_formfield

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        _bootstrap(self)

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in EQUIPMENT_FIELDS}


class StaffChangeForm(forms.Form):
    leaving = forms.ModelChoiceField(queryset=StaffFiling.objects.none(), label=_("person leaving"))
    incoming = forms.ModelChoiceField(queryset=StaffFiling.objects.none(), label=_("replacement"),
                                      help_text=_("File the replacement first; their filing appears here."))
    reason = TextField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    planned_date = DateField(label=_("planned date"), widget=DateInput)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        filings = StaffFiling.objects.filter(project=project).select_related("person")
        self.fields["leaving"].queryset = filings.filter(status=FilingStatus.APPROVED)
        self.fields["incoming"].queryset = filings.filter(status=FilingStatus.SUBMITTED).exclude(
            changes_incoming__status=ChangeStatus.REQUESTED)
        _bootstrap(self)


class ReasonForm(forms.Form):
    reason = LineField(label=_("reason"), max_length=2000)


class NoteForm(forms.Form):
    note = LineField(label=_("note"), max_length=2000, required=False)
