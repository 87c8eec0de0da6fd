"""Problem handling (问题处置, §4.4, §5.2.3, §6.3.3, §6.4.1, Annex D).

* :class:`RectificationTicket` — 整改闭环单 (表D.1): one problem found, the client's notice
  (requirement and deadline), the contractor's measures and result, the client's review,
  both parties' signatures and the closure (销号归档).
* :class:`TicketReview` — each review of the contractor's rectification (passed or failed),
  so that failed reviews are counted and kept.
* :class:`Complaint` — a complaint received about the service; registering it raises a ticket.
* :class:`Incident` — a security or quality incident the contractor reports at once (§6.3.3).
* :class:`Suspension` — one suspension of the project with its causes (§5.2.3).
* :class:`RegulatorReport` — a major case the client reports to the regulator (报备).
* :class:`ProblemSettings` — the contract's terms for the loop (review limit, default deadline).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Party, ProjectRole
from apps.core.history import tracked_history
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning
from apps.signatures.registry import SignableMixin

from .enums import (SOURCE_PRINTED, Ground, IncidentCategory, IncidentState, ReportKind, Severity, TicketSource,
                    TicketState)

TEXT_MAX = 2000
TITLE_MAX = 200


class ProblemSettings(models.Model):
    """The contract's terms for the rectification loop of one project."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="problem_settings",
                                   verbose_name=_("project"))
    # §5.2.3: a review failed beyond the contract's limit lets the client suspend the project.
    review_limit = models.PositiveSmallIntegerField(
        _("failed reviews allowed per ticket"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("The contract's limit: one more failed review than this is a ground for suspension."))
    default_days = models.PositiveSmallIntegerField(
        _("default rectification period (working days)"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("The deadline of tickets raised automatically (not-accepted batch, failed first article)."))
    # §6.5.3: in the warranty the contractor responds in time and fixes within a set period.
    warranty_response_days = models.PositiveSmallIntegerField(
        _("response to a warranty problem (working days)"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("The contractor responds to a problem reported in the warranty within this period."))
    warranty_fix_days = models.PositiveSmallIntegerField(
        _("fix of a warranty problem (working days)"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("The contractor fixes a problem reported in the warranty within this period."))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        verbose_name = _("problem handling settings")
        verbose_name_plural = _("problem handling settings")
        constraints = [
            models.CheckConstraint(condition=Q(review_limit__gte=1) & Q(review_limit__lte=10),
                                   name="problemsettings_review_limit_range"),
            models.CheckConstraint(condition=Q(default_days__gte=1) & Q(default_days__lte=60),
                                   name="problemsettings_default_days_range"),
            models.CheckConstraint(condition=Q(warranty_response_days__gte=1) & Q(warranty_response_days__lte=30),
                                   name="problemsettings_warranty_response_range"),
            models.CheckConstraint(condition=Q(warranty_fix_days__gte=1) & Q(warranty_fix_days__lte=120),
                                   name="problemsettings_warranty_fix_range"),
        ]

    def __str__(self) -> str:
        return gettext("Problem handling settings of %(project)s") % {"project": self.project}


class RectificationTicket(SignableMixin, models.Model):
    """整改闭环单 (Annex D, 表D.1)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="rectification_tickets",
                                verbose_name=_("project"))
    number = models.PositiveIntegerField(_("ticket number"))

    # 问题发现
    source = models.CharField(_("source of the problem"), max_length=16, choices=TicketSource.choices)
    found_on = models.DateField(_("date found"))
    title = models.CharField(_("problem in brief"), max_length=TITLE_MAX)
    description = models.TextField(_("description of the problem"), max_length=3 * TEXT_MAX)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, default=Severity.GENERAL)
    # The record the problem was found in (a patrol, a sampling inspection, a first article round…).
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("source record type"))
    source_id = models.PositiveBigIntegerField(_("source record id"), null=True, blank=True)
    source_label = models.CharField(_("found in"), max_length=TITLE_MAX, blank=True)
    batch = models.ForeignKey("batches.Batch", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="rectification_tickets", verbose_name=_("batch"))
    defects = models.ManyToManyField("lot_inspection.ItemDefect", blank=True, related_name="rectification_tickets",
                                     verbose_name=_("defects"))
    items = models.ManyToManyField("batches.BatchItem", blank=True, related_name="rectification_tickets",
                                   verbose_name=_("items"))
    auto_raised = models.BooleanField(_("raised automatically"), default=False)

    # 整改通知
    requirement = models.TextField(_("rectification requirement"), max_length=TEXT_MAX)
    due_date = models.DateField(_("rectification deadline"))
    responsible_unit = models.CharField(_("responsible unit"), max_length=TITLE_MAX)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("raised by"))
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    # 质保响应 (§6.5.3, warranty problems only): the contractor responds by ``response_due``
    # with its planned measures, before it reports the rectification.
    response_due = models.DateField(_("response deadline"), null=True, blank=True)
    response_plan = models.TextField(_("planned measures"), max_length=TEXT_MAX, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("responded by"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    # 整改实施 (the contractor)
    measures = models.TextField(_("rectification measures"), max_length=TEXT_MAX, blank=True)
    result = models.TextField(_("rectification result"), max_length=TEXT_MAX, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), max_length=TEXT_MAX, blank=True)
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)

    # 复核验收 (the client)
    review_opinion = models.TextField(_("review opinion"), max_length=TEXT_MAX, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("rectification reviewed by"))
    reviewed_at = models.DateTimeField(_("rectification reviewed at"), null=True, blank=True)
    failed_reviews = models.PositiveSmallIntegerField(_("failed reviews"), default=0)

    # 销号归档
    state = models.CharField(_("state"), max_length=16, choices=TicketState.choices, default=TicketState.OPEN)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for withdrawing"), max_length=TEXT_MAX, blank=True)
    note = models.CharField(_("remarks"), max_length=500, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history(m2m_fields=[defects, items])

    signature_roles = {
        Party.CLIENT: {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR},
        Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR},
    }
    signature_meanings = {
        Party.CLIENT: {SignatureMeaning.REVIEW, SignatureMeaning.APPROVE},
        Party.CONTRACTOR: {SignatureMeaning.CONFIRM},
    }

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("rectification ticket")
        verbose_name_plural = _("rectification tickets")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="ticket_number_unique"),
            # An automatically raised ticket exists once per source record.
            models.UniqueConstraint(fields=["project", "source_type", "source_id"],
                                    condition=Q(auto_raised=True), name="ticket_auto_once_per_source"),
            models.CheckConstraint(condition=Q(number__gte=1), name="ticket_number_positive"),
            models.CheckConstraint(condition=Q(source__in=TicketSource.values), name="ticket_source_valid"),
            models.CheckConstraint(condition=Q(state__in=TicketState.values), name="ticket_state_valid"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="ticket_severity_valid"),
            models.CheckConstraint(condition=Q(due_date__gte=F("found_on")), name="ticket_due_after_found"),
            models.CheckConstraint(condition=~Q(title="") & ~Q(description="") & ~Q(requirement="")
                                   & ~Q(responsible_unit=""), name="ticket_notice_complete"),
            models.CheckConstraint(condition=Q(source_type__isnull=True, source_id__isnull=True)
                                   | Q(source_type__isnull=False, source_id__isnull=False),
                                   name="ticket_source_record_complete"),
            models.CheckConstraint(condition=Q(auto_raised=False) | Q(source_id__isnull=False),
                                   name="ticket_auto_has_source"),
            # Answered (submitted, reviewed, closed) ⇒ measures and result given.
            models.CheckConstraint(
                condition=~Q(state__in=[TicketState.SUBMITTED, TicketState.REVIEWED, TicketState.CLOSED])
                | (~Q(measures="") & ~Q(result="") & Q(submitted_at__isnull=False)),
                name="ticket_answer_complete"),
            models.CheckConstraint(condition=~Q(state=TicketState.REFUSED)
                                   | (~Q(refusal_reason="") & Q(refused_at__isnull=False)),
                                   name="ticket_refusal_has_reason"),
            models.CheckConstraint(condition=~Q(state__in=[TicketState.REVIEWED, TicketState.CLOSED])
                                   | (~Q(review_opinion="") & Q(reviewed_at__isnull=False)),
                                   name="ticket_review_complete"),
            models.CheckConstraint(condition=(Q(state=TicketState.CLOSED) & Q(closed_at__isnull=False))
                                   | (~Q(state=TicketState.CLOSED) & Q(closed_at__isnull=True)),
                                   name="ticket_closed_consistent"),
            models.CheckConstraint(condition=~Q(state=TicketState.CANCELLED) | ~Q(cancel_reason=""),
                                   name="ticket_withdrawn_has_reason"),
            # A warranty problem ⇔ a response deadline, not before the problem was found.
            models.CheckConstraint(condition=(Q(source=TicketSource.WARRANTY) & Q(response_due__gte=F("found_on")))
                                   | (~Q(source=TicketSource.WARRANTY) & Q(response_due__isnull=True)),
                                   name="ticket_warranty_response_due"),
            # Responded ⇔ who, when and the planned measures, on a warranty problem only.
            models.CheckConstraint(
                condition=(Q(responded_at__isnull=True) & Q(responded_by__isnull=True) & Q(response_plan=""))
                | (Q(source=TicketSource.WARRANTY) & Q(responded_at__isnull=False) & Q(responded_by__isnull=False)
                   & ~Q(response_plan="")),
                name="ticket_response_complete"),
        ]
        indexes = [
            models.Index(fields=["project", "state"]),
            models.Index(fields=["state", "due_date"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return gettext("Rectification ticket No. %(n)d") % {"n": self.number}

    def get_absolute_url(self) -> str:
        return reverse("rectification:detail", args=[self.pk])

    @property
    def doc_no(self) -> str:
        return f"{self.project.contract_no}-ZG-{self.number:03d}"

    @property
    def source_printed(self) -> str:
        return SOURCE_PRINTED.get(self.source, self.source)

    @property
    def is_active(self) -> bool:
        from .enums import ACTIVE_STATES

        return self.state in ACTIVE_STATES

    @property
    def is_closed(self) -> bool:
        return self.state == TicketState.CLOSED

    @property
    def is_warranty(self) -> bool:
        return self.source == TicketSource.WARRANTY

    @property
    def awaits_response(self) -> bool:
        """A warranty problem the contractor has not responded to yet (§6.5.3)."""
        from .enums import CONTRACTOR_TURN

        return self.is_warranty and self.responded_at is None and self.state in CONTRACTOR_TURN

    def source_record(self):
        if self.source_type_id is None:
            return None
        model = self.source_type.model_class()
        return model._default_manager.filter(pk=self.source_id).first() if model else None

    # ---- signatures (apps.signatures): both parties sign the reviewed ticket (表D.1 签字确认).

    def signed_content(self) -> dict:
        return {
            "project": self.project_id, "number": self.number, "source": self.source, "found_on": self.found_on,
            "title": self.title, "description": self.description, "severity": self.severity,
            "requirement": self.requirement, "due_date": self.due_date, "responsible_unit": self.responsible_unit,
            "measures": self.measures, "result": self.result, "review_opinion": self.review_opinion,
            "failed_reviews": self.failed_reviews,
            # Warranty problems only: the content of other tickets (and their signatures) stays as it was.
            **({"response_due": self.response_due, "response_plan": self.response_plan} if self.is_warranty else {}),
        }

    def signature_refusal(self) -> str | None:
        if self.state != TicketState.REVIEWED:
            return gettext("The ticket is signed once the client's review has passed it.")
        return None

    # ---- attachments (apps.attachments): who may add evidence is the rule
    # ``rectification.can_attach_to_ticket`` (rules.py).

    def get_attachment_project(self):
        return self.project


class TicketReview(models.Model):
    """One review of the contractor's rectification (复核): what was reviewed and the verdict."""

    ticket = models.ForeignKey(RectificationTicket, on_delete=models.PROTECT, related_name="reviews",
                               verbose_name=_("rectification ticket"))
    round_no = models.PositiveSmallIntegerField(_("rectification review round"))
    passed = models.BooleanField(_("passed"))
    opinion = models.TextField(_("review opinion"), max_length=TEXT_MAX)
    measures = models.TextField(_("rectification measures"), max_length=TEXT_MAX)
    result = models.TextField(_("rectification result"), max_length=TEXT_MAX)
    new_due_date = models.DateField(_("new rectification deadline"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("rectification reviewed by"))
    reviewed_at = models.DateTimeField(_("rectification reviewed at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["ticket", "round_no"]
        verbose_name = _("ticket review")
        verbose_name_plural = _("ticket reviews")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "round_no"], name="ticketreview_round_unique"),
            models.CheckConstraint(condition=~Q(opinion=""), name="ticketreview_has_opinion"),
            models.CheckConstraint(condition=Q(passed=True, new_due_date__isnull=True)
                                   | Q(passed=False, new_due_date__isnull=False),
                                   name="ticketreview_failed_has_deadline"),
        ]

    def __str__(self) -> str:
        return gettext("Review %(n)d of %(ticket)s") % {"n": self.round_no, "ticket": self.ticket}


class Complaint(models.Model):
    """A complaint about the service (投诉); registering it raises a ticket (source 投诉)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="complaints",
                                verbose_name=_("project"))
    complainant = models.CharField(_("complainant"), max_length=TITLE_MAX)
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel of the complaint"), max_length=100, blank=True,
                               help_text=_("e.g. letter, telephone, visit, online"))
    content = models.TextField(_("content of the complaint"), max_length=3 * TEXT_MAX)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("registered by"))
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [models.CheckConstraint(condition=~Q(complainant="") & ~Q(content=""),
                                              name="complaint_has_text")]

    def __str__(self) -> str:
        return gettext("Complaint of %(who)s, %(day)s") % {"who": self.complainant, "day": self.received_on}

    def get_absolute_url(self) -> str:
        ticket = RectificationTicket.objects.filter(
            source_type=ContentType.objects.get_for_model(Complaint), source_id=self.pk).first()
        return ticket.get_absolute_url() if ticket else reverse("rectification:project", args=[self.project_id])


class Incident(models.Model):
    """事故 (§6.3.3): reported by the contractor at once; the client is told immediately, may stop
    work, and major incidents go to the regulator."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="incidents",
                                verbose_name=_("project"))
    category = models.CharField(_("kind of incident"), max_length=16, choices=IncidentCategory.choices)
    title = models.CharField(_("incident in brief"), max_length=TITLE_MAX)
    occurred_at = models.DateTimeField(_("occurred at"))
    description = models.TextField(_("what happened"), max_length=3 * TEXT_MAX)
    scale = models.TextField(_("scale and impact"), max_length=TEXT_MAX)
    remedial_action = models.TextField(_("remedial action taken"), max_length=TEXT_MAX)
    is_major = models.BooleanField(_("major incident"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=IncidentState.choices,
                             default=IncidentState.REPORTED)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    client_instructions = models.TextField(_("client's instructions"), max_length=TEXT_MAX, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closing_note = models.TextField(_("how it was handled"), max_length=TEXT_MAX, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.CheckConstraint(condition=Q(category__in=IncidentCategory.values), name="incident_category_valid"),
            models.CheckConstraint(condition=Q(state__in=IncidentState.values), name="incident_state_valid"),
            models.CheckConstraint(condition=~Q(title="") & ~Q(description="") & ~Q(scale="")
                                   & ~Q(remedial_action=""), name="incident_report_complete"),
            models.CheckConstraint(condition=Q(state=IncidentState.REPORTED) | Q(acknowledged_at__isnull=False),
                                   name="incident_acknowledged_consistent"),
            models.CheckConstraint(condition=(Q(state=IncidentState.CLOSED) & Q(closed_at__isnull=False)
                                              & ~Q(closing_note=""))
                                   | (~Q(state=IncidentState.CLOSED) & Q(closed_at__isnull=True)),
                                   name="incident_closed_consistent"),
        ]

    def __str__(self) -> str:
        return gettext("Incident: %(title)s") % {"title": self.title}

    def get_absolute_url(self) -> str:
        return reverse("rectification:incident", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state != IncidentState.CLOSED

    def get_attachment_project(self):
        return self.project


class Suspension(models.Model):
    """One suspension of the project (§5.2.3), with the causes that must be closed to resume."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="suspensions",
                                verbose_name=_("project"))
    reason = models.TextField(_("reason"), max_length=TEXT_MAX)
    grounds = ArrayField(models.CharField(max_length=16, choices=Ground.choices), verbose_name=_("grounds for suspension"))
    tickets = models.ManyToManyField(RectificationTicket, blank=True, related_name="suspensions",
                                     verbose_name=_("tickets behind it"))
    incidents = models.ManyToManyField(Incident, blank=True, related_name="suspensions",
                                       verbose_name=_("incidents behind it"))
    suspended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("suspended by"))
    suspended_at = models.DateTimeField(_("suspended at"), auto_now_add=True)
    resumed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("resumed by"))
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    resume_reason = models.TextField(_("reason for resuming"), max_length=TEXT_MAX, blank=True)

    history = tracked_history(m2m_fields=[tickets, incidents])

    class Meta:
        ordering = ["-suspended_at", "-pk"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        constraints = [
            models.UniqueConstraint(fields=["project"], condition=Q(resumed_at__isnull=True),
                                    name="suspension_one_open_per_project"),
            models.CheckConstraint(condition=Q(grounds__len__gte=1), name="suspension_has_ground"),
            models.CheckConstraint(condition=~Q(reason=""), name="suspension_has_reason"),
            models.CheckConstraint(condition=(Q(resumed_at__isnull=True) & Q(resume_reason=""))
                                   | (Q(resumed_at__isnull=False) & ~Q(resume_reason="")),
                                   name="suspension_resumed_consistent"),
        ]

    def __str__(self) -> str:
        return gettext("Suspension of %(day)s") % {"day": self.suspended_at.date() if self.suspended_at else ""}

    def get_absolute_url(self) -> str:
        return reverse("rectification:project", args=[self.project_id]) + "#suspension"

    def get_grounds_display(self) -> str:
        labels = dict(Ground.choices)
        return "、".join(str(labels.get(g, g)) for g in self.grounds)


class RegulatorReport(models.Model):
    """报备: a major case the client reports to the regulator (§5.2.3, §6.3.3)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="regulator_reports",
                                verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    summary = models.TextField(_("summary"), max_length=3 * TEXT_MAX)
    ticket = models.ForeignKey(RectificationTicket, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="regulator_reports", verbose_name=_("rectification ticket"))
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="regulator_reports", verbose_name=_("incident"))
    suspension = models.ForeignKey(Suspension, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="regulator_reports", verbose_name=_("suspension"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("report to the regulator")
        verbose_name_plural = _("reports to the regulator")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReportKind.values), name="regreport_kind_valid"),
            models.CheckConstraint(condition=~Q(summary=""), name="regreport_has_summary"),
            models.UniqueConstraint(fields=["incident"], condition=Q(incident__isnull=False),
                                    name="regreport_once_per_incident"),
            models.UniqueConstraint(fields=["suspension"], condition=Q(suspension__isnull=False),
                                    name="regreport_once_per_suspension"),
            models.UniqueConstraint(fields=["ticket"], condition=Q(ticket__isnull=False),
                                    name="regreport_once_per_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.project}"

    def get_absolute_url(self) -> str:
        for record in (self.incident, self.ticket):
            if record is not None:
                return record.get_absolute_url()
        return reverse("rectification:project", args=[self.project_id])
