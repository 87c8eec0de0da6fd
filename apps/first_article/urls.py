from django.urls import path

from . import views

app_name = "first_article"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/submit/", views.submit, name="submit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/verify/", views.VerificationTransition.as_view(target="verify"), name="verify"),
    path("<int:pk>/annex-c.pdf", views.annex_c_pdf, name="annex_c_pdf"),
    path("sheets/<int:sheet_id>/answer/", views.ContactSheetTransition.as_view(target="answer"), name="answer"),
]
