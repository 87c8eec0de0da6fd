from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/filings/new/", views.filing_create, name="filing_create"),
    path("projects/<int:project_id>/equipment/new/", views.equipment_create, name="equipment_create"),
    path("projects/<int:project_id>/changes/new/", views.change_create, name="change_create"),
    path("projects/<int:project_id>/pledges/prepare/", views.pledges_prepare, name="pledges_prepare"),
    path("filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/edit/", views.filing_edit, name="filing_edit"),
    path("filings/<int:pk>/approve/", views.FilingTransition.as_view(target="approve"), name="filing_approve"),
    path("filings/<int:pk>/reject/", views.FilingTransition.as_view(target="reject"), name="filing_reject"),
    path("filings/<int:pk>/end/", views.FilingTransition.as_view(target="end"), name="filing_end"),
    path("equipment/<int:pk>/edit/", views.equipment_edit, name="equipment_edit"),
    path("equipment/<int:pk>/approve/", views.EquipmentTransition.as_view(target="approve"),
         name="equipment_approve"),
    path("equipment/<int:pk>/reject/", views.EquipmentTransition.as_view(target="reject"),
         name="equipment_reject"),
    path("equipment/<int:pk>/retire/", views.EquipmentTransition.as_view(target="retire"),
         name="equipment_retire"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/approve/", views.ChangeTransition.as_view(target="approve"), name="change_approve"),
    path("changes/<int:pk>/reject/", views.ChangeTransition.as_view(target="reject"), name="change_reject"),
    path("changes/<int:pk>/withdraw/", views.ChangeTransition.as_view(target="withdraw"),
         name="change_withdraw"),
]
