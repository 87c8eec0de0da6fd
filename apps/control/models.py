"""Project control during implementation (§5.2.2, §6.2.3, §6.3.1, §6.4.2, §8.2.3–8.2.4, §10.2).

- the risk register (风险分级管控): :class:`RiskPoint`, :class:`RiskAssessment` and the
  system's :class:`RiskReassessmentRequest`;
- change requests (变更联系单), meetings with action items, the contractor's periodic quality
  reports, the progress plan's milestones and the quality improvement plans.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Party, ProjectRole
from apps.core.history import tracked_history
from apps.projects.enums import RiskLevel
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning
from apps.signatures.registry import SignableMixin

from .enums import (
    CHANGE_DECIDED,
    ActionOwnerParty,
    ActionState,
    AssessmentTrigger,
    ChangeCategory,
    ChangeState,
    ImprovementSource,
    ImprovementState,
    MeetingKind,
    MilestoneState,
    ReportState,
    RequestState,
    RiskCategory,
    RiskPointStatus,
)

TEXT_MAX = 2000
LONG_TEXT_MAX = 10000

# ================================================================ risk register (§5.2.2, §6.3.1)

LEVEL_RANK = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


class RiskPoint(models.Model):
    """One risk point of the project's register (风险台账). The client lead rates it (level);
    the contractor may propose points and edit their control measures (§5.2.2: the client leads,
    the contractor cooperates). A point proposed by the contractor has no level until rated."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="risk_points",
                                verbose_name=_("project"))
    category = models.CharField(_("category"), max_length=32, choices=RiskCategory.choices)
    description = models.TextField(_("risk description"), max_length=TEXT_MAX)
    level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices, blank=True)
    control_measures = models.TextField(_("control measures"), max_length=TEXT_MAX, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("responsible person"))
    status = models.CharField(_("status"), max_length=16, choices=RiskPointStatus.choices,
                              default=RiskPointStatus.ACTIVE)
    retired_reason = models.TextField(_("reason for retiring"), max_length=TEXT_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        constraints = [
            models.CheckConstraint(condition=Q(category__in=RiskCategory.values), name="riskpoint_category_valid"),
            models.CheckConstraint(condition=Q(level="") | Q(level__in=RiskLevel.values), name="riskpoint_level_valid"),
            models.CheckConstraint(condition=Q(status__in=RiskPointStatus.values), name="riskpoint_status_valid"),
            models.CheckConstraint(condition=~Q(description=""), name="riskpoint_has_description"),
            models.CheckConstraint(condition=Q(status=RiskPointStatus.ACTIVE, retired_reason="")
                                   | (Q(status=RiskPointStatus.RETIRED) & ~Q(retired_reason="")),
                                   name="riskpoint_retired_reason"),
        ]

    def __str__(self) -> str:
        return gettext("Risk point %(n)d") % {"n": self.pk or 0}

    def get_absolute_url(self) -> str:
        return reverse("control:risks", args=[self.project_id]) + f"#risk-{self.pk}"

    @property
    def is_rated(self) -> bool:
        return bool(self.level)


class RiskAssessment(models.Model):
    """A completed risk (re-)assessment by the client lead; it sets the project's risk level."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="risk_assessments",
                                verbose_name=_("project"))
    trigger = models.CharField(_("trigger"), max_length=16, choices=AssessmentTrigger.choices)
    assessed_on = models.DateField(_("assessment date"))
    conclusion = models.TextField(_("conclusion"), max_length=TEXT_MAX)
    # The highest level of the active points at the time, and the level the client lead set.
    computed_level = models.CharField(_("highest level of the active points"), max_length=16,
                                      choices=RiskLevel.choices)
    resulting_level = models.CharField(_("resulting project risk level"), max_length=16, choices=RiskLevel.choices)
    level_reason = models.TextField(_("reason for a different level"), max_length=TEXT_MAX, blank=True)
    previous_level = models.CharField(_("previous project risk level"), max_length=16, choices=RiskLevel.choices)
    points_snapshot = models.JSONField(_("risk points at the assessment"), default=list, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("assessed by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        constraints = [
            models.CheckConstraint(condition=Q(trigger__in=AssessmentTrigger.values), name="riskassessment_trigger"),
            models.CheckConstraint(condition=Q(computed_level__in=RiskLevel.values)
                                   & Q(resulting_level__in=RiskLevel.values) & Q(previous_level__in=RiskLevel.values),
                                   name="riskassessment_levels_valid"),
            models.CheckConstraint(condition=~Q(conclusion=""), name="riskassessment_has_conclusion"),
            # The client lead may state another level than the highest point's, with a reason.
            models.CheckConstraint(condition=Q(resulting_level=models.F("computed_level")) | ~Q(level_reason=""),
                                   name="riskassessment_override_reason"),
        ]

    def __str__(self) -> str:
        return gettext("Risk assessment of %(date)s") % {"date": f"{self.assessed_on:%Y-%m-%d}"}

    def get_absolute_url(self) -> str:
        return reverse("control:risks", args=[self.project_id]) + f"#assessment-{self.pk}"

    @property
    def is_override(self) -> bool:
        return self.resulting_level != self.computed_level


class RiskReassessmentRequest(models.Model):
    """The system asks the client lead for a (re-)assessment: at project start, after an
    approved major change, after an incident. Closed by the next completed assessment."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="risk_reassessment_requests",
                                verbose_name=_("project"))
    trigger = models.CharField(_("trigger"), max_length=16, choices=AssessmentTrigger.choices)
    note = models.TextField(_("note"), max_length=TEXT_MAX, blank=True)
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    source_url = models.CharField(_("source link"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=RequestState.choices, default=RequestState.OPEN)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="closed_requests", verbose_name=_("closed by the assessment"))

    history = tracked_history()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("risk re-assessment request")
        verbose_name_plural = _("risk re-assessment requests")
        constraints = [
            models.CheckConstraint(condition=Q(trigger__in=AssessmentTrigger.values), name="riskrequest_trigger"),
            models.CheckConstraint(condition=Q(state__in=RequestState.values), name="riskrequest_state_valid"),
            models.CheckConstraint(condition=(Q(state=RequestState.OPEN) & Q(closed_at__isnull=True)
                                              & Q(closed_by__isnull=True))
                                   | (Q(state=RequestState.CLOSED) & Q(closed_at__isnull=False)
                                      & Q(closed_by__isnull=False)),
                                   name="riskrequest_closed_consistent"),
            # Idempotent: one open request per project, trigger and source.
            models.UniqueConstraint(fields=["project", "trigger", "source_label"],
                                    condition=Q(state=RequestState.OPEN), name="riskrequest_one_open_per_source"),
        ]

    def __str__(self) -> str:
        return gettext("Risk re-assessment requested: %(trigger)s") % {"trigger": self.get_trigger_display()}

    def get_absolute_url(self) -> str:
        return reverse("control:risks", args=[self.project_id]) + f"#request-{self.pk}"


