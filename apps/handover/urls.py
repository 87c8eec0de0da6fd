from django.urls import path

from . import views

app_name = "handover"

handover = views.HandoverTransition.as_view
line = views.LineTransition.as_view

urlpatterns = [
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/create/", views.create, name="create"),
    path("<int:pk>/note/", handover(target="note"), name="note"),
    path("<int:pk>/lines/add/", handover(target="add_line"), name="add_line"),
    path("<int:pk>/submit/", handover(target="submit"), name="submit"),
    path("<int:pk>/send-back/", handover(target="send_back"), name="send_back"),
    path("<int:pk>/sign/", handover(target="sign"), name="sign"),
    path("lines/<int:pk>/edit/", line(target="edit"), name="line_edit"),
    path("lines/<int:pk>/remove/", line(target="remove"), name="line_remove"),
    path("lines/<int:pk>/confirm/", line(target="confirm"), name="line_confirm"),
    path("lines/<int:pk>/refuse/", line(target="refuse"), name="line_refuse"),
]
