from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.text import LineField


class WaiveForm(forms.Form):
    reason = LineField(label=_("reason"), max_length=2000, strip=True,
                       error_messages={"required": _("Give a reason for waiving the deadline.")},
                       widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
