from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_versions, name="project"),
    path("projects/<int:project_id>/new/", views.version_create, name="version_create"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:pk>/submit/", views.VersionTransition.as_view(target="submit"), name="submit"),
    path("versions/<int:pk>/approve/", views.VersionTransition.as_view(target="approve"), name="approve"),
    path("versions/<int:pk>/return/", views.VersionTransition.as_view(target="return"), name="return"),
    path("versions/<int:pk>/revise/", views.VersionTransition.as_view(target="revise"), name="revise"),
]
