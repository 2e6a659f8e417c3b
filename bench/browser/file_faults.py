"""Faults (a): a warehouse file damaged under the staff instance, a release file missing under the public one."""

from __future__ import annotations

import shutil
from pathlib import Path

from .browser import Visit, launch, new_page, visit
from .environment import FAULT_OTHER_PAGE, FAULT_PAGE, FAULT_RELEASE_TABLE, FAULT_TABLE, Log, public_pages
from .faults import FaultResult
from .server import Server, prepare_root


def _damage(path: Path, how: str) -> None:
    if how == "deleted":
        path.unlink()
    else:  # corrupted: the first half of the file, then junk; no Parquet footer
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] + b"\x00not parquet\x00" * 64)



async def fault_file(wd: Path, chromium: str, timeout_ms: float, log: Log) -> FaultResult:
    """A warehouse file deleted, then (restored and) corrupted, under a running staff instance."""
    from playwright.async_api import async_playwright

    res = FaultResult("file", True, "")
    root = prepare_root(wd / "staff-root", keep_warehouse=True, publish=False)
    version = (root / "warehouse" / (root / "warehouse" / "CURRENT").read_text().strip())
    target = version / f"{FAULT_TABLE}.parquet"
    backup = wd / f"{FAULT_TABLE}.parquet.bak"
    shutil.copy2(target, backup)
    # Each check asks for a period not asked for before, so the result cache cannot hide the file.
    periods = iter([("2019%2F20", "2024%2F25"), ("2020%2F21", "2023%2F24"), ("2021%2F22", "2023%2F24"),
                    ("2019%2F20", "2022%2F23"), ("2020%2F21", "2024%2F25"), ("2019%2F20", "2021%2F22"),
                    ("2022%2F23", "2024%2F25"), ("2019%2F20", "2023%2F24"), ("2021%2F22", "2024%2F25"),
                    ("2020%2F21", "2022%2F23"), ("2019%2F20", "2020%2F21"), ("2023%2F24", "2024%2F25")])
    problems = []
    async with async_playwright() as pw:
        browser = await launch(pw, chromium)
        try:
            with Server(root, audience="staff", log_dir=wd / "logs") as srv:
                ctx, page = await new_page(browser)

                async def open_(path: str, a: str, b: str) -> Visit:
                    """A full page load (what a reload is) of a staff page for Dorset Council and a period."""
                    return await visit(page, f"{srv.base}/{path}?area=E06000059&from={a}&to={b}", None, timeout_ms)

                for path in (FAULT_PAGE, FAULT_OTHER_PAGE):
                    v = await open_(path, *next(periods))
                    if not v.ok:
                        problems.append(f"before the fault, /{path}: {v.error}")
                for how in ("deleted", "corrupted"):
                    _damage(target, how)
                    a, b = next(periods)
                    v = await open_(FAULT_PAGE, a, b)
                    snap = v.snapshot
                    msgs = snap.get("errorTexts", [])
                    clear = [m for m in msgs if "missing or damaged" in m]
                    res.details.append(f"{how}: /{FAULT_PAGE} shows {len(msgs)} error box(es), {snap.get('exceptions', '?')} "
                                       f"exception box(es); e.g. {msgs[0][:160] if msgs else '(none)'!r}")
                    if snap.get("exceptions") or snap.get("traceback") or not clear:
                        problems.append(f"{how}: /{FAULT_PAGE} does not show a clear message without a traceback")
                    v = await open_(FAULT_OTHER_PAGE, *next(periods))
                    res.details.append(f"{how}: /{FAULT_OTHER_PAGE} " + ("works" if v.ok else f"fails: {v.error}"))
                    if not v.ok or not v.snapshot.get("charts"):
                        problems.append(f"{how}: /{FAULT_OTHER_PAGE} does not keep working")
                    shutil.copy2(backup, target)
                    recovered_after = None
                    for attempt in range(1, 4):  # reload the affected page (with the same filters) until it is whole again
                        v = await open_(FAULT_PAGE, a, b)
                        if v.ok:
                            recovered_after = attempt
                            break
                    res.facts[f"{how}_reloads_to_recover"] = recovered_after
                    res.details.append(f"{how}: restored; /{FAULT_PAGE} whole again after "
                                       f"{recovered_after if recovered_after else 'more than 3'} reload(s)")
                    if recovered_after is None:
                        problems.append(f"{how}: /{FAULT_PAGE} did not recover within 3 reloads")
                await ctx.close()
        finally:
            await browser.close()
            if not target.exists() or target.read_bytes() != backup.read_bytes():
                shutil.copy2(backup, target)
    res.ok = not problems
    res.summary = "; ".join(problems) if problems else (
        f"clear message on /{FAULT_PAGE}, /{FAULT_OTHER_PAGE} kept working, recovered after "
        f"{res.facts.get('deleted_reloads_to_recover')} (deleted) and {res.facts.get('corrupted_reloads_to_recover')} "
        "(corrupted) reload(s)")
    return res


