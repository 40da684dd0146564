from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.CaseReportListView.as_view(), name="list"),
    path("reports/<int:pk>/", views.CaseReportDetailView.as_view(), name="detail"),
    path("export.json", views.CaseReportExportView.as_view(export_format="json"), name="export_json"),
    path("export.csv", views.CaseReportExportView.as_view(export_format="csv"), name="export_csv"),
    path("exports/<uuid:pk>/", views.export_job, name="export_job"),
    path("exports/<uuid:pk>/download/", views.export_download, name="export_download"),
    path("interventions/<int:pk>/", views.InterventionEvidenceView.as_view(), name="intervention"),
    path("conditions/<int:pk>/", views.ConditionEvidenceView.as_view(), name="condition"),
    path("patients/", views.PatientListView.as_view(), name="patients"),
]
