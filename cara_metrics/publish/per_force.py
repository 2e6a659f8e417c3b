"""One force's part of the release, and the forces shared between worker processes.

Forces are independent until the release is put together: each force's cells are protected
and audited on their own (no relation crosses a force boundary: every table is local
authorities within one force), and its rows depend only on its cells and on national query
results. So :func:`force_parts` may publish them in worker processes, and the release is the
same whichever way it ran: the parts are put together in the forces' order.

Worker processes (:mod:`.workers`) never query: every query the forces use is read first,
in this process (:func:`sources.national_queries`, one query per table for all forces), and
they get a context that refuses any other query (``Context.offline``). Tests that replace a
method of this process (a spy on ``Cells.finalise``) see every force only when forces run
here: with a single force, or with ``CARA_PUBLISH_WORKERS=1``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..periods import fy_of
from . import workers
from .cells import Cells
from .model import Force
from .sources import (Context, _check_shared_cells, crime_rows, launch_date, national_queries, outcome_cells,
    outcome_rows, prior_figures, referral_cells, referral_rows, reoffending_cells, reoffending_rows, survey_cells,
    survey_rows)

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


def force_parts(ctx: Context, forces: list[Force], first_crime_fy: int,
                prior: dict[str, pd.DataFrame]) -> list[ForcePart]:
    """:func:`force_part` of every force, in the forces' order: in worker processes when
    there are several forces and :func:`workers.workers` allows it, else here."""
    if workers.workers(len(forces)) <= 1:
        return [force_part(ctx, f, first_crime_fy, prior) for f in forces]
    national_queries(ctx, first_crime_fy)
    offline = dataclasses.replace(ctx, offline=True)
    return workers.run(force_part, [(offline, f, first_crime_fy, prior) for f in forces],
                       cost=[len(f.las) for f in forces])  # a force's work grows with its authorities
