"""What a ``python -m bench pages`` run finds, the targets it judges against, and the printed report.

Standard library only (the rows are plain dataclasses), so every other bench module can use
them without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Targets:
    """The performance envelope for one scale (None: no target)."""

    cold_ms: float
    warm_ms: float
    peak_mb: float | None
    pandas_ratio: float = 4.0  # at least this many times faster than plain pandas
    scan_ratio: float = 2.0  # at most this many times the bare scan (and the bare COPY for ingest)


TARGETS = {"dorset": Targets(cold_ms=500, warm_ms=100, peak_mb=None),
           "national": Targets(cold_ms=2000, warm_ms=100, peak_mb=4096)}


@dataclass(frozen=True)
class Repeats:
    cold: int = 5
    warm: int = 20
    uncached: int = 7
    pandas: int = 5
    scan: int = 7

    @classmethod
    def for_run(cls, quick: bool) -> "Repeats":
        return cls(cold=3, warm=10, uncached=3, pandas=3, scan=3) if quick else cls()


@dataclass
class PageRow:
    page: str
    area: str
    area_code: str
    cold_ms: float | None = None
    import_ms: float | None = None
    warm_ms: float | None = None
    uncached_ms: float | None = None
    sql_ms: float | None = None
    pandas_ms: float | None = None
    scan_ms: float | None = None
    peak_mb: float | None = None
    same: bool | None = None  # the baseline's numbers equal the page's (None: no baseline)
    differences: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def pandas_ratio(self) -> float | None:
        return self.pandas_ms / self.uncached_ms if self.pandas_ms and self.uncached_ms else None

    @property
    def pandas_sql_ratio(self) -> float | None:
        """pandas against the SQL part alone (no figures): the engines compared like for like."""
        return self.pandas_ms / self.sql_ms if self.pandas_ms and self.sql_ms else None

    @property
    def scan_ratio(self) -> float | None:
        return self.uncached_ms / self.scan_ms if self.scan_ms and self.uncached_ms else None

    @property
    def result(self) -> str:
        if self.error:
            return "ERROR"
        return "MISS" if self.missed else "PASS"


@dataclass
class StepRow:
    step: str
    rows: int | None = None
    seconds: float | None = None
    peak_mb: float | None = None
    floor_seconds: float | None = None
    floor_peak_mb: float | None = None
    missed: list[str] = field(default_factory=list)
    note: str = ""
    error: str | None = None

    @property
    def rows_per_s(self) -> float | None:
        return self.rows / self.seconds if self.rows and self.seconds else None

    @property
    def floor_rows_per_s(self) -> float | None:
        return self.rows / self.floor_seconds if self.rows and self.floor_seconds else None

    @property
    def floor_ratio(self) -> float | None:
        return self.seconds / self.floor_seconds if self.seconds and self.floor_seconds else None

    @property
    def result(self) -> str:
        if self.error:
            return "ERROR" if self.error != "not available" else "n/a"
        return "MISS" if self.missed else "PASS"


@dataclass
class Report:
    scale: str
    quick: bool
    machine: dict[str, str]
    data: dict[str, str]
    repeats: Repeats
    rows: list[PageRow] = field(default_factory=list)
    steps: list[StepRow] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)

    def render(self) -> str:
        return render(self)


def _f(x: float | None, fmt: str = "{:,.0f}") -> str:
    return "–" if x is None else fmt.format(x)


def _table(head: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    cell = lambda i, s: s.rjust(widths[i]) if i in right else s.ljust(widths[i])  # noqa: E731
    out = ["| " + " | ".join(cell(i, h) for i, h in enumerate(head)) + " |",
           "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"]
    out += ["| " + " | ".join(cell(i, s) for i, s in enumerate(r)) + " |" for r in rows]
    return out


def render(report: Report) -> str:
    t = TARGETS[report.scale]
    r = report.repeats
    lines = [f"# CARA bench: {report.scale} scale{' (--quick)' if report.quick else ''}", ""]
    lines += [f"- {k}: {v}" for k, v in report.machine.items()]
    lines += [f"- {k}: {v}" for k, v in report.data.items()]
    lines += [f"- runs (median of): cold {r.cold} new processes, warm {r.warm}, uncached {r.uncached}, pandas {r.pandas}, scan {r.scan}",
              f"- targets: cold < {t.cold_ms:,.0f} ms, warm < {t.warm_ms:,.0f} ms"
              + (f", peak memory < {t.peak_mb / 1024:.0f} GB" if t.peak_mb else "")
              + f", pandas/uncached >= {t.pandas_ratio:.0f}x, uncached/scan <= {t.scan_ratio:.0f}x", ""]
    head = ["page", "area", "cold ms", "import ms", "warm ms", "uncached ms", "sql ms", "pandas ms", "x pandas",
            "x pandas sql", "scan ms", "x scan", "peak MB", "same", "result", "missed"]
    body = []
    for p in report.rows:
        body.append([p.page, p.area, _f(p.cold_ms), _f(p.import_ms), _f(p.warm_ms, "{:,.1f}"), _f(p.uncached_ms), _f(p.sql_ms),
                     _f(p.pandas_ms), _f(p.pandas_ratio, "{:.1f}"), _f(p.pandas_sql_ratio, "{:.1f}"), _f(p.scan_ms, "{:,.1f}"),
                     _f(p.scan_ratio, "{:.1f}"), _f(p.peak_mb), "–" if p.same is None else ("yes" if p.same else "NO"), p.result,
                     p.error or ", ".join(p.missed)])
    lines += _table(head, body, right={2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    if report.steps:
        lines += ["", "Loading steps (whole command, wall clock; peak = the process's own maximum resident memory):", ""]
        head = ["step", "rows", "seconds", "rows/s", "peak MB", "floor s", "floor rows/s", "floor peak MB", "x floor", "result", "note"]
        body = [[s.step, _f(s.rows), _f(s.seconds, "{:,.1f}"), _f(s.rows_per_s), _f(s.peak_mb), _f(s.floor_seconds, "{:,.1f}"),
                 _f(s.floor_rows_per_s), _f(s.floor_peak_mb), _f(s.floor_ratio, "{:.1f}"), s.result,
                 s.error or "; ".join(s.missed + ([s.note] if s.note else []))] for s in report.steps]
        lines += _table(head, body, right={1, 2, 3, 4, 5, 6, 7, 8})
    diffs = [p for p in report.rows if p.differences]
    if diffs:
        lines += ["", "The pandas baseline disagrees with the page:"]
        for p in diffs:
            lines += [f"- {p.page} · {p.area}: {d}" for d in p.differences[:5]]
    for name, text in report.profiles.items():
        lines += ["", "```", text, "```"]
    lines += ["", "cold: new process, empty cache, imports excluded (shown as import ms). warm: result-cache hit. "
              "uncached: database open, result cache cleared; sql ms is the part inside warehouse.query. "
              "x pandas = pandas / uncached (the target); x pandas sql = pandas / sql (engines alone, no figures); "
              "x scan = uncached / scan. same: the baseline's numbers equal the page's."]
    return "\n".join(lines)
