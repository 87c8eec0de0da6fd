"""States and choices of the acceptance (项目验收, §5.3.1–5.3.2, §6.5.1, §8.3.1–8.3.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# §5.3.2: 累计整改次数不宜超过3次 — rounds beyond this need the client lead's override.
ROUNDS_WITHOUT_OVERRIDE = 3


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for completion")
    COMPLETE = "complete", _("Materials complete")


class MaterialKind(models.TextChoices):
    RESULTS = "results", _("Results list (成果清单)")
    QUALITY_RECORDS = "quality_records", _("Quality records")
    SELF_CHECK = "self_check", _("Self-check summary")
    PROCESS = "process", _("Process documents")
    OTHER = "other", _("Other material")


class SystemRecord(models.TextChoices):
    """Records already kept in the system that a materials line may refer to instead of files."""

    BATCHES = "batches", _("Batches and the three-level inspection records")
    LOT_INSPECTIONS = "lot_inspections", _("Sampling inspection records")
    PATROLS = "patrols", _("Patrol inspection ledger")
    RECTIFICATION = "rectification", _("Rectification records")
    FIRST_ARTICLE = "first_article", _("First article verification")
    DISCLOSURE = "disclosure", _("Technical disclosure record")
    PLANS = "plans", _("Implementation plan")
    CONTROL = "control", _("Quality reports and project control")


# Where each kind of system record is shown (URL name taking the project id).
SYSTEM_RECORD_URLS = {
    SystemRecord.BATCHES: "batches:project",
    SystemRecord.LOT_INSPECTIONS: "lot_inspection:project",
    SystemRecord.PATROLS: "inspections:patrols",
    SystemRecord.RECTIFICATION: "rectification:project",
    SystemRecord.FIRST_ARTICLE: "first_article:project",
    SystemRecord.DISCLOSURE: "disclosure:project",
    SystemRecord.PLANS: "plans:project",
    SystemRecord.CONTROL: "control:project",
}


class LineReview(models.TextChoices):
    PENDING = "", _("Not reviewed")
    COMPLETE = "complete", _("Complete and correct")
    MISSING = "missing", _("Missing or incomplete")


class RoundState(models.TextChoices):
    PLANNING = "planning", _("Plan being drawn up")
    PLANNED = "planned", _("Plan approved")
    INSPECTING = "inspecting", _("Inspection under way")
    REPORTED = "reported", _("Report awaiting signatures")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


OPEN_ROUND_STATES = (RoundState.PLANNING, RoundState.PLANNED, RoundState.INSPECTING, RoundState.REPORTED)
CLOSED_ROUND_STATES = (RoundState.PASSED, RoundState.FAILED)


class Conclusion(models.TextChoices):
    NONE = "", _("No conclusion yet")
    PASS = "pass", _("Acceptance passed")
    FAIL = "fail", _("Acceptance failed")


class ProblemCategory(models.TextChoices):
    QUALITY = "quality", _("Quality of the results")
    SECURITY = "security", _("Security and confidentiality")
    PROCESS = "process", _("Working procedures")
    MANAGEMENT = "management", _("Project management")
    DOCUMENTATION = "documentation", _("Records and documentation")
    OTHER = "other", _("Other")
