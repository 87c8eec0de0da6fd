from django.urls import path

from . import views

app_name = "qualification"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_reviews, name="project"),
    path("projects/<int:project_id>/rounds/open/", views.RoundOpen.as_view(target="open"), name="round_open"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("reviews/<int:pk>/submit/", views.ReviewTransition.as_view(target="submit"), name="submit"),
    path("reviews/<int:pk>/approve/", views.ReviewTransition.as_view(target="approve"), name="approve"),
    path("reviews/<int:pk>/reject/", views.ReviewTransition.as_view(target="reject"), name="reject"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/remove/", views.DocumentTransition.as_view(target="remove"), name="document_remove"),
    path("documents/<int:pk>/check/", views.DocumentTransition.as_view(target="check"), name="document_check"),
]
