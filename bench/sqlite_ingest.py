"""Child process of figure 3: PointWriter ingest into a fresh SQLite database (DATABASE_URL is set
by the parent). Prints one JSON line: {"rates": [...]}."""
from __future__ import annotations

import json
import sys


def main(repeats: int, per_series: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from apps.catalog.models import Method, Paper

    from .ingest import rates

    paper, _ = Paper.objects.get_or_create(number=999, defaults={"slug": "bench", "title": "bench", "abstract": ""})
    method, _ = Method.objects.get_or_create(slug="bench-ingest", defaults={"paper": paper, "title": "bench",
                                                                          "device": "cpu"})
    print(json.dumps({"rates": rates(method, repeats, per_series)}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
