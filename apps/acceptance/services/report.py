"""The acceptance report (验收报告, §8.3.2: 验收完成后出具验收报告，明确结论) and its conclusion::

    INSPECTING ──issue report (team leader / client lead; every inspection decided)──► REPORTED
       REPORTED ──(correct, until the first signature)──► REPORTED
       REPORTED: every team member signs (client party), the contractor PM acknowledges (contractor)
       REPORTED ──conclude (client lead; the whole team signed)──► PASSED ─► project_acceptance_record
                                                                 └──► FAILED ─► rectification tickets (source 验收)

The conclusion is 不合格 whenever an inspection was not accepted; the team may also conclude
不合格 with a written reason. A failing report sets the rectification deadline; one ticket is
raised per failing inspection (one for the round when none failed) through
``apps.projects.hooks.problem_found``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import Party
from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.projects import hooks

from .. import selectors
from ..enums import Conclusion, RoundState
from ..models import LONG_TEXT_MAX, TEXT_MAX, AcceptanceRound
from .common import KIND, choice, contractor_pm, future_date, team_people
from .rounds import bump, locked_round

REPORT_FIELDS = ["problems", "opinion", "conclusion", "fail_reason", "rectification_due", "figures", "team",
                 "report_date", "reported_by", "reported_at", "state"]


def inspection_figures(acceptance_round: AcceptanceRound) -> list[dict]:
    """The figures of the round's decided inspections, one row per service type (frozen into the
    report when it is issued): lot, sample, defective items per grade, pass rate, decision."""
    rows = []
    for sampling in selectors.samplings_of(acceptance_round):
        inspection = sampling.inspection
        if inspection is None:
            continue
        rows.append({
            "service_type": sampling.service_type, "inspection": inspection.pk, "label": inspection.label,
            "floor_rate": str(sampling.floor_rate), "lot_size": inspection.lot_size,
            "batches": [p["number"] for p in (inspection.population or [])],
            "sample_size": inspection.sample_size, "code_letter": inspection.code_letter,
            "defective": inspection.defective_count, "fatal": inspection.fatal_count,
            "serious": inspection.serious_count, "general": inspection.general_count,
            "defects_total": inspection.defects_total,
            "pass_rate": None if inspection.pass_rate is None else str(inspection.pass_rate),
            "decided": not inspection.is_open, "accepted": inspection.is_accepted,
        })
    return rows


def _team_snapshot(acceptance_round: AcceptanceRound) -> list[dict]:
    team = list(selectors.team_of(acceptance_round.project))
    if not any(m.is_leader for m in team):
        raise DomainError(_("Name the acceptance team and its leader before issuing the report."), code="invalid")
    return [{"user": m.user_id, "name": str(m), "organization": m.user.organization.name if m.user.organization_id
             else "", "role": m.role, "leader": m.is_leader} for m in team]


def round_report_issue(*, acceptance_round: AcceptanceRound, user, conclusion: str, problems: str = "",
                       opinion: str = "", fail_reason: str = "", rectification_due=None,
                       expected_version: int | None = None) -> AcceptanceRound:
    """Issue (or, until the first signature, correct) the report: the figures of the decided
    inspections, the problems found, the opinion and the conclusion."""
    from apps.signatures.services import assert_not_signed

    require("acceptance.may_issue_report", user, acceptance_round)
    conclusion = choice(conclusion, Conclusion, field="conclusion", label=_("the conclusion"))
    if conclusion == Conclusion.NONE:
        raise DomainError(_("Choose the conclusion: pass or fail."), field="conclusion")
    problems = clean_text(problems, field="problems", label=_("The problems found"), required=False,
                          max_length=LONG_TEXT_MAX)
    opinion = clean_text(opinion, field="opinion", label=_("The acceptance opinion"), max_length=TEXT_MAX)
    fail_reason = clean_text(fail_reason, field="fail_reason", label=_("The reason for failing"), required=False,
                             max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = locked_round(acceptance_round, RoundState.INSPECTING, RoundState.REPORTED,
                               expected_version=expected_version,
                               message=_("The report is issued after the inspection, and can be corrected only "
                                         "until it is signed."))
        if locked.state == RoundState.REPORTED:
            assert_not_signed(locked, message=_("The report has been signed and can no longer be corrected."))
        figures = inspection_figures(locked)
        if not figures:
            raise DomainError(_("The round has no acceptance inspection."), code="illegal_transition")
        open_ones = [row["label"] for row in figures if not row["decided"]]
        if open_ones:
            raise DomainError(_("Decide every acceptance inspection before issuing the report: %(open)s.")
                              % {"open": "、".join(open_ones)}, code="illegal_transition")
        failing = [row["label"] for row in figures if not row["accepted"]]
        if conclusion == Conclusion.PASS and failing:
            raise DomainError(_("The conclusion is 不合格: an acceptance inspection was not accepted (%(which)s).")
                              % {"which": "、".join(failing)}, field="conclusion")
        if conclusion == Conclusion.FAIL:
            if not failing and not fail_reason:
                raise DomainError(_("Every inspection was accepted: state the team's reason for failing."),
                                  field="fail_reason")
            due = future_date(rectification_due, field="rectification_due", label=_("The rectification deadline"))
            if failing and not problems:
                raise DomainError(_("Describe the problems found."), field="problems")
        else:
            due, fail_reason = None, ""
        locked.team = _team_snapshot(locked)
        locked.figures = figures
        locked.problems, locked.opinion, locked.conclusion = problems, opinion, conclusion
        locked.fail_reason, locked.rectification_due = fail_reason, due
        locked.report_date = timezone.localdate()
        locked.reported_by, locked.reported_at = user, timezone.now()
        first = locked.state != RoundState.REPORTED
        locked.state = RoundState.REPORTED
        bump(locked, _("Acceptance report issued: %(c)s") % {"c": locked.get_conclusion_display()} if first
             else _("Acceptance report corrected: %(c)s") % {"c": locked.get_conclusion_display()}, REPORT_FIELDS)
        notify(recipients=team_people(locked.project), key=f"acceptance:round:{locked.pk}:report:{locked.version}",
               title=_("Sign the acceptance report: %(round)s of %(project)s (%(c)s)") % {
                   "round": locked, "project": locked.project.name, "c": locked.get_conclusion_display()},
               link=locked.get_absolute_url(), project=locked.project, kind=KIND)
        notify(recipients=contractor_pm(locked.project), key=f"acceptance:round:{locked.pk}:report:{locked.version}",
               title=_("Acceptance report issued: %(round)s of %(project)s (%(c)s) — acknowledge it") % {
                   "round": locked, "project": locked.project.name, "c": locked.get_conclusion_display()},
               link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked


def team_signatures(acceptance_round: AcceptanceRound) -> tuple[dict[int, object], list[str]]:
    """The valid client signatures of the team members named in the report ({user id: signature})
    and the names of those who have not signed yet."""
    from apps.signatures.selectors import signatures_for

    from ..models import TEAM_ROLES

    team_ids = {m["user"] for m in acceptance_round.team}
    signed = {}
    for signature in signatures_for(acceptance_round):
        if signature.party == Party.CLIENT and signature.is_valid and signature.signer_id in team_ids:
            signed.setdefault(signature.signer_id, signature)
    # A member who has left the project since the report was issued can no longer sign it.
    still_on = set(acceptance_round.project.members.filter(user_id__in=team_ids, is_active=True,
                                                           role__in=list(TEAM_ROLES))
                   .values_list("user_id", flat=True))
    missing = [m["name"] for m in acceptance_round.team if m["user"] not in signed and m["user"] in still_on]
    if not signed and not missing:
        missing = [m["name"] for m in acceptance_round.team]
    return signed, missing


def contractor_acknowledged(acceptance_round: AcceptanceRound) -> bool:
    """Whether the contractor's project manager has acknowledged the report (a valid signature of
    the contractor party)."""
    from apps.signatures.selectors import signatures_for

    return any(s.party == Party.CONTRACTOR and s.is_valid for s in signatures_for(acceptance_round))


def _raise_tickets(acceptance_round: AcceptanceRound, user) -> None:
    """One rectification ticket (source 验收) per failing inspection, with the report's deadline;
    one for the round itself when the team failed it with every inspection accepted."""
    from apps.lot_inspection.models import ItemDefect, LotInspection

    project = acceptance_round.project
    requirement = _("Rectify the problems found in the acceptance and check all results for the same defects "
                    "by %(due)s; a new acceptance round follows.") % {
        "due": f"{acceptance_round.rectification_due:%Y-%m-%d}"}
    failing = [row for row in acceptance_round.figures if not row["accepted"]]
    for row in failing:
        inspection = LotInspection.objects.get(pk=row["inspection"])
        defects = list(ItemDefect.objects.filter(sampled_item__inspection=inspection)
                       .select_related("sampled_item", "sampled_item__batch_item"))
        items = list({d.sampled_item.batch_item_id: d.sampled_item.batch_item for d in defects
                      if d.sampled_item.batch_item_id}.values())
        severity = "fatal" if row["fatal"] else "serious" if row["serious"] else "general"
        description = _("%(label)s: %(sample)d items inspected of %(lot)d, %(bad)d defective (fatal %(f)d, serious "
                        "%(s)d, general %(g)d), pass rate %(rate)s %%. %(problems)s") % {
            "label": row["label"], "sample": row["sample_size"], "lot": row["lot_size"], "bad": row["defective"],
            "f": row["fatal"], "s": row["serious"], "g": row["general"], "rate": row["pass_rate"] or "—",
            "problems": acceptance_round.problems}
        hooks.problem_found(project=project, source="acceptance", record=inspection, user=user,
                            title=_("%(label)s not accepted") % {"label": row["label"]}, description=description,
                            requirement=requirement, severity=severity, due_date=acceptance_round.rectification_due,
                            defects=defects, items=items)
    if not failing:
        hooks.problem_found(project=project, source="acceptance", record=acceptance_round, user=user,
                            title=_("%(round)s failed") % {"round": acceptance_round},
                            description=f"{acceptance_round.fail_reason}\n{acceptance_round.problems}".strip(),
                            requirement=requirement, severity="general", due_date=acceptance_round.rectification_due)


def round_conclude(*, acceptance_round: AcceptanceRound, user, expected_version: int | None = None) -> AcceptanceRound:
    """The client lead confirms the conclusion once every team member has signed the report and the
    contractor's project manager has acknowledged it.
    Passed: the acceptance is recorded on the project (dated the day the last member signed) and
    the gate ``acceptance_passed`` is met. Failed: the rectification tickets are raised."""
    from apps.projects.services import project_acceptance_record

    require("acceptance.may_conclude", user, acceptance_round)
    with transaction.atomic(), history_context(user=user):
        locked = locked_round(acceptance_round, RoundState.REPORTED, expected_version=expected_version,
                               message=_("The report is not awaiting its conclusion."))
        signed, missing = team_signatures(locked)
        if missing:
            raise DomainError(_("Every member of the acceptance team signs the report first; not yet signed: %(who)s.")
                              % {"who": "、".join(missing)}, code="illegal_transition")
        if not contractor_acknowledged(locked):
            raise DomainError(_("The contractor's project manager acknowledges the report first (§5.3.1: the report "
                                "is signed by the team and acknowledged by the contractor)."), code="illegal_transition")
        locked.signed_on = max(timezone.localdate(s.signed_at) for s in signed.values())
        locked.closed_by, locked.closed_at = user, timezone.now()
        passed = locked.conclusion == Conclusion.PASS
        locked.state = RoundState.PASSED if passed else RoundState.FAILED
        bump(locked, _("Acceptance passed") if passed else _("Acceptance failed: rectification required"),
             ["state", "signed_on", "closed_by", "closed_at"])
        project = locked.project
        if passed:
            project_acceptance_record(project=project, user=user, accepted_on=locked.signed_on,
                                      reason=_("Acceptance passed in round %(n)d (report signed on %(d)s)")
                                      % {"n": locked.number, "d": f"{locked.signed_on:%Y-%m-%d}"})
            title = _("Acceptance passed: %(project)s (%(round)s)")
        else:
            _raise_tickets(locked, user)
            title = _("Acceptance failed: %(project)s (%(round)s) — rectification tickets raised")
        notify(recipients=[*contractor_pm(project), *team_people(project)],
               key=f"acceptance:round:{locked.pk}:concluded",
               title=title % {"project": project.name, "round": locked}, link=locked.get_absolute_url(),
               project=project, kind=KIND)
    return locked
