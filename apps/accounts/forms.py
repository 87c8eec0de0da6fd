from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from apps.core.forms import PasswordField
from apps.core.text import LineField

from .services import CODE_RE, normalise_code


class LoginForm(AuthenticationForm):
    username = LineField(label=_("Username"), max_length=150,
                         widget=forms.TextInput(attrs={"autofocus": True, "class": "form-control",
                                                       "autocomplete": "username"}))
    password = PasswordField(label=_("Password"),
                             widget=forms.PasswordInput(attrs={"class": "form-control",
                                                               "autocomplete": "current-password"}))


class CodeForm(forms.Form):
    """The 6-digit code an authenticator app shows (两步验证)."""

    code = forms.CharField(
        label=_("Verification code"), max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "one-time-code",
                                      "autofocus": True, "pattern": "[0-9 ]*", "maxlength": 20}))

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not CODE_RE.match(code):
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."), code="format")
        return code
