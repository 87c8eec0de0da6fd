from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("projects/<int:project_id>/catalogue/", views.catalogue, name="catalogue"),
    path("projects/<int:project_id>/catalogue/check-items/add/", views.check_item_add, name="check_item_add"),
    path("projects/<int:project_id>/catalogue/defect-types/add/", views.defect_type_add, name="defect_type_add"),
    path("check-items/<int:pk>/edit/", views.check_item_edit, name="check_item_edit"),
    path("defect-types/<int:pk>/edit/", views.defect_type_edit, name="defect_type_edit"),
    path("projects/<int:project_id>/patrols/", views.patrols, name="patrols"),
    path("projects/<int:project_id>/patrols/new/", views.patrol_create, name="patrol_create"),
    path("patrols/<int:pk>/", views.patrol_detail, name="patrol_detail"),
    path("patrols/<int:pk>/edit/", views.patrol_edit, name="patrol_edit"),
    path("projects/<int:project_id>/key-nodes/", views.key_nodes, name="key_nodes"),
    path("projects/<int:project_id>/key-nodes/new/", views.key_node_create, name="key_node_create"),
    path("key-nodes/<int:pk>/", views.key_node_detail, name="key_node_detail"),
    path("projects/<int:project_id>/ledger/", views.ledger, name="ledger"),
    path("projects/<int:project_id>/ledger.xlsx", views.ledger_export, name="ledger_export"),
]
