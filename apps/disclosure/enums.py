from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """The content checklist of the technical disclosure (技术交底, §5.1.3, §8.1.3)."""

    QUALITY_STANDARDS = "quality_standards", _("Quality standards")
    PROCEDURES = "procedures", _("Working procedures")
    SECURITY = "security", _("Security and confidentiality")
    RISK_CONTROLS = "risk_controls", _("Risk controls")
    ACCEPTANCE_RULES = "acceptance_rules", _("Acceptance rules")


TOPIC_ORDER = [t.value for t in Topic]
