from django.urls import path

from . import views

app_name = "qualification"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_reviews, name="project"),
    path("projects/<int:project_id>/rounds/open/", views.round_open, name="round_open"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("reviews/<int:pk>/submit/", views.review_submit, name="submit"),
    path("reviews/<int:pk>/approve/", views.review_approve, name="approve"),
    path("reviews/<int:pk>/reject/", views.review_reject, name="reject"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
    path("documents/<int:pk>/check/", views.document_check, name="document_check"),
]
