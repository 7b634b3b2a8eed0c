from django.contrib import admin

from .models import Method, Paper


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "arxiv_id")
    search_fields = ("title", "abstract", "slug")


@admin.register(Method)
class MethodAdmin(admin.ModelAdmin):
    list_display = ("slug", "paper", "device", "available")
    list_filter = ("device", "available")
