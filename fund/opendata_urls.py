"""URLs of the fund's open data files: the grants as 360Giving JSON and as CSV."""

from django.urls import path

from fund import opendata

app_name = "fund_opendata"

urlpatterns = [
    path("360giving.json", opendata.grants_json, name="grants_json"),
    path("grants.csv", opendata.grants_csv, name="grants_csv"),
]
