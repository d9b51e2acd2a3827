"""URLs of the OParl 1.1 API."""

from django.urls import path

from council.oparl import views

app_name = "oparl"

urlpatterns = [
    path("", views.system, name="system"),
]
