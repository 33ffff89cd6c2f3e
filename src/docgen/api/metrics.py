"""Prometheus metrics of the HTTP process; render workers report their timings in their replies.

All metrics live in the one uvicorn process that answers HTTP (in a registry of its own, so two
apps in one process never mix): render workers are not HTTP workers, they send each render's
duration back with the document, and pool state is read at scrape time. No multiprocess mode
is needed, and nothing is lost when a worker is killed.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from docgen.api.pool import RenderPool

# Seconds: a statement renders in a fraction of a second; the tail reaches the render timeout.
_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class PoolCollector(Collector):
    """The render pool's state, read when /metrics is scraped."""

    def __init__(self, pool: RenderPool) -> None:
        self._pool = pool

    def collect(self) -> Iterator[Metric]:
        pool = self._pool
        yield GaugeMetricFamily(
            "docgen_queue_depth", "Requests admitted and waiting for a render worker", value=pool.waiting
        )
        yield GaugeMetricFamily("docgen_renders_in_progress", "Requests a render worker is working on", value=pool.busy)
        yield GaugeMetricFamily("docgen_workers_ready", "Render workers started and ready", value=pool.ready)
        yield GaugeMetricFamily(
            "docgen_queue_capacity", "Requests admitted at most (workers + queue)", value=pool.capacity
        )
        yield CounterMetricFamily(
            "docgen_pool_rejections", "Requests refused with 503: the queue was full", value=pool.rejected
        )
        replaced = CounterMetricFamily("docgen_worker_replacements", "Render workers replaced", labels=["reason"])
        for reason, count in sorted(pool.replaced.items()):
            replaced.add_metric([reason], count)
        yield replaced


class Metrics:
    """Every metric docgen serves."""

    def __init__(self, pool: RenderPool) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "docgen_http_requests", "HTTP requests answered", ["route", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "docgen_request_duration_seconds",
            "Time to answer a document or validate request, per kind",
            ["action", "kind"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.render_seconds = Histogram(
            "docgen_render_seconds",
            "Time a render worker spent on a request, per kind (reported by the worker)",
            ["action", "kind"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.render_errors = Counter(
            "docgen_render_errors",
            "Requests a render worker could not answer: timeout, worker-lost, render-failed",
            ["kind", "reason"],
            registry=self.registry,
        )
        self.registry.register(PoolCollector(pool))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
