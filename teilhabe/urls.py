"""Top-level URLs; the stable addresses of DESIGN.md live here or in the apps they name."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from core import views as core_views
from council import feeds
from teilhabe.api import api

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("oparl/v1.1/", include("council.oparl.urls")),
    path("calendar.ics", feeds.calendar_all, name="calendar"),
    path("admin/", admin.site.urls),
    path("", include("core.urls")),
    path("", include("council.urls")),
    path("", include("plan.urls")),
    path("", include("plan.edit_urls")),
    path("opendata/", include("plan.opendata_urls")),
    path("opendata/", include("fund.opendata_urls")),
    path("opendata/", include("monitoring.opendata_urls")),
    path("foerderung/verwaltung/", include("fund.office_urls")),
    path("foerderung/gutachten/", include("fund.review_urls")),
    path("foerderung/", include("fund.urls")),
    path("monitoring/", include("monitoring.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
