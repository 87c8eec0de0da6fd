"""Who may do what with sampling settings and switching states: every rule with its refusal
sentence, in one place.

- the client's project lead edits the contract's sampling settings and takes the decisions
  GB/T 2828.1 leaves to the responsible authority (switch to reduced inspection, return to
  normal, resume after discontinuation), while the project is not closed;
- the client lead or the client's quality inspector records lot results (through the lot
  inspection's decision);
- everyone who sees the project sees the settings and the switching states (the regulator
  read-only).

The "may_*" rules take the project (or a switching state); the "can_*" rules take a switching
state (saved or not) and add its state: the page shows a decision's button with them.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import rule
from apps.projects.rules import is_client_lead, is_client_staff, is_writer, project_not_closed

from .enums import Regime
from .selectors import settings_or_defaults
from .services.switching import REDUCED_SCORE


@rules.predicate
def state_is_normal(user, state) -> bool:
    return state.regime == Regime.NORMAL and not state.discontinued


@rules.predicate
def state_is_reduced(user, state) -> bool:
    return state.regime == Regime.REDUCED


@rules.predicate
def state_is_discontinued(user, state) -> bool:
    return state.discontinued


@rules.predicate
def score_reaches_reduced(user, state) -> bool:
    return state.switching_score >= REDUCED_SCORE


@rules.predicate
def settings_allow_reduced(user, state) -> bool:
    return settings_or_defaults(state.project).reduced_allowed


may_edit_sampling_settings = is_writer & is_client_lead & project_not_closed
may_manage_switching = is_writer & is_client_lead & project_not_closed
may_record_lot_result = is_writer & is_client_staff

rule("sampling.may_edit_sampling_settings", may_edit_sampling_settings,
     _("Only the client's project lead can change the sampling settings."))
rule("sampling.may_record_lot_result", may_record_lot_result,
     _("Only the client's project lead or quality inspector can record the result of a lot."))
rule("sampling.may_approve_reduced", may_manage_switching,
     _("Only the client's project lead can switch to reduced inspection."))
rule("sampling.may_return_to_normal", may_manage_switching,
     _("Only the client's project lead can end reduced inspection."))
rule("sampling.may_resume_inspection", may_manage_switching,
     _("Only the client's project lead can resume sampling inspection."))

# Buttons of the switching states (§9.3.3, §9.3.4, §9.4).
rule("sampling.can_approve_reduced",
     may_manage_switching & state_is_normal & score_reaches_reduced & settings_allow_reduced)
rule("sampling.can_return_to_normal", may_manage_switching & state_is_reduced)
rule("sampling.can_resume_inspection", may_manage_switching & state_is_discontinued)
