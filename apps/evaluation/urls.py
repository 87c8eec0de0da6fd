from django.urls import path

from . import views

app_name = "evaluation"

Evaluation, Project = views.EvaluationTransition, views.ProjectEvaluationTransition

urlpatterns = [
    # The project's evaluation (评估改进, §5.3.3, §10.1) and its breaches (§5.2.3).
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/start/", Project.as_view(target="start"), name="start"),
    path("projects/<int:project_id>/breaches/add/", Project.as_view(target="breach"), name="breach_add"),
    path("evaluations/<int:pk>/edit/", Evaluation.as_view(target="edit"), name="edit"),
    path("evaluations/<int:pk>/score/<slug:indicator>/", views.ScoreTransition.as_view(target="score"), name="score"),
    path("evaluations/<int:pk>/issue/", Evaluation.as_view(target="issue"), name="issue"),
    path("evaluations/<int:pk>/answer/", Evaluation.as_view(target="answer"), name="answer"),
    path("evaluations/<int:pk>/acknowledge/", Evaluation.as_view(target="acknowledge"), name="acknowledge"),
    path("evaluations/<int:pk>/return/", Evaluation.as_view(target="return"), name="return"),
    path("breaches/<int:pk>/", views.breach_detail, name="breach"),
    path("breaches/<int:pk>/withdraw/", views.BreachTransition.as_view(target="withdraw"), name="breach_withdraw"),
    # A client organisation's scoring scheme (履约评估).
    path("schemes/<int:org_id>/", views.scheme_page, name="scheme"),
    path("schemes/<int:org_id>/edit/", views.SchemeTransition.as_view(target="edit"), name="scheme_edit"),
    # The contractor performance record (信用评价/履约记录).
    path("performance/", views.performance_list, name="performance_list"),
    path("performance/<int:org_id>/", views.performance_detail, name="performance"),
]
