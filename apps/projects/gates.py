"""The gate registry: conditions a project must meet before it may move on (§5.1, §6.1.2).

A gate guards a *target*: a lifecycle phase to be entered, or an action such as batch
submission. Gates are declared here, in one place, so that the project page can show every
gate of every phase from day one. The module that owns the records behind a gate implements
it from its ``AppConfig.ready()``::

    from apps.projects.gates import registry
    registry.implement("qualification_approved", lambda project: ...)

Until a gate is implemented it is *pending*: the system cannot check it from records, so it
is met only by the client lead's attestation of the paper record (线下确认, with a
reference), which the history keeps. Once implemented, only the records count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from django.utils.translation import gettext_lazy as _

from .enums import Phase

if TYPE_CHECKING:
    from .models import GateAttestation, Project

BATCH_SUBMISSION = "batch_submission"


@dataclass
class Gate:
    code: str
    label: str
    clause: str
    guards: tuple[str, ...]
    provided_by: str
    check: Callable[["Project"], bool] | None = None
    order: int = 0
    # Returns the record behind the gate for display: (label, url) or None.
    evidence: Callable[["Project"], tuple[str, str] | None] | None = None

    @property
    def is_pending(self) -> bool:
        return self.check is None


@dataclass
class GateResult:
    gate: Gate
    met: bool
    attestation: "GateAttestation | None" = None
    evidence: tuple[str, str] | None = None

    @property
    def pending(self) -> bool:
        return self.gate.is_pending


@dataclass
class GateRegistry:
    _gates: dict[str, Gate] = field(default_factory=dict)

    def declare(self, code: str, *, label: str, clause: str, guards: tuple[str, ...], provided_by: str,
                check: Callable[["Project"], bool] | None = None) -> Gate:
        if code in self._gates:
            raise ValueError(f"gate {code!r} declared twice")
        gate = Gate(code=code, label=label, clause=clause, guards=guards, provided_by=provided_by, check=check,
                    order=len(self._gates))
        self._gates[code] = gate
        return gate

    def implement(self, code: str, check: Callable[["Project"], bool],
                  evidence: Callable[["Project"], tuple[str, str] | None] | None = None) -> None:
        """Let a module check the gate from its own records; ``evidence(project)`` names the
        record behind it, as ``(label, url)``, for the gate and Annex A pages."""
        gate = self._gates[code]
        gate.check = check
        gate.evidence = evidence

    def get(self, code: str) -> Gate:
        return self._gates[code]

    def __contains__(self, code: str) -> bool:
        return code in self._gates

    def all(self) -> list[Gate]:
        return sorted(self._gates.values(), key=lambda g: g.order)

    def for_target(self, target: str) -> list[Gate]:
        return [g for g in self.all() if target in g.guards]

    def evaluate(self, project: "Project", target: str) -> list[GateResult]:
        gates = self.for_target(target)
        attestations = {}
        if any(g.is_pending for g in gates):
            attestations = {a.gate: a for a in project.gate_attestations.all()}
        results = []
        for gate in gates:
            if gate.is_pending:
                att = attestations.get(gate.code)
                results.append(GateResult(gate=gate, met=att is not None, attestation=att))
            else:
                evidence = gate.evidence(project) if gate.evidence else None
                results.append(GateResult(gate=gate, met=bool(gate.check(project)), evidence=evidence))
        return results

    def unmet(self, project: "Project", target: str) -> list[GateResult]:
        return [r for r in self.evaluate(project, target) if not r.met]


registry = GateRegistry()


def _team_formed(project: "Project") -> bool:
    from apps.accounts.enums import ProjectRole

    roles = set(project.members.filter(is_active=True).values_list("role", flat=True))
    # §8.1.1, §6.2.1: both leads named, and a special inspector for 专检.
    return {ProjectRole.CLIENT_LEAD, ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR} <= roles


registry.declare("team_formed", label=_("Project team formed: client lead, contractor PM and special inspector named"),
                 clause="§8.1.1", guards=(Phase.IMPLEMENTATION,), provided_by="projects", check=_team_formed)
registry.declare("qualification_approved", label=_("Contractor qualification approved"), clause="§5.1.1",
                 guards=(Phase.IMPLEMENTATION,), provided_by="qualification")
registry.declare("plan_approved", label=_("Implementation plan and QA sub-plan approved"), clause="§5.1.2",
                 guards=(Phase.IMPLEMENTATION,), provided_by="plans")
registry.declare("disclosure_signed", label=_("Technical disclosure signed by both parties"), clause="§5.1.3, §6.1.2",
                 guards=(Phase.IMPLEMENTATION,), provided_by="disclosure")
registry.declare("first_article_passed", label=_("First article / first batch verification passed"),
                 clause="§5.1.4, 附录C", guards=(BATCH_SUBMISSION,), provided_by="first_article")
registry.declare("no_open_tickets", label=_("No open rectification ticket"), clause="§5.3.1, §4.4",
                 guards=(Phase.ACCEPTANCE,), provided_by="rectification")
registry.declare("batches_accepted", label=_("Every submitted batch accepted"), clause="§5.3.1, §8.3.1",
                 guards=(Phase.ACCEPTANCE,), provided_by="batches")
registry.declare("acceptance_applied", label=_("Acceptance application with complete materials"),
                 clause="§5.3.1, §6.5.1, §8.3.1", guards=(Phase.ACCEPTANCE,), provided_by="acceptance")
registry.declare("acceptance_passed", label=_("Acceptance passed"), clause="§5.3.1, §8.3",
                 guards=(Phase.WARRANTY,), provided_by="acceptance")
registry.declare("handover_confirmed", label=_("Results handed over and confirmed by both parties"),
                 clause="§6.5.2, 附录A", guards=(Phase.CLOSED,), provided_by="handover")
registry.declare("warranty_concluded", label=_("Warranty follow-up concluded (质保期满确认)"),
                 clause="§6.5.3, §8.3.3", guards=(Phase.CLOSED,), provided_by="warranty")
registry.declare("evaluation_done", label=_("Quality evaluation done"), clause="§5.3.3, §10.1",
                 guards=(Phase.CLOSED,), provided_by="evaluation")
registry.declare("documents_handed_over", label=_("Project documents handed over"), clause="§6.5.2, §9.2",
                 guards=(Phase.CLOSED,), provided_by="documents")

TARGET_LABELS = {
    Phase.IMPLEMENTATION: _("Enter implementation (实施)"),
    Phase.ACCEPTANCE: _("Enter acceptance (验收)"),
    Phase.WARRANTY: _("Enter warranty (质保)"),
    Phase.CLOSED: _("Close the project (评估/完结)"),
    BATCH_SUBMISSION: _("Start batch production (批量作业)"),
}
