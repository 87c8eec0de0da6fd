"""Who may do what in client supervision.

"may_*" rules check the person (services check them first, then the state); "can_*" rules add
the project state (templates show buttons with them). Each rule is registered once, with the
sentence a refused person reads (``apps.core.permissions.rule``).

* The catalogue (check items, defect types) is adapted to the contract by the client lead.
* Patrols and key-node checks are the client's: client lead or client quality inspector.
* Everyone who sees the project reads the catalogue, the patrols, the key-node checks and the
  ledger (the contractor must know what was found and required; the regulator reads).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.permissions import rule
from apps.projects.enums import Phase
from apps.projects.rules import (
    CLIENT_SIDE_ROLES,
    is_client_lead,
    is_client_staff,
    is_writer,
    phase_predicate,
    project_not_closed,
)

# The people who patrol and check key nodes (and may be named as a patrol's inspectors).
INSPECTOR_ROLES = CLIENT_SIDE_ROLES
# Supervision happens while the work is done and while its results are accepted (§5.2, §5.3).
SUPERVISION_PHASES = frozenset({Phase.IMPLEMENTATION, Phase.ACCEPTANCE})

in_supervision_phase = phase_predicate("in_supervision_phase", *SUPERVISION_PHASES)

# ---------------------------------------------------------------- patrols and key-node checks

may_record_patrols = rule(
    "inspections.may_record_patrols", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspectors can record patrols."))
may_record_key_node_checks = rule(
    "inspections.may_record_key_node_checks", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspectors can record key-node checks."))
can_record_supervision = rule(
    "inspections.can_record_supervision", is_writer & is_client_staff & in_supervision_phase,
    _("Only the client's project lead or quality inspectors record patrols and key-node checks, while the project "
      "is in implementation or acceptance."))

# ---------------------------------------------------------------- the catalogue

may_edit_catalogue = rule(
    "inspections.may_edit_catalogue", is_writer & is_client_lead,
    _("Only the client's project lead can edit the catalogue."))
# The catalogue can be adapted until the project is closed.
can_edit_catalogue = rule(
    "inspections.can_edit_catalogue", may_edit_catalogue & project_not_closed,
    _("Only the client's project lead can edit the catalogue, and only while the project is not closed."))
