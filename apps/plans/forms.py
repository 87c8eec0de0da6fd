from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CONTENT_FIELDS, TEXT_MAX


class PlanVersionForm(forms.Form):
    """What the contractor writes. Status, number and review fields are never form fields."""

    title = forms.CharField(label=_("title"), max_length=200)
    implementation_plan = forms.CharField(label=_("implementation plan (实施方案)"), max_length=TEXT_MAX,
                                          required=False, widget=forms.Textarea(attrs={"rows": 6}))
    quality_targets = forms.CharField(label=_("quality targets (质量目标)"), max_length=TEXT_MAX,
                                      required=False, widget=forms.Textarea(attrs={"rows": 3}))
    procedures = forms.CharField(label=_("procedures (工作流程)"), max_length=TEXT_MAX,
                                 required=False, widget=forms.Textarea(attrs={"rows": 4}))
    control_points = forms.CharField(label=_("quality control points (质量控制点)"), max_length=TEXT_MAX,
                                     required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    detailed_rules = forms.CharField(label=_("detailed rules (细则)"), max_length=TEXT_MAX, required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}),
                                     help_text=_("Required for major projects (high risk or classified)."))
    change_reason = forms.CharField(label=_("what changed and why"), max_length=4000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def content(self) -> dict:
        return {f: self.cleaned_data[f] for f in CONTENT_FIELDS}


class ReviseForm(forms.Form):
    reason = forms.CharField(label=_("what changes and why"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class CommentsForm(forms.Form):
    comments = forms.CharField(label=_("review comments"), max_length=TEXT_MAX, required=False,
                               widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
