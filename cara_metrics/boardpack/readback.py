"""Reading a saved deck back, for the tests and for checking a pack before it is sent.

:func:`titles_of` lists the slide titles; :func:`fit_problems` re-measures every shape with
the same rules that laid it out (:mod:`.fitting`) and names any text that would not fit
its box, any shape off the slide and any two shapes that overlap.
"""

from __future__ import annotations

import io

from pptx import Presentation

from .fitting import Para, text_height


def _named(slide, name: str):
    return next((sh for sh in slide.shapes if sh.name == name), None)


def titles_of(data: bytes) -> list[str]:
    """The title of each slide of a deck built here."""
    prs = Presentation(io.BytesIO(data))
    return [(_named(s, "title").text_frame.text if _named(s, "title") is not None else "") for s in prs.slides]


def _para_of(p) -> Para:
    """A saved paragraph as a Para (its first run bold and the rest not = a bold head)."""
    runs = p.runs
    size = runs[0].font.size.pt if runs and runs[0].font.size else 18
    marl = p._p.pPr.get("marL") if p._p.pPr is not None else None
    after = p.space_after.pt if p.space_after is not None else 0.0
    indent = int(marl) / 914400 if marl else 0.0
    if len(runs) == 2 and runs[0].font.bold and not runs[1].font.bold:
        return Para(runs[1].text, size, False, indent, after, head=runs[0].text)
    return Para(p.text, size, bool(runs and runs[0].font.bold), indent, after)


def _table_height(tbl) -> float:
    """Rendered height of a table: each row as tall as its fullest cell needs (or its set height)."""
    total = 0.0
    for row in tbl.rows:
        need = 0.0
        for c, cell in enumerate(row.cells):
            cw = (tbl.columns[c].width - cell.margin_left - cell.margin_right) / 914400
            need = max(need, text_height([_para_of(cell.text_frame.paragraphs[0])], cw)
                       + (cell.margin_top + cell.margin_bottom) / 914400)
        total += max(need, row.height / 914400)
    return total


def fit_problems(data: bytes) -> list[str]:
    """Re-measure a saved deck: text that would not fit its box, a table taller than its room,
    a shape off the slide, or two shapes overlapping. Empty when all is well."""
    prs = Presentation(io.BytesIO(data))
    w, h = prs.slide_width / 914400, prs.slide_height / 914400
    problems = []
    for i, s in enumerate(prs.slides, start=1):
        boxes = []
        for sh in s.shapes:
            left, top, sw, shh = (x / 914400 for x in (sh.left, sh.top, sh.width, sh.height))
            if sh.has_table:
                shh = _table_height(sh.table)
            if left < -0.01 or top < -0.01 or left + sw > w + 0.01 or top + shh > h + 0.01:
                problems.append(f"slide {i}: {sh.name} runs off the slide")
            boxes.append((sh.name, left, top, left + sw, top + shh))
            if sh.has_text_frame and sh.text_frame.text:
                tf = sh.text_frame
                inner_w = sw - (tf.margin_left + tf.margin_right) / 914400
                need = text_height([_para_of(p) for p in tf.paragraphs], inner_w) + (tf.margin_top + tf.margin_bottom) / 914400
                if need > shh + 0.02:
                    problems.append(f"slide {i}: text in {sh.name} needs {need:.2f} in but has {shh:.2f} in")
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                n1, l1, t1, r1, b1 = boxes[a]
                n2, l2, t2, r2, b2 = boxes[b]
                if min(r1, r2) - max(l1, l2) > 0.02 and min(b1, b2) - max(t1, t2) > 0.02:
                    problems.append(f"slide {i}: {n1} overlaps {n2}")
    return problems
