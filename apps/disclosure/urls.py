app_name = "disclosure"

urlpatterns: list = []