# ================================================================ change requests (§6.4.2, §8.2.3)

class ChangeRequest(SignableMixin, models.Model):
    """变更联系单: the contractor's written request to change the project's content or quality
    standard, with its reason and its impact on quality (§6.4.2). Nothing changes before the
    client lead approves it in writing: the approval is the lead's signature (批准), made in the
    same step. An approved change that touches the plan opens a new plan version for review."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="change_requests",
                                verbose_name=_("project"))
    number = models.PositiveIntegerField(_("change request number"))
    category = models.CharField(_("what changes"), max_length=32, choices=ChangeCategory.choices)
    title = models.CharField(_("change in brief"), max_length=200)
    description = models.TextField(_("proposed change"), max_length=TEXT_MAX)
    reason = models.TextField(_("reason for the change"), max_length=TEXT_MAX)
    quality_impact = models.TextField(_("impact on quality"), max_length=TEXT_MAX)
    touches_plan = models.BooleanField(_("changes the implementation plan"), default=False)
    is_major = models.BooleanField(_("major change (重大变更)"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=ChangeState.choices, default=ChangeState.SUBMITTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("client's opinion"), max_length=TEXT_MAX, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawing"), max_length=TEXT_MAX, blank=True)
    # The plan version the approval opened (apps.plans), or why none was opened.
    plan_version = models.ForeignKey("plans.PlanVersion", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("plan version opened"))
    plan_note = models.TextField(_("note on the plan"), max_length=TEXT_MAX, blank=True)
    implemented_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("implementation confirmed by"))
    implemented_at = models.DateTimeField(_("implementation confirmed at"), null=True, blank=True)
    implementation_note = models.TextField(_("how it was implemented"), max_length=TEXT_MAX, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    signature_roles = {
        Party.CLIENT: {ProjectRole.CLIENT_LEAD},
        Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM},
    }
    signature_meanings = {
        Party.CLIENT: {SignatureMeaning.APPROVE},
        Party.CONTRACTOR: {SignatureMeaning.CONFIRM},
    }

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="change_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="change_number_positive"),
            models.CheckConstraint(condition=Q(category__in=ChangeCategory.values), name="change_category_valid"),
            models.CheckConstraint(condition=Q(state__in=ChangeState.values), name="change_state_valid"),
            models.CheckConstraint(condition=~Q(title="") & ~Q(description="") & ~Q(reason="")
                                   & ~Q(quality_impact=""), name="change_has_reason_and_impact"),
            # Decided ⇔ a decider and a time.
            models.CheckConstraint(
                condition=(Q(state__in=CHANGE_DECIDED) & Q(decided_by__isnull=False) & Q(decided_at__isnull=False))
                | (~Q(state__in=CHANGE_DECIDED) & Q(decided_by__isnull=True) & Q(decided_at__isnull=True)),
                name="change_decided_consistent"),
            models.CheckConstraint(condition=~Q(state=ChangeState.REJECTED) | ~Q(decision_note=""),
                                   name="change_rejection_reason"),
            models.CheckConstraint(condition=~Q(state=ChangeState.WITHDRAWN) | ~Q(withdrawn_reason=""),
                                   name="change_withdrawn_reason"),
            models.CheckConstraint(
                condition=(Q(state=ChangeState.IMPLEMENTED) & Q(implemented_at__isnull=False)
                           & Q(implemented_by__isnull=False) & ~Q(implementation_note=""))
                | (~Q(state=ChangeState.IMPLEMENTED) & Q(implemented_at__isnull=True)
                   & Q(implemented_by__isnull=True)),
                name="change_implemented_consistent"),
            # A plan version is only opened by an approval.
            models.CheckConstraint(condition=Q(plan_version__isnull=True)
                                   | Q(state__in=[ChangeState.APPROVED, ChangeState.IMPLEMENTED]),
                                   name="change_plan_version_after_approval"),
        ]

    def __str__(self) -> str:
        return gettext("Change request No. %(n)d") % {"n": self.number}

    def get_absolute_url(self) -> str:
        return reverse("control:change_detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.state in (ChangeState.APPROVED, ChangeState.IMPLEMENTED)

    # ---- signatures: the client lead's approval (批准) is the written consent of §6.4.2.

    def signed_content(self) -> dict:
        # What was asked for and approved; the later confirmation of implementation does not
        # change it (so the approval signature stays valid).
        return {
            "project": self.project_id, "number": self.number, "category": self.category, "title": self.title,
            "description": self.description, "reason": self.reason, "quality_impact": self.quality_impact,
            "touches_plan": self.touches_plan, "is_major": self.is_major,
            "requested_by": self.requested_by_id, "decision_note": self.decision_note,
        }

    def signature_refusal(self) -> str | None:
        if not self.is_approved:
            return gettext("A change request is signed when the client lead approves it.")
        return None

    # ---- attachments (apps.attachments)

    def get_attachment_project(self):
        return self.project

    def can_add_attachment(self, user) -> bool:
        from apps.projects.rules import has_project_role

        return self.state == ChangeState.SUBMITTED and (
            has_project_role(user, self.project, ProjectRole.CONTRACTOR_PM)
            or has_project_role(user, self.project, ProjectRole.CLIENT_LEAD))


# ================================================================ meetings (§8.2.3)

class Meeting(SignableMixin, models.Model):
    """项目例会: the client organises regular project meetings; the minutes with their action
    items are the shared record of the project's control information (§8.2.3)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("project"))
    number = models.PositiveIntegerField(_("meeting number"))
    kind = models.CharField(_("kind of meeting"), max_length=16, choices=MeetingKind.choices,
                            default=MeetingKind.REGULAR)
    held_on = models.DateField(_("date of the meeting"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.CharField(_("chaired by"), max_length=100)
    attendees = models.TextField(_("attendees"), max_length=TEXT_MAX)
    agenda = models.TextField(_("topics"), max_length=TEXT_MAX)
    minutes = models.TextField(_("minutes (会议纪要)"), max_length=LONG_TEXT_MAX)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    signature_roles = {
        Party.CLIENT: {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR},
        Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM},
    }
    signature_meanings = {Party.CLIENT: {SignatureMeaning.CONFIRM}, Party.CONTRACTOR: {SignatureMeaning.CONFIRM}}

    class Meta:
        ordering = ["project", "-held_on", "-number"]
        verbose_name = _("project meeting")
        verbose_name_plural = _("project meetings")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="meeting_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="meeting_number_positive"),
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
            models.CheckConstraint(condition=~Q(chair="") & ~Q(attendees="") & ~Q(agenda="") & ~Q(minutes=""),
                                   name="meeting_has_minutes"),
        ]

    def __str__(self) -> str:
        return gettext("Project meeting No. %(n)d (%(date)s)") % {"n": self.number, "date": f"{self.held_on:%Y-%m-%d}"}

    def get_absolute_url(self) -> str:
        return reverse("control:meeting_detail", args=[self.pk])

    def signed_content(self) -> dict:
        return {"project": self.project_id, "number": self.number, "kind": self.kind, "held_on": self.held_on,
                "location": self.location, "chair": self.chair, "attendees": self.attendees, "agenda": self.agenda,
                "minutes": self.minutes}

    def get_attachment_project(self):
        return self.project

    def can_add_attachment(self, user) -> bool:
        from apps.projects.rules import has_project_role

        return has_project_role(user, self.project, ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR)


