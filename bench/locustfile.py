"""Locust users of figure 5: browse the catalog and one run page (BENCH_RUN_ID), with a think time."""
import os

from locust import HttpUser, between, task

RUN_ID = os.environ.get("BENCH_RUN_ID", "1")
THINK_S = (float(os.environ.get("BENCH_THINK_MIN_S", "0.5")), float(os.environ.get("BENCH_THINK_MAX_S", "1.5")))


class Browser(HttpUser):
    wait_time = between(*THINK_S)

    @task
    def catalog(self):
        self.client.get("/", name="catalog")

    @task
    def run_page(self):
        self.client.get(f"/runs/{RUN_ID}/", name="run page")
