"""The meetings tab (项目例会, §8.2.3): minutes and their action items."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import allowed
from apps.core.transitions import Target
from apps.projects.selectors import project_for_user

from .. import forms as f
from .. import selectors, services
from .common import ControlTransition, ProjectControlTransition, section


@login_required
def meetings(request, project_id):
    project = project_for_user(request.user, project_id)
    return section(request, project, "meetings", "control/meetings.html", {
        "meetings": selectors.meetings(project), "open_actions": selectors.open_action_items(project),
        "may_record": allowed("control.may_record_meeting", request.user, project)})


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_for_user(request.user, pk)
    return render(request, "control/meeting_detail.html", {
        "project": meeting.project, "meeting": meeting, "tab": "meetings",
        "summary": selectors.project_summary(meeting.project),
        "items": meeting.action_items.select_related("owner", "closed_by").order_by("pk")})


class ProjectMeetingTransition(ProjectControlTransition):
    """Record a project meeting."""

    tab = "meetings"
    targets = {
        "add": Target(
            rule="control.may_record_meeting", service=services.meeting_record, form_class=f.MeetingCreateForm,
            files=True, to_result=True, success=_("Meeting minutes recorded. Add the action items decided."),
            title=_("Record a project meeting")),
    }


class MeetingTransition(ControlTransition):
    """Correct the minutes, add an action item: until the minutes are signed."""

    lookup = staticmethod(selectors.meeting_for_user)
    entity = "meeting"
    title_name = "meeting"
    targets = {
        "edit": Target(
            rule="control.may_edit_minutes", state_rule="control.can_edit_meeting", service=services.meeting_update,
            form_class=f.MeetingForm, success=_("Minutes corrected."), title=_("Correct the minutes")),
        "add_action": Target(
            rule="control.may_add_action_item", state_rule="control.can_add_action_item",
            service=services.action_item_add, form_class=f.ActionItemForm,
            success=_("Action item added with its deadline."), title=_("Add an action item to %(meeting)s")),
    }

    def get_initial(self, obj, target):
        if self.target == "edit":
            return {k: getattr(obj, k) for k in f.MeetingForm.base_fields}
        return {}

    def get_back_url(self, obj) -> str:
        url = obj.get_absolute_url()
        return url + "#actions" if self.target == "add_action" else url


class ActionItemTransition(ControlTransition):
    """Close or cancel an action item."""

    lookup = staticmethod(selectors.action_item_for_user)
    entity = "action_item"
    record_intro = frozenset({"complete", "cancel"})
    targets = {
        "complete": Target(
            rule="control.may_close_action", state_rule="control.can_close_action",
            service=services.action_item_complete, form_class=f.ResultForm, success=_("Action item done."),
            title=_("Close the action item")),
        "cancel": Target(
            rule="control.may_cancel_action", state_rule="control.can_cancel_action",
            service=services.action_item_cancel, form_class=f.ReasonForm, success=_("Action item cancelled."),
            title=_("Cancel the action item"), danger=True),
    }

    def intro_of(self, obj) -> str:
        return obj.description
