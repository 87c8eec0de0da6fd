"""Forms only validate shapes; the services decide. State, number, project, reviewer and the like
are never form fields (mass assignment). Single-line values use the kit's ``LineField``,
multi-line ones its ``TextField`` (``apps.core.text``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import (
    DateField,
    DateInput,
    DateTimeField,
    MultipleFileField,
    StyledForm,
    VersionField,
)
from apps.core.text import LineField, TextField

from .enums import IncidentCategory, Severity, TicketSource
from .models import TEXT_MAX, TITLE_MAX

PASS_FAIL = [("pass", _("Passed: the problem is rectified")), ("fail", _("Failed: rectify again"))]


# A warranty problem is reported from the warranty follow-up (its deadlines come from the contract).
NOTICE_SOURCES = [(value, label) for value, label in TicketSource.choices if value != TicketSource.WARRANTY]


class TicketForm(StyledForm):
    source = forms.ChoiceField(label=_("source of the problem"), choices=NOTICE_SOURCES)
    found_on = DateField(label=_("date found"), widget=DateInput())
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.GENERAL)
    title = LineField(label=_("problem in brief"), max_length=TITLE_MAX)
    description = TextField(label=_("description of the problem"), max_length=3 * TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 4}))
    requirement = TextField(label=_("rectification requirement"), max_length=TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("What must be done and to which standard (§5.2.3)."))
    due_date = DateField(label=_("rectification deadline"), widget=DateInput())
    responsible_unit = LineField(label=_("responsible unit"), max_length=TITLE_MAX, required=False,
                                 help_text=_("The contractor if left empty."))
    note = LineField(label=_("remarks"), max_length=500, required=False)
    files = MultipleFileField(label=_("evidence of the problem"))


class AnswerForm(StyledForm):
    measures = TextField(label=_("rectification measures"), max_length=TEXT_MAX,
                         widget=forms.Textarea(attrs={"rows": 4}))
    result = TextField(label=_("rectification result"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("evidence of the rectification"))
    version = VersionField()


class RespondForm(StyledForm):
    plan = TextField(label=_("planned measures"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                     help_text=_("How and by when the problem will be fixed (§6.5.3 及时响应)."))
    version = VersionField()


class WarrantyProblemForm(StyledForm):
    """A problem found in the warranty (§6.5.3); its deadlines come from the contract's terms."""

    found_on = DateField(label=_("date found"), widget=DateInput())
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.GENERAL)
    title = LineField(label=_("problem in brief"), max_length=TITLE_MAX)
    description = TextField(label=_("description of the problem"), max_length=3 * TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 4}))
    requirement = TextField(label=_("rectification requirement"), max_length=TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 3}))
    note = LineField(label=_("remarks"), max_length=500, required=False)
    files = MultipleFileField(label=_("evidence of the problem"))


class ReasonForm(StyledForm):
    reason = TextField(label=_("reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                       error_messages={"required": _("Give a reason.")})
    version = VersionField()


class ResumeForm(ReasonForm):
    reason = TextField(label=_("reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                       error_messages={"required": _("A reason is required to resume the project.")})


class ReviewForm(StyledForm):
    verdict = forms.ChoiceField(label=_("review result"), choices=PASS_FAIL, widget=forms.RadioSelect)
    opinion = TextField(label=_("review opinion"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    new_due_date = DateField(label=_("new rectification deadline (if failed)"), widget=DateInput(),
                             required=False)
    version = VersionField()


class ComplaintForm(StyledForm):
    complainant = LineField(label=_("complainant"), max_length=TITLE_MAX)
    received_on = DateField(label=_("received on"), widget=DateInput())
    channel = LineField(label=_("channel of the complaint"), max_length=100, required=False,
                        help_text=_("e.g. letter, telephone, visit, online"))
    content = TextField(label=_("content of the complaint"), max_length=3 * TEXT_MAX,
                        widget=forms.Textarea(attrs={"rows": 4}))
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.GENERAL)
    requirement = TextField(label=_("rectification requirement"), max_length=TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 3}))
    due_date = DateField(label=_("rectification deadline"), widget=DateInput())
    files = MultipleFileField(label=_("attachments"))


class IncidentForm(StyledForm):
    category = forms.ChoiceField(label=_("kind of incident"), choices=IncidentCategory.choices)
    title = LineField(label=_("incident in brief"), max_length=TITLE_MAX)
    occurred_at = DateTimeField(label=_("occurred at"),
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                           format="%Y-%m-%dT%H:%M"),
                                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
    description = TextField(label=_("what happened"), max_length=3 * TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    scale = TextField(label=_("scale and impact"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}),
                      help_text=_("What and how much is affected: records, files, people, systems."))
    remedial_action = TextField(label=_("remedial action taken"), max_length=TEXT_MAX,
                                widget=forms.Textarea(attrs={"rows": 3}))
    is_major = forms.BooleanField(label=_("major incident (goes to the regulator)"), required=False)
    files = MultipleFileField(label=_("attachments"))


class AcknowledgeForm(StyledForm):
    instructions = TextField(label=_("the client's instructions"), max_length=TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Give the client's instructions.")})
    is_major = forms.BooleanField(label=_("judge it a major incident (report it to the regulator)"), required=False)


class CloseIncidentForm(StyledForm):
    closing_note = TextField(label=_("how it was handled"), max_length=TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Say how the incident was handled.")})


class SuspendForm(StyledForm):
    reason = TextField(label=_("reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                       error_messages={"required": _("A reason is required to suspend the project.")})
    report_to_regulator = forms.BooleanField(label=_("report to the regulator (major case)"), required=False,
                                             initial=True)
    version = VersionField()


class ReportForm(StyledForm):
    summary = TextField(label=_("summary for the regulator"), max_length=3 * TEXT_MAX,
                        widget=forms.Textarea(attrs={"rows": 4}))


class SettingsForm(StyledForm):
    review_limit = forms.IntegerField(label=_("failed reviews allowed per ticket"), min_value=1, max_value=10,
                                      help_text=_("The contract's limit: one more failed review than this is a "
                                                  "ground for suspension."))
    default_days = forms.IntegerField(label=_("default rectification period (working days)"), min_value=1,
                                      max_value=60)
    # Left empty: the warranty's periods stay as they are.
    warranty_response_days = forms.IntegerField(label=_("response to a warranty problem (working days)"),
                                                min_value=1, max_value=30, required=False)
    warranty_fix_days = forms.IntegerField(label=_("fix of a warranty problem (working days)"), min_value=1,
                                           max_value=120, required=False)
    version = VersionField()
