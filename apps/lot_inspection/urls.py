from django.urls import path

from . import views

app_name = "lot_inspection"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/summary/", views.summary, name="summary"),
    path("batches/<int:batch_id>/open/", views.open_inspection, name="open"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/entry/", views.entry, name="entry"),
    path("<int:pk>/import/", views.import_results, name="import"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/sample.csv", views.sample_csv, name="sample_csv"),
    path("defects/<int:pk>/evidence/", views.defect_evidence, name="defect_evidence"),
]
