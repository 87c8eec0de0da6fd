from django.urls import path

from . import views

app_name = "control"

urlpatterns = [
    # The project's control page and its tabs.
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/risks/", views.risks, name="risks"),
    path("projects/<int:project_id>/changes/", views.changes, name="changes"),
    path("projects/<int:project_id>/meetings/", views.meetings, name="meetings"),
    path("projects/<int:project_id>/reports/", views.reports, name="reports"),
    path("projects/<int:project_id>/progress/", views.progress, name="progress"),
    path("projects/<int:project_id>/improvements/", views.improvements, name="improvements"),
    # Risk register (§5.2.2, §6.3.1).
    path("projects/<int:project_id>/risks/add/", views.risk_add, name="risk_add"),
    path("projects/<int:project_id>/risks/assess/", views.assess, name="assess"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("risks/<int:pk>/rate/", views.risk_rate, name="risk_rate"),
    path("risks/<int:pk>/retire/", views.risk_retire, name="risk_retire"),
    # Change requests (§6.4.2, §8.2.3).
    path("projects/<int:project_id>/changes/add/", views.change_add, name="change_add"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/approve/", views.change_approve, name="change_approve"),
    path("changes/<int:pk>/reject/", views.change_reject, name="change_reject"),
    path("changes/<int:pk>/withdraw/", views.change_withdraw, name="change_withdraw"),
    path("changes/<int:pk>/confirm/", views.change_confirm, name="change_confirm"),
    # Meetings and action items (§8.2.3).
    path("projects/<int:project_id>/meetings/add/", views.meeting_add, name="meeting_add"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/actions/add/", views.action_add, name="action_add"),
    path("actions/<int:pk>/complete/", views.action_complete, name="action_complete"),
    path("actions/<int:pk>/cancel/", views.action_cancel, name="action_cancel"),
    # Quality and data reports (§8.2.3).
    path("projects/<int:project_id>/reports/add/", views.report_add, name="report_add"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/acknowledge/", views.report_acknowledge, name="report_acknowledge"),
    # Progress plan (§8.2.4).
    path("projects/<int:project_id>/progress/add/", views.stage_add, name="stage_add"),
    path("stages/<int:pk>/start/", views.stage_start, name="stage_start"),
    path("stages/<int:pk>/progress/", views.stage_progress, name="stage_progress"),
    path("stages/<int:pk>/complete/", views.stage_complete, name="stage_complete"),
    path("stages/<int:pk>/hold/", views.stage_hold, name="stage_hold"),
    path("stages/<int:pk>/resume/", views.stage_resume, name="stage_resume"),
    # Quality improvement plans (§6.2.3, §10.2).
    path("projects/<int:project_id>/improvements/add/", views.improvement_add, name="improvement_add"),
    path("improvements/<int:pk>/", views.improvement_detail, name="improvement_detail"),
    path("improvements/<int:pk>/edit/", views.improvement_edit, name="improvement_edit"),
    path("improvements/<int:pk>/submit/", views.improvement_submit, name="improvement_submit"),
    path("improvements/<int:pk>/return/", views.improvement_return, name="improvement_return"),
    path("improvements/<int:pk>/file/", views.improvement_file, name="improvement_file"),
    path("improvements/<int:pk>/complete/", views.improvement_complete, name="improvement_complete"),
    path("improvements/<int:pk>/verify/", views.improvement_verify, name="improvement_verify"),
]
