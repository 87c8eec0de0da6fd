"""Limits shared by the models, forms and services of the acceptance."""

LINE_MAX = 200
TEXT_MAX = 4000
LONG_TEXT_MAX = 10000
