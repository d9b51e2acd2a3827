"""URLs of the open data files: the index, datapackage.json and the plan exports."""

app_name = "opendata"

urlpatterns: list = []
