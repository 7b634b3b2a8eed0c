from django.core.management.base import BaseCommand

from apps.catalog.sync import sync_catalog


class Command(BaseCommand):
    help = "Load the 42 papers and mirror the method registry into the database (idempotent)."

    def handle(self, *args, **options):
        counts = sync_catalog()
        self.stdout.write(
            f"catalog: {counts['papers']} papers, {counts['methods']} methods"
            + (f", {counts['retired_methods']} retired" if counts["retired_methods"] else "")
        )
