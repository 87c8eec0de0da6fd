from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    """The deadlines the standard names (mission: deadline reminders). ``Deadline.kind`` is a
    free slug so that a new module can add its own kind without a migration here; these are
    the labels shown for the known ones."""

    QUALIFICATION_REVIEW = "qualification_review", _("Qualification review")
    RECTIFICATION = "rectification", _("Rectification")
    WEEKLY_PATROL = "weekly_patrol", _("Weekly patrol")
    STAFF_CHANGE = "staff_change", _("Staff change approval")
    HANDOVER = "handover", _("Handover after acceptance")
    EVALUATION = "evaluation", _("Quality evaluation")
    WARRANTY_END = "warranty_end", _("End of warranty")
    WARRANTY_RESPONSE = "warranty_response", _("Response to a warranty problem")
    RETENTION_EXPIRY = "retention_expiry", _("Retention period expiry")
    CERTIFICATE_EXPIRY = "certificate_expiry", _("Certificate expiry")
    ACTION_ITEM = "action_item", _("Meeting action item")
    QUALITY_REPORT = "quality_report", _("Quality and data report")
    IMPROVEMENT_PLAN = "improvement_plan", _("Improvement plan")
    EVALUATION_ANSWER = "evaluation_answer", _("Contractor's answer to the quality evaluation")
    OTHER = "other", _("Other")


class Counting(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    MONTHS = "months", _("months")


class DeadlineState(models.TextChoices):
    OPEN = "open", _("open")
    MET = "met", _("met")
    MISSED = "missed", _("met late")
    WAIVED = "waived", _("waived")


class ReminderStage(models.TextChoices):
    """What the scan tells whom; part of each notification's idempotency key."""

    SOON = "soon", _("due soon")
    TODAY = "today", _("due today")
    OVERDUE = "overdue", _("overdue")
    ESCALATED_CLIENT = "escalated_client", _("overdue, escalated to the client lead")
    ESCALATED_REGULATOR = "escalated_regulator", _("overdue, escalated to the regulator")
