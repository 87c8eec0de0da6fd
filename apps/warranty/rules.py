"""Who may do what in the warranty follow-up; each rule registered once with its refusal sentence.
Reporting a warranty problem and responding to it are rules of problem handling
(``rectification.can_report_warranty_problem``, ``rectification.can_respond_ticket``)."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import rule
from apps.projects.rules import is_client_lead, is_writer


@rules.predicate
def warranty_may_be_concluded(user, project) -> bool:
    from .selectors import conclusion_refusal

    return conclusion_refusal(project) is None


# Annex A 质保服务 (监督质保期履约情况): the client lead concludes the follow-up.
may_conclude = rule(
    "warranty.may_conclude", is_writer & is_client_lead,
    _("Only the client's project lead can conclude the warranty follow-up."))
can_conclude = rule(
    "warranty.can_conclude", may_conclude & warranty_may_be_concluded,
    _("The warranty follow-up cannot be concluded now."))
