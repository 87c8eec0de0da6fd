from django.urls import path

from .views import pages
from .views.transitions import (
    ApplicationTransition,
    LineTransition,
    ProjectAcceptanceTransition,
    RoundTransition,
    TeamMemberTransition,
)

app_name = "acceptance"

Project, Application, Line = ProjectAcceptanceTransition, ApplicationTransition, LineTransition
Member, Round = TeamMemberTransition, RoundTransition

urlpatterns = [
    path("projects/<int:project_id>/", pages.project_page, name="project"),
    path("common-problems/", pages.common_problems, name="common_problems"),
    # The application (§6.5.1) and its review (§8.3.1).
    path("projects/<int:project_id>/apply/", Project.as_view(target="apply"), name="apply"),
    path("applications/<int:pk>/edit/", Application.as_view(target="edit"), name="application_edit"),
    path("applications/<int:pk>/lines/add/", Application.as_view(target="line_add"), name="line_add"),
    path("applications/<int:pk>/submit/", Application.as_view(target="submit"), name="application_submit"),
    path("applications/<int:pk>/review/", Application.as_view(target="review"), name="application_review"),
    path("lines/<int:pk>/edit/", Line.as_view(target="edit"), name="line_edit"),
    path("lines/<int:pk>/remove/", Line.as_view(target="remove"), name="line_remove"),
    # The team (§5.3.1).
    path("projects/<int:project_id>/team/add/", Project.as_view(target="team_add"), name="team_add"),
    path("team/<int:pk>/leader/", Member.as_view(target="leader"), name="team_leader"),
    path("team/<int:pk>/remove/", Member.as_view(target="remove"), name="team_remove"),
    # Rounds (§5.3.2): plan, inspection, report, conclusion, common problems.
    path("projects/<int:project_id>/rounds/start/", Project.as_view(target="round_start"), name="round_start"),
    path("rounds/<int:pk>/", pages.round_page, name="round"),
    path("rounds/<int:pk>/plan/", Round.as_view(target="plan"), name="round_plan"),
    path("rounds/<int:pk>/approve/", Round.as_view(target="approve"), name="round_approve"),
    path("rounds/<int:pk>/inspection/", Round.as_view(target="open_inspection"), name="round_inspection"),
    path("rounds/<int:pk>/report/", Round.as_view(target="report"), name="round_report"),
    path("rounds/<int:pk>/conclude/", Round.as_view(target="conclude"), name="round_conclude"),
    path("rounds/<int:pk>/problems/add/", Round.as_view(target="problem"), name="problem_add"),
]
