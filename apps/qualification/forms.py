from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DateInput, kit_formfield
from apps.core.text import TextField
from apps.projects.enums import ServiceType

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
        formfield_callback = kit_formfield
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


def _yes_no(label) -> forms.TypedChoiceField:
    answer = _("Answer each check with yes or no.")
    return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=lambda value: value == "yes",
                                  widget=forms.RadioSelect,
                                  error_messages={"required": answer, "invalid_choice": answer})


class DocumentCheckForm(forms.Form):
    """The client's three checks of one document (yes/no each, as booleans) and a note."""

    is_authentic = _yes_no(_("Genuine and valid?"))
    in_date = _yes_no(_("In date for the contract period?"))
    scope_matches = _yes_no(_("Scope matches the project's service types?"))
    note = TextField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ConclusionForm(forms.Form):
    reason = TextField(label=_("conclusion and reasons"), max_length=4000, required=False,
                       widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                       error_messages={"max_length": _("The text is too long (at most 4000 characters).")})
