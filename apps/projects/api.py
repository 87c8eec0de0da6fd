"""Project endpoints: /api/v1/projects/ and .../members/. Thin: scoped lookup (selector), rule check, input validation, one
service call, output serializer. Domain errors become JSON in ``exceptions.py``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.rest.actions import transition_action
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.serializers import (
    HistoryEntrySerializer,
    OptionalReasonSerializer,
    ReasonSerializer,
)

from . import selectors, services
from .filters import ProjectFilter
from .models import ProjectMember
from .rest import ProjectScopedMixin
from .serializers import (
    AttestationSerializer,
    AttestSerializer,
    GateTargetSerializer,
    MemberCreateSerializer,
    MemberRemoveSerializer,
    MemberSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    ProjectWriteSerializer,
)


class ProjectViewSet(ApiViewSet):
    serializer_class = ProjectSerializer
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
        self.require("projects.can_create_project", message=_("Only people of a client organisation can create projects."))
        data = ProjectWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_create(user=request.user, **data.validated_data)
        return Response(self._detail(project), status=status.HTTP_201_CREATED)

    @api_schema(summary="Change some fields of a project (client lead; send the version you read)",
                   request=ProjectUpdateSerializer, responses=ProjectDetailSerializer)
    def partial_update(self, request, pk=None):
        project = self.get_object()
        self.require("projects.can_manage_project", project)
        data = ProjectUpdateSerializer(data=request.data, partial=True,
                                       context={**self.get_serializer_context(), "project": project})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        reason = fields.pop("reason", "")
        project = services.project_update(project=project, user=request.user, expected_version=version,
                                          reason=reason, **fields)
        return Response(self._detail(project))

    @staticmethod
    def _lifecycle(name: str):
        """The lifecycle service ``name``, with the API's ``version`` as ``expected_version``."""

        def call(*, project, user, reason: str = "", version: int | None = None):
            return getattr(services, name)(project=project, user=user, reason=reason, expected_version=version)

        return call

    advance = transition_action(
        rule="projects.can_manage_project", service=_lifecycle("project_advance"), entity="project",
        input=OptionalReasonSerializer, output=ProjectDetailSerializer,
        summary="Move the project to its next phase, if every gate is met")
    suspend = transition_action(
        rule="projects.can_manage_project", service=_lifecycle("project_suspend"), entity="project",
        input=ReasonSerializer, output=ProjectDetailSerializer,
        summary="Suspend the project (§5.2.3; a reason is required)")
    resume = transition_action(
        rule="projects.can_manage_project", service=_lifecycle("project_resume"), entity="project",
        input=ReasonSerializer, output=ProjectDetailSerializer, summary="Resume a suspended project (a reason is required)")

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
        self.require("projects.can_manage_project", project)
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
        self.require("projects.can_manage_project", project)
        data = MemberCreateSerializer(data=request.data, project=project)
        data.is_valid(raise_exception=True)
        member = services.member_add(project=project, actor=request.user, user=data.validated_data["user"],
                                     role=data.validated_data["role"])
        return Response(self.get_serializer(member).data, status=status.HTTP_201_CREATED)

    @api_schema(summary="Remove a member (client lead; the membership stays in the history as inactive)",
                   request=MemberRemoveSerializer, parameters=[REASON_PARAMETER], responses={200: MemberSerializer})
    def destroy(self, request, project_pk=None, pk=None):
        project = self.project
        member = self.get_object()
        self.require("projects.can_manage_project", project)
        reason = self.reason(MemberRemoveSerializer)
        member = services.member_remove(member=member, actor=request.user, reason=reason)
        return Response(self.get_serializer(member).data)


def register(router, project_prefix: str) -> None:
    router.register("projects", ProjectViewSet, basename="project")
    router.register(project_prefix + "members", ProjectMemberViewSet, basename="project-member")
