"""Reads of the acceptance: scoped lookups, the rounds summary (read by apps.evaluation), the
common problems and what the pages show. Nothing here writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from .enums import ROUNDS_WITHOUT_OVERRIDE, ApplicationState, RoundState
from .models import (
    AcceptanceApplication,
    AcceptanceRound,
    CommonProblem,
    MaterialLine,
    PlanSampling,
    TeamMember,
)


@dataclass
class RoundsSummary:
    """The acceptance rounds of one project, for the evaluation and the performance record.

    ``rounds``: rounds whose report carries a conclusion (合格 or 不合格); ``passed_in``: the number
    of the round that passed, or None; ``overrides``: rounds beyond the third, allowed only by the
    client lead's override (§5.3.2), which count against the contractor."""

    rounds: int = 0
    passed_in: int | None = None
    overrides: int = 0
    numbers: list[int] = field(default_factory=list)

    @property
    def first_pass(self) -> bool:
        return self.passed_in == 1


def rounds_summary(project_ids: Iterable[int]) -> dict[int, RoundsSummary]:
    """One :class:`RoundsSummary` per project id (every id given gets one), in one query."""
    ids = list(project_ids)
    result = {pid: RoundsSummary() for pid in ids}
    if not ids:
        return result
    rows = (AcceptanceRound.objects.filter(project_id__in=ids)
            .values_list("project_id", "number", "state").order_by("project_id", "number"))
    for project_id, number, state in rows:
        summary = result[project_id]
        if state in (RoundState.PASSED, RoundState.FAILED):  # concluded, report signed
            summary.rounds += 1
            summary.numbers.append(number)
        if state == RoundState.PASSED:
            summary.passed_in = number
        if number > ROUNDS_WITHOUT_OVERRIDE:
            summary.overrides += 1
    return result


def common_problems_of(project: Project) -> QuerySet[CommonProblem]:
    return CommonProblem.objects.filter(project=project).select_related("round", "created_by")


def common_problems_visible_to(user) -> QuerySet[CommonProblem]:
    """Common problems of the projects the user may see: a client its own projects (experts the
    projects they are members of), a regulator its jurisdiction, a contractor its projects."""
    return (CommonProblem.objects.filter(project__in=projects_visible_to(user).values("pk"))
            .select_related("project", "project__client", "project__contractor", "round", "created_by"))


# ---------------------------------------------------------------- scoped lookups (404)

def application_of(project: Project) -> AcceptanceApplication | None:
    return (AcceptanceApplication.objects.filter(project=project)
            .prefetch_related(Prefetch("lines", queryset=MaterialLine.objects.order_by("order", "pk")))
            .select_related("created_by", "submitted_by", "reviewed_by").first())


