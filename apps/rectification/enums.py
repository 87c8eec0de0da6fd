from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketSource(models.TextChoices):
    """问题来源 of Annex D (表D.1): □巡查 □抽检 □验收 □投诉 □其他."""

    PATROL = "patrol", _("Patrol (巡查)")
    SAMPLING = "sampling", _("Sampling inspection (抽检)")
    ACCEPTANCE = "acceptance", _("Acceptance (验收)")
    COMPLAINT = "complaint", _("Complaint (投诉)")
    WARRANTY = "warranty", _("Warranty (质保)")
    OTHER = "other", _("Other (其他)")


# How each source prints on the Annex D form (a warranty problem is ticked 其他 and named).
SOURCE_PRINTED = {
    TicketSource.PATROL: "巡查", TicketSource.SAMPLING: "抽检", TicketSource.ACCEPTANCE: "验收",
    TicketSource.COMPLAINT: "投诉", TicketSource.WARRANTY: "其他（质保）", TicketSource.OTHER: "其他",
}


class TicketState(models.TextChoices):
    """The closed loop of §4.4: 问题发现 → 整改通知 → 整改实施 → 复核验收 → 销号归档."""

    OPEN = "open", _("Notified, awaiting rectification")
    REFUSED = "refused", _("Rectification refused")
    SUBMITTED = "submitted", _("Rectified, awaiting review")
    REVIEWED = "reviewed", _("Review passed, awaiting signatures")
    CLOSED = "closed", _("Closed and archived")
    CANCELLED = "cancelled", _("Withdrawn")


# Tickets still in the loop (not closed, not withdrawn).
ACTIVE_STATES = frozenset({TicketState.OPEN, TicketState.REFUSED, TicketState.SUBMITTED, TicketState.REVIEWED})
# Tickets the contractor must act on.
CONTRACTOR_TURN = frozenset({TicketState.OPEN, TicketState.REFUSED})
# Tickets whose rectification deadline counts (the contractor has not answered yet).
DEADLINE_RUNNING = CONTRACTOR_TURN


class Severity(models.TextChoices):
    """The defect grades of §7.1.5 and Annex B, most severe first."""

    FATAL = "fatal", _("Fatal (致命)")
    SERIOUS = "serious", _("Serious (严重)")
    GENERAL = "general", _("General (一般)")


SEVERITY_RANK = {Severity.FATAL: 0, Severity.SERIOUS: 1, Severity.GENERAL: 2}


class Ground(models.TextChoices):
    """Why the client may suspend the project (§5.2.3, §6.3.3)."""

    REFUSED = "refused", _("Rectification refused")
    REVIEW_LIMIT = "review_limit", _("Failed reviews beyond the contract's limit")
    OVERDUE = "overdue", _("Rectification overdue")
    INCIDENT = "incident", _("Security or quality incident")


class IncidentCategory(models.TextChoices):
    SECURITY = "security", _("Security incident (安全事故)")
    QUALITY = "quality", _("Quality incident (质量事故)")


class IncidentState(models.TextChoices):
    REPORTED = "reported", _("Reported, awaiting the client")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged, being handled")
    CLOSED = "closed", _("Handled and closed")


class ReportKind(models.TextChoices):
    """What the client reports to the regulator (报备)."""

    SUSPENSION = "suspension", _("Project suspended")
    INCIDENT = "incident", _("Major incident")
    TICKET = "ticket", _("Major quality problem")
    ACCEPTANCE_ROUND = "acceptance_round", _("Acceptance beyond the third round")
