from django.urls import path

app_name = "rectification"

urlpatterns: list = []