def application_for_user(user, pk) -> AcceptanceApplication:
    try:
        return AcceptanceApplication.objects.select_related("project").get(
            pk=pk, project__in=projects_visible_to(user).values("pk"))
    except (AcceptanceApplication.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def line_for_user(user, pk) -> MaterialLine:
    try:
        return MaterialLine.objects.select_related("application", "application__project").get(
            pk=pk, application__project__in=projects_visible_to(user).values("pk"))
    except (MaterialLine.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def round_for_user(user, pk) -> AcceptanceRound:
    try:
        return AcceptanceRound.objects.select_related("project", "project__client", "project__contractor").get(
            pk=pk, project__in=projects_visible_to(user).values("pk"))
    except (AcceptanceRound.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def team_member_for_user(user, pk) -> TeamMember:
    try:
        return TeamMember.objects.select_related("project", "user").get(
            pk=pk, project__in=projects_visible_to(user).values("pk"))
    except (TeamMember.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# ---------------------------------------------------------------- project reads

def team_of(project: Project) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(project=project).select_related("user", "user__organization")


def team_leader(project: Project) -> TeamMember | None:
    return team_of(project).filter(is_leader=True).first()


def is_team_member(user, project: Project) -> bool:
    return bool(user and user.is_authenticated) and TeamMember.objects.filter(project=project, user=user).exists()


def rounds_of(project: Project) -> QuerySet[AcceptanceRound]:
    return AcceptanceRound.objects.filter(project=project).order_by("number")


def current_round(project: Project) -> AcceptanceRound | None:
    return rounds_of(project).order_by("-number").first()


def samplings_of(acceptance_round: AcceptanceRound) -> QuerySet[PlanSampling]:
    return acceptance_round.samplings.select_related("inspection").order_by("service_type")


def application_complete(project: Project) -> bool:
    """Gate ``acceptance_applied`` (§5.3.1, §8.3.1): the client found the materials complete."""
    return AcceptanceApplication.objects.filter(project=project, state=ApplicationState.COMPLETE).exists()


def application_evidence(project: Project) -> tuple[str, str] | None:
    from django.urls import reverse

    application = AcceptanceApplication.objects.filter(project=project).first()
    if application is None:
        return None
    return application.get_state_display(), reverse("acceptance:project", args=[project.pk]) + "#application"


def passed_round(project: Project) -> AcceptanceRound | None:
    return AcceptanceRound.objects.filter(project=project, state=RoundState.PASSED).first()


def acceptance_passed(project: Project) -> bool:
    """Gate ``acceptance_passed`` (§5.3.1): a round passed, its report signed by the whole team."""
    return AcceptanceRound.objects.filter(project=project, state=RoundState.PASSED).exists()


def acceptance_passed_evidence(project: Project) -> tuple[str, str] | None:
    from django.utils.translation import gettext

    round_ = passed_round(project) or current_round(project)
    if round_ is None:
        return None
    label = gettext("%(round)s: %(state)s") % {"round": round_, "state": round_.get_state_display()}
    return label, round_.get_absolute_url()


def over_limit(project: Project) -> bool:
    """§5.3.2: the project needed more than three acceptance rounds (flag on the project page)."""
    return AcceptanceRound.objects.filter(project=project, number__gt=ROUNDS_WITHOUT_OVERRIDE).exists()


def over_limit_notices(project: Project) -> list[str]:
    """The project page's notice of each round beyond the third (§5.3.2), with the lead's reason."""
    from django.utils.translation import gettext

    return [gettext("Acceptance round %(n)d, beyond the three the standard allows (§5.3.2): allowed by %(who)s "
                    "on %(date)s because: %(reason)s. Reported to the regulator and counted in the contractor's "
                    "performance record.") % {
        "n": r.number, "who": r.override_by.name if r.override_by else "—",
        "date": timezone.localdate(r.created_at).isoformat(),
        "reason": r.override_reason}
        for r in AcceptanceRound.objects.filter(project=project, number__gt=ROUNDS_WITHOUT_OVERRIDE)
        .select_related("override_by").order_by("number")]


def rounds_summary_of(project: Project) -> RoundsSummary:
    return rounds_summary([project.pk])[project.pk]


def rounds_by_project(project_ids: Iterable[int]) -> dict[int, list[AcceptanceRound]]:
    grouped: dict[int, list[AcceptanceRound]] = defaultdict(list)
    for r in AcceptanceRound.objects.filter(project_id__in=list(project_ids)).order_by("project_id", "number"):
        grouped[r.project_id].append(r)
    return grouped


def round_tickets(acceptance_round: AcceptanceRound):
    """The rectification tickets a failed round raised (its failing inspections', or its own)."""
    from django.contrib.contenttypes.models import ContentType

    from apps.lot_inspection.models import LotInspection
    from apps.rectification.models import RectificationTicket

    inspection_ids = [pk for pk in acceptance_round.samplings.values_list("inspection_id", flat=True) if pk]
    q = Q(source_type=ContentType.objects.get_for_model(AcceptanceRound), source_id=acceptance_round.pk)
    if inspection_ids:
        q |= Q(source_type=ContentType.objects.get_for_model(LotInspection), source_id__in=inspection_ids)
    return RectificationTicket.objects.filter(q, project_id=acceptance_round.project_id).order_by("number")


def round_open_tickets(acceptance_round: AcceptanceRound):
    from apps.rectification.enums import ACTIVE_STATES

    return round_tickets(acceptance_round).filter(state__in=list(ACTIVE_STATES))
