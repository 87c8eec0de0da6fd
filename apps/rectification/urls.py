from django.urls import path

from . import views

app_name = "rectification"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/new/", views.ticket_new, name="new"),
    path("projects/<int:project_id>/complaints/new/", views.complaint_new, name="complaint_new"),
    path("projects/<int:project_id>/incidents/new/", views.incident_new, name="incident_new"),
    path("projects/<int:project_id>/settings/", views.settings_update, name="settings"),
    path("projects/<int:project_id>/suspend/", views.suspend, name="suspend"),
    path("projects/<int:project_id>/resume/", views.resume, name="resume"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<int:pk>/withdraw-refusal/", views.withdraw_refusal, name="withdraw_refusal"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/annex-d.pdf", views.annex_d_pdf, name="annex_d_pdf"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("incidents/<int:pk>/acknowledge/", views.incident_acknowledge, name="incident_acknowledge"),
    path("incidents/<int:pk>/close/", views.incident_close, name="incident_close"),
    path("incidents/<int:pk>/stop-work/", views.incident_stop_work, name="incident_stop_work"),
]
