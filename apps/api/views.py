"""Project endpoints. Thin: scoped lookup (selector), rule check, input validation, one
service call, output serializer. Domain errors become JSON in ``exceptions.py``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.projects import selectors, services
from apps.projects.filters import ProjectFilter
from apps.projects.models import ProjectMember

from .base import ApiView, ApiViewSet, ProjectScopedMixin, api_schema
from .serializers import (
    AttestationSerializer,
    AttestSerializer,
    GateTargetSerializer,
    HistoryEntrySerializer,
    MemberCreateSerializer,
    MemberRemoveSerializer,
    MemberSerializer,
    OptionalReasonSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    ProjectWriteSerializer,
    ReasonSerializer,
)


class ProjectViewSet(ApiViewSet):
    serializer_class = ProjectSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProjectFilter
    # No PUT: a project is changed field by field with PATCH and its version.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (selectors.projects_visible_to(self.request.user)
                .select_related("created_by", "created_by__organization")
                .order_by("-created_at", "pk"))

    def get_object(self):
        return selectors.project_for_user(self.request.user, self.kwargs.get("pk"))

    def _detail(self, project) -> dict:
        return ProjectDetailSerializer(project, context=self.get_serializer_context()).data

    @api_schema(summary="List the projects you may see", responses=ProjectSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One project, with what you may do on it", responses=ProjectDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(self._detail(self.get_object()))

    @api_schema(summary="Create a project (client users; you become its client lead)",
                   request=ProjectWriteSerializer, responses={201: ProjectDetailSerializer})
    def create(self, request):
        self.require("can_create_project", message=_("Only people of a client organisation can create projects."))
        data = ProjectWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_create(user=request.user, **data.validated_data)
        return Response(self._detail(project), status=status.HTTP_201_CREATED)

    @api_schema(summary="Change some fields of a project (client lead; send the version you read)",
                   request=ProjectUpdateSerializer, responses=ProjectDetailSerializer)
    def partial_update(self, request, pk=None):
        project = self.get_object()
        self.require("can_manage_project", project)
        data = ProjectUpdateSerializer(data=request.data, partial=True,
                                       context={**self.get_serializer_context(), "project": project})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        reason = fields.pop("reason", "")
        project = services.project_update(project=project, user=request.user, expected_version=version,
                                          reason=reason, **fields)
        return Response(self._detail(project))

    def _transition(self, request, service, serializer_class):
        project = self.get_object()
        self.require("can_manage_project", project)
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        project = service(project=project, user=request.user, reason=data.validated_data.get("reason", ""),
                          expected_version=data.validated_data.get("version"))
        return Response(self._detail(project))

    @api_schema(summary="Move the project to its next phase, if every gate is met",
                   request=OptionalReasonSerializer, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        return self._transition(request, services.project_advance, OptionalReasonSerializer)

    @api_schema(summary="Suspend the project (§5.2.3; a reason is required)",
                   request=ReasonSerializer, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._transition(request, services.project_suspend, ReasonSerializer)

    @api_schema(summary="Resume a suspended project (a reason is required)",
                   request=ReasonSerializer, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._transition(request, services.project_resume, ReasonSerializer)

    @api_schema(summary="Every phase (and batch production) with its gates and whether each is met",
                   responses=GateTargetSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None)
    def gates(self, request, pk=None):
        project = self.get_object()
        overview = selectors.project_gate_overview(project)
        return Response(GateTargetSerializer(overview, many=True).data)

    @api_schema(summary="Record that a pending gate was met on paper (线下确认; client lead)",
                   request=AttestSerializer, responses={201: AttestationSerializer})
    @action(detail=True, methods=["post"], url_path="gates/attest", url_name="attest")
    def attest(self, request, pk=None):
        project = self.get_object()
        self.require("can_manage_project", project)
        data = AttestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attestation = services.gate_attest(project=project, user=request.user, **data.validated_data)
        return Response(AttestationSerializer(attestation).data, status=status.HTTP_201_CREATED)

    @api_schema(summary="History of the project, its members, attestations and Annex A rows, newest first",
                   responses=HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        project = self.get_object()
        page = self.paginate_queryset(selectors.project_history(project))
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


REASON_PARAMETER = OpenApiParameter("reason", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                                    description="Why the member is removed (or send it in the body).")


class ProjectMemberViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = MemberSerializer
    pagination_class = None  # a project has a handful of members
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return ProjectMember.objects.none()
        return (self.project.members.select_related("user", "user__organization")
                .order_by("-is_active", "role", "user__name", "pk"))

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (ProjectMember.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    @api_schema(summary="The project's members, active first")
    def list(self, request, project_pk=None):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @api_schema(summary="One membership")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Give a person a role on the project (client lead)",
                   request=MemberCreateSerializer, responses={201: MemberSerializer})
    def create(self, request, project_pk=None):
        project = self.project
        self.require("can_manage_project", project)
        data = MemberCreateSerializer(data=request.data, project=project)
        data.is_valid(raise_exception=True)
        member = services.member_add(project=project, actor=request.user, user=data.validated_data["user"],
                                     role=data.validated_data["role"])
        return Response(self.get_serializer(member).data, status=status.HTTP_201_CREATED)

    @api_schema(summary="Remove a member (client lead; the membership stays in the history as inactive)",
                   request=MemberRemoveSerializer, parameters=[REASON_PARAMETER], responses=MemberSerializer)
    def destroy(self, request, project_pk=None, pk=None):
        project = self.project
        member = self.get_object()
        self.require("can_manage_project", project)
        reason = request.data.get("reason") if isinstance(request.data, dict) else None
        if reason is None:
            reason = request.query_params.get("reason")
        data = MemberRemoveSerializer(data={} if reason is None else {"reason": reason})
        data.is_valid(raise_exception=True)
        member = services.member_remove(member=member, actor=request.user, reason=data.validated_data["reason"])
        return Response(self.get_serializer(member).data)


class NotFoundView(ApiView):
    """Any other path under /api/: a JSON 404 rather than the HTML error page (also for ids
    that are not numbers, which the routes do not match)."""

    permission_classes: list = []
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound

    def options(self, request, *args, **kwargs):
        raise NotFound
