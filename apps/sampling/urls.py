from django.urls import path

from . import views

app_name = "sampling"

switching = "projects/<int:project_id>/<str:service_type>/"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/settings/", views.settings_edit, name="settings"),
    path(switching + "reduced/", views.SwitchingTransition.as_view(target="approve_reduced"), name="approve_reduced"),
    path(switching + "normal/", views.SwitchingTransition.as_view(target="return_normal"), name="return_normal"),
    path(switching + "resume/", views.SwitchingTransition.as_view(target="resume"), name="resume"),
]
