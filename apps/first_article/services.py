"""Writes: the first-article loop, one service per transition (§5.1.4, §8.2.1, Annex C).

    submit (contractor) ──► SUBMITTED ──verify: pass (client)──► PASSED (baseline; both parties sign)
                                │
                                └──verify: fail──► FAILED + work contact sheet (OPEN, deadline)
                                                    │
            rectification sheet (contractor) ◄──────┘  sheet ANSWERED, deadline met
                                │
                                └──► submit the next round (follows the sheet) ──► … until PASSED
                                     (verifying that round CLOSES the sheet)

Signing is done with ``apps.signatures.services.signature_sign`` (the record allows client
lead / client inspector for the client, contractor PM / special inspector for the contractor).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.core.validation import full_clean_or_error
from apps.projects.models import Project, ProjectMember
from apps.projects.rules import CLIENT_SIDE_ROLES, project_in_preparation_or_implementation

from . import selectors
from .enums import CHECKS, Conclusion, ContactSheetState, Unit, VerificationStatus
from .models import TEXT_MAX, FirstArticleVerification, RectificationSheet, WorkContactSheet
from .rules import SUBMITTER_ROLES

MAX_QUANTITY = 10_000_000
MAX_DEADLINE_DAYS = 365
DEADLINE_KIND = "rectification"
NAMES_MAX = 200


def _date(value, *, field: str, label: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("%(label)s is not a valid date.") % {"label": label}, field=field)
    return value


def _people(project: Project, roles: Iterable[str], org_id: int) -> list:
    members = (ProjectMember.objects.filter(project=project, is_active=True, role__in=list(roles),
                                            user__is_active=True, user__organization_id=org_id)
               .select_related("user"))
    return list({m.user_id: m.user for m in members}.values())


def _contractor_people(project: Project) -> list:
    return _people(project, SUBMITTER_ROLES, project.contractor_id)


def _client_verifiers(project: Project) -> list:
    return _people(project, CLIENT_SIDE_ROLES, project.client_id)


def _signer_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _attach(record, project: Project, user, files: Iterable) -> None:
    from apps.attachments.enums import AttachmentKind
    from apps.attachments.services import attachment_add

    for uploaded in files or ():
        attachment_add(record=record, project=project, user=user, uploaded_file=uploaded,
                       kind=AttachmentKind.EVIDENCE)


# ---------------------------------------------------------------- submit (contractor)

@dataclass(frozen=True)
class _Batch:
    """The first batch as the contractor describes it, cleaned."""

    batch_description: str
    batch_no: str
    quantity: int
    unit: str
    batch_date: dt.date
    self_check_result: str
    contractor_verifiers: str


def _clean_batch(*, user, batch_description, batch_no, quantity, unit, batch_date, self_check_result,
                 contractor_verifiers) -> _Batch:
    batch_description = clean_line(batch_description, field="batch_description", label=_("Batch"), max_length=200)
    batch_no = clean_line(batch_no, field="batch_no", label=_("Batch number"), required=False, max_length=64)
    self_check_result = clean_text(self_check_result, field="self_check_result",
                                   label=_("The contractor's self-check result"), max_length=TEXT_MAX)
    contractor_verifiers = clean_line(contractor_verifiers, field="contractor_verifiers",
                                      label=_("Verifiers (contractor)"), required=False, max_length=NAMES_MAX)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(_("The quantity must be a whole number between 1 and %(n)d.") % {"n": MAX_QUANTITY},
                          field="quantity")
    if unit not in Unit.values:
        raise DomainError(_("Choose the unit: items, pages, volumes, boxes or entries."), field="unit")
    batch_date = _date(batch_date, field="batch_date", label=_("The date of the batch"))
    if batch_date > timezone.localdate():
        raise DomainError(_("The date of the batch cannot be in the future."), field="batch_date")
    return _Batch(batch_description=batch_description, batch_no=batch_no, quantity=quantity, unit=unit,
                  batch_date=batch_date, self_check_result=self_check_result,
                  contractor_verifiers=contractor_verifiers or _signer_name(user))


def _require_filed_contractor_staff(user, project: Project) -> None:
    from apps.teams.selectors import may_do_contractor_work

    if not may_do_contractor_work(user, project):
        raise PermissionDenied(_("Your staff filing on this project has not been approved by the client: only filed "
                                 "and approved contractor staff can submit the first batch (§8.1.1)."))


def _require_round_due(project: Project) -> None:
    """A new round is legal in preparation or implementation, when no round exists yet or the
    latest failed and its work contact sheet was answered."""
    if not project_in_preparation_or_implementation.test(None, project):
        raise DomainError(_("The first batch can only be submitted while the project is in preparation or "
                            "implementation."), code="illegal_transition")
    refusal = selectors.submission_refusal(project)
    if refusal:
        raise DomainError(refusal, code="illegal_transition")


def _save_new_round(project: Project, user, batch: _Batch) -> FirstArticleVerification:
    latest = selectors.latest_verification(project)
    round_no = (latest.round_no + 1) if latest else 1
    verification = FirstArticleVerification(
        project=project, round_no=round_no, follows=getattr(latest, "contact_sheet", None) if latest else None,
        submitted_by=user, **asdict(batch))
    full_clean_or_error(verification, ["project", "follows", "submitted_by", "verified_by"],
                        validate_constraints=False)
    verification._change_reason = _("First batch submitted for verification (round %(n)d)") % {"n": round_no}
    try:
        with transaction.atomic():
            verification.save()
    except IntegrityError as exc:
        raise DomainError(_("A first batch is already awaiting the client's verification."),
                          code="illegal_transition") from exc
    return verification


def verification_submit(*, project: Project, user, batch_description: str, quantity: int, unit: str,
                        batch_date: dt.date, self_check_result: str, batch_no: str = "",
                        contractor_verifiers: str = "", files: Iterable = ()) -> FirstArticleVerification:
    """The contractor submits its first batch after its own check (§5.1.4): a new round.

    Legal when no round exists yet, or when the latest round failed and its work contact
    sheet has been answered with a rectification sheet.
    """
    require("first_article.may_submit_first_article", user, project)
    _require_filed_contractor_staff(user, project)
    batch = _clean_batch(user=user, batch_description=batch_description, batch_no=batch_no, quantity=quantity,
                         unit=unit, batch_date=batch_date, self_check_result=self_check_result,
                         contractor_verifiers=contractor_verifiers)
    with transaction.atomic(), history_context(user=user):
        # One submission at a time per project: the project row serialises the round numbers.
        locked_project = lock(project)
        _require_round_due(locked_project)
        verification = _save_new_round(locked_project, user, batch)
        _attach(verification, locked_project, user, files)
        notify(recipients=_client_verifiers(locked_project), key=f"first_article:{verification.pk}:submitted",
               title=_("First batch submitted for verification: %(project)s, round %(n)d")
               % {"project": locked_project.name, "n": verification.round_no},
               link=verification.get_absolute_url(), project=locked_project, kind="first_article")
    return verification


# ---------------------------------------------------------------- verify (client)

@dataclass(frozen=True)
class _Verdict:
    """The client's findings on a round, cleaned and consistent (Annex C)."""

    results: dict[str, bool]
    reasons: dict[str, str]
    problems: list[str]
    passed: bool
    verified_on: dt.date
    client_verifiers: str
    rectification_due: dt.date | None
    requirement: str


