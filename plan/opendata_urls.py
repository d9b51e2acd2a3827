"""URLs of the open data files: the index, datapackage.json, the plan exports and the import."""

from django.urls import path, re_path

from plan import opendata_views as views

app_name = "opendata"

# A version number or "current" (the version in force), then the format.
VERSION = r"(?P<version>current|[0-9]+)\.(?P<fmt>csv|json)"

urlpatterns = [
    path("", views.index, name="index"),
    path("datapackage.json", views.datapackage, name="datapackage"),
    re_path(rf"^plan/{VERSION}$", views.plan_export, name="plan_export"),
    re_path(
        rf"^plan/(?P<slug>[-a-zA-Z0-9_]+)/{VERSION}$", views.plan_export, name="plan_export_of"
    ),
    path("plan/<slug:slug>/<int:number>/import/", views.plan_import, name="plan_import"),
]
