"""The change requests tab (变更联系单, §6.4.2, §8.2.3)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from apps.core.history import client_ip
from apps.core.permissions import allowed
from apps.core.transitions import Target
from apps.projects.selectors import project_for_user

from .. import forms as f
from .. import selectors, services
from .common import ControlTransition, ProjectControlTransition, section


@login_required
def changes(request, project_id):
    project = project_for_user(request.user, project_id)
    return section(request, project, "changes", "control/changes.html", {
        "changes": selectors.change_requests(project),
        "may_request": allowed("control.may_request_change", request.user, project)})


@login_required
def change_detail(request, pk):
    change = selectors.change_request_for_user(request.user, pk)
    return render(request, "control/change_detail.html", {
        "project": change.project, "change": change, "tab": "changes",
        "summary": selectors.project_summary(change.project),
        "approval": _approval_signature(change)})


def _approval_signature(change):
    from apps.accounts.enums import Party
    from apps.signatures.enums import SignatureMeaning
    from apps.signatures.selectors import signatures_for

    return next((s for s in signatures_for(change) if s.party == Party.CLIENT
                 and s.meaning == SignatureMeaning.APPROVE), None)


class ProjectChangeTransition(ProjectControlTransition):
    """Submit a change request."""

    tab = "changes"
    targets = {
        "add": Target(
            rule="control.may_request_change", service=services.change_request_submit,
            form_class=f.ChangeRequestForm, files=True, to_result=True,
            success=_("Change request submitted. Nothing changes until the client approves it in writing."),
            title=_("Submit a change request (变更联系单)"),
            intro=_("§6.4.2: request the change in writing with its reason and its impact on quality.")),
    }


class ChangeRequestTransition(ControlTransition):
    """Approve (and sign), reject, withdraw a change request; confirm its implementation."""

    lookup = staticmethod(selectors.change_request_for_user)
    entity = "change_request"
    title_name = "change"
    record_intro = frozenset({"approve", "reject", "withdraw", "confirm"})
    targets = {
        "approve": Target(
            rule="control.may_approve_change", state_rule="control.can_decide_change",
            service=services.change_request_approve, form_class=f.ChangeApproveForm,
            success=_("Change approved and signed."), title=_("Approve %(change)s")),
        "reject": Target(
            rule="control.may_reject_change", state_rule="control.can_decide_change",
            service=services.change_request_reject, form_class=f.ChangeRejectForm,
            success=_("Change request rejected."), title=_("Reject %(change)s"), danger=True),
        "withdraw": Target(
            rule="control.may_withdraw_change", state_rule="control.can_withdraw_change",
            service=services.change_request_withdraw, form_class=f.ReasonForm,
            success=_("Change request withdrawn."), title=_("Withdraw %(change)s"), danger=True),
        "confirm": Target(
            rule="control.may_confirm_change", state_rule="control.can_confirm_change",
            service=services.change_request_confirm, form_class=f.NoteForm,
            success=_("Implementation confirmed."), title=_("Confirm the implementation of %(change)s")),
    }

    def intro_of(self, obj) -> str:
        return obj.title

    def get_initial(self, obj, target):
        return {"is_major": obj.is_major} if self.target == "approve" else {}

    def service_kwargs(self, obj, target, cleaned):
        kwargs = super().service_kwargs(obj, target, cleaned)
        if self.target == "approve":
            kwargs["request_ip"] = client_ip(self.request)
        return kwargs
