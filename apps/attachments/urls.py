from django.urls import path

from . import views

app_name = "attachments"

urlpatterns = [
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("upload/<int:content_type_id>/<int:object_id>/", views.upload, name="upload"),
    path("projects/<int:project_id>/", views.project_attachments, name="project"),
]
