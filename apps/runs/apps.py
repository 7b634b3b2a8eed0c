from django.apps import AppConfig


class RunsConfig(AppConfig):
    name = "apps.runs"
    label = "runs"

    def ready(self) -> None:
        # Every process that runs the lab (web, worker, manage.py, tests) starts Django; the
        # SQLite file and the file broker need their folders before the first query or message.
        from apps.folders import make_lab_folders

        make_lab_folders()