class ActionItem(models.Model):
    """A task decided at a meeting: what, which party, who, by when (a deadline of apps.deadlines)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="meeting_action_items",
                                verbose_name=_("project"))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items",
                                verbose_name=_("meeting"))
    description = models.TextField(_("action item"), max_length=TEXT_MAX)
    owner_party = models.CharField(_("responsible party"), max_length=16, choices=ActionOwnerParty.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("responsible person"))
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=16, choices=ActionState.choices, default=ActionState.OPEN)
    result_note = models.TextField(_("result"), max_length=TEXT_MAX, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.CheckConstraint(condition=Q(owner_party__in=ActionOwnerParty.values), name="action_party_valid"),
            models.CheckConstraint(condition=Q(state__in=ActionState.values), name="action_state_valid"),
            models.CheckConstraint(condition=~Q(description=""), name="action_has_description"),
            models.CheckConstraint(
                condition=(Q(state=ActionState.OPEN) & Q(closed_at__isnull=True) & Q(closed_by__isnull=True))
                | (~Q(state=ActionState.OPEN) & Q(closed_at__isnull=False) & Q(closed_by__isnull=False)
                   & ~Q(result_note="")),
                name="action_closed_consistent"),
        ]

    def __str__(self) -> str:
        return gettext("Action item: %(text)s") % {"text": self.description[:40]}

    def get_absolute_url(self) -> str:
        return reverse("control:meeting_detail", args=[self.meeting_id]) + f"#action-{self.pk}"

    def get_attachment_project(self):
        return self.project


# ================================================================ quality reports (§8.2.3)

class QualityReport(SignableMixin, models.Model):
    """The contractor's periodic quality and data report (质量及数据报告). Its figures are
    computed from the records (batches, sampling inspections, defects by grade, rectification
    tickets) when it is prepared and frozen when it is submitted; the contractor adds its
    analysis; the client acknowledges it in writing (§8.2.3)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="quality_reports",
                                verbose_name=_("project"))
    number = models.PositiveIntegerField(_("report number"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    figures = models.JSONField(_("figures from the records"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("figures computed at"))
    summary = models.TextField(_("summary of quality"), max_length=LONG_TEXT_MAX)
    problems = models.TextField(_("main problems and causes"), max_length=TEXT_MAX, blank=True)
    next_steps = models.TextField(_("measures for the next period"), max_length=TEXT_MAX, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("prepared by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(_("why it was returned"), max_length=TEXT_MAX, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    client_comment = models.TextField(_("client's comments"), max_length=TEXT_MAX, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    signature_roles = {
        Party.CLIENT: {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR},
        Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM},
    }
    signature_meanings = {Party.CLIENT: {SignatureMeaning.REVIEW}, Party.CONTRACTOR: {SignatureMeaning.CONFIRM}}

    class Meta:
        ordering = ["project", "-period_end", "-number"]
        verbose_name = _("quality report")
        verbose_name_plural = _("quality reports")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="qreport_number_unique"),
            models.UniqueConstraint(fields=["project", "period_start", "period_end"], name="qreport_period_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="qreport_number_positive"),
            models.CheckConstraint(condition=Q(state__in=ReportState.values), name="qreport_state_valid"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="qreport_period_ordered"),
            models.CheckConstraint(condition=~Q(summary=""), name="qreport_has_summary"),
            models.CheckConstraint(
                condition=Q(state=ReportState.DRAFT) | (Q(submitted_by__isnull=False) & Q(submitted_at__isnull=False)),
                name="qreport_submitted_consistent"),
            models.CheckConstraint(
                condition=(Q(state=ReportState.ACKNOWLEDGED) & Q(acknowledged_by__isnull=False)
                           & Q(acknowledged_at__isnull=False))
                | (~Q(state=ReportState.ACKNOWLEDGED) & Q(acknowledged_by__isnull=True)
                   & Q(acknowledged_at__isnull=True)),
                name="qreport_acknowledged_consistent"),
            models.CheckConstraint(condition=~Q(state=ReportState.RETURNED) | ~Q(return_reason=""),
                                   name="qreport_return_reason"),
        ]

    def __str__(self) -> str:
        return gettext("Quality report No. %(n)d (%(start)s – %(end)s)") % {
            "n": self.number, "start": f"{self.period_start:%Y-%m-%d}", "end": f"{self.period_end:%Y-%m-%d}"}

    def get_absolute_url(self) -> str:
        return reverse("control:report_detail", args=[self.pk])

    def signed_content(self) -> dict:
        return {"project": self.project_id, "number": self.number, "period_start": self.period_start,
                "period_end": self.period_end, "figures": self.figures, "summary": self.summary,
                "problems": self.problems, "next_steps": self.next_steps, "client_comment": self.client_comment}

    def signature_refusal(self) -> str | None:
        if self.state != ReportState.ACKNOWLEDGED:
            return gettext("The report is signed once the client has acknowledged it.")
        return None

    def get_attachment_project(self):
        return self.project

    def can_add_attachment(self, user) -> bool:
        from apps.projects.rules import has_project_role

        from .enums import REPORT_EDITABLE

        return self.state in REPORT_EDITABLE and has_project_role(user, self.project, ProjectRole.CONTRACTOR_PM)

    def can_download_attachment(self, user) -> bool:
        """A draft is the contractor's own until submitted: its files too."""
        return self.state != ReportState.DRAFT or getattr(user, "organization_id", None) == self.project.contractor_id


# ================================================================ progress plan (§8.2.4)

class ProgressMilestone(models.Model):
    """One stage of the contractor's progress plan (进度计划): planned against actual. When the
    schedule and quality conflict, quality comes first (§8.2.4): the stage is held for quality
    with the reason and its new planned end, and the original plan is kept."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="progress_milestones",
                                verbose_name=_("project"))
    sequence = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("stage"), max_length=200)
    planned_quantity = models.PositiveIntegerField(_("planned quantity"), null=True, blank=True)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    original_planned_end = models.DateField(_("originally planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    actual_quantity = models.PositiveIntegerField(_("actual quantity"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=MilestoneState.choices,
                             default=MilestoneState.PLANNED)
    quality_hold_reason = models.TextField(_("quality first: reason"), max_length=TEXT_MAX, blank=True)
    held_count = models.PositiveSmallIntegerField(_("times held for quality"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "sequence", "pk"]
        verbose_name = _("progress plan stage")
        verbose_name_plural = _("progress plan stages")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=MilestoneState.values), name="milestone_state_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="milestone_has_name"),
            models.CheckConstraint(condition=Q(planned_end__gte=models.F("planned_start"))
                                   & Q(original_planned_end__gte=models.F("planned_start")),
                                   name="milestone_planned_ordered"),
            models.CheckConstraint(condition=Q(actual_end__isnull=True) | (Q(actual_start__isnull=False)
                                                                          & Q(actual_end__gte=models.F("actual_start"))),
                                   name="milestone_actual_ordered"),
            models.CheckConstraint(condition=(Q(state=MilestoneState.DONE) & Q(actual_end__isnull=False))
                                   | (~Q(state=MilestoneState.DONE) & Q(actual_end__isnull=True)),
                                   name="milestone_done_consistent"),
            models.CheckConstraint(condition=~Q(state__in=[MilestoneState.IN_PROGRESS, MilestoneState.DONE])
                                   | Q(actual_start__isnull=False), name="milestone_started_consistent"),
            models.CheckConstraint(condition=~Q(state=MilestoneState.PLANNED) | Q(actual_start__isnull=True),
                                   name="milestone_planned_not_started"),
            models.CheckConstraint(condition=~Q(state=MilestoneState.HELD_FOR_QUALITY) | ~Q(quality_hold_reason=""),
                                   name="milestone_hold_reason"),
        ]

    def __str__(self) -> str:
        return gettext("Stage %(n)d: %(name)s") % {"n": self.sequence, "name": self.name}

    def get_absolute_url(self) -> str:
        return reverse("control:progress", args=[self.project_id]) + f"#stage-{self.pk}"

    @property
    def delay_days(self) -> int:
        """Days later than originally planned: at the actual end, or today for an unfinished stage."""
        from django.utils import timezone

        end = self.actual_end or timezone.localdate()
        return max((end - self.original_planned_end).days, 0)

    @property
    def is_rescheduled(self) -> bool:
        return self.planned_end != self.original_planned_end


# ================================================================ improvement plans (§6.2.3, §10.2)

class ImprovementPlan(SignableMixin, models.Model):
    """质量改进计划 (§6.2.3, §10.2): from an analysis of problems the contractor states the
    target, the responsible person, the path, the deadline and how the effect will be verified;
    files it with the client; implements it; the client verifies its effect (验证记录)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="improvement_plans",
                                verbose_name=_("project"))
    number = models.PositiveIntegerField(_("plan number"))
    source = models.CharField(_("based on"), max_length=20, choices=ImprovementSource.choices)
    problem_analysis = models.TextField(_("problems and their causes"), max_length=TEXT_MAX)
    target = models.TextField(_("improvement target"), max_length=TEXT_MAX)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("responsible person"))
    path = models.TextField(_("implementation path"), max_length=TEXT_MAX)
    deadline = models.DateField(_("completion deadline"))
    verification_method = models.TextField(_("verification method"), max_length=TEXT_MAX)
    state = models.CharField(_("state"), max_length=16, choices=ImprovementState.choices,
                             default=ImprovementState.DRAFT)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("prepared by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted for filing at"), null=True, blank=True)
    return_reason = models.TextField(_("why it was returned"), max_length=TEXT_MAX, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filing_comment = models.TextField(_("client's comments on filing"), max_length=TEXT_MAX, blank=True)
    completion_report = models.TextField(_("what was done"), max_length=TEXT_MAX, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    verification_record = models.TextField(_("verification record (验证记录)"), max_length=TEXT_MAX, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    failed_verifications = models.PositiveSmallIntegerField(_("verifications without effect"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    signature_roles = {
        Party.CLIENT: {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR},
        Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM},
    }
    signature_meanings = {Party.CLIENT: {SignatureMeaning.REVIEW}, Party.CONTRACTOR: {SignatureMeaning.CONFIRM}}

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("quality improvement plan")
        verbose_name_plural = _("quality improvement plans")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="improvement_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="improvement_number_positive"),
            models.CheckConstraint(condition=Q(source__in=ImprovementSource.values), name="improvement_source_valid"),
            models.CheckConstraint(condition=Q(state__in=ImprovementState.values), name="improvement_state_valid"),
            # §10.2: target, owner, path, deadline and verification method, all stated.
            models.CheckConstraint(condition=~Q(problem_analysis="") & ~Q(target="") & ~Q(path="")
                                   & ~Q(verification_method=""), name="improvement_complete"),
            models.CheckConstraint(condition=~Q(state=ImprovementState.RETURNED) | ~Q(return_reason=""),
                                   name="improvement_return_reason"),
            models.CheckConstraint(
                condition=Q(state__in=[ImprovementState.DRAFT, ImprovementState.FILED, ImprovementState.RETURNED])
                | (Q(filed_by__isnull=False) & Q(filed_at__isnull=False)),
                name="improvement_filed_consistent"),
            models.CheckConstraint(
                condition=~Q(state__in=[ImprovementState.COMPLETED, ImprovementState.VERIFIED])
                | (Q(completed_at__isnull=False) & ~Q(completion_report="")),
                name="improvement_completed_consistent"),
            models.CheckConstraint(
                condition=(Q(state=ImprovementState.VERIFIED) & Q(verified_by__isnull=False)
                           & Q(verified_at__isnull=False) & ~Q(verification_record=""))
                | ~Q(state=ImprovementState.VERIFIED),
                name="improvement_verified_consistent"),
        ]

    def __str__(self) -> str:
        return gettext("Quality improvement plan No. %(n)d") % {"n": self.number}

    def get_absolute_url(self) -> str:
        return reverse("control:improvement_detail", args=[self.pk])

    def signed_content(self) -> dict:
        return {"project": self.project_id, "number": self.number, "source": self.source,
                "problem_analysis": self.problem_analysis, "target": self.target, "owner": self.owner_id,
                "path": self.path, "deadline": self.deadline, "verification_method": self.verification_method,
                "completion_report": self.completion_report, "verification_record": self.verification_record}

    def signature_refusal(self) -> str | None:
        if self.state != ImprovementState.VERIFIED:
            return gettext("The plan is signed once the client has verified its effect.")
        return None

    def get_attachment_project(self):
        return self.project

    def can_add_attachment(self, user) -> bool:
        from apps.projects.rules import has_project_role

        if self.state == ImprovementState.VERIFIED:
            return False
        return (has_project_role(user, self.project, ProjectRole.CONTRACTOR_PM)
                or has_project_role(user, self.project, ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR))

    def can_download_attachment(self, user) -> bool:
        """A draft is the contractor's own until submitted for filing: its files too."""
        return (self.state != ImprovementState.DRAFT
                or getattr(user, "organization_id", None) == self.project.contractor_id)
