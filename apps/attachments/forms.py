from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.text import LineField

from .enums import AttachmentKind
from .validation import ALLOWED_EXTENSIONS


class AttachmentUploadForm(forms.Form):
    # Empty files and everything else about the file are judged by the service (one message set).
    file = forms.FileField(label=_("file"), allow_empty_file=True, widget=forms.ClearableFileInput(
        attrs={"class": "form-control form-control-sm",
               "accept": ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)}))
    kind = forms.ChoiceField(label=_("kind"), choices=AttachmentKind.choices, initial=AttachmentKind.EVIDENCE,
                             widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    next = LineField(required=False, max_length=2000, widget=forms.HiddenInput)


class AttachmentRemoveForm(forms.Form):
    reason = LineField(label=_("reason"), max_length=1000)
    next = LineField(required=False, max_length=2000, widget=forms.HiddenInput)
