from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """The qualification documents §5.1.1 names."""

    BUSINESS_LICENCE = "business_licence", _("Business licence (营业执照)")
    SERVICE_QUALIFICATION = "service_qualification", _("Service qualification (业务资质)")
    QUALITY_CERTIFICATE = "quality_certificate", _("Quality management system certificate (质量管理体系认证)")
    SECURITY_EVIDENCE = "security_evidence", _("Security capability evidence (安全保密能力)")
    OTHER = "other", _("Other document (其他)")


# §5.1.1: a round cannot be submitted without one document of each of these kinds.
REQUIRED_KINDS = (DocumentKind.BUSINESS_LICENCE, DocumentKind.SERVICE_QUALIFICATION,
                  DocumentKind.QUALITY_CERTIFICATE, DocumentKind.SECURITY_EVIDENCE)


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (contractor preparing)")
    SUBMITTED = "submitted", _("Submitted, under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED)


class ItemResult(models.TextChoices):
    PENDING = "pending", _("Not reviewed yet")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
