from django.urls import path

from . import views

app_name = "batches"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_batches, name="project"),
    path("projects/<int:project_id>/new/", views.create, name="create"),
    path("projects/<int:project_id>/checks/", views.checks, name="checks"),
    path("projects/<int:project_id>/checks/self/", views.add_self_check, name="add_self_check"),
    path("projects/<int:project_id>/checks/mutual/", views.add_mutual_check, name="add_mutual_check"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/import/", views.import_items, name="import"),
    path("<int:pk>/special-inspection/", views.special_inspection, name="special_inspection"),
    path("<int:pk>/submit/", views.BatchTransition.as_view(target="submit"), name="submit"),
    path("<int:pk>/resubmit/", views.BatchTransition.as_view(target="resubmit"), name="resubmit"),
]
