from django.urls import path  # noqa: F401

app_name = "lot_inspection"

urlpatterns: list = []
