from django.urls import path

from . import compare, views

urlpatterns = [
    path("methods/<slug:slug>/runs", views.queue_run, name="queue_run"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/status", views.run_status, name="run_status"),
    path("runs/<int:run_id>/metrics.json", views.run_metrics, name="run_metrics"),
    path("runs/<int:run_id>/metrics.csv", views.run_metrics_csv, name="run_metrics_csv"),
    path("runs/<int:run_id>/artifacts.zip", views.artifacts_zip, name="artifacts_zip"),
    path("runs/<int:run_id>/artifacts/<str:name>", views.artifact_download, name="artifact"),
    path("runs/<int:run_id>/cancel", views.cancel_run, name="cancel_run"),
    path("runs/<int:run_id>/rerun", views.rerun, name="rerun"),
    path("queue/", views.queue_page, name="queue"),
    path("compare/", compare.compare, name="compare"),
    path("groups/<uuid:group>/", compare.group_detail, name="group"),
]
