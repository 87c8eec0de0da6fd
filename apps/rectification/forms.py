"""Forms only validate shapes; the services decide. State, number, project, reviewer and the like
are never form fields (mass assignment)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DateInput, MultipleFileField, StyledForm

from .enums import IncidentCategory, Severity, TicketSource
from .models import TEXT_MAX, TITLE_MAX

PASS_FAIL = [("pass", _("Passed: the problem is rectified")), ("fail", _("Failed: rectify again"))]


class TicketForm(StyledForm):
    source = forms.ChoiceField(label=_("source of the problem"), choices=TicketSource.choices)
    found_on = forms.DateField(label=_("date found"), widget=DateInput())
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.GENERAL)
    title = forms.CharField(label=_("problem in brief"), max_length=TITLE_MAX)
    description = forms.CharField(label=_("description of the problem"), max_length=3 * TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    requirement = forms.CharField(label=_("rectification requirement"), max_length=TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("What must be done and to which standard (§5.2.3)."))
    due_date = forms.DateField(label=_("rectification deadline"), widget=DateInput())
    responsible_unit = forms.CharField(label=_("responsible unit"), max_length=TITLE_MAX, required=False,
                                       help_text=_("The contractor if left empty."))
    note = forms.CharField(label=_("remarks"), max_length=500, required=False)
    files = MultipleFileField(label=_("evidence of the problem"))


class AnswerForm(StyledForm):
    measures = forms.CharField(label=_("rectification measures"), max_length=TEXT_MAX,
                               widget=forms.Textarea(attrs={"rows": 4}))
    result = forms.CharField(label=_("rectification result"), max_length=TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("evidence of the rectification"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReviewForm(StyledForm):
    verdict = forms.ChoiceField(label=_("review result"), choices=PASS_FAIL, widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("review opinion"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    new_due_date = forms.DateField(label=_("new rectification deadline (if failed)"), widget=DateInput(),
                                   required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ComplaintForm(StyledForm):
    complainant = forms.CharField(label=_("complainant"), max_length=TITLE_MAX)
    received_on = forms.DateField(label=_("received on"), widget=DateInput())
    channel = forms.CharField(label=_("channel of the complaint"), max_length=100, required=False,
                              help_text=_("e.g. letter, telephone, visit, online"))
    content = forms.CharField(label=_("content of the complaint"), max_length=3 * TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}))
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.GENERAL)
    requirement = forms.CharField(label=_("rectification requirement"), max_length=TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label=_("rectification deadline"), widget=DateInput())
    files = MultipleFileField(label=_("attachments"))


class IncidentForm(StyledForm):
    category = forms.ChoiceField(label=_("kind of incident"), choices=IncidentCategory.choices)
    title = forms.CharField(label=_("incident in brief"), max_length=TITLE_MAX)
    occurred_at = forms.DateTimeField(label=_("occurred at"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
    description = forms.CharField(label=_("what happened"), max_length=3 * TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    scale = forms.CharField(label=_("scale and impact"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("What and how much is affected: records, files, people, systems."))
    remedial_action = forms.CharField(label=_("remedial action taken"), max_length=TEXT_MAX,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    is_major = forms.BooleanField(label=_("major incident (goes to the regulator)"), required=False)
    files = MultipleFileField(label=_("attachments"))


class AcknowledgeForm(StyledForm):
    instructions = forms.CharField(label=_("the client's instructions"), max_length=TEXT_MAX,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    is_major = forms.BooleanField(label=_("judge it a major incident (report it to the regulator)"), required=False)


class CloseIncidentForm(StyledForm):
    closing_note = forms.CharField(label=_("how it was handled"), max_length=TEXT_MAX,
                                   widget=forms.Textarea(attrs={"rows": 3}))


class SuspendForm(StyledForm):
    reason = forms.CharField(label=_("reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    report_to_regulator = forms.BooleanField(label=_("report to the regulator (major case)"), required=False,
                                             initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReportForm(StyledForm):
    summary = forms.CharField(label=_("summary for the regulator"), max_length=3 * TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}))


class SettingsForm(StyledForm):
    review_limit = forms.IntegerField(label=_("failed reviews allowed per ticket"), min_value=1, max_value=10,
                                      help_text=_("The contract's limit: one more failed review than this is a "
                                                  "ground for suspension."))
    default_days = forms.IntegerField(label=_("default rectification period (working days)"), min_value=1,
                                      max_value=60)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
