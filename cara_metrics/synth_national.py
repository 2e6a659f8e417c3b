"""National-scale synthetic data: 43 forces, 10 financial years, about 60 million crimes
and 150,000 referrals, for benchmarks and for proving the same code serves both scales.

Generated force by force and written through Parquet writers, so memory stays bounded
by the largest force, not the country. Area codes are made up (``SYN-F01`` ...) so the
data can never be mistaken for real geography; force names are real for readability.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import contract as C
from . import synth as S
from .dataroot import write_version

#: Force name and approximate resident population (millions), England and Wales.
FORCES = [
    ("Avon and Somerset", 1.75), ("Bedfordshire", 0.69), ("Cambridgeshire", 0.87), ("Cheshire", 1.07),
    ("City of London", 0.01), ("Cleveland", 0.57), ("Cumbria", 0.5), ("Derbyshire", 1.05),
    ("Devon and Cornwall", 1.8), ("Dorset", 0.78), ("Durham", 0.64), ("Dyfed-Powys", 0.52),
    ("Essex", 1.86), ("Gloucestershire", 0.64), ("Greater Manchester", 2.87), ("Gwent", 0.6),
    ("Hampshire", 2.0), ("Hertfordshire", 1.2), ("Humberside", 0.93), ("Kent", 1.87),
    ("Lancashire", 1.53), ("Leicestershire", 1.1), ("Lincolnshire", 0.77), ("Merseyside", 1.43),
    ("Metropolitan Police", 8.9), ("Norfolk", 0.92), ("North Wales", 0.7), ("North Yorkshire", 0.83),
    ("Northamptonshire", 0.79), ("Northumbria", 1.46), ("Nottinghamshire", 1.16), ("South Wales", 1.33),
    ("South Yorkshire", 1.42), ("Staffordshire", 1.14), ("Suffolk", 0.76), ("Surrey", 1.2),
    ("Sussex", 1.72), ("Thames Valley", 2.45), ("Warwickshire", 0.6), ("West Mercia", 1.3),
    ("West Midlands", 2.94), ("West Yorkshire", 2.35), ("Wiltshire", 0.73),
]
CRIMES_PER_1000 = 96.0  # about 5.8 million crimes a year across 60 million residents


def _writer(path: Path, table: C.Table) -> pq.ParquetWriter:
    return pq.ParquetWriter(path, C.arrow_schema(table), compression="zstd")


def write_national(out: Path, seed: int = 2019, progress: bool = True) -> Path:
    """Write a national-scale synthetic warehouse to ``out``; returns the version path."""
    from tqdm import tqdm

    rng = np.random.default_rng(seed)
    scale = S.NATIONAL_SCALE
    years = range(scale.first_fy, scale.last_fy + 1)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".synth-", dir=out))
    names = ("crime", "referrals", "survey_responses", "cohort", "reoffences")
    writers = {n: _writer(tmp / f"{n}.parquet", C.TABLES[n]) for n in names}
    areas: dict[str, list] = {c.name: [] for c in C.AREAS.columns}
    pop_rows: list[tuple[str, int, int]] = []
    rows = {n: 0 for n in names}

    def add_area(code, name, kind, parent):
        for k, v in zip(("area_code", "area_name", "area_type", "parent_code", "successor_code", "valid_from", "valid_to"),
                        (code, name, kind, parent, None, None, None)):
            areas[k].append(v)

    bar = tqdm(FORCES, desc="forces", unit="force", disable=not progress)
    for i, (force_name, pop_m) in enumerate(bar):
        fcode = f"SYN-F{i + 1:02d}"
        add_area(fcode, f"{force_name} police force area (synthetic)", "force", None)
        n_la = int(np.clip(round(pop_m * 4), 1, 33))
        n_csp = max(1, min(n_la, round(n_la / 2.5)))
        shares = rng.dirichlet(np.full(n_la, 4.0))
        la_codes = [f"{fcode}-L{j + 1:02d}" for j in range(n_la)]
        for c in range(n_csp):
            add_area(f"{fcode}-C{c + 1}", f"{force_name} CSP {c + 1} (synthetic)", "community_safety_partnership", fcode)
        for j, code in enumerate(la_codes):
            add_area(code, f"{force_name} area {j + 1} (synthetic)", "local_authority", f"{fcode}-C{j % n_csp + 1}")
        la_pop = {code: int(pop_m * 1e6 * s) for code, s in zip(la_codes, shares)}
        for code in la_codes:
            for y in years:
                pop_rows.append((code, y, int(la_pop[code] * (1.004 ** (y - 2019)))))

        trend = {y: (1 + 0.03 * (y - 2015)) * (0.88 if y == 2020 else 1.0) for y in years}
        da_share = {y: 0.12 + 0.008 * (y - 2015) + rng.normal(0, 0.004) for y in years}
        fy_totals = {}
        for y in years:
            total = int(pop_m * 1e6 / 1000 * CRIMES_PER_1000 * trend[y] * rng.uniform(0.9, 1.1))
            fy_totals[y] = (total, int(total * min(0.3, max(0.05, da_share[y]))))
        weights = [(code, code, la_pop[code]) for code in la_codes]
        crime = S._crime_for_area_set(rng, fy_totals, lambda m, w=weights: w, lambda m: "force")
        writers["crime"].write_table(crime)
        rows["crime"] += crime.num_rows

        ref = S._referrals(rng, scale, la_codes, [la_pop[c] for c in la_codes], f"{fcode}-P")
        comp = S._comparison(rng, la_codes, [la_pop[c] for c in la_codes], f"{fcode}-C", per_100k_month=1.8)
        cohort = S._cohort_table(ref, comp, lambda a, d: a)
        p12 = np.concatenate([np.array([S.P_REOFFEND_CARA[o] for o in ref["outcome"]]),
                              np.full(len(comp["person_id"]), S.P_REOFFEND_COMPARISON)])
        reoff = S._reoffences(rng, np.array(cohort.column("person_id").to_pylist(), dtype=object),
                              np.concatenate([ref["caution_date"], comp["index_day"]]), p12)
        for name, table in (("referrals", S._referrals_table(ref)), ("survey_responses", S._survey(rng, ref)),
                            ("cohort", cohort), ("reoffences", reoff)):
            writers[name].write_table(table)
            rows[name] += table.num_rows
        bar.set_postfix(crimes=f"{sum(t for t, _ in fy_totals.values()):,}")
    for w in writers.values():
        w.close()

    tables = {
        "areas": pa.table(areas, schema=C.arrow_schema(C.AREAS)),
        "population": pa.table({"area_code": [r[0] for r in pop_rows], "year": [r[1] for r in pop_rows],
                                "population": [r[2] for r in pop_rows]}, schema=C.arrow_schema(C.POPULATION)),
        "series_breaks": pa.table({"break_date": [], "series": [], "description": []}, schema=C.arrow_schema(C.SERIES_BREAKS)),
        "survey_questions": S._questions_table(),
        "costs": S._costs(2019, scale.last_fy, 150_000.0 * len(FORCES), rng),
        "crime_context": pa.table({c.name: [] for c in C.CRIME_CONTEXT.columns}, schema=C.arrow_schema(C.CRIME_CONTEXT)),
    }
    counts = {**{k: v.num_rows for k, v in tables.items()}, **rows}
    manifest = S.synthetic_manifest("national", seed, counts)
    version = write_version(out, "warehouse", tables, manifest,
                            extra_files={f"{n}.parquet": tmp / f"{n}.parquet" for n in names})
    tmp.rmdir()
    return version.path
