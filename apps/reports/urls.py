from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("forms/<slug:code>/<int:object_id>/", views.form_pdf, name="form"),
]
