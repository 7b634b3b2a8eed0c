from django.contrib import admin
from django.urls import include, path

from apps.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.catalog.urls")),
    path("", include("apps.runs.urls")),
]
