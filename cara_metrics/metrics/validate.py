"""Check the registry against the SQL files, the answer functions and (optionally) real data.

Problems come back as ``Problem(metric, field, fix)`` (as metricflow reports them), so an
author can act on each one. Run by tests/test_metrics.py and at start-up (``app.py`` logs
them and shows staff a warning naming each metric); ``declarations()`` is cheap (no data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path

from .. import contract, registry, warehouse
from ..periods import Filters, fy_end, fy_start, last_ended_fy
from .answers import ANSWERS
from .result import COLUMNS

_PARAM = re.compile(r"\$([A-Za-z_]\w*)")
#: Parameters ``Ask.params`` binds for every query.
BOUND = {"area", "date_from", "date_to", "grain", "force", "last_complete_index"}
OPTIONAL_FIELDS = {"higher_is_better", "sql_params", "requires"}


@dataclass(frozen=True)
class Problem:
    metric: str
    field: str
    fix: str

    def __str__(self) -> str:
        return f"metric {self.metric!r}, field {self.field!r}: {self.fix}"


def _sql_params(name: str) -> set[str]:
    text = re.sub(r"--[^\n]*", "", warehouse.load_sql(name))
    return set(_PARAM.findall(text))


def declarations() -> list[Problem]:
    """Every declaration complete, every SQL file present, every parameter bound, every
    declared breakdown answered and every answer declared."""
    out: list[Problem] = []
    ids = [m.id for m in registry._METRICS]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        out.append(Problem(dup, "id", "declared more than once: give each metric its own id."))
    for m in registry.METRICS.values():
        for t in m.requires:
            if t not in contract.OPTIONAL_TABLES:
                out.append(Problem(m.id, "requires", f"{t!r} is not an optional table: list only tables a data root may lack."))
        for f in fields(registry.Metric):
            if f.name in OPTIONAL_FIELDS or f.name == "queries":
                continue
            value = getattr(m, f.name)
            if not isinstance(value, str) or not value.strip():
                out.append(Problem(m.id, f.name, "is empty: say what it is."))
        if m.question not in registry.QUESTIONS:
            out.append(Problem(m.id, "question", f"{m.question!r} is not one of {sorted(registry.QUESTIONS)}."))
        if m.disclosure not in registry.DISCLOSURE_RULES:
            out.append(Problem(m.id, "disclosure", f"{m.disclosure!r} is not one of {sorted(registry.DISCLOSURE_RULES)}."))
        if m.definition and not m.definition.rstrip().endswith("."):
            out.append(Problem(m.id, "definition", "should be a full sentence ending with a full stop."))
        if not m.queries:
            out.append(Problem(m.id, "queries", "declares no breakdown: add queries=q(total=...) naming the SQL that answers it."))
        used: set[str] = set()
        for by, files in m.queries:
            if by not in registry.BREAKDOWNS:
                out.append(Problem(m.id, "queries", f"breakdown {by!r} is not one of {registry.BREAKDOWNS}."))
            if (m.id, by) not in ANSWERS:
                out.append(Problem(m.id, "queries", f"declares a {by!r} breakdown but no answer function: add "
                                                    f"@answers({m.id!r}, {by!r}) in cara_metrics/metrics/answers/."))
            for name in files:
                if not (warehouse.SQL_DIR / f"{name}.sql").is_file():
                    out.append(Problem(m.id, "queries", f"sql/{name}.sql does not exist: create it or fix the name."))
                    continue
                params = _sql_params(name)
                used |= params
                unbound = params - BOUND - {k for k, _ in m.sql_params}
                if unbound:
                    out.append(Problem(m.id, "sql_params", f"sql/{name}.sql needs ${', $'.join(sorted(unbound))}, which nothing "
                                                           "binds: add it to sql_params or to Ask.params."))
        for name, _ in m.sql_params:
            if name not in used:
                out.append(Problem(m.id, "sql_params", f"names {name!r}, which none of its SQL files uses: remove it."))
    for (mid, by) in ANSWERS:
        m = registry.METRICS.get(mid)
        if m is None:
            out.append(Problem(mid, "id", "has an answer function but is not registered: register it or delete the answer."))
        elif by not in m.breakdowns:
            out.append(Problem(mid, "queries", f"has a {by!r} answer the registry does not declare: declare its SQL in queries=."))
    return out


def on_data(root: Path | None = None) -> list[Problem]:
    """Run every declared (metric, breakdown) on the data root's last complete financial year
    at force level and check the result's columns; an error becomes a Problem, not a crash."""
    from . import compute
    from ..areas import areas_frame

    out: list[Problem] = []
    as_at = warehouse.as_of(warehouse.current_version(root, "warehouse"))
    last = last_ended_fy(as_at)
    forces = areas_frame(root)
    forces = forces[forces["area_type"] == "force"]["area_code"]
    if forces.empty:
        return [Problem("*", "areas", "the data has no force area, so no metric can be checked.")]
    f = Filters(fy_start(last - 5), fy_end(last), str(forces.iloc[0]))
    for m in registry.METRICS.values():
        for by in m.breakdowns:
            try:
                r = compute(m.id, f, by=by, grain="year", root=root)
            except Exception as exc:  # noqa: BLE001 - reported as a problem with the metric, not raised
                out.append(Problem(m.id, f"queries[{by}]", f"failed on the data ({type(exc).__name__}: {exc}); fix the SQL or the answer."))
                continue
            if tuple(r.table.columns[: len(COLUMNS)]) != COLUMNS:
                out.append(Problem(m.id, f"queries[{by}]", f"returned columns {list(r.table.columns)}; the first must be {list(COLUMNS)}."))
            elif r.table.empty and not _reads_unloaded_optional(m, root):
                out.append(Problem(m.id, f"queries[{by}]", f"returned no rows for {f.label} at force level: check the SQL's filters."))
    return out


def _reads_unloaded_optional(m: registry.Metric, root: Path | None) -> bool:
    """The metric requires an optional public table (``Metric.requires``) that this data root
    has not loaded, so an empty answer is right (the page says the series is not loaded)."""
    import pyarrow.parquet as pq

    version = warehouse.current_version(root, "warehouse")
    for t in m.requires:
        path = version.table_path(t)
        if not path.exists() or pq.ParquetFile(path).metadata.num_rows == 0:
            return True
    return False
