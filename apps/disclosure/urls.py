from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("items/<int:pk>/", views.item_update, name="item_update"),
]
