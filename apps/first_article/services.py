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

import rules
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.text import clean_text
from apps.core.validation import full_clean_or_error
from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import history_context, save_with_history
from apps.projects.models import Project, ProjectMember

from . import selectors
from .enums import CHECKS, Conclusion, ContactSheetState, Unit, VerificationStatus
from .models import TEXT_MAX, FirstArticleVerification, RectificationSheet, WorkContactSheet
from .rules import SUBMITTER_ROLES, VERIFIER_ROLES, WORKING_PHASES

MAX_QUANTITY = 10_000_000
MAX_DEADLINE_DAYS = 365
DEADLINE_KIND = "rectification"


def _require(rule: str, user, obj, message: str) -> None:
    if not (user is not None and rules.test_rule(rule, user, obj)):
        raise PermissionDenied(message)


def _text(value, *, field: str, label: str, required: bool = True, max_length: int = TEXT_MAX) -> str:
    return clean_text(value, field=field, label=label, required=required, max_length=max_length)


def _date(value, *, field: str, label: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("%(label)s is not a valid date.") % {"label": label}, field=field)
    return value


def _full_clean(obj, exclude: list[str]) -> None:
    full_clean_or_error(obj, exclude, validate_constraints=False)


def _people(project: Project, roles: Iterable[str], org_id: int) -> list:
    members = (ProjectMember.objects.filter(project=project, is_active=True, role__in=list(roles),
                                            user__is_active=True, user__organization_id=org_id)
               .select_related("user"))
    return list({m.user_id: m.user for m in members}.values())


def _notify(*, recipients: list, key: str, title: str, link: str, project: Project) -> None:
    from apps.notifications.services import notify

    recipients = list(recipients)
    if recipients:
        notify(recipients=recipients, key=key, title=title, link=link, project=project, kind="first_article")


def _attach(record, project: Project, user, files: Iterable) -> None:
    from apps.attachments.enums import AttachmentKind
    from apps.attachments.services import attachment_add

    for uploaded in files or ():
        attachment_add(record=record, project=project, user=user, uploaded_file=uploaded,
                       kind=AttachmentKind.EVIDENCE)


# ---------------------------------------------------------------- submit (contractor)

def verification_submit(*, project: Project, user, batch_description: str, quantity: int, unit: str,
                        batch_date: dt.date, self_check_result: str, batch_no: str = "",
                        contractor_verifiers: str = "", files: Iterable = ()) -> FirstArticleVerification:
    """The contractor submits its first batch after its own check (§5.1.4): a new round.

    Legal when no round exists yet, or when the latest round failed and its work contact
    sheet has been answered with a rectification sheet.
    """
    _require("first_article.may_submit_first_article", user, project,
             _("Only the contractor's project manager or special inspector can submit the first batch."))
    from apps.teams.selectors import may_do_contractor_work

    if not may_do_contractor_work(user, project):
        raise PermissionDenied(_("Your staff filing on this project has not been approved by the client: only filed "
                                 "and approved contractor staff can submit the first batch (§8.1.1)."))
    batch_description = _text(batch_description, field="batch_description", label=_("Batch"), max_length=200)
    batch_no = _text(batch_no, field="batch_no", label=_("Batch number"), required=False, max_length=64)
    self_check_result = _text(self_check_result, field="self_check_result",
                              label=_("The contractor's self-check result"))
    contractor_verifiers = _text(contractor_verifiers, field="contractor_verifiers",
                                 label=_("Verifiers (contractor)"), required=False, max_length=200) \
        or (user.get_full_name() or user.get_username())
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(_("The quantity must be a whole number between 1 and %(n)d.") % {"n": MAX_QUANTITY},
                          field="quantity")
    if unit not in Unit.values:
        raise DomainError(_("Choose the unit: items, pages, volumes, boxes or entries."), field="unit")
    batch_date = _date(batch_date, field="batch_date", label=_("The date of the batch"))
    if batch_date > timezone.localdate():
        raise DomainError(_("The date of the batch cannot be in the future."), field="batch_date")

    with transaction.atomic(), history_context(user=user):
        # One submission at a time per project: the project row serialises the round numbers.
        locked_project = Project.objects.select_for_update().get(pk=project.pk)
        if locked_project.phase not in WORKING_PHASES:
            raise DomainError(_("The first batch can only be submitted while the project is in preparation or "
                                "implementation."), code="illegal_transition")
        refusal = selectors.submission_refusal(locked_project)
        if refusal:
            raise DomainError(refusal, code="illegal_transition")
        latest = selectors.latest_verification(locked_project)
        follows = getattr(latest, "contact_sheet", None) if latest else None
        round_no = (latest.round_no + 1) if latest else 1
        verification = FirstArticleVerification(
            project=locked_project, round_no=round_no, follows=follows, batch_description=batch_description,
            batch_no=batch_no, quantity=quantity, unit=unit, batch_date=batch_date,
            self_check_result=self_check_result, contractor_verifiers=contractor_verifiers, submitted_by=user)
        _full_clean(verification, exclude=["project", "follows", "submitted_by", "verified_by"])
        verification._change_reason = _("First batch submitted for verification (round %(n)d)") % {"n": round_no}
        try:
            with transaction.atomic():
                verification.save()
        except IntegrityError as exc:
            raise DomainError(_("A first batch is already awaiting the client's verification."),
                              code="illegal_transition") from exc
        _attach(verification, locked_project, user, files)
        _notify(
            recipients=_people(locked_project, VERIFIER_ROLES, locked_project.client_id),
            key=f"first_article:{verification.pk}:submitted",
            title=_("First batch submitted for verification: %(project)s, round %(n)d")
            % {"project": locked_project.name, "n": round_no},
            link=verification.get_absolute_url(), project=locked_project)
    return verification


