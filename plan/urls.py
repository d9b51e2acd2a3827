"""URLs of the public plan pages (German paths, as citizens read them)."""

app_name = "plan"

urlpatterns: list = []
