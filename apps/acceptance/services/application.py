"""The acceptance application (验收申请, §5.3.1, §6.5.1, §8.3.1)::

    create (contractor PM) ──► DRAFT ──submit──► SUBMITTED ──review: complete (client lead)──► COMPLETE
                                                   │              └─ the project enters 验收 (project_advance)
                                                   └──review: return, with what is missing per line──► RETURNED
                                                                       └── completed and submitted again ──┘

Applying is refused while a rectification ticket is open or a batch is not accepted (the gates
``no_open_tickets`` and ``batches_accepted``); the refusal names what blocks.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.core.errors import DomainError
from apps.core.history import delete_with_history, history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.projects.enums import Phase
from apps.projects.models import Project

from ..enums import ApplicationState, LineReview, MaterialKind, SystemRecord
from ..models import LINE_MAX, TEXT_MAX, AcceptanceApplication, MaterialLine
from .common import KIND, choice, client_lead, contractor_pm, lines_with_files, lock_project_in

# What the contract usually requires (§6.5.1: 成果、质量记录、过程资料); the PM edits the list.
DEFAULT_LINES = (
    (MaterialKind.RESULTS, gettext_noop("Results list (成果清单): the results delivered, with quantities"), ""),
    (MaterialKind.QUALITY_RECORDS, gettext_noop("Three-level inspection records (自检、互检、专检)"),
     SystemRecord.BATCHES),
    (MaterialKind.QUALITY_RECORDS, gettext_noop("Sampling inspection records of the batches"),
     SystemRecord.LOT_INSPECTIONS),
    (MaterialKind.QUALITY_RECORDS, gettext_noop("Rectification records, every ticket closed"),
     SystemRecord.RECTIFICATION),
    (MaterialKind.SELF_CHECK, gettext_noop("Self-check summary report of the contractor"), ""),
    (MaterialKind.PROCESS, gettext_noop("Process documents: handover registers, work logs, security records"), ""),
)


def application_blockers(project: Project) -> list[str]:
    """Why the project cannot apply for acceptance now: open tickets and batches not accepted,
    each named (empty when nothing blocks)."""
    from apps.batches.selectors import unfinished_batches
    from apps.rectification.selectors import open_tickets

    blockers = []
    tickets = list(open_tickets(project).order_by("number").values_list("number", flat=True))
    if tickets:
        blockers.append(_("rectification tickets still open: No. %(n)s") % {"n": "、".join(map(str, tickets))})
    batches = list(unfinished_batches(project).values_list("number", flat=True))
    if batches:
        blockers.append(_("batches not yet accepted: %(n)s") % {"n": "、".join(map(str, batches))})
    return blockers


def _refuse_if_blocked(project: Project) -> None:
    blockers = application_blockers(project)
    if blockers:
        raise DomainError(_("Acceptance cannot be applied for yet (§5.3.1): %(why)s.") % {"why": "；".join(blockers)},
                          code="illegal_transition")


def _texts(results, note) -> dict:
    return {
        "results": clean_text(results, field="results", label=_("The results delivered"), required=False,
                              max_length=TEXT_MAX),
        "note": clean_text(note, field="note", label=_("The note"), required=False, max_length=TEXT_MAX),
    }


def _editable(application: AcceptanceApplication, *, expected_version=None) -> AcceptanceApplication:
    locked = lock(application, expected_version=expected_version, related=("project",))
    if not locked.is_editable or locked.project.phase != Phase.IMPLEMENTATION:
        raise DomainError(_("The application is %(state)s and cannot be changed now.")
                          % {"state": locked.get_state_display()}, code="illegal_transition")
    return locked


def _bump(application: AcceptanceApplication, reason: str, fields: list[str]) -> None:
    application.version += 1
    save_with_history(application, reason=reason, update_fields=[*fields, "version", "updated_at"])


def application_create(*, project: Project, user, results: str = "", note: str = "") -> AcceptanceApplication:
    """The contractor PM opens the application with the usual materials lines (a draft)."""
    require("acceptance.may_apply", user, project)
    texts = _texts(results, note)
    with transaction.atomic(), history_context(user=user, reason=_("Acceptance application drafted")):
        locked = lock_project_in(project, Phase.IMPLEMENTATION)
        if AcceptanceApplication.objects.filter(project=locked).exists():
            raise DomainError(_("The project already has an acceptance application."), code="illegal_transition")
        _refuse_if_blocked(locked)
        application = AcceptanceApplication.objects.create(project=locked, created_by=user, **texts)
        with translation.override(settings.LANGUAGE_CODE):
            for order, (kind, title, record_ref) in enumerate(DEFAULT_LINES, start=1):
                MaterialLine.objects.create(application=application, order=order, kind=kind, title=_(title),
                                            record_ref=record_ref)
    return application


def application_update(*, application: AcceptanceApplication, user, results: str = "", note: str = "",
                       expected_version: int | None = None) -> AcceptanceApplication:
    require("acceptance.may_edit_application", user, application)
    texts = _texts(results, note)
    with transaction.atomic(), history_context(user=user):
        locked = _editable(application, expected_version=expected_version)
        locked.results, locked.note = texts["results"], texts["note"]
        _bump(locked, _("Application updated"), ["results", "note"])
    return locked


def _line_fields(kind, title, description, required, record_ref, reference) -> dict:
    if not isinstance(required, bool):
        raise DomainError(_("Say yes or no for %(label)s.") % {"label": _("required by the contract")},
                          field="required")
    return {
        "kind": choice(kind, MaterialKind, field="kind", label=_("the kind of material")),
        "title": clean_line(title, field="title", label=_("The material"), max_length=LINE_MAX),
        "description": clean_text(description, field="description", label=_("The description"), required=False,
                                  max_length=TEXT_MAX),
        "required": required,
        "record_ref": "" if record_ref in (None, "") else choice(record_ref, SystemRecord, field="record_ref",
                                                                 label=_("the records in the system")),
        "reference": clean_line(reference, field="reference", label=_("The reference"), required=False,
                                max_length=LINE_MAX),
    }


def line_add(*, application: AcceptanceApplication, user, kind: str, title: str, description: str = "",
             required: bool = True, record_ref: str = "", reference: str = "", files: Iterable = ()) -> MaterialLine:
    """A further line of the materials checklist, with files or a reference to records."""
    from .common import attach

    require("acceptance.may_edit_application", user, application)
    fields = _line_fields(kind, title, description, required, record_ref, reference)
    with transaction.atomic(), history_context(user=user, reason=_("Materials line added")):
        locked = _editable(application)
        order = (locked.lines.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        line = MaterialLine.objects.create(application=locked, order=order, **fields)
        attach(line, locked.project, user, files)
    return line


def line_update(*, line: MaterialLine, user, kind: str, title: str, description: str = "", required: bool = True,
                record_ref: str = "", reference: str = "", files: Iterable = (),
                expected_version: int | None = None) -> MaterialLine:
    from .common import attach

    require("acceptance.may_edit_application", user, line.application)
    fields = _line_fields(kind, title, description, required, record_ref, reference)
    with transaction.atomic(), history_context(user=user):
        _editable(line.application)
        locked = lock(line, expected_version=expected_version)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version += 1
        save_with_history(locked, reason=_("Materials line updated"),
                          update_fields=[*fields, "version", "updated_at"])
        attach(locked, line.application.project, user, files)
    return locked


def line_remove(*, line: MaterialLine, user) -> None:
    """A line the contract does not require is taken off the checklist (its files stay in the
    project's attachments)."""
    require("acceptance.may_edit_application", user, line.application)
    with transaction.atomic(), history_context(user=user):
        _editable(line.application)
        locked = lock(line)
        if lines_with_files([locked]):
            raise DomainError(_("A line with files cannot be removed; remove its files first."),
                              code="illegal_transition")
        delete_with_history(locked, reason=_("Materials line removed"), user=user)


def application_submit(*, application: AcceptanceApplication, user,
                       expected_version: int | None = None) -> AcceptanceApplication:
    """The contractor submits the application: refused while a ticket is open or a batch is not
    accepted, and while a required line has neither files nor a reference to records."""
    require("acceptance.may_edit_application", user, application)
    with transaction.atomic(), history_context(user=user):
        locked = _editable(application, expected_version=expected_version)
        _refuse_if_blocked(locked.project)
        if not locked.results:
            raise DomainError(_("Describe the results delivered before submitting."), field="results")
        lines = list(locked.lines.all())
        if not lines:
            raise DomainError(_("The materials checklist is empty."), code="invalid")
        with_files = lines_with_files(lines)
        bare = [line.title for line in lines if line.required and not line.record_ref and line.pk not in with_files]
        if bare:
            raise DomainError(_("Attach files or refer to records in the system for: %(lines)s.")
                              % {"lines": "；".join(bare)}, code="invalid")
        was_returned = locked.state == ApplicationState.RETURNED
        locked.state = ApplicationState.SUBMITTED
        locked.submitted_by, locked.submitted_at = user, timezone.now()
        locked.submissions += 1
        _bump(locked, _("Application resubmitted with the missing materials") if was_returned
              else _("Application for acceptance submitted"), ["state", "submitted_by", "submitted_at", "submissions"])
        notify(recipients=client_lead(locked.project), key=f"acceptance:application:{locked.pk}:{locked.submissions}",
               title=_("Acceptance applied for: %(project)s — review the materials") % {"project": locked.project.name},
               body=locked.results[:500], link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked


def application_review(*, application: AcceptanceApplication, user, complete: bool, missing: dict | None = None,
                       note: str = "", expected_version: int | None = None) -> AcceptanceApplication:
    """The client lead's review of the materials (§8.3.1 发包方审核资料合格后，制定验收方案):
    complete → the project enters 验收 (its gates checked in the same transaction); incomplete →
    returned to the contractor with what is missing, line by line (``missing``: {line id: text})."""
    from apps.projects.services import project_advance

    require("acceptance.may_review_application", user, application)
    if not isinstance(complete, bool):
        raise DomainError(_("Say whether the materials are complete."), field="complete")
    note = clean_text(note, field="note", label=_("The review remarks"), required=False, max_length=TEXT_MAX)
    cleaned = {}
    for key, text in (missing or {}).items():
        text = clean_line(text, field=f"missing_{key}", label=_("What is missing"), required=False,
                          max_length=LINE_MAX * 2)
        if text:
            cleaned[int(key)] = text
    with transaction.atomic(), history_context(user=user):
        locked = lock(application, expected_version=expected_version, related=("project",))
        if locked.state != ApplicationState.SUBMITTED or locked.project.phase != Phase.IMPLEMENTATION:
            raise DomainError(_("The application is not awaiting review (%(state)s).")
                              % {"state": locked.get_state_display()}, code="illegal_transition")
        lines = {line.pk: line for line in locked.lines.all()}
        unknown = set(cleaned) - set(lines)
        if unknown:
            raise DomainError(_("Unknown materials line."), field="missing")
        if complete and cleaned:
            raise DomainError(_("Complete materials have nothing missing: clear the notes or return the application."),
                              field="complete")
        if not complete and not cleaned:
            raise DomainError(_("Say what is missing on at least one line before returning the application."),
                              field="missing")
        for pk, line in lines.items():
            line.review = LineReview.MISSING if pk in cleaned else LineReview.COMPLETE
            line.review_note = cleaned.get(pk, "")
            line.version += 1
            save_with_history(line, reason=_("Materials reviewed"),
                              update_fields=["review", "review_note", "version", "updated_at"])
        locked.reviewed_by, locked.reviewed_at, locked.review_note = user, timezone.now(), note
        if complete:
            locked.state = ApplicationState.COMPLETE
            _bump(locked, _("Materials complete: the acceptance can be planned"),
                  ["state", "reviewed_by", "reviewed_at", "review_note"])
            project_advance(project=locked.project, user=user, reason=_("Acceptance application reviewed: complete"))
            title = _("Acceptance materials complete: %(project)s enters acceptance")
        else:
            locked.state = ApplicationState.RETURNED
            _bump(locked, _("Returned for completion: %(n)d lines missing") % {"n": len(cleaned)},
                  ["state", "reviewed_by", "reviewed_at", "review_note"])
            title = _("Acceptance materials returned for completion: %(project)s")
        notify(recipients=contractor_pm(locked.project), key=f"acceptance:review:{locked.pk}:{locked.submissions}",
               title=title % {"project": locked.project.name},
               body="\n".join(f"{lines[pk].title}: {text}" for pk, text in cleaned.items()) or note,
               link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked
