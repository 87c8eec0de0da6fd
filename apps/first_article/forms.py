"""Forms only validate shapes; the services decide. Status, round, project, verifier and the
like are never form fields (mass assignment)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DateField, DateInput, MultipleFileField, StyledForm
from apps.core.text import LineField, TextField

from .enums import CHECKS, Conclusion, Unit
from .models import TEXT_MAX

PASS_FAIL = [("pass", _("Passed")), ("fail", _("Failed"))]


class SubmitForm(StyledForm):
    batch_description = LineField(label=_("batch"), max_length=200,
                                  help_text=_("What the first batch consists of, e.g. fonds, years, boxes."))
    batch_no = LineField(label=_("batch number"), max_length=64, required=False)
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, max_value=10_000_000)
    unit = forms.ChoiceField(label=_("unit"), choices=Unit.choices)
    batch_date = DateField(label=_("date of the batch"), widget=DateInput())
    self_check_result = TextField(label=_("contractor's self-check result"), max_length=TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    contractor_verifiers = LineField(label=_("verifiers (contractor)"), max_length=200, required=False,
                                     help_text=_("Names of the contractor's people at the verification; "
                                                 "your name if left empty."))
    files = MultipleFileField(label=_("attachments"))


class VerifyForm(StyledForm):
    operation_result = forms.ChoiceField(label=CHECKS[0][1], choices=PASS_FAIL, widget=forms.RadioSelect)
    operation_reason = TextField(label=_("reason if failed"), max_length=TEXT_MAX, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    quality_result = forms.ChoiceField(label=CHECKS[1][1], choices=PASS_FAIL, widget=forms.RadioSelect)
    quality_reason = TextField(label=_("reason if failed"), max_length=TEXT_MAX, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    safety_result = forms.ChoiceField(label=CHECKS[2][1], choices=PASS_FAIL, widget=forms.RadioSelect)
    safety_reason = TextField(label=_("reason if failed"), max_length=TEXT_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    conclusion = forms.ChoiceField(label=_("conclusion"), choices=Conclusion.choices, widget=forms.RadioSelect)
    rectification_due = DateField(label=_("rectification deadline"), required=False, widget=DateInput(),
                                  help_text=_("Required when the batch failed."))
    requirement = TextField(label=_("rectification requirement"), max_length=TEXT_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Required when the batch failed; printed on the work contact sheet."))
    verified_on = DateField(label=_("verification date"), required=False, widget=DateInput())
    client_verifiers = LineField(label=_("verifiers (client)"), max_length=200, required=False,
                                 help_text=_("Names of the client's people at the verification; "
                                             "your name if left empty."))

    @staticmethod
    def service_kwargs(d: dict) -> dict:
        """The service's arguments from the cleaned data (pass/fail radios become booleans)."""
        return {
            "operation_passed": d["operation_result"] == "pass", "operation_reason": d["operation_reason"],
            "quality_passed": d["quality_result"] == "pass", "quality_reason": d["quality_reason"],
            "safety_passed": d["safety_result"] == "pass", "safety_reason": d["safety_reason"],
            "conclusion": d["conclusion"], "rectification_due": d.get("rectification_due"),
            "requirement": d["requirement"], "verified_on": d.get("verified_on"),
            "client_verifiers": d["client_verifiers"],
        }


class RectificationForm(StyledForm):
    measures = TextField(label=_("measures taken"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    result = TextField(label=_("result of the rectification"), max_length=TEXT_MAX,
                       widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("attachments"))
