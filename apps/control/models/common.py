"""Limits shared by the models, forms and services of project control."""

TEXT_MAX = 2000
LONG_TEXT_MAX = 10000
