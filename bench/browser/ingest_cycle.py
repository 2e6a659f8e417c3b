"""Ingest + publish on a live data root, and the check that no page view mixed two releases."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
import time
from pathlib import Path
from typing import Any

from .environment import INGEST_AREA, INGEST_MONTH, RELEASE_DATE
from .server import run_cara


class Deadline:
    """When sessions stop starting steps; the ingest worker moves it on after each publish, so
    the pages are seen again after the switch however long the publish took."""

    def __init__(self) -> None:
        self.at: float | None = None  # not set yet: never passed

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at

    def extend_to(self, t: float) -> None:
        self.at = t if self.at is None else max(self.at, t)



def crime_update(folder: Path, cycle: int) -> Path:
    """A record-level crime file replacing one month's count for one offence in Dorset Council
    (a different count each cycle), with the export marker that keeps the warehouse synthetic."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "crime_update.csv"
    year, month = INGEST_MONTH
    rows = ["crime_reference,recorded_date,area_code,offence_code,offence_group,da_flag,series"]
    for k in range(150 + 60 * cycle):
        rows.append(f"BENCH-{cycle}-{k},{1 + k % 28:02d}/{month:02d}/{year},{INGEST_AREA},105A,"
                    "Violence against the person,Y,home_office")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    (folder / "cara-export.json").write_text(json.dumps({"synthetic": True, "files": {path.name: digest}}), encoding="utf-8")
    return path


def ingest_publish(root: Path, work: Path, t_start: float, first_at: float, deadline: float, stop: threading.Event,
                    events: list[dict], sessions_until: Deadline, settle_s: float, min_cycles: int = 1) -> None:
    """Ingest + publish on ``root`` from ``first_at``, again while another cycle fits before
    ``deadline``; after each publish the sessions go on for at least ``settle_s`` more."""
    cycle, last = 0, 0.0
    while not stop.is_set():
        now = time.monotonic()
        if cycle == 0:
            if stop.wait(max(0.0, first_at - now)):
                return
        elif cycle >= min_cycles and now + last > deadline:
            return
        csv = crime_update(work / f"ingest-{cycle}", cycle)
        t0 = time.monotonic()
        ing = run_cara("ingest", "--data-dir", str(root), "--quiet", "--report", str(work / f"ingest-report-{cycle}.csv"), str(csv))
        t1 = time.monotonic()
        pub = None
        if ing.returncode == 0:
            day = dt.date.fromisoformat(RELEASE_DATE) + dt.timedelta(days=1 + cycle)
            pub = run_cara("publish", "--data-dir", str(root), "--release-date", day.isoformat())
        t2 = time.monotonic()
        live = (root / "release" / "CURRENT").read_text().strip()
        events.append({"cycle": cycle, "ingest_start_s": t0 - t_start, "ingest_s": t1 - t0, "publish_done_s": t2 - t_start,
                       "publish_s": t2 - t1, "release": live,
                       "rc": ing.returncode or (pub.returncode if pub else 0),
                       "output": (ing.stdout + ing.stderr + (pub.stdout + pub.stderr if pub else "")).strip()[-600:]})
        last = t2 - t0
        sessions_until.extend_to(time.monotonic() + settle_s)
        cycle += 1


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


def check_consistency(root: Path, observations: list[dict], work: Path) -> dict[str, Any]:
    """Every observation must be exactly one release version's: its status block, and (on the
    headline page) its tiles for the area and year it shows, all from the same version."""
    from cara_metrics import public, warehouse
    from cara_metrics.dataroot import list_versions

    versions = list_versions(root, "release")
    pins: dict[str, Path] = {}
    for v in versions:  # a data root whose CURRENT names this version: the release as it was
        pin = work / "pins" / v
        (pin / "release").mkdir(parents=True, exist_ok=True)
        if not (pin / "release" / v).exists():
            (pin / "release" / v).symlink_to((root / "release" / v).resolve(), target_is_directory=True)
        (pin / "release" / "CURRENT").write_text(v + "\n", encoding="utf-8")
        pins[v] = pin
    status = {v: _norm("\n".join(f"{label}: {text}" for label, text in public.release_info(pins[v]).status())) for v in versions}
    # The page's heading names an area as public.area_name does (with its kind where names repeat).
    codes = {v: {public.area_name(c, pins[v]): c for c in public.areas(pins[v])["area_code"]} for v in versions}
    tiles_cache: dict[tuple, list | None] = {}

    def tiles_of(v: str, name: str, year: str) -> list | None:
        key = (v, name, year)
        if key not in tiles_cache:
            code = codes[v].get(name)
            tiles_cache[key] = None if code is None else [
                [_norm(t.label), _norm(t.value_text), _norm(t.delta_text or ""), _norm(f"{t.period_text} · {t.n_text}")]
                for t in public.headline_tiles(code, year, pins[v])]
        return tiles_cache[key]

    matched: dict[str, int] = {v: 0 for v in versions}
    mismatches = []
    checked = 0
    for ob in observations:
        if ob.get("status") is None and not ob.get("tiles"):
            continue
        checked += 1
        fits = {v for v in versions if _norm(ob["status"]) == status[v]}
        if ob.get("tiles"):
            if ob.get("headline") is None:
                fits = set()
            else:
                seen = [[_norm(x) for x in t] for t in ob["tiles"]]
                fits &= {v for v in versions if tiles_of(v, *ob["headline"]) == seen}
        if len(fits) == 1:
            matched[next(iter(fits))] += 1
        elif len(fits) > 1:
            matched.setdefault("several (identical)", 0)
            matched["several (identical)"] += 1
        else:
            mismatches.append({k: ob[k] for k in ("t", "session", "page", "kind", "headline", "tiles", "status")})
    warehouse.clear_cache()
    return {"versions": versions, "checked": checked, "matched": matched, "mismatches": mismatches[:20],
            "n_mismatches": len(mismatches)}

