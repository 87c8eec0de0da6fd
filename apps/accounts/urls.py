"""Mounted at /accounts/ (config/urls.py), beside Django's log-in, log-out and password pages."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/code/", views.SecondFactorLoginView.as_view(), name="second_factor_login"),
    path("security/", views.security, name="security"),
    path("security/second-factor/start/", views.second_factor_start, name="second_factor_start"),
    path("security/second-factor/", views.second_factor_enrol, name="second_factor_enrol"),
    path("security/second-factor/remove/", views.second_factor_remove, name="second_factor_remove"),
]
