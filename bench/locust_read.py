"""Readers for bench/suite.py's HTTP figures: each asks for a list, search, report or evidence page in turn.

The URLs come from the page set bench/page_latency.py measured on the same database (JSON list of [kind, url] in
CASEBASE_HTTP_PLAN); each request is named by its kind so that locust's statistics are per kind of page.
"""

import json
import os
import random

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["CASEBASE_HTTP_PLAN"]) as plan_file:
    PLAN: dict[str, list[str]] = {}
    for kind, url in json.load(plan_file):
        PLAN.setdefault(kind, []).append(url)


class Reader(FastHttpUser):
    wait_time = constant(0)  # a closed loop: each user asks again as soon as a page arrives
    network_timeout = 60.0
    connection_timeout = 10.0

    def _get(self, kind: str) -> None:
        if PLAN.get(kind):
            self.client.get(random.choice(PLAN[kind]), name=kind)

    @task(3)
    def search(self):
        self._get("search")

    @task(2)
    def list_or_filter(self):
        self._get(random.choice(["list", "filter"]))

    @task(3)
    def report(self):
        self._get("report")

    @task(1)
    def evidence(self):
        self._get("evidence")
