from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskCategory(models.TextChoices):
    """§5.2.2 / §6.3.1: what a risk point endangers."""

    ARCHIVE_SECURITY = "archive_security", _("Archive security (档案实体安全)")
    QUALITY = "quality", _("Quality (质量管控)")
    INFORMATION_SECURITY = "information_security", _("Information security (信息安全)")
    DATA_SECURITY = "data_security", _("Data security (数据安全)")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality (保密)")
    OTHER = "other", _("Other (其他)")


class RiskPointStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    RETIRED = "retired", _("retired")


class AssessmentTrigger(models.TextChoices):
    """When a risk (re-)assessment is due (§5.2.2)."""

    START = "start", _("Project start (项目启动)")
    MAJOR_CHANGE = "major_change", _("Major change (重大变更)")
    INCIDENT = "incident", _("After a safety or quality incident (安全质量问题发生后)")
    PERIODIC = "periodic", _("Periodic (定期)")


class RequestState(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed by an assessment")


# ================================================================ change requests (§6.4.2, §8.2.3)

class ChangeCategory(models.TextChoices):
    """What a change request (变更联系单) would change."""

    CONTENT = "content", _("Project content (实施内容)")
    QUALITY_STANDARD = "quality_standard", _("Quality standard (质量标准)")
    PROCEDURE = "procedure", _("Working procedure or technical route (作业流程/技术路线)")
    SCHEDULE = "schedule", _("Schedule (进度)")
    STAFF_EQUIPMENT = "staff_equipment", _("Staff or equipment (人员/设备)")
    OTHER = "other", _("Other (其他)")


class ChangeState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted, awaiting the client's decision")
    APPROVED = "approved", _("approved in writing by the client")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn by the contractor")
    IMPLEMENTED = "implemented", _("implementation confirmed")


CHANGE_DECIDED = (ChangeState.APPROVED, ChangeState.REJECTED, ChangeState.IMPLEMENTED)


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


# ================================================================ meetings (§8.2.3)

class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular project meeting (项目例会)")
    SPECIAL = "special", _("Special meeting (专题会)")
    QUALITY = "quality", _("Quality analysis meeting (质量分析会)")


class ActionOwnerParty(models.TextChoices):
    CLIENT = "client", _("Client (发包方)")
    CONTRACTOR = "contractor", _("Contractor (承包方)")


class ActionState(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


# ================================================================ quality reports (§8.2.3)

class ReportState(models.TextChoices):
    DRAFT = "draft", _("draft (contractor preparing)")
    SUBMITTED = "submitted", _("submitted, awaiting the client's acknowledgement")
    RETURNED = "returned", _("returned for correction")
    ACKNOWLEDGED = "acknowledged", _("acknowledged by the client")


REPORT_EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)


# ================================================================ progress plan (§8.2.4)

class MilestoneState(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    HELD_FOR_QUALITY = "held_for_quality", _("held: quality first (质量优先)")
    DONE = "done", _("done")


# ================================================================ improvement plans (§6.2.3, §10.2)

class ImprovementSource(models.TextChoices):
    PROBLEM_ANALYSIS = "problem_analysis", _("Problem analysis (问题分析)")
    INSPECTION = "inspection", _("Inspection results (检查结果)")
    ACCEPTANCE = "acceptance", _("Acceptance results (验收结果)")
    COMPLAINT = "complaint", _("Complaint handling (投诉处理)")
    EVALUATION = "evaluation", _("Quality or credit evaluation (质量/信用评价)")


class ImprovementState(models.TextChoices):
    DRAFT = "draft", _("draft (contractor preparing)")
    FILED = "filed", _("submitted for filing with the client")
    RETURNED = "returned", _("returned for revision")
    IN_PROGRESS = "in_progress", _("filed, being implemented")
    COMPLETED = "completed", _("completed, awaiting the client's verification")
    VERIFIED = "verified", _("effect verified by the client")


IMPROVEMENT_EDITABLE = (ImprovementState.DRAFT, ImprovementState.RETURNED)
