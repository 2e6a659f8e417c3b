"""The warehouse the page bench measures: built once per scale and seed, described, and its areas chosen."""

from __future__ import annotations

import time
from pathlib import Path

from .measure import say


def ensure_warehouse(scale: str, seed: int, workdir: Path, progress: bool = True) -> Path:
    """The data root for (scale, seed) under ``workdir``: reused if complete, else written."""
    import shutil

    from cara_metrics.dataroot import DataRootError, live_version

    root = Path(workdir) / f"{scale}-seed{seed}"
    try:
        m = live_version(root, "warehouse").manifest
        if m.get("scale") == scale and m.get("seed") == seed:
            return root
    except DataRootError:
        pass
    if root.exists():
        shutil.rmtree(root)
    t0 = time.perf_counter()
    say(progress, f"building the {scale} warehouse (seed {seed}) in {root} ...")
    if scale == "dorset":
        from cara_metrics import synth

        synth.write_dorset(root, seed)
    else:
        from cara_metrics import synth_national

        synth_national.write_national(root, seed, progress=progress)
    say(progress, f"  built in {time.perf_counter() - t0:.1f} s")
    return root


def describe_data(root: Path) -> dict[str, str]:
    import pyarrow.parquet as pq

    from cara_metrics.dataroot import live_version

    v = live_version(root, "warehouse")
    rows = {p.stem: pq.ParquetFile(p).metadata.num_rows for p in sorted(v.path.glob("*.parquet"))}
    size = sum(p.stat().st_size for p in v.path.glob("*.parquet"))
    import duckdb

    crimes = duckdb.connect().execute("SELECT sum(offences)::BIGINT FROM read_parquet($p)", {"p": str(v.table_path("crime"))}).fetchone()[0]
    return {
        "data root": str(root),
        "version": f"{v.name} ({'synthetic' if v.synthetic else 'real'}, scale {v.manifest.get('scale', '?')}, seed {v.manifest.get('seed', '?')})",
        "Parquet": f"{size / 1e6:.1f} MB",
        "crime": f"{rows.get('crime', 0):,} monthly rows = {crimes or 0:,} crimes",
        "people": f"{rows.get('referrals', 0):,} referrals, {rows.get('cohort', 0):,} cohort, {rows.get('reoffences', 0):,} reoffences, "
                  f"{rows.get('survey_responses', 0):,} survey answers",
    }


def bench_areas(root: Path, scale: str) -> list[tuple[str, str]]:
    """(label, area code): the force at Dorset scale; Dorset and the largest force nationally."""
    import pandas as pd

    from cara_metrics.dataroot import live_version

    v = live_version(root, "warehouse")
    areas = pd.read_parquet(v.table_path("areas"), columns=["area_code", "area_name", "area_type", "parent_code", "successor_code"])
    areas = areas[areas["successor_code"].isna()]
    forces = areas[areas["area_type"] == "force"]

    def label(code: str) -> str:
        name = str(forces.loc[forces["area_code"] == code, "area_name"].iloc[0])
        return name.replace(" police force area", "").replace(" (synthetic)", "")

    dorset = [c for c, n in zip(forces["area_code"], forces["area_name"]) if "Dorset" in str(n)]
    first = dorset[0] if dorset else str(forces["area_code"].iloc[0])
    if scale == "dorset":
        return [(label(first), first)]
    pop = pd.read_parquet(v.table_path("population"))
    latest = pop[pop["year"] == pop["year"].max()]
    parent = dict(zip(areas["area_code"], areas["parent_code"]))

    def force_of(code):
        while isinstance(parent.get(code), str):
            code = parent[code]
        return code

    by_force = latest.assign(force=[force_of(c) for c in latest["area_code"]]).groupby("force")["population"].sum()
    largest = str(by_force.idxmax())
    out = [(label(first), first)]
    if largest != first:
        out.append((label(largest), largest))
    return out
