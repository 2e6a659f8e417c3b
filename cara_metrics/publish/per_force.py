"""One force's part of the release, and the forces shared between worker processes.

Forces are independent until the release is put together: each force's cells are protected
and audited on their own (no relation crosses a force boundary: every table is local
authorities within one force), and its rows depend only on its cells and on national query
results. So :func:`force_parts` may publish them in worker processes, and the release is the
same whichever way it ran: the parts are put together in the forces' order.

How the workers are kept safe: every query the forces use is read first, in this process
(:func:`sources.national_queries`, one query per table for all forces), and the workers get
a context that refuses any other query (``Context.offline``). A worker is a fork of this
process and never touches the database connection it inherits (DuckDB's threads do not
survive a fork); it computes, returns its parts by pickling, and exits without running
Python's shutdown (multiprocessing ends a pool worker with ``os._exit``).

Assumptions: the fork start method exists (Linux; elsewhere forces run in this process), and
the parts a worker returns pickle (DataFrames, dicts, dates). Tests that replace a method of
this process (a spy on ``Cells.finalise``) see every force only when forces run here: with a
single force, or with ``CARA_PUBLISH_WORKERS=1``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import threading
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..periods import fy_of
from .cells import Cells
from .model import Force
from .sources import (Context, _check_shared_cells, crime_rows, launch_date, national_queries, outcome_cells,
    outcome_rows, prior_figures, referral_cells, referral_rows, reoffending_cells, reoffending_rows, survey_cells,
    survey_rows)

#: Environment variable: how many worker processes publish forces (1: all in this process).
WORKERS_ENV = "CARA_PUBLISH_WORKERS"
#: Default number of workers, at most: the machines this runs on have two cores.
DEFAULT_WORKERS = 2


@dataclass
class ForcePart:
    """What one force adds to the release."""

    tables: dict[str, pd.DataFrame]   # rows per release table: crime always, people tables once CARA began
    launch: dt.date | None            # first CARA caution, when within the release's years
    tally: dict[str, int]             # suppressed cells and withheld rates (Cells.tally), or {}
    area_rows: list[dict[str, Any]]   # the force's rows of the areas table
    notes: list[str]                  # notes on its partnerships


def force_part(ctx: Context, force: Force, first_crime_fy: int,
               prior: dict[str, pd.DataFrame]) -> ForcePart:
    """Build and protect ``force``'s figures: crime rows, then, from CARA's launch, the people
    tables protected together (one :class:`Cells`), with the bounds audit over ``prior``
    (the previous release's people tables)."""
    tables: dict[str, pd.DataFrame] = {"crime": crime_rows(ctx, force, first_crime_fy)}
    tally: dict[str, int] = {}
    launch = launch_date(ctx, force)
    if launch is not None and fy_of(launch) <= ctx.last_fy:
        fys = list(range(fy_of(launch), ctx.last_fy + 1))
        cells = Cells(force, ctx.policy)
        referral_cells(ctx, cells, force, fys)
        in_progress = outcome_cells(ctx, cells, force, fys)
        questions = survey_cells(ctx, cells, force, fys)
        cohorts = reoffending_cells(ctx, cells, force, fy_of(launch))
        cells.prior(prior_figures(prior, cells, force))
        cells.finalise()
        _check_shared_cells(cells)
        tables["referrals"] = referral_rows(cells, force, fys, launch)
        tables["outcomes"] = outcome_rows(cells, force, fys, in_progress)
        tables["survey"] = survey_rows(cells, force, fys, questions)
        if cohorts is not None:
            tables["reoffending"] = reoffending_rows(cells, force, cohorts)
        tally = cells.tally()
    else:
        launch = None
    people_areas = {a.code for a in force.people_areas()}
    names = {a.code: a.name for a in force.las}
    area_rows, notes = [], []
    for a in [force.area, *force.csps, *force.las]:
        if a.code not in people_areas:
            people = "not published"
        elif a.code in force.csp_alias:
            people = f"same as {names[force.csp_alias[a.code]]}"
        else:
            people = "published"
        area_rows.append({"area_code": a.code, "area_name": a.name, "area_type": a.type,
                          "parent_code": a.parent, "force_code": force.code, "people_figures": people})
    for c in force.csps:
        if c.code in force.csp_alias:
            la = next(x.name for x in force.las if x.code == force.csp_alias[c.code])
            notes.append(f"{c.name} covers exactly one local authority ({la}); its figures about people are "
                         f"the same as that authority's and are protected once.")
        else:
            notes.append(f"{c.name} covers several local authorities; figures about people are published for "
                         "those authorities and the force, not for the partnership.")
    return ForcePart(tables, launch, tally, area_rows, notes)


def workers(n_forces: int) -> int:
    """How many worker processes to use for ``n_forces`` forces: ``CARA_PUBLISH_WORKERS``, else
    :data:`DEFAULT_WORKERS` or the number of cores if fewer; never more than the forces, and
    1 (this process) where processes cannot be forked or this is not the main thread."""
    env = os.environ.get(WORKERS_ENV, "").strip()
    try:
        n = int(env) if env else min(DEFAULT_WORKERS, os.cpu_count() or 1)
    except ValueError:
        raise ValueError(f"{WORKERS_ENV} must be a whole number of processes, got {env!r}") from None
    if "fork" not in multiprocessing.get_all_start_methods() or threading.current_thread() is not threading.main_thread():
        # No fork, or called from a thread of a larger program (a server): forking copies
        # only this thread, and locks other threads hold; run the forces here instead.
        return 1
    return max(1, min(n, n_forces))


#: The job the forked workers read (set just before forking, so they inherit it).
_JOB: tuple[Context, list[Force], int, dict[str, pd.DataFrame]] | None = None


def _run(i: int) -> tuple[int, ForcePart]:
    assert _JOB is not None
    ctx, forces, first_crime_fy, prior = _JOB
    return i, force_part(ctx, forces[i], first_crime_fy, prior)


def force_parts(ctx: Context, forces: list[Force], first_crime_fy: int,
                prior: dict[str, pd.DataFrame]) -> list[ForcePart]:
    """:func:`force_part` of every force, in the forces' order: in :func:`workers` processes
    when there are several (the machine's cores share the forces), else here."""
    n = workers(len(forces))
    if n <= 1:
        return [force_part(ctx, f, first_crime_fy, prior) for f in forces]
    global _JOB
    national_queries(ctx, first_crime_fy)
    _JOB = (dataclasses.replace(ctx, offline=True), forces, first_crime_fy, prior)
    try:
        # The largest forces first, so that the last to finish is a small one.
        order = sorted(range(len(forces)), key=lambda i: -len(forces[i].las))
        out: list[ForcePart | None] = [None] * len(forces)
        with multiprocessing.get_context("fork").Pool(n) as pool:
            for i, part in pool.imap_unordered(_run, order):
                out[i] = part
    finally:
        _JOB = None
    return [p for p in out if p is not None]
