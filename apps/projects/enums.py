from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """Project lifecycle (§4.3, §8, Annex A)."""

    PREPARATION = "preparation", _("Preparation (准备)")
    IMPLEMENTATION = "implementation", _("Implementation (实施)")
    ACCEPTANCE = "acceptance", _("Acceptance (验收)")
    WARRANTY = "warranty", _("Warranty (质保)")
    CLOSED = "closed", _("Evaluation / closed (评估/完结)")
    SUSPENDED = "suspended", _("Suspended (暂停)")


# The forward order of the lifecycle; suspension is outside it.
PHASE_ORDER = [Phase.PREPARATION, Phase.IMPLEMENTATION, Phase.ACCEPTANCE, Phase.WARRANTY, Phase.CLOSED]
ACTIVE_PHASES = frozenset({Phase.PREPARATION, Phase.IMPLEMENTATION, Phase.ACCEPTANCE, Phase.WARRANTY})


def next_phase(phase: str) -> str | None:
    if phase not in PHASE_ORDER:
        return None
    i = PHASE_ORDER.index(phase)
    return PHASE_ORDER[i + 1] if i + 1 < len(PHASE_ORDER) else None


class ServiceType(models.TextChoices):
    DIGITIZATION = "digitization", _("Digitisation (数字化)")
    ARRANGEMENT = "arrangement", _("Arrangement (整理)")
    STORAGE = "storage", _("Storage (寄存)")
    RELOCATION = "relocation", _("Relocation (搬迁)")
    DATA_PROCESSING = "data_processing", _("Data processing (数据处理)")
    CONSULTING = "consulting", _("Consulting (咨询)")
    OTHER = "other", _("Other (其他)")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High (高)")
    MEDIUM = "medium", _("Medium (中)")
    LOW = "low", _("Low (低)")


class Confidentiality(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary (普通)")
    CLASSIFIED = "classified", _("Classified (涉密)")


class Stage(models.TextChoices):
    """The stages of Annex A, table A.1."""

    PRE = "pre", _("Pre-control (事前控制, preparation)")
    DURING = "during", _("In-process control (事中控制, implementation)")
    POST = "post", _("Post-control (事后控制, acceptance and delivery)")
    PROBLEMS = "problems", _("Problem handling (问题处置, rectification loop)")
    IMPROVEMENT = "improvement", _("Evaluation and improvement (评估改进)")


class TaskStatus(models.TextChoices):
    """Status of an Annex A step as computed from the project's records."""

    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")
    DUE = "due", _("Due")
    ONGOING = "ongoing", _("Ongoing")
    NOT_REACHED = "not_reached", _("Not yet applicable")
