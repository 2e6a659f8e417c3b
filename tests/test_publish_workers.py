"""Forces published in worker processes give exactly what publishing them here gives.

A national publish shares its forces between worker processes (``publish.per_force``); the
demo has one force, so these tests hand the machinery the demo's force twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import pandas as pd
import pytest

from cara_metrics import warehouse
from cara_metrics.dataroot import DEFAULT_DATA_DIR
from cara_metrics.publish import per_force, release, workers
from cara_metrics.publish.model import PublishError
from cara_metrics.publish.sources import Context

RELEASE_DATE = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def job():
    """The context, forces, first crime year and previous release of the demo's publish."""
    seen = {}
    real = release.force_parts

    def spy(ctx, forces, first_crime_fy, prior):
        seen["job"] = (ctx, forces, first_crime_fy, prior)
        return real(ctx, forces, first_crime_fy, prior)

    release.force_parts = spy
    try:
        release.compute_release(DEFAULT_DATA_DIR, RELEASE_DATE)
    finally:
        release.force_parts = real
    yield seen["job"]
    warehouse.clear_cache()


def test_worker_processes_give_what_this_process_gives(job, monkeypatch):
    ctx, forces, first_crime_fy, prior = job
    assert len(forces) == 1
    here = per_force.force_part(ctx, forces[0], first_crime_fy, prior)
    monkeypatch.setenv(workers.WORKERS_ENV, "2")
    assert workers.workers(2) == 2
    parts = per_force.force_parts(ctx, [forces[0], forces[0]], first_crime_fy, prior)
    assert len(parts) == 2
    for part in parts:
        assert part.launch == here.launch and part.tally == here.tally
        assert part.area_rows == here.area_rows and part.notes == here.notes
        assert list(part.tables) == list(here.tables) == ["crime", "referrals", "outcomes", "survey", "reoffending"]
        for name, rows in part.tables.items():
            pd.testing.assert_frame_equal(rows, here.tables[name], obj=name)


def test_workers_setting(monkeypatch):
    monkeypatch.setenv(workers.WORKERS_ENV, "1")
    assert workers.workers(43) == 1
    monkeypatch.setenv(workers.WORKERS_ENV, "4")
    assert workers.workers(3) == 3  # never more workers than forces
    monkeypatch.setenv(workers.WORKERS_ENV, "two")
    with pytest.raises(ValueError, match="CARA_PUBLISH_WORKERS must be a whole number"):
        workers.workers(43)


def test_a_worker_context_refuses_a_query_not_read_beforehand(job):
    ctx = job[0]
    offline = dataclasses.replace(Context(ctx.root, ctx.data_as_at, ctx.policy, ctx.last_fy, ctx.breaks), offline=True)
    with pytest.raises(RuntimeError, match="was not read before the forces were split"):
        offline.q("publish_areas")


def _fail(code: int) -> None:
    raise PublishError(f"force {code} cannot be protected")


def test_a_task_that_fails_or_a_worker_that_dies_is_reported_not_waited_for(monkeypatch):
    monkeypatch.setenv(workers.WORKERS_ENV, "2")
    with pytest.raises(PublishError, match="force 3 cannot be protected"):
        workers.run(_fail, [(3,), (3,)])
    with pytest.raises(PublishError, match="A worker process of publish ended unexpectedly"):
        workers.run(os._exit, [(1,), (1,)])  # the worker process ends mid-task
    assert workers.run(int, [("7",), ("8",)], cost=[1, 2]) == [7, 8]  # in the tasks' order
