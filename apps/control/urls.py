from django.urls import path

from .views import changes, improvements, meetings, overview, progress, reports, risks

app_name = "control"

RiskRegister, RiskPoint = risks.RiskRegisterTransition, risks.RiskPointTransition
ProjectChange, Change = changes.ProjectChangeTransition, changes.ChangeRequestTransition
ProjectMeeting, Meeting, Action = (meetings.ProjectMeetingTransition, meetings.MeetingTransition,
                                   meetings.ActionItemTransition)
ProjectReport, Report = reports.ProjectReportTransition, reports.QualityReportTransition
ProjectProgress, Stage = progress.ProjectProgressTransition, progress.MilestoneTransition
ProjectImprovement, Plan = improvements.ProjectImprovementTransition, improvements.ImprovementPlanTransition

urlpatterns = [
    # The project's control page and its tabs.
    path("projects/<int:project_id>/", overview.project_page, name="project"),
    path("projects/<int:project_id>/risks/", risks.risks, name="risks"),
    path("projects/<int:project_id>/changes/", changes.changes, name="changes"),
    path("projects/<int:project_id>/meetings/", meetings.meetings, name="meetings"),
    path("projects/<int:project_id>/reports/", reports.reports, name="reports"),
    path("projects/<int:project_id>/progress/", progress.progress, name="progress"),
    path("projects/<int:project_id>/improvements/", improvements.improvements, name="improvements"),
    # Risk register (§5.2.2, §6.3.1).
    path("projects/<int:project_id>/risks/add/", RiskRegister.as_view(target="add"), name="risk_add"),
    path("projects/<int:project_id>/risks/assess/", RiskRegister.as_view(target="assess"), name="assess"),
    path("risks/<int:pk>/edit/", RiskPoint.as_view(target="edit"), name="risk_edit"),
    path("risks/<int:pk>/rate/", RiskPoint.as_view(target="rate"), name="risk_rate"),
    path("risks/<int:pk>/retire/", RiskPoint.as_view(target="retire"), name="risk_retire"),
    # Change requests (§6.4.2, §8.2.3).
    path("projects/<int:project_id>/changes/add/", ProjectChange.as_view(target="add"), name="change_add"),
    path("changes/<int:pk>/", changes.change_detail, name="change_detail"),
    path("changes/<int:pk>/approve/", Change.as_view(target="approve"), name="change_approve"),
    path("changes/<int:pk>/reject/", Change.as_view(target="reject"), name="change_reject"),
    path("changes/<int:pk>/withdraw/", Change.as_view(target="withdraw"), name="change_withdraw"),
    path("changes/<int:pk>/confirm/", Change.as_view(target="confirm"), name="change_confirm"),
    # Meetings and action items (§8.2.3).
    path("projects/<int:project_id>/meetings/add/", ProjectMeeting.as_view(target="add"), name="meeting_add"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", Meeting.as_view(target="edit"), name="meeting_edit"),
    path("meetings/<int:pk>/actions/add/", Meeting.as_view(target="add_action"), name="action_add"),
    path("actions/<int:pk>/complete/", Action.as_view(target="complete"), name="action_complete"),
    path("actions/<int:pk>/cancel/", Action.as_view(target="cancel"), name="action_cancel"),
    # Quality and data reports (§8.2.3).
    path("projects/<int:project_id>/reports/add/", ProjectReport.as_view(target="add"), name="report_add"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", Report.as_view(target="edit"), name="report_edit"),
    path("reports/<int:pk>/submit/", Report.as_view(target="submit"), name="report_submit"),
    path("reports/<int:pk>/return/", Report.as_view(target="return"), name="report_return"),
    path("reports/<int:pk>/acknowledge/", Report.as_view(target="acknowledge"), name="report_acknowledge"),
    # Progress plan (§8.2.4).
    path("projects/<int:project_id>/progress/add/", ProjectProgress.as_view(target="add"), name="stage_add"),
    path("stages/<int:pk>/start/", Stage.as_view(target="start"), name="stage_start"),
    path("stages/<int:pk>/progress/", Stage.as_view(target="progress"), name="stage_progress"),
    path("stages/<int:pk>/complete/", Stage.as_view(target="complete"), name="stage_complete"),
    path("stages/<int:pk>/hold/", Stage.as_view(target="hold"), name="stage_hold"),
    path("stages/<int:pk>/resume/", Stage.as_view(target="resume"), name="stage_resume"),
    # Quality improvement plans (§6.2.3, §10.2).
    path("projects/<int:project_id>/improvements/add/", ProjectImprovement.as_view(target="add"),
         name="improvement_add"),
    path("improvements/<int:pk>/", improvements.improvement_detail, name="improvement_detail"),
    path("improvements/<int:pk>/edit/", Plan.as_view(target="edit"), name="improvement_edit"),
    path("improvements/<int:pk>/submit/", Plan.as_view(target="submit"), name="improvement_submit"),
    path("improvements/<int:pk>/return/", Plan.as_view(target="return"), name="improvement_return"),
    path("improvements/<int:pk>/file/", Plan.as_view(target="file"), name="improvement_file"),
    path("improvements/<int:pk>/complete/", Plan.as_view(target="complete"), name="improvement_complete"),
    path("improvements/<int:pk>/verify/", Plan.as_view(target="verify"), name="improvement_verify"),
]
