"""One way to write an API action that runs a transition: :func:`transition_action`.

::

    class TicketViewSet(ProjectScopedMixin, ApiViewSet):
        close = transition_action(
            rule="rectification.may_close_ticket", service=services.ticket_close, entity="ticket",
            input=VersionSerializer, output=TicketSerializer,
            summary="Close the ticket (client lead, both parties signed)")

The action is ``POST <record>/<name>/``. It finds the record with the viewset's scoped
``get_object`` (404 for outsiders), asks ``rule`` (403 with the rule's sentence), validates
``input`` (400 naming the field), calls ``service(<entity>=record, user=person,
**validated_data)`` and answers with ``output`` of what the service returned (or of the record). Refusals of the service map to 400/403/409 through
``apps.core.rest.exceptions``; the schema documents each of these answers (``apps.core.rest.schema``).
"""

from __future__ import annotations

from collections.abc import Callable

from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.response import Response

from .base import api_schema


class _Action:
    """Placeholder in the class body: once the attribute's name is known (``__set_name__``),
    it puts the real DRF action there under that name (DRF requires the two to match)."""

    def __init__(self, build: Callable) -> None:
        self.build = build

    def __set_name__(self, owner, name: str) -> None:
        setattr(owner, name, self.build(name))


def transition_action(*, rule: str, service: Callable, entity: str, output, input=None, summary: str = "",
                      url_path: str | None = None, url_name: str | None = None, status: int = http.HTTP_200_OK,
                      extra: Callable | None = None):
    """A DRF ``@action`` (detail, POST) running one transition; see the module docstring.

    ``extra(view, request, record)`` may return more keyword arguments for the service (e.g.
    the uploaded files)."""

    def build(name: str):
        def run(self, request, *args, **kwargs):
            record = self.get_object()
            self.require(rule, record)
            data = {}
            if input is not None:
                serializer = input(data=request.data, context=self.get_serializer_context())
                serializer.is_valid(raise_exception=True)
                data = dict(serializer.validated_data)
            if extra is not None:
                data.update(extra(self, request, record))
            result = service(**{entity: record}, user=request.user, **data)
            return Response(output(result if result is not None else record,
                                   context=self.get_serializer_context()).data, status=status)

        run.__name__ = run.__qualname__ = name
        run.__doc__ = summary
        # ``api_schema`` goes on top: ``@action`` replaces what an inner decorator put on the function.
        decorated = action(detail=True, methods=["post"], url_path=url_path, url_name=url_name)(run)
        return api_schema(summary=summary or None, request=input, responses={status: output})(decorated)

    return _Action(build)
