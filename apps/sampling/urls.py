from django.urls import path

from . import views

app_name = "sampling"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/settings/", views.settings_edit, name="settings"),
    path("projects/<int:project_id>/<str:service_type>/reduced/", views.approve_reduced, name="approve_reduced"),
    path("projects/<int:project_id>/<str:service_type>/normal/", views.return_normal, name="return_normal"),
    path("projects/<int:project_id>/<str:service_type>/resume/", views.resume, name="resume"),
]
