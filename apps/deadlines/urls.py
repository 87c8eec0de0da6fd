from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_deadlines, name="project_deadlines"),
    path("<int:pk>/waive/", views.DeadlineTransition.as_view(target="waive"), name="deadline_waive"),
]