def _clean_checks(results: dict, reasons: dict) -> tuple[dict[str, str], list[str]]:
    """Each check passed or failed, a failed one with its reason; returns the cleaned reasons and
    the failures as printed on the work contact sheet (``作业规范性：…``)."""
    cleaned, problems = {}, []
    for code, label, printed in CHECKS:
        if not isinstance(results[code], bool):
            raise DomainError(_("Say whether the check “%(check)s” passed or failed.") % {"check": label},
                              field=f"{code}_passed")
        cleaned[code] = clean_text(reasons[code], field=f"{code}_reason", label=_("The reason"), required=False,
                                   max_length=TEXT_MAX)
        if not results[code] and not cleaned[code]:
            raise DomainError(_("Give the reason why the check “%(check)s” failed.") % {"check": label},
                              field=f"{code}_reason")
        if not results[code]:
            problems.append(f"{printed}：{cleaned[code]}")
    return cleaned, problems


def _check_conclusion(conclusion: str, all_passed: bool) -> bool:
    """Whether the round passed: the conclusion, which must agree with the checks."""
    if conclusion not in Conclusion.values:
        raise DomainError(_("Choose the conclusion: passed or failed."), field="conclusion")
    if conclusion == Conclusion.PASS and not all_passed:
        raise DomainError(_("The batch cannot pass while a check failed."), field="conclusion")
    if conclusion == Conclusion.FAIL and all_passed:
        raise DomainError(_("To conclude that the batch failed, mark the check that failed and give the reason."),
                          field="conclusion")
    return conclusion == Conclusion.PASS


def _clean_verified_on(verified_on, batch_date: dt.date) -> dt.date:
    today = timezone.localdate()
    if verified_on is None:
        return today
    verified_on = _date(verified_on, field="verified_on", label=_("The verification date"))
    if verified_on > today:
        raise DomainError(_("The verification date cannot be in the future."), field="verified_on")
    if verified_on < batch_date:
        raise DomainError(_("The verification date cannot be before the date of the batch."), field="verified_on")
    return verified_on


