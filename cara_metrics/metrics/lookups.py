"""Reference facts the pages print around the figures, which are not metrics themselves:
breaks in series, the survey question bank, an area's first referral, which cohorts have
completed their follow-up. The analysis layer asks here (or ``compute``) and never runs a
SQL file itself."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import warehouse
from ..periods import Filters
from .reoffending import last_complete_index


def series_breaks(f: Filters, root: Path | None = None) -> pd.DataFrame:
    """Breaks in series inside the selection: break_date, series, description."""
    return warehouse.query("series_breaks", f.params(), root=root)


def population_years(f: Filters, root: Path | None = None) -> pd.DataFrame:
    """area_code, population_years over the selection for every area in the force ``f.area_code``
    (ONS mid-year estimates; NULL where one is missing): the residents a rate per 1,000 uses."""
    return warehouse.query("population_by_area", f.params(), root=root)


def survey_questions(root: Path | None = None) -> pd.DataFrame:
    """The question bank: question_id, text, agree_min (in question-id order)."""
    return warehouse.query("survey_questions", root=root)


def first_referral(area_code: str, root: Path | None = None) -> dict:
    """first_date, last_date and referrals (all time) for an area: tells an empty selection
    apart from an area with no CARA at all."""
    return warehouse.query("referrals_first", {"area": area_code}, root=root).iloc[0].to_dict()


def cohorts(area_code: str, root: Path | None = None) -> pd.DataFrame:
    """People per cohort quarter and group, and whether their follow-up has ended."""
    return warehouse.query("reoffending_cohorts", {"area": area_code, "last_complete_index": last_complete_index(root)},
                           root=root)


def has_force_extract(root: Path | None = None) -> bool:
    """Whether the force's own (domestic-abuse-flagged) crime extract is loaded at all."""
    df = warehouse.query("data_coverage", root=root)
    return bool(df.loc[df["source"] == "crime", "first_date"].notna().any())


def shared_councils(root: Path | None = None) -> pd.DataFrame:
    """Councils in more than one CSP (area_memberships): area_code, council_name, csps."""
    return warehouse.query("shared_councils", root=root)


def holds_councils(area_code: str, root: Path | None = None) -> bool:
    """Whether figures held by council can be given for ``area_code``: False for a partnership
    whose councils also sit in other partnerships (BCP in the ONS lookup), never picked silently."""
    df = warehouse.query("area_councils", {"area": area_code}, root=root)
    return bool(len(df)) and int(df["councils"].iloc[0]) > 0
