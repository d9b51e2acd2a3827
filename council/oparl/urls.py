"""URLs of the OParl 1.1 API; ids are built from primary keys and never change."""

from django.urls import path, re_path

from council.oparl import selectors, views

app_name = "oparl"

urlpatterns = [
    path("", views.system, name="system"),
    path("body", views.body_index, name="body_index"),
]
urlpatterns += [
    path(f"body/<int:pk>/{name}", views.body_list, {"name": name}, name=f"body_{name}")
    for name in selectors.BODY_LISTS
]
urlpatterns += [
    path(
        f"organization/<int:pk>/{name}",
        views.organization_list,
        {"name": name},
        name=f"organization_{name}",
    )
    for name in ("meeting", "consultation")
]
urlpatterns += [
    path(f"{name}/<int:pk>", views.detail, {"name": name}, name=name) for name in views.KINDS
]
# Anything else below the endpoint gets OParl's JSON error object, not an HTML page.
urlpatterns.append(re_path(r"^(?P<rest>.*)$", views.unknown, name="unknown"))
