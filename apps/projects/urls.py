from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/advance/", views.ProjectTransition.as_view(target="advance"), name="advance"),
    path("<int:pk>/suspend/", views.ProjectTransition.as_view(target="suspend"), name="suspend"),
    path("<int:pk>/resume/", views.ProjectTransition.as_view(target="resume"), name="resume"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/gates/attest/", views.gate_attest, name="gate_attest"),
    path("<int:pk>/gates/attestations/<int:attestation_pk>/revoke/", views.gate_attestation_revoke,
         name="gate_attestation_revoke"),
]
