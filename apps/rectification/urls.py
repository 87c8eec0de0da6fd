from django.urls import path

from . import views

app_name = "rectification"

ticket = views.TicketTransition.as_view
incident = views.IncidentTransition.as_view
suspension = views.SuspensionTransition.as_view

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/new/", views.ticket_new, name="new"),
    path("projects/<int:project_id>/complaints/new/", views.complaint_new, name="complaint_new"),
    path("projects/<int:project_id>/incidents/new/", views.incident_new, name="incident_new"),
    path("projects/<int:project_id>/settings/", views.settings_update, name="settings"),
    path("projects/<int:project_id>/suspend/", suspension(target="suspend"), name="suspend"),
    path("projects/<int:project_id>/resume/", suspension(target="resume"), name="resume"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/respond/", ticket(target="respond"), name="respond"),
    path("<int:pk>/answer/", ticket(target="answer"), name="answer"),
    path("<int:pk>/refuse/", ticket(target="refuse"), name="refuse"),
    path("<int:pk>/withdraw-refusal/", ticket(target="withdraw_refusal"), name="withdraw_refusal"),
    path("<int:pk>/review/", ticket(target="review"), name="review"),
    path("<int:pk>/close/", ticket(target="close"), name="close"),
    path("<int:pk>/cancel/", ticket(target="cancel"), name="cancel"),
    path("<int:pk>/reopen/", ticket(target="reopen"), name="reopen"),
    path("<int:pk>/report/", ticket(target="report"), name="report"),
    path("<int:pk>/annex-d.pdf", views.annex_d_pdf, name="annex_d_pdf"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("incidents/<int:pk>/acknowledge/", incident(target="acknowledge"), name="incident_acknowledge"),
    path("incidents/<int:pk>/close/", incident(target="close"), name="incident_close"),
    path("incidents/<int:pk>/stop-work/", incident(target="stop_work"), name="incident_stop_work"),
]
