"""Forms only validate shapes; the services decide. States, numbers, project and the people who
decide are never form fields (mass assignment)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DateField, MultipleFileField, VersionField
from apps.core.forms import StyledForm as _Styled
from apps.core.text import LineField, TextField
from apps.projects.enums import ServiceType

from .enums import Conclusion, MaterialKind, ProblemCategory, SystemRecord
from .models import LINE_MAX, LONG_TEXT_MAX, TEAM_ROLES, TEXT_MAX


def _area(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows})


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name}（{obj.organization}）" if obj.organization_id else name


class VersionForm(_Styled):
    version = VersionField()


class ApplicationForm(_Styled):
    results = TextField(label=_("results delivered (成果)"), max_length=TEXT_MAX, widget=_area(4),
                        help_text=_("What was delivered under the contract, with quantities."))
    note = TextField(label=_("note to the client"), max_length=TEXT_MAX, widget=_area(2), required=False)
    version = VersionField()


class LineForm(_Styled):
    kind = forms.ChoiceField(label=_("kind of material"), choices=MaterialKind.choices)
    title = LineField(label=_("material"), max_length=LINE_MAX)
    description = TextField(label=_("description"), max_length=TEXT_MAX, widget=_area(2), required=False)
    required = forms.BooleanField(label=_("required by the contract"), required=False, initial=True)
    record_ref = forms.ChoiceField(label=_("records in the system"), required=False,
                                   choices=[("", _("none: files attached")), *SystemRecord.choices])
    reference = LineField(label=_("reference (document no., location)"), max_length=LINE_MAX, required=False)
    files = MultipleFileField(label=_("files"), required=False)
    version = VersionField()


class ReviewForm(_Styled):
    """The client lead's review: complete, or returned with what is missing per line."""

    complete = forms.TypedChoiceField(
        label=_("decision"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", _("Materials complete: the project enters acceptance")),
                 ("no", _("Return to the contractor with what is missing"))])
    note = TextField(label=_("review remarks"), max_length=TEXT_MAX, widget=_area(2), required=False)
    version = VersionField()

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for line in lines:
            name = f"missing_{line.pk}"
            self.fields[name] = LineField(label=_("missing: %(line)s") % {"line": line.title}, required=False,
                                          max_length=LINE_MAX * 2)
            self.line_fields.append(name)

    def missing(self) -> dict:
        return {name.split("_", 1)[1]: self.cleaned_data.get(name, "") for name in self.line_fields}


class TeamMemberForm(_Styled):
    person = PersonChoiceField(label=_("person"), queryset=get_user_model().objects.none())
    is_leader = forms.BooleanField(label=_("team leader"), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        members = project.members.filter(is_active=True, user__is_active=True, role__in=list(TEAM_ROLES))
        self.fields["person"].queryset = (get_user_model().objects.filter(pk__in=members.values("user_id"))
                                          .exclude(organization_id=project.contractor_id)
                                          .select_related("organization").order_by("name", "username"))


class RoundStartForm(_Styled):
    override_reason = TextField(
        label=_("reason for a round beyond the third"), max_length=TEXT_MAX, widget=_area(3), required=False,
        help_text=_("§5.3.2: from the fourth round on, the client lead's written override is required; it is "
                    "reported to the regulator and counts against the contractor."))


class PlanForm(_Styled):
    plan_content = TextField(label=_("content of the acceptance"), max_length=LONG_TEXT_MAX, widget=_area(5))
    standards = forms.ModelMultipleChoiceField(label=_("standards (check items)"), required=False,
                                               queryset=None, widget=forms.CheckboxSelectMultiple)
    standards_note = TextField(label=_("other standards and contract terms"), max_length=TEXT_MAX,
                               widget=_area(2), required=False)
    schedule_start = DateField(label=_("acceptance from"), required=False)
    schedule_end = DateField(label=_("acceptance until"), required=False)
    version = VersionField()

    def __init__(self, *args, project, floors: dict | None = None, **kwargs):
        from apps.inspections.models import CheckItem

        super().__init__(*args, **kwargs)
        floors = floors or {}
        self.fields["standards"].queryset = CheckItem.objects.filter(
            project=project, active=True, service_type__in=project.service_types).order_by("service_type", "order")
        self.fields["standards"].label_from_instance = lambda item: f"{item.code} {item.name}"
        self.rate_fields = []
        for service_type in project.service_types:
            name = f"rate_{service_type}"
            floor = floors.get(service_type)
            self.fields[name] = forms.DecimalField(
                label=_("sampling ratio (%%) · %(type)s") % {"type": ServiceType(service_type).label},
                required=False, max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal(100),
                help_text=(_("At least the statutory floor of %(floor)s %%.") % {"floor": floor}) if floor
                else _("No accepted batch of this service type: leave empty."))
            self.rate_fields.append(name)

    def rates(self) -> dict:
        return {name.split("_", 1)[1]: self.cleaned_data.get(name) for name in self.rate_fields
                if self.cleaned_data.get(name) is not None}


class ReportForm(_Styled):
    conclusion = forms.ChoiceField(label=_("conclusion"), widget=forms.RadioSelect,
                                   choices=[c for c in Conclusion.choices if c[0]])
    problems = TextField(label=_("problems found"), max_length=LONG_TEXT_MAX, widget=_area(4), required=False)
    opinion = TextField(label=_("acceptance opinion"), max_length=TEXT_MAX, widget=_area(3))
    fail_reason = TextField(label=_("reason for failing"), max_length=TEXT_MAX, widget=_area(2), required=False,
                            help_text=_("Required when every inspection was accepted and the team still fails the "
                                        "round."))
    rectification_due = DateField(label=_("rectification deadline"), required=False,
                                  help_text=_("Required when the conclusion is 不合格."))
    version = VersionField()


class ProblemForm(_Styled):
    category = forms.ChoiceField(label=_("category"), choices=ProblemCategory.choices)
    description = TextField(label=_("problem"), max_length=TEXT_MAX, widget=_area(3))
    suggested_control = TextField(label=_("suggested control"), max_length=TEXT_MAX, widget=_area(3))