# ---------------------------------------------------------------- verify (client)

def verification_verify(*, verification: FirstArticleVerification, user, operation_passed: bool,
                        quality_passed: bool, safety_passed: bool, conclusion: str, operation_reason: str = "",
                        quality_reason: str = "", safety_reason: str = "", rectification_due: dt.date | None = None,
                        requirement: str = "", client_verifiers: str = "",
                        verified_on: dt.date | None = None) -> FirstArticleVerification:
    """The client verifies the round (Annex C): three checks, each pass/fail with a reason when
    failed, and the conclusion. A failure issues a work contact sheet with a rectification
    deadline (apps.deadlines, responsible: the contractor)."""
    _require("first_article.may_verify_first_article", user, verification,
             _("Only the client's project lead or quality inspector can verify the first batch."))
    results = {"operation": operation_passed, "quality": quality_passed, "safety": safety_passed}
    reasons = {"operation": operation_reason, "quality": quality_reason, "safety": safety_reason}
    problems = []
    for code, label, printed in CHECKS:
        if not isinstance(results[code], bool):
            raise DomainError(_("Say whether the check “%(check)s” passed or failed.") % {"check": label},
                              field=f"{code}_passed")
        reasons[code] = _text(reasons[code], field=f"{code}_reason", label=_("The reason"), required=False)
        if not results[code] and not reasons[code]:
            raise DomainError(_("Give the reason why the check “%(check)s” failed.") % {"check": label},
                              field=f"{code}_reason")
        if not results[code]:
            problems.append(f"{printed}：{reasons[code]}")
    if conclusion not in Conclusion.values:
        raise DomainError(_("Choose the conclusion: passed or failed."), field="conclusion")
    all_passed = all(results.values())
    if conclusion == Conclusion.PASS and not all_passed:
        raise DomainError(_("The batch cannot pass while a check failed."), field="conclusion")
    if conclusion == Conclusion.FAIL and all_passed:
        raise DomainError(_("To conclude that the batch failed, mark the check that failed and give the reason."),
                          field="conclusion")
    today = timezone.localdate()
    verified_on = today if verified_on is None else _date(verified_on, field="verified_on",
                                                          label=_("The verification date"))
    if verified_on > today:
        raise DomainError(_("The verification date cannot be in the future."), field="verified_on")
    if verified_on < verification.batch_date:
        raise DomainError(_("The verification date cannot be before the date of the batch."), field="verified_on")
    client_verifiers = _text(client_verifiers, field="client_verifiers", label=_("Verifiers (client)"),
                             required=False, max_length=200) or (user.get_full_name() or user.get_username())
    if conclusion == Conclusion.FAIL:
        if rectification_due is None:
            raise DomainError(_("Set the rectification deadline."), field="rectification_due")
        rectification_due = _date(rectification_due, field="rectification_due", label=_("The rectification deadline"))
        if not today < rectification_due <= today + dt.timedelta(days=MAX_DEADLINE_DAYS):
            raise DomainError(_("The rectification deadline must be after today and within %(n)d days.")
                              % {"n": MAX_DEADLINE_DAYS}, field="rectification_due")
        requirement = _text(requirement, field="requirement", label=_("The rectification requirement"))
    else:
        rectification_due = None

    with transaction.atomic(), history_context(user=user):
        locked = (FirstArticleVerification.objects.select_for_update().select_related("project")
                  .get(pk=verification.pk))
        if locked.status != VerificationStatus.SUBMITTED:
            raise DomainError(_("This round has already been verified (%(status)s).")
                              % {"status": locked.get_status_display()}, code="illegal_transition")
        project = locked.project
        locked.status = VerificationStatus.PASSED if conclusion == Conclusion.PASS else VerificationStatus.FAILED
        locked.is_baseline = conclusion == Conclusion.PASS
        locked.verified_by = user
        locked.verified_at = timezone.now()
        locked.verified_on = verified_on
        locked.client_verifiers = client_verifiers
        locked.operation_passed, locked.quality_passed, locked.safety_passed = (
            results["operation"], results["quality"], results["safety"])
        locked.operation_reason, locked.quality_reason, locked.safety_reason = (
            reasons["operation"], reasons["quality"], reasons["safety"])
        locked.rectification_due = rectification_due
        reason = (_("First batch verified: passed, batch production may start") if conclusion == Conclusion.PASS
                  else _("First batch verified: failed, rectification by %(due)s") % {"due": f"{rectification_due}"})
        save_with_history(locked, reason=reason, update_fields=[
            "status", "is_baseline", "verified_by", "verified_at", "verified_on", "client_verifiers",
            "operation_passed", "quality_passed", "safety_passed", "operation_reason", "quality_reason",
            "safety_reason", "rectification_due", "updated_at"])

        # The round answered a previous contact sheet: verifying it closes that loop.
        if locked.follows_id:
            sheet = WorkContactSheet.objects.select_for_update().get(pk=locked.follows_id)
            if sheet.state != ContactSheetState.CLOSED:
                sheet.state = ContactSheetState.CLOSED
                sheet.closed_at = timezone.now()
                save_with_history(sheet, reason=_("Closed: the resubmitted batch (round %(n)d) was verified")
                                  % {"n": locked.round_no}, update_fields=["state", "closed_at"])

        contractor_people = _people(project, SUBMITTER_ROLES, project.contractor_id)
        if conclusion == Conclusion.FAIL:
            sheet = _contact_sheet_issue(verification=locked, user=user, problems=problems, requirement=requirement,
                                         due_date=rectification_due)
            # §4.4: the failure is also a problem of the project's closed loop (apps.rectification);
            # the contact sheet keeps the deadline.
            from apps.projects.hooks import problem_found

            problem_found(project=project, source="other", record=locked, user=user,
                          title=_("First batch failed verification (round %(n)d)") % {"n": locked.round_no},
                          description="；".join(problems), requirement=requirement,
                          severity="serious", due_date=rectification_due, deadline_elsewhere=True)
            _notify(
                recipients=contractor_people, key=f"first_article:{locked.pk}:failed",
                title=_("First batch failed verification: rectify by %(due)s (%(project)s)")
                % {"due": f"{rectification_due}", "project": project.name},
                link=sheet.get_absolute_url(), project=project)
        else:
            _notify(
                recipients=contractor_people, key=f"first_article:{locked.pk}:passed",
                title=_("First batch passed verification: sign the record (%(project)s)") % {"project": project.name},
                link=locked.get_absolute_url(), project=project)
    return locked


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


