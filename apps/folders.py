"""The lab's local folders (var/, collected static files, the file broker's message folders),
made when Django starts rather than when settings are imported."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings


def lab_folders() -> list[Path]:
    folders = [Path(settings.VAR_DIR), Path(settings.STATIC_ROOT)]
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folders += [Path(options["data_folder_in"]), Path(options["data_folder_out"]), Path(options["processed_folder"])]
    return folders


def make_lab_folders() -> None:
    for folder in lab_folders():
        folder.mkdir(parents=True, exist_ok=True)
