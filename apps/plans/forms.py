from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.text import LineField, TextField

from .models import CONTENT_FIELDS, TEXT_MAX


class PlanVersionForm(forms.Form):
    """What the contractor writes. Status, number and review fields are never form fields."""

    title = LineField(label=_("title"), max_length=200)
    implementation_plan = TextField(label=_("implementation plan (实施方案)"), max_length=TEXT_MAX,
                                    required=False, widget=forms.Textarea(attrs={"rows": 6}))
    quality_targets = TextField(label=_("quality targets (质量目标)"), max_length=TEXT_MAX,
                                required=False, widget=forms.Textarea(attrs={"rows": 3}))
    procedures = TextField(label=_("procedures (工作流程)"), max_length=TEXT_MAX,
                           required=False, widget=forms.Textarea(attrs={"rows": 4}))
    control_points = TextField(label=_("quality control points (质量控制点)"), max_length=TEXT_MAX,
                               required=False, widget=forms.Textarea(attrs={"rows": 4}))
    detailed_rules = TextField(label=_("detailed rules (细则)"), max_length=TEXT_MAX, required=False,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("Required for major projects (high risk or classified)."))
    change_reason = TextField(label=_("what changed and why"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def content(self) -> dict:
        return {f: self.cleaned_data[f] for f in CONTENT_FIELDS}


class ReviseForm(forms.Form):
    reason = TextField(label=_("what changes and why"), max_length=4000,
                       widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                       error_messages={"required": _("Say what changed in this version and why.")})


class CommentsForm(forms.Form):
    comments = TextField(label=_("review comments"), max_length=TEXT_MAX, required=False,
                         widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                         error_messages={"max_length": _("The comments are too long.")})
