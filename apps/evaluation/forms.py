"""Forms only validate shapes; the services decide (states, who, sums and ranges)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import (
    DateField,
    DateInput,
    MultipleFileField,
    PasswordField,
    StyledForm,
    VersionField,
)
from apps.core.text import LineField, TextField

from .enums import BreachGround, Indicator
from .models import COMMENT_MAX, REFERENCE_MAX, TEXT_MAX


def _area(rows: int = 4):
    return forms.Textarea(attrs={"rows": rows})


class EvaluationTextForm(StyledForm):
    """§10.1.1: the client's problem analysis (问题分析报告)."""

    problems = TextField(label=_("quality problems and safety hazards"), max_length=TEXT_MAX, required=False,
                         widget=_area())
    causes = TextField(label=_("causes of the problems"), max_length=TEXT_MAX, required=False, widget=_area())
    lessons = TextField(label=_("experience and lessons"), max_length=TEXT_MAX, required=False, widget=_area())
    weaknesses = TextField(label=_("weak points of the management (管理薄弱环节)"), max_length=TEXT_MAX,
                           required=False, widget=_area())
    version = VersionField()


class ScoreForm(StyledForm):
    score = forms.DecimalField(label=_("score (0–100)"), min_value=0, max_value=100, max_digits=5, decimal_places=2,
                               required=False,
                               help_text=_("Leave empty to go back to the score proposed from the figures."))
    comment = TextField(label=_("grounds for the score"), max_length=COMMENT_MAX, required=False, widget=_area(3))
    version = VersionField()


class IssueForm(StyledForm):
    password = PasswordField(label=_("your password (signs the report)"))
    version = VersionField()


class AnswerForm(StyledForm):
    """§10.1.3: the contractor's own weak points and its improvement (§10.2)."""

    contractor_weaknesses = TextField(label=_("the contractor's weak points (查找短板)"), max_length=TEXT_MAX,
                                      widget=_area())
    improvement_direction = TextField(label=_("direction and focus of the improvement"), max_length=TEXT_MAX,
                                      widget=_area())
    improvement_plan = forms.ModelChoiceField(label=_("improvement plan"), queryset=None, required=False,
                                              help_text=_("One of the project's improvement plans submitted to the "
                                                          "client (项目管控 › 质量改进)."))
    version = VersionField()

    def __init__(self, *args, project, **kwargs):
        from apps.control.enums import ImprovementState
        from apps.control.models import ImprovementPlan

        super().__init__(*args, **kwargs)
        self.fields["improvement_plan"].queryset = (ImprovementPlan.objects.filter(project=project)
                                                    .exclude(state=ImprovementState.DRAFT).order_by("-number"))


class CommentForm(StyledForm):
    comment = TextField(label=_("comments"), max_length=COMMENT_MAX, required=False, widget=_area(3))
    version = VersionField()


class ReasonForm(StyledForm):
    reason = TextField(label=_("reason"), max_length=COMMENT_MAX, widget=_area(3),
                       error_messages={"required": _("Give a reason.")})
    version = VersionField()


class BreachForm(StyledForm):
    ground = forms.ChoiceField(label=_("ground"), choices=BreachGround.choices)
    description = TextField(label=_("what the contractor did or failed to do"), max_length=TEXT_MAX, widget=_area())
    occurred_on = DateField(label=_("date of the breach"), widget=DateInput())
    reference = LineField(label=_("related record or contract clause"), max_length=REFERENCE_MAX, required=False,
                          help_text=_("e.g. rectification ticket No. 3, contract article 8.2"))
    files = MultipleFileField(label=_("evidence"))


class SchemeForm(StyledForm):
    """One weight per indicator (whole numbers adding up to 100; 0 leaves it out) and the bands."""

    excellent_from = forms.IntegerField(label=_("excellent (优秀) from"), min_value=1, max_value=100)
    good_from = forms.IntegerField(label=_("good (良好) from"), min_value=1, max_value=100)
    pass_from = forms.IntegerField(label=_("pass (合格) from"), min_value=1, max_value=100)
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in Indicator.choices:
            self.fields[f"w_{code}"] = forms.IntegerField(label=label, min_value=0, max_value=100, initial=0,
                                                         required=False)
        self.order_fields([f"w_{code}" for code in Indicator.values])

    def weight_fields(self):
        return [self[f"w_{code}"] for code in Indicator.values]
