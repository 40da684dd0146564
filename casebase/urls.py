from django.contrib import admin
from django.urls import include, path

from reports import views

admin.site.site_header = "casebase curation"
admin.site.site_title = "casebase"
admin.site.index_title = "Case reports and their clinical data"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
]
