from django.contrib import admin

from .models import Artifact, Run, WorkerHeartbeat


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("id", "method", "owner", "preset", "seed", "status", "attempts", "created_at", "worker")
    list_filter = ("status", "queue", "method")
    search_fields = ("label", "owner__username")
    readonly_fields = ("attempt_token", "heartbeat_at", "config_hash")


@admin.register(Artifact)
class ArtifactAdmin(admin.ModelAdmin):
    list_display = ("run", "name", "size")


@admin.register(WorkerHeartbeat)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ("hostname", "queues", "device_name", "last_seen")
