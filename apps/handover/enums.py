from django.db import models
from django.utils.translation import gettext_lazy as _


class HandoverState(models.TextChoices):
    """The handover list of §6.5.2: drawn up by the contractor, confirmed item by item by the
    client, signed by both."""

    DRAFT = "draft", _("Being drawn up by the contractor")
    SUBMITTED = "submitted", _("Submitted, awaiting the client's confirmation")
    RETURNED = "returned", _("Returned to the contractor")
    CONFIRMED = "confirmed", _("Every item confirmed, awaiting both signatures")
    SIGNED = "signed", _("Handed over and signed by both parties")


# The contractor edits the list in these states.
EDITABLE_STATES = frozenset({HandoverState.DRAFT, HandoverState.RETURNED})


class LineKind(models.TextChoices):
    """What a line hands over (Annex A 成果移交: 成果、质量记录、过程资料). Project documents are the
    records the project-document archive (§9.2.2) files."""

    RESULTS = "results", _("Results (成果)")
    QUALITY_RECORDS = "quality_records", _("Quality records (质量记录)")
    PROCESS_DOCUMENTS = "process_documents", _("Process documents (过程资料)")
    PROJECT_DOCUMENTS = "project_documents", _("Project documents for the archive (项目文件)")


# §6.5.2: a list hands over at least one line of each of these.
REQUIRED_KINDS = (LineKind.RESULTS, LineKind.QUALITY_RECORDS, LineKind.PROCESS_DOCUMENTS)

# As the kinds print on the form.
KIND_PRINTED = {
    LineKind.RESULTS: "成果", LineKind.QUALITY_RECORDS: "质量记录", LineKind.PROCESS_DOCUMENTS: "过程资料",
    LineKind.PROJECT_DOCUMENTS: "项目文件",
}


class Medium(models.TextChoices):
    PAPER = "paper", _("Paper (纸质)")
    ELECTRONIC = "electronic", _("Electronic, online (电子)")
    OPTICAL_DISC = "optical_disc", _("Optical disc (光盘)")
    REMOVABLE_DISK = "removable_disk", _("Removable hard disk (移动硬盘)")
    TAPE = "tape", _("Magnetic tape (磁带)")
    OTHER = "other", _("Other (其他)")


MEDIUM_PRINTED = {
    Medium.PAPER: "纸质", Medium.ELECTRONIC: "电子", Medium.OPTICAL_DISC: "光盘", Medium.REMOVABLE_DISK: "移动硬盘",
    Medium.TAPE: "磁带", Medium.OTHER: "其他",
}


class LineStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
