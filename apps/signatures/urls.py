from django.urls import path

from . import views

app_name = "signatures"

urlpatterns = [
    path("sign/<int:content_type_id>/<int:object_id>/", views.sign, name="sign"),
    path("projects/<int:project_id>/verify/", views.project_verify, name="project_verify"),
]
