"""Who may do what in client supervision (django-rules).

"may_*" rules check the person (services check them first, then the state); "can_*" rules add
the project state (templates show buttons with them).

* The catalogue (check items, defect types) is adapted to the contract by the client lead.
* Patrols and key-node checks are the client's: client lead or client quality inspector.
* Everyone who sees the project reads the catalogue, the patrols, the key-node checks and the
  ledger (the contractor must know what was found and required; the regulator reads).
"""

from __future__ import annotations

import rules

from apps.accounts.enums import ProjectRole
from apps.projects.enums import Phase
from apps.projects.rules import active_roles, is_active_user, is_read_only

INSPECTOR_ROLES = frozenset({ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR})
# Supervision happens while the work is done and while its results are accepted (§5.2, §5.3).
SUPERVISION_PHASES = frozenset({Phase.IMPLEMENTATION, Phase.ACCEPTANCE})
# The catalogue can be adapted until the project is closed.
CATALOGUE_PHASES = frozenset({Phase.PREPARATION, Phase.IMPLEMENTATION, Phase.ACCEPTANCE, Phase.WARRANTY,
                              Phase.SUSPENDED})


def _project(obj):
    from apps.projects.models import Project

    return obj if isinstance(obj, Project) else obj.project


def is_client_inspector(user, project) -> bool:
    return bool(user.is_authenticated and user.organization_id == project.client_id
                and active_roles(user, project) & INSPECTOR_ROLES)


def is_client_lead_of(user, project) -> bool:
    return bool(user.is_authenticated and user.organization_id == project.client_id
                and ProjectRole.CLIENT_LEAD in active_roles(user, project))


@rules.predicate
def is_supervisor(user, obj) -> bool:
    return is_client_inspector(user, _project(obj))


@rules.predicate
def is_catalogue_editor(user, obj) -> bool:
    return is_client_lead_of(user, _project(obj))


@rules.predicate
def in_supervision_phase(user, obj) -> bool:
    return _project(obj).phase in SUPERVISION_PHASES


@rules.predicate
def catalogue_open(user, obj) -> bool:
    return _project(obj).phase in CATALOGUE_PHASES


may_record_supervision = is_active_user & ~is_read_only & is_supervisor
can_record_supervision = may_record_supervision & in_supervision_phase
may_edit_catalogue = is_active_user & ~is_read_only & is_catalogue_editor
can_edit_catalogue = may_edit_catalogue & catalogue_open

rules.add_rule("inspections.may_record_supervision", may_record_supervision)
rules.add_rule("inspections.can_record_supervision", can_record_supervision)
rules.add_rule("inspections.may_edit_catalogue", may_edit_catalogue)
rules.add_rule("inspections.can_edit_catalogue", can_edit_catalogue)
