from django import forms
from django.utils.translation import gettext_lazy as _


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=2000, strip=True,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
