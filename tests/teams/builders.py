"""Helpers that build team filings through the services (so history and rules apply)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.accounts.enums import ProjectRole
from apps.teams import services
from apps.teams.enums import CertificateLevel, TrainingResult

ROLE_OF = {"pm": ProjectRole.CONTRACTOR_PM, "special": ProjectRole.CONTRACTOR_INSPECTOR,
           "operator": ProjectRole.CONTRACTOR_OPERATOR, "security": ProjectRole.SECURITY_OFFICER}


def complete_fields(level=CertificateLevel.INTERMEDIATE, years=5, **overrides) -> dict:
    today = timezone.localdate()
    fields = dict(post="岗位", cert_name="档案数字化专业技术证书", cert_number="CERT-001", cert_level=level,
                  cert_issuer="浙江省档案学会", cert_valid_from=today - dt.timedelta(days=365),
                  cert_valid_until=today + dt.timedelta(days=365), years_experience=years, no_criminal_record=True,
                  training_result=TrainingResult.PASSED, confidentiality_signed_on=today)
    fields.update(overrides)
    return fields


def file_person(world, person, role, **overrides):
    return services.staff_filing_create(project=world.project, user=world.pm, person=person, role=role,
                                        **complete_fields(**overrides))


def approve_all(world):
    """File and approve the four contractor members of ``world``."""
    filings = {}
    for name, role in ROLE_OF.items():
        filing = file_person(world, getattr(world, name), role)
        filings[name] = services.staff_filing_approve(filing=filing, user=world.inspector)
    return filings