async def fault_public_file(wd: Path, chromium: str, timeout_ms: float, log: Log) -> FaultResult:
    """A release file missing under the public instance, before any page has read it (once a
    page has read a release table its result is cached for the life of the process, so a file
    lost later goes unnoticed until a restart: then this is what users see)."""
    from playwright.async_api import async_playwright

    res = FaultResult("public-file", True, "", facts={"unclear": [], "named": [], "not_recovered": []})
    pages = public_pages()
    root = prepare_root(wd / "public-fault-root")
    version = root / "release" / (root / "release" / "CURRENT").read_text().strip()
    target = version / f"{FAULT_RELEASE_TABLE}.parquet"
    backup = wd / f"release-{FAULT_RELEASE_TABLE}.parquet.bak"
    shutil.copy2(target, backup)
    problems = []
    async with async_playwright() as pw:
        browser = await launch(pw, chromium)
        try:
            with Server(root, audience="public", log_dir=wd / "logs") as srv:
                ctx, page = await new_page(browser)
                target.unlink()
                affected, unaffected = [], []
                for p in pages:
                    v = await visit(page, f"{srv.base}/{p.path}", p, timeout_ms)
                    snap = v.snapshot
                    if v.ok:
                        unaffected.append(p.title)
                        res.details.append(f"{p.title}: works")
                        continue
                    affected.append(p.title)
                    texts = snap.get("errorTexts") or []
                    named = [t for t in texts if f"published file for {FAULT_RELEASE_TABLE}" in t and "missing or damaged" in t]
                    res.details.append(f"{p.title}: {len(texts)} error box(es), {len(named)} naming the file, "
                                       f"{snap.get('exceptions', '?')} exception box(es); e.g. {(named or texts or [v.error])[0][:220]!r}")
                    if named:
                        res.facts["named"].append(p.title)
                    clear = bool(named) and len(named) == len(texts)
                    if snap.get("exceptions") or snap.get("traceback") or not clear:
                        res.facts["unclear"].append(p.title)
                        problems.append(f"{p.title} shows " + (
                            "Streamlit's generic 'This app has encountered an error' box" if snap.get("exceptions")
                            else "no clear message"))
                res.facts.update(affected=affected, unaffected=unaffected)
                if not unaffected or not affected:
                    problems.append("no public page kept working" if not unaffected else "no page was affected: the fault did not bite")
                shutil.copy2(backup, target)
                for p in pages:
                    for attempt in range(1, 4):
                        v = await visit(page, f"{srv.base}/{p.path}", p, timeout_ms)
                        if v.ok:
                            break
                    res.facts[f"reloads_to_recover {p.title}"] = attempt if v.ok else None
                    res.details.append(f"restored: {p.title} " + (f"works after {attempt} reload(s)" if v.ok
                                                                   else f"still fails after 3 reloads: {v.error[:200]}"))
                    if not v.ok:
                        res.facts["not_recovered"].append(p.title)
                        problems.append(f"{p.title} did not recover within 3 reloads")
                await ctx.close()
        finally:
            await browser.close()
            if not target.exists():
                shutil.copy2(backup, target)
    res.ok = not problems
    worst = max((n for k, n in res.facts.items() if k.startswith("reloads_to_recover") and n), default=None)
    res.summary = "; ".join(problems) if problems else (
        f"{', '.join(res.facts['affected'])}: a message naming the missing file, no traceback; "
        f"{', '.join(res.facts['unaffected'])} work; whole again after {worst} reload(s)")
    return res

