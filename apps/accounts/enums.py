from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    CLIENT = "client", _("Client (发包方)")
    CONTRACTOR = "contractor", _("Contractor (承包方)")
    REGULATOR = "regulator", _("Regulator (监管机构)")


class Party(models.TextChoices):
    """The two parties of a project who sign its records."""

    CLIENT = "client", _("Client")
    CONTRACTOR = "contractor", _("Contractor")


class ProjectRole(models.TextChoices):
    CLIENT_LEAD = "client_lead", _("Client project lead")
    CLIENT_INSPECTOR = "client_inspector", _("Client quality inspector")
    ACCEPTANCE_MEMBER = "acceptance_member", _("Acceptance team member")
    ACCEPTANCE_EXPERT = "acceptance_expert", _("Acceptance expert")
    CONTRACTOR_PM = "contractor_pm", _("Contractor project manager")
    CONTRACTOR_INSPECTOR = "contractor_inspector", _("Contractor special inspector")
    CONTRACTOR_OPERATOR = "contractor_operator", _("Contractor operator")
    SECURITY_OFFICER = "security_officer", _("Security officer")


CLIENT_ROLES = frozenset({ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR, ProjectRole.ACCEPTANCE_MEMBER})
CONTRACTOR_ROLES = frozenset({
    ProjectRole.CONTRACTOR_PM,
    ProjectRole.CONTRACTOR_INSPECTOR,
    ProjectRole.CONTRACTOR_OPERATOR,
    ProjectRole.SECURITY_OFFICER,
})
# Invited experts (§5.3.1 验收组, 专家) may come from any organisation but the contractor's.
EXPERT_ROLES = frozenset({ProjectRole.ACCEPTANCE_EXPERT})


def party_of_role(role: str) -> str | None:
    if role in CLIENT_ROLES or role in EXPERT_ROLES:
        return Party.CLIENT
    if role in CONTRACTOR_ROLES:
        return Party.CONTRACTOR
    return None