def _clean_rectification(rectification_due, requirement) -> tuple[dt.date, str]:
    """A failed round's deadline (after today, within a year) and requirement."""
    if rectification_due is None:
        raise DomainError(_("Set the rectification deadline."), field="rectification_due")
    due = _date(rectification_due, field="rectification_due", label=_("The rectification deadline"))
    today = timezone.localdate()
    if not today < due <= today + dt.timedelta(days=MAX_DEADLINE_DAYS):
        raise DomainError(_("The rectification deadline must be after today and within %(n)d days.")
                          % {"n": MAX_DEADLINE_DAYS}, field="rectification_due")
    return due, clean_text(requirement, field="requirement", label=_("The rectification requirement"),
                           max_length=TEXT_MAX)


def _verdict(verification: FirstArticleVerification, user, *, results: dict, reasons: dict, conclusion: str,
             verified_on, client_verifiers, rectification_due, requirement) -> _Verdict:
    reasons, problems = _clean_checks(results, reasons)
    passed = _check_conclusion(conclusion, all(results.values()))
    verified_on = _clean_verified_on(verified_on, verification.batch_date)
    client_verifiers = clean_line(client_verifiers, field="client_verifiers", label=_("Verifiers (client)"),
                                  required=False, max_length=NAMES_MAX) or _signer_name(user)
    due, requirement = (None, requirement) if passed else _clean_rectification(rectification_due, requirement)
    return _Verdict(results=results, reasons=reasons, problems=problems, passed=passed, verified_on=verified_on,
                    client_verifiers=client_verifiers, rectification_due=due, requirement=requirement)


def _lock_submitted(verification: FirstArticleVerification) -> FirstArticleVerification:
    locked = lock(verification, related=("project",))
    if locked.status != VerificationStatus.SUBMITTED:
        raise DomainError(_("This round has already been verified (%(status)s).")
                          % {"status": locked.get_status_display()}, code="illegal_transition")
    return locked


def _record_verdict(locked: FirstArticleVerification, user, verdict: _Verdict) -> None:
    locked.status = VerificationStatus.PASSED if verdict.passed else VerificationStatus.FAILED
    locked.is_baseline = verdict.passed
    locked.verified_by = user
    locked.verified_at = timezone.now()
    locked.verified_on = verdict.verified_on
    locked.client_verifiers = verdict.client_verifiers
    for code, _label, _printed in CHECKS:
        setattr(locked, f"{code}_passed", verdict.results[code])
        setattr(locked, f"{code}_reason", verdict.reasons[code])
    locked.rectification_due = verdict.rectification_due
    reason = (_("First batch verified: passed, batch production may start") if verdict.passed
              else _("First batch verified: failed, rectification by %(due)s") % {"due": f"{verdict.rectification_due}"})
    save_with_history(locked, reason=reason, update_fields=[
        "status", "is_baseline", "verified_by", "verified_at", "verified_on", "client_verifiers",
        "operation_passed", "quality_passed", "safety_passed", "operation_reason", "quality_reason",
        "safety_reason", "rectification_due", "updated_at"])


def _close_answered_sheet(verification: FirstArticleVerification) -> None:
    """The round answered a previous contact sheet: verifying it closes that loop."""
    if not verification.follows_id:
        return
    sheet = lock(WorkContactSheet, pk=verification.follows_id)
    if sheet.state != ContactSheetState.CLOSED:
        sheet.state = ContactSheetState.CLOSED
        sheet.closed_at = timezone.now()
        save_with_history(sheet, reason=_("Closed: the resubmitted batch (round %(n)d) was verified")
                          % {"n": verification.round_no}, update_fields=["state", "closed_at"])


def _contact_sheet_issue(*, verification: FirstArticleVerification, user, problems: list[str], requirement: str,
                         due_date: dt.date) -> WorkContactSheet:
    """Part of the failing verification: the 工作联系单 and its rectification deadline."""
    from apps.deadlines.services import deadline_create

    project = verification.project
    sheet = WorkContactSheet(project=project, verification=verification, problem="\n".join(problems),
                             requirement=requirement, due_date=due_date, issued_by=user)
    sheet._change_reason = _("Work contact sheet issued after the failed first batch (round %(n)d)") % {
        "n": verification.round_no}
    sheet.save()
    responsible = verification.submitted_by
    if not (responsible.is_active and project.members.filter(user=responsible, is_active=True).exists()):
        responsible = None
    deadline_create(record=sheet, project=project, kind=DEADLINE_KIND,
                    title=_("Rectify the first batch (round %(n)d)") % {"n": verification.round_no},
                    base_date=timezone.localdate(), amount=(due_date - timezone.localdate()).days,
                    counting="calendar_days", responsible_org=project.contractor, responsible_user=responsible,
                    user=user)
    return sheet


