app_name = "qualification"

urlpatterns: list = []
