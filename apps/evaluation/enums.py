"""States and choices of the quality evaluation (质量评估, §5.3.3, §8.3.3, §10.1) and of the
breaches of contract (违约, §5.2.3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationState(models.TextChoices):
    """The client's evaluation report and the contractor's answer to it."""

    DRAFT = "draft", _("Draft (figures live)")
    ISSUED = "issued", _("Issued, awaiting the contractor's answer")
    ANSWERED = "answered", _("Answered, awaiting the client's acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Answer acknowledged (filed)")


# Issued or later: the figures and the score sheet are frozen, the gate evaluation_done is met.
ISSUED_STATES = (EvaluationState.ISSUED, EvaluationState.ANSWERED, EvaluationState.ACKNOWLEDGED)


class Indicator(models.TextChoices):
    """The indicators of the scoring sheet (履约评估). The standard names the inputs of the
    evaluation (§10.1.2: quality reports, acceptance conclusion, complaints, inspection records,
    credit evaluation), not the indicators or their weights: this catalogue and its default
    weights are the system's (docs/evaluation.md)."""

    SAMPLING_PASS_RATE = "sampling_pass_rate", _("Sampling pass rate (抽检合格率)")
    BATCH_ACCEPTANCE = "batch_acceptance", _("Batches accepted at first inspection (批次一次合格率)")
    DEFECTS = "defects", _("Defects by grade (缺陷等级)")
    ESCAPE_RATE = "escape_rate", _("Escape rate of the contractor's inspection (漏检率)")
    RECTIFICATION_ON_TIME = "rectification_on_time", _("Rectification on time (整改按期率)")
    RECTIFICATION_REVIEW = "rectification_review", _("Rectification reviews passed (整改复核通过率)")
    ACCEPTANCE = "acceptance", _("Acceptance rounds (验收情况)")
    INCIDENTS = "incidents", _("Incidents (安全质量事故)")
    COMPLAINTS = "complaints", _("Complaints (投诉)")
    WARRANTY = "warranty", _("Warranty problems (质保问题)")
    BREACHES = "breaches", _("Breaches of contract (违约记录)")
    COOPERATION = "cooperation", _("Cooperation and service (配合与服务)")


class Grade(models.TextChoices):
    """The grade of a total score (bands configurable per client organisation)."""

    EXCELLENT = "excellent", _("Excellent (优秀)")
    GOOD = "good", _("Good (良好)")
    PASS = "pass", _("Pass (合格)")
    FAIL = "fail", _("Fail (不合格)")


class BreachGround(models.TextChoices):
    """Why the client holds the contractor in breach (§5.2.3 追究违约责任)."""

    REFUSED_RECTIFICATION = "refused_rectification", _("Rectification refused (拒不整改)")
    FATAL_INCIDENT = "fatal_incident", _("Fatal defect or serious incident (致命缺陷/重大事故)")
    FOURTH_ROUND = "fourth_round", _("Acceptance beyond the third round (验收超过3次)")
    OVERDUE_RECTIFICATION = "overdue_rectification", _("Rectification overdue (整改逾期)")
    OTHER = "other", _("Other breach of contract (其他违约)")


class BreachState(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# How the indicators and grades print on the evaluation report (PDF, in Chinese whatever the
# interface language, like the standard's forms).
INDICATOR_PRINTED = {
    Indicator.SAMPLING_PASS_RATE: "抽检合格率", Indicator.BATCH_ACCEPTANCE: "批次一次合格率",
    Indicator.DEFECTS: "缺陷等级", Indicator.ESCAPE_RATE: "漏检率", Indicator.RECTIFICATION_ON_TIME: "整改按期率",
    Indicator.RECTIFICATION_REVIEW: "整改复核通过率", Indicator.ACCEPTANCE: "验收情况", Indicator.INCIDENTS: "安全质量事故",
    Indicator.COMPLAINTS: "投诉", Indicator.WARRANTY: "质保问题", Indicator.BREACHES: "违约记录",
    Indicator.COOPERATION: "配合与服务",
}
GRADE_PRINTED = {Grade.EXCELLENT: "优秀", Grade.GOOD: "良好", Grade.PASS: "合格", Grade.FAIL: "不合格"}
BREACH_PRINTED = {
    BreachGround.REFUSED_RECTIFICATION: "拒不整改", BreachGround.FATAL_INCIDENT: "致命缺陷/重大事故",
    BreachGround.FOURTH_ROUND: "验收超过3次", BreachGround.OVERDUE_RECTIFICATION: "整改逾期",
    BreachGround.OTHER: "其他违约",
}
