from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.projects.enums import ServiceType
from apps.projects.forms import DateInput

from .enums import DocumentKind
from .models import QualificationDocument

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class DocumentForm(forms.ModelForm):
    """What the contractor declares about one document. Review fields are never form fields."""

    service_types = forms.MultipleChoiceField(label=_("service types covered"), choices=ServiceType.choices,
                                              widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = QualificationDocument
        fields = ["kind", "number", "issuer", "scope", "service_types", "valid_from", "valid_until"]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput(),
                   "scope": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, security_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if security_only:
            self.fields["kind"].choices = [(DocumentKind.SECURITY_EVIDENCE.value,
                                            DocumentKind.SECURITY_EVIDENCE.label)]
        _style(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity cannot be before its start."))
        return data

    def service_kwargs(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class DocumentCheckForm(forms.Form):
    is_authentic = forms.ChoiceField(label=_("Genuine and valid?"), choices=YES_NO, widget=forms.RadioSelect)
    in_date = forms.ChoiceField(label=_("In date for the contract period?"), choices=YES_NO,
                                widget=forms.RadioSelect)
    scope_matches = forms.ChoiceField(label=_("Scope matches the project's service types?"), choices=YES_NO,
                                      widget=forms.RadioSelect)
    note = forms.CharField(label=_("note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"is_authentic": d["is_authentic"] == "yes", "in_date": d["in_date"] == "yes",
                "scope_matches": d["scope_matches"] == "yes", "note": d["note"]}


class ConclusionForm(forms.Form):
    reason = forms.CharField(label=_("conclusion and reasons"), max_length=4000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
