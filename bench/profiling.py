"""Where the time goes when a page misses a target: a cProfile run grouped by library."""

from __future__ import annotations

import time
from pathlib import Path


_LIBRARIES = (("/plotly/", "Plotly (building figures)"), ("/pandas/", "pandas"),
              ("/numpy/", "numpy"), ("/pyarrow/", "pyarrow"))


def _library(filename: str, name: str) -> str | None:
    where = f"{filename} {name}".lower()
    return next((label for key, label in _LIBRARIES if key in where), None)


#: Where "our own code" lives: the product, and this package (whose ``pages.py`` held the page
#: calls inside ``cara_metrics`` until it moved out; counting it keeps the split as it was).
_OURS = ("cara_metrics", str(Path(__file__).resolve().parent))


def _ours(filename: str) -> bool:
    return any(part in filename for part in _OURS)


def profile_page(root: Path, page: str, area: str, warm: bool = False, top: int = 10) -> str:
    """cProfile of one run of the page (uncached unless ``warm``): where the time goes, then the top functions.

    Time "in" a library is the cumulative time of the calls our own code (``cara_metrics`` and ``bench``)
    makes into it, so Plotly's own use of pandas counts as Plotly; the rest is our Python.
    """
    import cProfile
    import io
    import pstats

    from cara_metrics import warehouse

    from . import pages as bench_pages

    ctx = bench_pages.Ctx.make(root, area)
    run = bench_pages.PAGE_WORK[page]
    run(ctx)
    if not warm:
        warehouse.clear_cache()
        warehouse.database(root)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    run(ctx)
    prof.disable()
    total = time.perf_counter() - t
    by: dict[str, float] = {}
    sql = "DuckDB (in warehouse.query)"
    for (filename, _line, name), (_cc, _nc, _tt, ct, callers) in pstats.Stats(prof).stats.items():
        if filename.endswith(("cara_metrics/warehouse.py", "cara_metrics\\warehouse.py")) and name == "query":
            by[sql] = by.get(sql, 0.0) + ct  # DuckDB's own calls do not show in cProfile: count the whole query
            continue
        lib = _library(filename, name)
        if lib is None:
            continue
        for (cfile, _cl, _cn), (_a, _b, _c, cct) in callers.items():
            if _ours(cfile) and _library(cfile, "") is None and not cfile.endswith("warehouse.py"):
                by[lib] = by.get(lib, 0.0) + cct
    by["our Python and the rest"] = max(0.0, total - sum(by.values()))
    lines = [f"profile of {page} ({area}, {'warm: every query cached' if warm else 'uncached'}): {1000 * total:.0f} ms under cProfile"]
    for name, secs in sorted(by.items(), key=lambda kv: -kv[1]):
        lines.append(f"    {name:<28} {1000 * secs:7.0f} ms  {100 * secs / total:3.0f}%")
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(top)
    body = [ln for ln in buf.getvalue().splitlines() if ln.strip() and "function calls" not in ln and "Ordered by" not in ln
            and "List reduced" not in ln]
    lines.append("  top functions by cumulative time:")
    lines += [f"    {ln.strip()[:160]}" for ln in body]
    return "\n".join(lines)
