"""The static headlines page: the force's headline figures for the latest year, as one small
HTML file written into each release by ``publish`` (``headlines.html``).

Why: a reader on a slow phone connection waits for Streamlit's JavaScript and fonts (over
1 MB) before the interactive overview draws a figure. This page is a few kilobytes of plain
HTML that nginx serves straight from the live release (docs/deploy-public.md), so the
figures arrive in one round trip; it links to the interactive pages for everything else.

Every figure and sentence comes from :func:`.headlines.headline_tiles` and
:func:`.headlines.headline_sentences` on the release (nothing is recomputed here), so the
page says exactly what the public overview's tiles and "In plain English" list say for the
same area and year. Assumptions: the force is the release's area of type ``force`` (the
first area when there is none), the latest year is the first of :func:`.release.year_options`.

The page is byte-reproducible: it holds no time of writing, only what the release holds
(its data-as-at and published dates), and no JavaScript, no web font, no external file.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlencode

from ..disclosure import SYMBOLS
from ..periods import format_date
from .headlines import headline_sentences, headline_tiles
from .release import area_name, areas, release_info, year_options

#: The file name of the page inside a release folder.
FILE_NAME = "headlines.html"

#: The synthetic-data banner: the same words as the interactive pages (ui_public.start).
SYNTHETIC_BANNER = ("<strong>Synthetic demonstration data.</strong> Every figure on this page is made up: drawn at random "
                    "and calibrated to published Dorset figures. It is not about real people or real outcomes.")

#: Symbols always explained (the brief's public key), then any other symbol the page shows.
ALWAYS_EXPLAINED = ("[c]", "[p]", "[b]", "[x]")

# System fonts only, no web font; dark text on white (contrast > 7:1); one column, so it
# reads at 390 px; links underlined. No colour carries meaning on its own.
_CSS = """body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;line-height:1.5;color:#0b0c0c;\
background:#fff;margin:0 auto;padding:1rem;max-width:46rem}
h1{font-size:1.6rem;margin:.2rem 0 .8rem}h2{font-size:1.25rem;margin:1.6rem 0 .6rem}
a{color:#1d4f91}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}
.banner{border-left:6px solid #b35c00;background:#fff4e5;padding:.6rem .8rem}
.tiles{list-style:none;padding:0;margin:0;display:grid;gap:.6rem;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr))}
.tiles li{border:1px solid #b1b4b6;border-radius:.4rem;padding:.6rem .8rem}
.label{margin:0;font-weight:600}.value{margin:.1rem 0;font-size:1.9rem;font-weight:700;line-height:1.2}
.delta,.n{margin:.1rem 0;color:#383f43;font-size:.95rem}
dl{margin:0}dt{font-weight:600}dd{margin:0 0 .5rem}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def force_and_year(root: Path | None = None) -> tuple[str, str, str]:
    """(area code, area name, financial year) the page shows: the force, latest year."""
    a = areas(root)
    forces = a[a["area_type"] == "force"]
    row = (forces if len(forces) else a).iloc[0]
    code = str(row["area_code"])
    return code, area_name(code, root), year_options(root)[0]  # named as the overview names it


def headlines_html(root: Path | None = None) -> str:
    """The page's HTML for the live (or pinned) release under ``root``."""
    info = release_info(root)
    code, name, year = force_and_year(root)
    tiles = headline_tiles(code, year, root)
    sentences = headline_sentences(code, year, root)
    query = urlencode({"area": code, "year": year})
    out = ['<!DOCTYPE html>', '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>CARA headline figures: {_e(name)}, {_e(year)}</title>",
           f"<style>{_CSS}</style>", "</head>", "<body>", "<main>",
           "<h1>CARA: public figures</h1>"]
    if info.synthetic:
        out.append(f'<p class="banner">{SYNTHETIC_BANNER}</p>')
    out.append(f"<h2>Headline figures: {_e(name)}, {_e(year)}</h2>")
    out.append('<ul class="tiles">')
    for i, t in enumerate(tiles):
        # elementtiming: the phone bench times when the first figure is painted (Element Timing API).
        timing = ' elementtiming="first-figure"' if i == 0 else ""
        delta = f'<p class="delta">{_e(t.delta_text)}</p>' if t.delta_text else ""
        out.append(f'<li><p class="label">{_e(t.label)}</p><p class="value"{timing}>{_e(t.value_text)}</p>{delta}'
                   f'<p class="n"><strong>{_e(t.period_text)}</strong> · {_e(t.n_text)}</p></li>')
    out.append("</ul>")
    out.append("<h2>In plain English</h2>")
    out.append("<ul>" + "".join(f"<li>{_e(s)}</li>" for s in sentences) + "</ul>")
    out.append("<h2>More figures</h2>")
    out.append("<ul>"
               f'<li><a href="/?{_e(query)}">Every area and year, interactively</a> (the public overview)</li>'
               '<li><a href="/public-tables">Tables, charts and downloads</a> (CSV and ODS)</li>'
               '<li><a href="/methodology">Methodology: how the figures are made</a></li>'
               '<li><a href="/accessibility">Accessibility statement</a></li>'
               "</ul>")
    out.append("<h2>About this release</h2>")
    status = info.status()
    out.append('<dl class="status">' + "".join(f"<dt>{_e(label)}</dt><dd>{_e(text)}</dd>" for label, text in status)
               + "</dl>")
    if len(info.revisions):
        # The status names a list under 'About this release': it is on the interactive overview.
        out.append(f'<p>The revised figures are listed on the <a href="/?{_e(query)}">interactive overview</a>, '
                   "under 'About this release'.</p>")
    out.append("<h2>Symbols</h2>")
    shown = " ".join([t.value_text for t in tiles] + [t.delta_text or "" for t in tiles] + sentences
                     + [text for _, text in status])
    keys = [k for k in SYMBOLS if k in ALWAYS_EXPLAINED or k in shown]
    out.append("<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(SYMBOLS[k])}</dd>" for k in keys) + "</dl>")
    out.append(f"<p>Published {_e(format_date(info.release_date))}, data as at {_e(format_date(info.data_as_at))}. "
               "This page is a plain copy of the headline figures, written when the release was published.</p>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
