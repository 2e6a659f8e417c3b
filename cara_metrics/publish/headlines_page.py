"""The static headlines page (:mod:`cara_metrics.public.static_page`), written into each
release, and the link nginx serves it through.

``write_headlines_page`` runs on the complete, not yet live release (``before_live``), like
the download files, reading that release (pinned for the thread), so the page holds exactly
the figures of the release it sits in.

nginx cannot read ``release/CURRENT`` (a file naming the live version), so after the switch
:func:`link_live_page` points the symbolic link ``release/headlines.html`` at the live
version's page, replacing it atomically (``os.replace``): a reader gets the old or the new
page, never a missing one. If publish stops between the switch and the link, the link still
names the previous release's page (complete and consistent, one release behind) until the
next publish; ``python -m cara_metrics publish`` always relinks.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import warehouse
from ..dataroot import Version, live_version

#: The page's file name in a release folder, and the link's name in ``root/release``.
FILE_NAME = "headlines.html"


def write_headlines_page(root: Path, version: Version) -> Path:
    """Write ``headlines.html`` into release ``version`` (complete, not yet live); its path."""
    from ..public.static_page import headlines_html  # only here: the public package imports charts (see .importlinter)

    with warehouse.pinned(version, root):
        text = headlines_html(root)
    path = version.path / FILE_NAME
    with open(path, "wb") as fh:
        fh.write(text.encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())
    return path


def link_live_page(root: Path) -> Path | None:
    """Point ``root/release/headlines.html`` at the live release's page; the link, or None
    when the live release has no page (written before this existed)."""
    live = live_version(Path(root), "release")
    if not (live.path / FILE_NAME).is_file():
        return None
    link = Path(root) / "release" / FILE_NAME
    tmp = link.with_name(f".{FILE_NAME}-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    # Relative, so the data root can be moved or mounted elsewhere.
    os.symlink(f"{live.path.name}/{FILE_NAME}", tmp)
    os.replace(tmp, link)
    return link