def _after_failure(verification: FirstArticleVerification, user, verdict: _Verdict) -> None:
    """A failed round: the work contact sheet with its deadline, the problem of the project's
    closed loop (§4.4, apps.rectification; the contact sheet keeps the deadline), and the
    contractor told."""
    from apps.projects.hooks import problem_found

    project = verification.project
    sheet = _contact_sheet_issue(verification=verification, user=user, problems=verdict.problems,
                                 requirement=verdict.requirement, due_date=verdict.rectification_due)
    problem_found(project=project, source="other", record=verification, user=user,
                  title=_("First batch failed verification (round %(n)d)") % {"n": verification.round_no},
                  description="；".join(verdict.problems), requirement=verdict.requirement,
                  severity="serious", due_date=verdict.rectification_due, deadline_elsewhere=True)
    notify(recipients=_contractor_people(project), key=f"first_article:{verification.pk}:failed",
           title=_("First batch failed verification: rectify by %(due)s (%(project)s)")
           % {"due": f"{verdict.rectification_due}", "project": project.name},
           link=sheet.get_absolute_url(), project=project, kind="first_article")


def _after_pass(verification: FirstArticleVerification) -> None:
    project = verification.project
    notify(recipients=_contractor_people(project), key=f"first_article:{verification.pk}:passed",
           title=_("First batch passed verification: sign the record (%(project)s)") % {"project": project.name},
           link=verification.get_absolute_url(), project=project, kind="first_article")


def verification_verify(*, verification: FirstArticleVerification, user, operation_passed: bool,
                        quality_passed: bool, safety_passed: bool, conclusion: str, operation_reason: str = "",
                        quality_reason: str = "", safety_reason: str = "", rectification_due: dt.date | None = None,
                        requirement: str = "", client_verifiers: str = "",
                        verified_on: dt.date | None = None) -> FirstArticleVerification:
    """The client verifies the round (Annex C): three checks, each pass/fail with a reason when
    failed, and the conclusion. A failure issues a work contact sheet with a rectification
    deadline (apps.deadlines, responsible: the contractor)."""
    require("first_article.may_verify_first_article", user, verification)
    verdict = _verdict(
        verification, user, conclusion=conclusion, verified_on=verified_on, client_verifiers=client_verifiers,
        results={"operation": operation_passed, "quality": quality_passed, "safety": safety_passed},
        reasons={"operation": operation_reason, "quality": quality_reason, "safety": safety_reason},
        rectification_due=rectification_due, requirement=requirement)
    with transaction.atomic(), history_context(user=user):
        locked = _lock_submitted(verification)
        _record_verdict(locked, user, verdict)
        _close_answered_sheet(locked)
        if verdict.passed:
            _after_pass(locked)
        else:
            _after_failure(locked, user, verdict)
    return locked


# ---------------------------------------------------------------- answer (contractor)

def contact_sheet_answer(*, contact_sheet: WorkContactSheet, user, measures: str, result: str,
                         files: Iterable = ()) -> RectificationSheet:
    """The contractor answers the work contact sheet with a 项目问题整改单 (measures taken and
    result). The rectification deadline is met; the contractor may then resubmit the batch."""
    from apps.deadlines.services import deadlines_close_for_record
    from apps.projects.hooks import problem_answered

    require("first_article.may_answer_contact_sheet", user, contact_sheet)
    measures = clean_text(measures, field="measures", label=_("The measures taken"), max_length=TEXT_MAX)
    result = clean_text(result, field="result", label=_("The result of the rectification"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        sheet = lock(contact_sheet, related=("project", "verification"))
        if sheet.state != ContactSheetState.OPEN:
            raise DomainError(_("This work contact sheet has already been answered."), code="illegal_transition")
        project = sheet.project
        answer = RectificationSheet(project=project, contact_sheet=sheet, measures=measures, result=result,
                                    submitted_by=user)
        answer._change_reason = _("Rectification sheet submitted")
        answer.save()
        sheet.state = ContactSheetState.ANSWERED
        save_with_history(sheet, reason=_("Answered with a rectification sheet"), update_fields=["state"])
        deadlines_close_for_record(record=sheet, user=user, kinds=[DEADLINE_KIND])
        _attach(answer, project, user, files)
        problem_answered(record=sheet.verification, user=user, measures=measures, result=result)
        notify(recipients=_client_verifiers(project), key=f"first_article_sheet:{sheet.pk}:answered",
               title=_("Rectification sheet submitted for the first batch (%(project)s)") % {"project": project.name},
               link=answer.get_absolute_url(), project=project, kind="first_article")
    return answer
