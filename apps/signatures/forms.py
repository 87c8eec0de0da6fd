from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Party
from apps.core.forms import PasswordField

from .enums import SignatureMeaning


class SignForm(forms.Form):
    """Party, meaning and the password again. Choices are limited to what the record allows."""

    party = forms.ChoiceField(label=_("sign for"), choices=Party.choices)
    meaning = forms.ChoiceField(label=_("meaning of signature"), choices=SignatureMeaning.choices)
    password = PasswordField(label=_("your password"), max_length=256,
                             widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                             help_text=_("Signing needs your password again."))

    def __init__(self, *args, parties: list[str] | None = None, meanings: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if parties is not None:
            labels = dict(Party.choices)
            self.fields["party"].choices = [(p, labels[p]) for p in parties]
            if len(parties) == 1:
                self.fields["party"].initial = parties[0]
        if meanings is not None:
            labels = dict(SignatureMeaning.choices)
            self.fields["meaning"].choices = [(m, labels[m]) for m in meanings]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
