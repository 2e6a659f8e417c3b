"""Resolving what a pack is for: a financial year and an area, checked against the data.

Assumptions:

* The pack is about one financial year. Headline figures compare it with the year before,
  as the Overview page does.
* Trends cover the ``WINDOW_YEARS`` financial years to that year (fewer if the data starts
  later): the dashboard's default selection when "To" is that year.
* The area defaults to the first force area in the warehouse (the dashboard's default).
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import page_run
from ..areas import area_names, areas_frame, data_as_at
from ..contract import financial_year_label, parse_financial_year
from ..dataroot import data_root, live_version
from ..errors import NoData
from ..periods import Filters, fy_of
from .specs import BoardPackError, Context

#: Years of trend shown, ending with the pack's year (the dashboard's default selection).
WINDOW_YEARS = 6


def _financial_year(period: str) -> int:
    try:
        return parse_financial_year(period)
    except (TypeError, ValueError) as exc:
        raise BoardPackError(f"The period must be a financial year like 2024/25: {exc}.") from None


def coverage(root: Path) -> tuple[int, int]:
    """First and last financial years with any data (as the dashboard's year pickers offer)."""
    try:
        return page_run.coverage_years(root)
    except NoData as exc:
        raise BoardPackError(str(exc)) from None


def default_area(root: Path) -> str:
    """The first force area in the warehouse (the dashboard's default area)."""
    df = areas_frame(root)
    forces = df.loc[df["area_type"] == "force", "area_code"]
    if forces.empty:
        raise BoardPackError(f"The warehouse in {root} has no force area.")
    return str(forces.iloc[0])


def check(period: str, area: str | None = None, root: Path | None = None) -> tuple[int, str]:
    """(financial year, area code) once both are known to be in the data; BoardPackError if not."""
    root = Path(root) if root is not None else data_root()
    fy = _financial_year(period)
    first, last = coverage(root)
    if not first <= fy <= last:
        raise BoardPackError(f"There is no data for {financial_year_label(fy)}: the data covers "
                             f"{financial_year_label(first)} to {financial_year_label(last)}.")
    area = area or default_area(root)
    names = area_names(root)
    if area not in names:
        raise BoardPackError(f"Unknown area code {area!r}. Known areas: {', '.join(sorted(names))}.")
    from ..analysis.area_level import shared_council_reason

    if reason := shared_council_reason(area, root):  # a partnership with no council-held figures
        # "Dorset (community safety partnership), code E22000367", not a second bracket after the kind.
        raise BoardPackError(f"No board pack for {names[area]}, code {area}: {reason}")
    return fy, area


def context(period: str, area: str | None = None, root: Path | None = None) -> Context:
    """Resolve the pack's selection (validating the period and area against the data)."""
    root = Path(root) if root is not None else data_root()
    fy, area = check(period, area, root)
    first, _ = coverage(root)
    v = live_version(root, "warehouse")
    return Context(
        period=financial_year_label(fy), fy=fy, area=area, area_name=area_names(root)[area], root=root,
        as_at=data_as_at(root), synthetic=v.synthetic,
        year=Filters.financial_years(fy, fy, area),
        window=Filters.financial_years(max(first, fy - WINDOW_YEARS + 1), fy, area),
    )


def period_of(f: Filters) -> str:
    """The pack's period for a dashboard selection: its last financial year."""
    return financial_year_label(fy_of(f.date_to))


def file_name(period: str, area: str) -> str:
    """'cara-board-pack-2024-25-E23000039.pptx'."""
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", f"{period}-{area}").strip("-")
    return f"cara-board-pack-{safe}.pptx"
