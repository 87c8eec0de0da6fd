"""One way to write the page of a transition: a view class with a table of targets.

A record's transitions (submit, review, close, …) are rows of ``targets``; each names the rule
that lets a person try it, the service that does it, the form it needs and the sentence shown
after it. The URL picks the row (``as_view(target="close")``). Modelled on pretalx's
``SubmissionStateChange``::

    class TicketTransition(TransitionView):
        lookup = staticmethod(selectors.ticket_for_user)     # scoped: 404 for outsiders
        entity = "ticket"                                    # the service's keyword
        targets = {
            "close": Target(rule="rectification.may_close_ticket", service=services.ticket_close,
                            success=_("Ticket closed."), title=_("Close the ticket")),
            "refuse": Target(rule="rectification.may_refuse_ticket", service=services.ticket_refuse,
                             form_class=ReasonForm, success=_("Your refusal is recorded.")),
        }

    path("tickets/<int:pk>/close/", TicketTransition.as_view(target="close"), name="close")

What every transition then does, in this order:

1. finds the record through the scoped ``lookup`` (404 when the person may not see it);
2. asks ``rule`` (403 page with the rule's sentence when the role does not allow it);
3. asks ``state_rule`` if given (the record is no longer in that state: back to the record with
   the rule's sentence, as a message);
4. GET shows the form (``core/transition.html``); POST validates it and calls
   ``service(<entity>=record, user=person, **form.cleaned_data)``;
5. a refusal of the service goes through :func:`apps.core.refusals.show_refusal` (403, the
   form, or a message); success shows ``success`` and redirects to the record (or to what the
   service returned, with ``to_result``).

``post_only`` targets (a button with no form page) answer 405 to GET and send refusals back to
the record as messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.views import View

from .errors import DomainError
from .permissions import allowed, refusal_message, require
from .refusals import show_refusal


class ConfirmForm(forms.Form):
    """No fields: the button is the decision."""


@dataclass(frozen=True)
class Target:
    rule: str
    service: Callable[..., Any]
    success: Any
    form_class: type[forms.BaseForm] = ConfirmForm
    title: Any = ""
    intro: Any = ""
    state_rule: str | None = None
    post_only: bool = False
    files: bool = False
    danger: bool = False
    to_result: bool = False
    extra: dict = field(default_factory=dict)


class TransitionView(LoginRequiredMixin, View):
    lookup: Callable[[Any, Any], Any] | None = None
    entity: str = "obj"
    targets: dict[str, Target] = {}
    target: str = ""
    template_name = "core/transition.html"
    pk_url_kwarg = "pk"

    # ------------------------------------------------------------ hooks for subclasses

    def get_object(self):
        if self.lookup is None:
            raise NotImplementedError("TransitionView needs a scoped lookup(user, pk)")
        return type(self).lookup(self.request.user, self.kwargs[self.pk_url_kwarg])

    def get_project(self, obj):
        return getattr(obj, "project", obj)

    def get_form_kwargs(self, obj, target: Target) -> dict:
        return {}

    def get_initial(self, obj, target: Target) -> dict:
        return {}

    def service_kwargs(self, obj, target: Target, cleaned: dict) -> dict:
        return {self.entity: obj, "user": self.request.user, **cleaned}

    def get_back_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_success_url(self, obj, result) -> str:
        if self.current_target.to_result and hasattr(result, "get_absolute_url"):
            return result.get_absolute_url()
        return self.get_back_url(obj)

    def get_context_data(self, **context) -> dict:
        return context

    # ------------------------------------------------------------ the flow

    @property
    def current_target(self) -> Target:
        return self.targets[self.target]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        target = self.current_target
        if target.post_only and request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object()
        require(target.rule, request.user, obj)
        back = self.get_back_url(obj)
        if target.state_rule and not allowed(target.state_rule, request.user, obj):
            messages.error(request, refusal_message(target.state_rule))
            return redirect(back)
        data = request.POST if request.method == "POST" else None
        files = request.FILES if target.files and data is not None else None
        form = target.form_class(data, files, initial=self.get_initial(obj, target),
                                 **self.get_form_kwargs(obj, target))
        if data is not None:
            if form.is_valid():
                try:
                    result = target.service(**self.service_kwargs(obj, target, dict(form.cleaned_data)))
                except DomainError as exc:
                    show_refusal(exc, form=None if target.post_only else form, request=request)
                else:
                    messages.success(request, target.success)
                    return redirect(self.get_success_url(obj, result))
                if target.post_only:
                    return redirect(back)
            elif target.post_only:
                for name, errors in form.errors.items():
                    label = form.fields[name].label if name in form.fields else None
                    for error in errors:
                        messages.error(request, f"{capfirst(label)}：{error}" if label else error)
                return redirect(back)
        return render(request, self.template_name, self.get_context_data(
            project=self.get_project(obj), record=obj, form=form, title=target.title, intro=target.intro,
            back=back, multipart=target.files, danger=target.danger, target=target, **target.extra))
