"""Series learn their panel, unit and final value; chunks their largest step.

Existing rows keep their points: the new columns are filled from the stored chunks (each
chunk's largest step; each series' value at its largest step), chunk by chunk, so the
migration never holds a whole run in memory."""

import numpy as np
from django.db import migrations, models

DTYPE = np.dtype("<f8")


def fill_from_chunks(apps, schema_editor):
    Series = apps.get_model("runs", "Series")
    MetricChunk = apps.get_model("runs", "MetricChunk")
    for series_id in Series.objects.values_list("id", flat=True).iterator():
        last_step = last_value = None
        rows = MetricChunk.objects.filter(series_id=series_id).order_by("id").values_list("id", "steps", "values")
        for chunk_id, raw_steps, raw_values in rows.iterator(chunk_size=50):
            steps = np.frombuffer(bytes(raw_steps), dtype=DTYPE)
            values = np.frombuffer(bytes(raw_values), dtype=DTYPE)
            if not steps.size:
                continue
            top = float(steps.max())
            MetricChunk.objects.filter(pk=chunk_id).update(max_step=top)
            if last_step is None or top >= last_step:
                at_top = values[np.flatnonzero(steps == top)[-1]]
                last_step, last_value = top, (float(at_top) if np.isfinite(at_top) else None)
        Series.objects.filter(pk=series_id).update(last_step=last_step, last_value=last_value)


class Migration(migrations.Migration):

    dependencies = [
        ("runs", "0003_metric_chunks"),
    ]

    operations = [
        migrations.AddField(
            model_name="series",
            name="panel",
            field=models.CharField(blank=True, default="", max_length=60),
        ),
        migrations.AddField(
            model_name="series",
            name="unit",
            field=models.CharField(blank=True, default="", max_length=30),
        ),
        migrations.AddField(
            model_name="series",
            name="last_step",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="series",
            name="last_value",
            field=models.FloatField(blank=True, help_text="None when missing or not finite.", null=True),
        ),
        migrations.AddField(
            model_name="metricchunk",
            name="max_step",
            field=models.FloatField(
                blank=True, null=True,
                help_text="Largest step in the chunk: a poll for points after step s reads only chunks with max_step > s.",
            ),
        ),
        migrations.RunPython(fill_from_chunks, migrations.RunPython.noop),
    ]
