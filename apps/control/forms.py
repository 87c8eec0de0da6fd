"""Forms only validate shapes; the services decide. States, numbers, project and the people who
decide are never form fields (mass assignment)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import MAX_INT, DateField, DateInput, MultipleFileField, PasswordField
from apps.core.forms import StyledForm as _Styled
from apps.core.text import LineField, TextField
from apps.projects.enums import RiskLevel

from .enums import (
    ActionOwnerParty,
    AssessmentTrigger,
    ChangeCategory,
    ImprovementSource,
    MeetingKind,
    RiskCategory,
)
from .models import LONG_TEXT_MAX, TEXT_MAX


def _area(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows})


def _members(project, roles=None):
    """People of the project (optionally with these roles), for a choice of a responsible person."""
    qs = project.members.filter(is_active=True, user__is_active=True)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return get_user_model().objects.filter(pk__in=qs.values("user_id")).order_by("name", "username")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class ProjectForm(_Styled):
    """A form that knows its project (for choices of people)."""

    def __init__(self, *args, project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)


# ---------------------------------------------------------------- risks

class RiskPointForm(ProjectForm):
    category = forms.ChoiceField(label=_("category"), choices=RiskCategory.choices)
    description = TextField(label=_("risk description"), max_length=TEXT_MAX, widget=_area())
    level = forms.ChoiceField(label=_("risk level"), choices=[("", _("not rated yet")), *RiskLevel.choices],
                              required=False, help_text=_("Only the client's project lead rates risk points."))
    control_measures = TextField(label=_("control measures"), max_length=TEXT_MAX, widget=_area(),
                                 required=False)
    owner = PersonChoiceField(label=_("responsible person"), queryset=None, required=False)

    def __init__(self, *args, can_rate: bool = False, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(self.project)
        if not can_rate or editing:
            del self.fields["level"]


class RiskRateForm(_Styled):
    level = forms.ChoiceField(label=_("risk level"), choices=RiskLevel.choices, widget=forms.RadioSelect)
    reason = TextField(label=_("reason"), max_length=TEXT_MAX, widget=_area(2), required=False)


class ReasonForm(_Styled):
    reason = TextField(label=_("reason"), max_length=TEXT_MAX, widget=_area())


class AssessmentForm(_Styled):
    trigger = forms.ChoiceField(label=_("trigger"), choices=[("", _("from the open requests")),
                                                              *AssessmentTrigger.choices], required=False)
    assessed_on = DateField(label=_("assessment date"), widget=DateInput(), required=False,
                            initial=timezone.localdate)
    conclusion = TextField(label=_("conclusion"), max_length=TEXT_MAX, widget=_area(4))
    resulting_level = forms.ChoiceField(
        label=_("project risk level"), choices=[("", _("the highest level of the points")), *RiskLevel.choices],
        required=False)
    level_reason = TextField(label=_("reason for a different level"), max_length=TEXT_MAX, widget=_area(2),
                             required=False)


# ---------------------------------------------------------------- change requests

class ChangeRequestForm(_Styled):
    category = forms.ChoiceField(label=_("what changes"), choices=ChangeCategory.choices)
    title = LineField(label=_("change in brief"), max_length=200)
    description = TextField(label=_("proposed change"), max_length=TEXT_MAX, widget=_area(4))
    reason = TextField(label=_("reason for the change"), max_length=TEXT_MAX, widget=_area())
    quality_impact = TextField(label=_("impact on quality"), max_length=TEXT_MAX, widget=_area(),
                               help_text=_("§6.4.2: state how the change affects quality."))
    touches_plan = forms.BooleanField(label=_("changes the implementation plan"), required=False,
                                      help_text=_("If approved, a new plan version is opened for review."))
    is_major = forms.BooleanField(label=_("major change (重大变更)"), required=False,
                                  help_text=_("A major change is followed by a risk re-assessment."))
    files = MultipleFileField(label=_("attachments"))


class ChangeApproveForm(_Styled):
    opinion = TextField(label=_("client's opinion"), max_length=TEXT_MAX, widget=_area(), required=False)
    is_major = forms.BooleanField(label=_("major change (重大变更)"), required=False)
    password = PasswordField(label=_("your password (signature)"),
                             help_text=_("The approval is your written signature (批准)."))


class ChangeRejectForm(_Styled):
    opinion = TextField(label=_("reasons for rejecting"), max_length=TEXT_MAX, widget=_area())


class NoteForm(_Styled):
    note = TextField(label=_("how it was implemented"), max_length=TEXT_MAX, widget=_area())


# ---------------------------------------------------------------- meetings

class MeetingForm(_Styled):
    kind = forms.ChoiceField(label=_("kind of meeting"), choices=MeetingKind.choices)
    held_on = DateField(label=_("date of the meeting"), widget=DateInput(), initial=timezone.localdate)
    location = LineField(label=_("place"), max_length=200, required=False)
    chair = LineField(label=_("chaired by"), max_length=100)
    attendees = TextField(label=_("attendees"), max_length=TEXT_MAX, widget=_area(2))
    agenda = TextField(label=_("topics"), max_length=TEXT_MAX, widget=_area())
    minutes = TextField(label=_("minutes (会议纪要)"), max_length=LONG_TEXT_MAX, widget=_area(8))


class MeetingCreateForm(MeetingForm):
    files = MultipleFileField(label=_("attachments"))


class ActionItemForm(ProjectForm):
    description = TextField(label=_("action item"), max_length=TEXT_MAX, widget=_area(2))
    owner_party = forms.ChoiceField(label=_("responsible party"), choices=ActionOwnerParty.choices)
    owner = PersonChoiceField(label=_("responsible person"), queryset=None, required=False)
    due_date = DateField(label=_("due date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(self.project)


class ResultForm(_Styled):
    result = TextField(label=_("result"), max_length=TEXT_MAX, widget=_area())


# ---------------------------------------------------------------- quality reports

class ReportTextsForm(_Styled):
    summary = TextField(label=_("summary of quality"), max_length=LONG_TEXT_MAX, widget=_area(5))
    problems = TextField(label=_("main problems and causes"), max_length=TEXT_MAX, widget=_area(),
                         required=False)
    next_steps = TextField(label=_("measures for the next period"), max_length=TEXT_MAX, widget=_area(),
                           required=False)


class ReportPrepareForm(ReportTextsForm):
    period_start = DateField(label=_("period from"), widget=DateInput())
    period_end = DateField(label=_("period to"), widget=DateInput())
    field_order = ["period_start", "period_end", "summary", "problems", "next_steps"]


class ReportAcknowledgeForm(_Styled):
    comment = TextField(label=_("client's comments"), max_length=TEXT_MAX, widget=_area(), required=False)
    next_report_due = DateField(label=_("next report due by"), widget=DateInput(), required=False)


# ---------------------------------------------------------------- progress plan

class MilestoneForm(_Styled):
    name = LineField(label=_("stage"), max_length=200)
    planned_start = DateField(label=_("planned start"), widget=DateInput())
    planned_end = DateField(label=_("planned end"), widget=DateInput())
    planned_quantity = forms.IntegerField(label=_("planned quantity"), min_value=0, max_value=MAX_INT, required=False)


class MilestoneStartForm(_Styled):
    actual_start = DateField(label=_("actual start"), widget=DateInput(), initial=timezone.localdate)


class MilestoneProgressForm(_Styled):
    actual_quantity = forms.IntegerField(label=_("quantity done"), min_value=0, max_value=MAX_INT)


class MilestoneCompleteForm(_Styled):
    actual_end = DateField(label=_("actual end"), widget=DateInput(), initial=timezone.localdate)
    actual_quantity = forms.IntegerField(label=_("quantity done"), min_value=0, max_value=MAX_INT, required=False)


class MilestoneHoldForm(_Styled):
    reason = TextField(label=_("quality reason"), max_length=TEXT_MAX, widget=_area())
    new_planned_end = DateField(label=_("new planned end"), widget=DateInput(), required=False)


class MilestoneResumeForm(_Styled):
    note = TextField(label=_("what was resolved"), max_length=TEXT_MAX, widget=_area(2))


# ---------------------------------------------------------------- improvement plans

class ImprovementForm(ProjectForm):
    source = forms.ChoiceField(label=_("based on"), choices=ImprovementSource.choices)
    problem_analysis = TextField(label=_("problems and their causes"), max_length=TEXT_MAX, widget=_area(4))
    target = TextField(label=_("improvement target"), max_length=TEXT_MAX, widget=_area(2))
    owner = PersonChoiceField(label=_("responsible person"), queryset=None)
    path = TextField(label=_("implementation path"), max_length=TEXT_MAX, widget=_area(4))
    deadline = DateField(label=_("completion deadline"), widget=DateInput())
    verification_method = TextField(label=_("verification method"), max_length=TEXT_MAX, widget=_area(2))

    def __init__(self, *args, **kwargs):
        from apps.accounts.enums import CONTRACTOR_ROLES

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(self.project, CONTRACTOR_ROLES)


class CommentForm(_Styled):
    comment = TextField(label=_("comments"), max_length=TEXT_MAX, widget=_area(), required=False)


class CompletionForm(_Styled):
    completion_report = TextField(label=_("what was done"), max_length=TEXT_MAX, widget=_area(4))


class VerifyForm(_Styled):
    effective = forms.ChoiceField(label=_("effect"), choices=[("yes", _("effective")), ("no", _("not effective"))],
                                  widget=forms.RadioSelect)
    verification_record = TextField(label=_("verification record (验证记录)"), max_length=TEXT_MAX,
                                    widget=_area(4))
    new_deadline = DateField(label=_("new completion deadline"), widget=DateInput(), required=False,
                             help_text=_("Required when the plan did not take effect."))

    def clean_effective(self) -> bool:
        return self.cleaned_data["effective"] == "yes"