# ---------------------------------------------------------------- answer (contractor)

def rectification_submit(*, contact_sheet: WorkContactSheet, user, measures: str, result: str,
                         files: Iterable = ()) -> RectificationSheet:
    """The contractor answers the work contact sheet with a 项目问题整改单 (measures taken and
    result). The rectification deadline is met; the contractor may then resubmit the batch."""
    _require("first_article.may_answer_contact_sheet", user, contact_sheet,
             _("Only the contractor's project manager or special inspector can answer a work contact sheet."))
    measures = _text(measures, field="measures", label=_("The measures taken"))
    result = _text(result, field="result", label=_("The result of the rectification"))
    with transaction.atomic(), history_context(user=user):
        sheet = WorkContactSheet.objects.select_for_update().select_related("project", "verification").get(
            pk=contact_sheet.pk)
        if sheet.state != ContactSheetState.OPEN:
            raise DomainError(_("This work contact sheet has already been answered."), code="illegal_transition")
        project = sheet.project
        answer = RectificationSheet(project=project, contact_sheet=sheet, measures=measures, result=result,
                                    submitted_by=user)
        answer._change_reason = _("Rectification sheet submitted")
        answer.save()
        sheet.state = ContactSheetState.ANSWERED
        save_with_history(sheet, reason=_("Answered with a rectification sheet"), update_fields=["state"])
        from apps.deadlines.services import deadlines_close_for_record

        deadlines_close_for_record(record=sheet, user=user, kinds=[DEADLINE_KIND])
        _attach(answer, project, user, files)
        from apps.projects.hooks import problem_answered

        problem_answered(record=sheet.verification, user=user, measures=measures, result=result)
        _notify(
            recipients=_people(project, VERIFIER_ROLES, project.client_id),
            key=f"first_article_sheet:{sheet.pk}:answered",
            title=_("Rectification sheet submitted for the first batch (%(project)s)") % {"project": project.name},
            link=answer.get_absolute_url(), project=project)
    return answer

