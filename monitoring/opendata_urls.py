"""URLs of monitoring's open data files under ``/opendata/``."""

from django.urls import path

from monitoring import opendata

app_name = "monitoring_opendata"

urlpatterns = [
    path("indicators/<uuid:uid>.csv", opendata.indicator_csv, name="indicator_csv"),
    path("participants.csv", opendata.participants_csv, name="participants_csv"),
]
