from django.urls import path

from . import views

app_name = "warranty"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/report/", views.report, name="report"),
    path("projects/<int:project_id>/conclude/", views.WarrantyTransition.as_view(target="conclude"), name="conclude"),
]
