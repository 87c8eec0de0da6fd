"""Thin views of the handover (§6.5.2): the project's handover page, and the transitions of the
list and of its items as ``TransitionView`` targets (``apps.core.transitions``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.enums import Party
from apps.core.errors import DomainError
from apps.core.history import client_ip
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.core.transitions import Target, TransitionView
from apps.projects.annex_a import handover_due
from apps.projects.selectors import project_for_user

from . import selectors, services
from .forms import CreateForm, LineForm, NoteForm, ReasonForm, SignForm, VersionForm
from .printing import FORM_CODE


@login_required
def project_page(request, project_id):
    """The project's handover list: its items and their confirmation, the signatures, the deadline."""
    project = project_for_user(request.user, project_id)
    handover = selectors.handover_of(project)
    context = {"project": project, "handover": handover, "due": handover_due(project),
               "can_create": allowed("handover.can_create", request.user, project), "create_form": CreateForm()}
    if handover is not None:
        parties = selectors.signature_parties(handover)
        lines = list(selectors.lines_of(handover))
        user = request.user
        context.update({
            "lines": [{"line": line, "can_check": allowed("handover.can_check_line", user, line)} for line in lines],
            "counts": selectors.line_counts(handover), "missing": selectors.missing_kinds(handover),
            "signed_client": parties[Party.CLIENT], "signed_contractor": parties[Party.CONTRACTOR],
            "signatures": parties["signatures"], "signatures_valid": parties["all_valid"],
            "handed_over": selectors.is_handed_over(handover),
            "can_edit": allowed("handover.can_edit", user, handover),
            "can_return": allowed("handover.can_return", user, handover),
            "can_sign": allowed("handover.can_sign", user, handover),
            "pdf_url": reverse("reports:form", args=[FORM_CODE, handover.pk]),
            "note_form": NoteForm(initial={"note": handover.note, "version": handover.version}),
            "line_form": LineForm(initial={"version": handover.version}),
            "version_form": VersionForm(initial={"version": handover.version}),
            "reason_form": ReasonForm(initial={"version": handover.version}),
            "sign_form": SignForm(),
        })
    return render(request, "handover/project.html", context)


@login_required
@require_POST
def create(request, project_id):
    """The contractor's project manager opens the list (a button on the page)."""
    project = project_for_user(request.user, project_id)
    require("handover.may_draw_up", request.user, project)
    form = CreateForm(request.POST)
    if form.is_valid():
        try:
            services.handover_create(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, request=request)
        else:
            messages.success(request, _("Handover list opened: add the items to hand over."))
    else:
        messages.error(request, _("Check the remarks."))
    return redirect("handover:project", project.pk)


def _version(cleaned: dict) -> dict:
    version = cleaned.pop("version", None)
    return {**cleaned, "expected_version": version or None}


class HandoverTransition(TransitionView):
    """The list's steps: remarks, a new item, submission (the contractor); sending back (the client
    lead); signing (the client lead and the contractor's PM). All are forms on the page
    (``post_only``) except the new item, which has a page of its own for its errors."""

    lookup = staticmethod(selectors.handover_for_user)
    entity = "handover"
    targets = {
        "note": Target(rule="handover.may_draw_up", state_rule="handover.can_edit", service=services.handover_update,
                       form_class=NoteForm, post_only=True, success=gettext_lazy("Remarks saved.")),
        "add_line": Target(rule="handover.may_draw_up", state_rule="handover.can_edit",
                           service=services.handover_line_add, form_class=LineForm,
                           title=gettext_lazy("Add an item to the handover list"),
                           success=gettext_lazy("Item added.")),
        "submit": Target(rule="handover.may_draw_up", service=services.handover_submit, form_class=VersionForm,
                         post_only=True, success=gettext_lazy("Handover list submitted to the client.")),
        "send_back": Target(rule="handover.may_return", service=services.handover_return, form_class=ReasonForm,
                            post_only=True, success=gettext_lazy("Handover list sent back to the contractor.")),
        "sign": Target(rule="handover.may_sign", service=services.handover_sign, form_class=SignForm, post_only=True,
                       success=gettext_lazy("Signed.")),
    }

    def get_initial(self, obj, target) -> dict:
        return {"version": obj.version}

    def service_kwargs(self, obj, target, cleaned):
        kwargs = {"handover": obj, "user": self.request.user}
        if self.target == "sign":
            return {**kwargs, **cleaned, "request_ip": client_ip(self.request)}
        return {**kwargs, **_version(cleaned)}


class LineTransition(TransitionView):
    """An item's steps: change or remove it (the contractor), confirm or refuse it (the client)."""

    lookup = staticmethod(selectors.line_for_user)
    entity = "line"
    targets = {
        "edit": Target(rule="handover.may_draw_up", state_rule="handover.can_edit",
                       service=services.handover_line_update, form_class=LineForm,
                       title=gettext_lazy("Change an item of the handover list"),
                       success=gettext_lazy("Item changed; the client confirms it again.")),
        "remove": Target(rule="handover.may_draw_up", service=services.handover_line_remove, form_class=VersionForm,
                         post_only=True, success=gettext_lazy("Item removed.")),
        "confirm": Target(rule="handover.may_check", service=services.handover_line_confirm, form_class=VersionForm,
                          post_only=True, success=gettext_lazy("Item confirmed.")),
        "refuse": Target(rule="handover.may_check", service=services.handover_line_refuse, form_class=ReasonForm,
                         post_only=True, success=gettext_lazy("Item refused; the contractor is told once every "
                                                              "item is checked.")),
    }

    def get_initial(self, obj, target) -> dict:
        if self.target == "edit":
            return {"kind": obj.kind, "description": obj.description, "quantity": obj.quantity, "unit": obj.unit,
                    "medium": obj.medium, "note": obj.note, "version": obj.version}
        return {"version": obj.version}

    def service_kwargs(self, obj, target, cleaned):
        return {"line": obj, "user": self.request.user, **_version(cleaned)}

    def get_back_url(self, obj) -> str:
        return reverse("handover:project", args=[obj.handover.project_id]) + f"#line-{obj.pk}"

    def get_success_url(self, obj, result) -> str:
        return reverse("handover:project", args=[obj.handover.project_id])
