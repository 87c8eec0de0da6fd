from django.urls import path

from . import views

app_name = "notifications"

# The two POST views only change the requesting user's own notifications: regulators (read-only)
# may use them too; their url names are listed in apps.core.middleware.READ_ONLY_ALLOWED_VIEWS.
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_mark_read, name="notification_mark_read"),
    path("read-all/", views.notification_mark_all_read, name="notification_mark_all_read"),
]
