app_name = "first_article"

urlpatterns: list = []
