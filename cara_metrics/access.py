"""When the commissioner pages may open without sign-in (no Streamlit here).

Only two things can open them, and neither is in the hands of whoever supplies data files:

* **the shipped demo**: the data root in use is the repository's own ``data/demo`` and
  its live warehouse version is, file for file, the one committed with this code
  (``SHIPPED_DEMO`` below: SHA-256 of every file). A ``synthetic`` flag in a manifest, or a
  ``cara-export.json`` marker beside uploaded files, is a label for readers, never a key:
  anyone who can drop files in an extracts folder can write either;
* **the operator's switch**: the environment variable ``CARA_STAFF_OPEN=1`` set by whoever
  starts the server (e.g. a training instance on a closed network). The pages then say so
  in a banner that names the switch.

``CARA_DEMO_OPEN=0`` closes both. Everything else needs sign-in. The check fails closed:
an unreadable pointer, manifest or file counts as "not the shipped demo".
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Literal, Mapping

from .dataroot import DEFAULT_DATA_DIR, MANIFEST, POINTER, data_root

OpenReason = Literal["shipped-demo", "operator-switch"]

#: Set by the operator to open the staff pages without sign-in on any data.
OPERATOR_SWITCH = "CARA_STAFF_OPEN"
#: "0" closes the staff pages even on the shipped demo.
DEMO_SWITCH = "CARA_DEMO_OPEN"

#: The shipped demo warehouse: its live version and the SHA-256 of every file in it.
#: Regenerate with ``python -m cara_metrics synth --out data/demo ...`` and paste the new
#: value that ``tests/test_access.py`` prints when the two disagree.
SHIPPED_DEMO: dict[str, object] = {
    "version": "v0001",
    "files": {
        "area_memberships.parquet": "6e1af4da1fd27b772e94b72ff6ac39a04aadf408f1a3e33487cc941a8492125f",
        "areas.parquet": "c2261f580b2290dc1016c285e2b5aa1b132778d54ae5da961907a7dd4dc52bd2",
        "cohort.parquet": "c5af83aaacdcece6c4b82ac0b23aeb3025f6d7031b0a2da92e8e6020e90c9e93",
        "costs.parquet": "b2f87dd9dbd882224393a4268dad12c5c36ecb1e6685a4bda07c127e45dde968",
        "crime.parquet": "0a55b63b54f818bff9f180a4869498fc1ac1159ef420c32943ca530032717e57",
        "crime_context.parquet": "8704ec70dd0169109da90958ba3d13092e3eb04332a93cea0aa29c7a066e7802",
        "manifest.json": "785df4a5761a4798f6ba3074ad4e3866dcfdba260401c769bb11ae4fdd4e68ae",
        "population.parquet": "a2ad198d49388847a91931b8cf621d6c99c8634a71a9683fb25a53ebf8c93a13",
        "referrals.parquet": "07e099e89d0e647ac3ecd1af21a8f540b9d18998d97eee9c81269da7dddef740",
        "reoffences.parquet": "6efc833be1354edc1e5652362059036bff59d269eb1fbfd29cbefcb9ba333eb5",
        "series_breaks.parquet": "0059b9668262ede03c004c3f938719cfae82911ead667f0c90fb2da8494779ac",
        "survey_questions.parquet": "115fe07dd5e8fa71d1c2ae581a2bc791ed1606f7fb72d4122b26e8f4a3f63fb7",
        "survey_responses.parquet": "8a3182d83a3bda8198aa7853ae784db59d6b36604ab6cd1ae8864594aff7ef3f",
    },
}

_lock = threading.Lock()
_memo: dict[tuple, bool] = {}


def fingerprint(version_dir: Path) -> dict[str, str]:
    """SHA-256 of every file in a version folder, by file name."""
    out: dict[str, str] = {}
    for p in sorted(version_dir.iterdir()):
        if p.is_file():
            out[p.name] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _stat_key(version_dir: Path) -> tuple:
    return tuple((p.name, st.st_size, st.st_mtime_ns, st.st_ino)
                 for p in sorted(version_dir.iterdir()) for st in [p.stat()])


def is_shipped_demo(root: Path) -> bool:
    """True only if ``root`` is the repository's ``data/demo`` and its live warehouse is the
    committed one, byte for byte. Hashes are recomputed whenever any file's size, time or
    inode changes (about 120 KB: under 1 ms)."""
    try:
        if root.resolve() != DEFAULT_DATA_DIR.resolve():
            return False
        base = DEFAULT_DATA_DIR / "warehouse"
        name = (base / POINTER).read_text(encoding="utf-8").strip()
        if name != SHIPPED_DEMO["version"]:
            return False
        folder = base / name
        if folder.is_symlink() or not (folder / MANIFEST).is_file():
            return False
        key = (str(folder), _stat_key(folder))
        with _lock:
            known = _memo.get(key)
        if known is None:
            known = fingerprint(folder) == SHIPPED_DEMO["files"]
            with _lock:
                _memo.clear()
                _memo[key] = known
        return known
    except OSError:
        return False


def open_reason(root: Path | None = None, environ: Mapping[str, str] | None = None) -> OpenReason | None:
    """Why the staff pages are open without sign-in, or None (they need sign-in)."""
    env = os.environ if environ is None else environ
    if env.get(DEMO_SWITCH, "").strip() == "0":
        return None
    if env.get(OPERATOR_SWITCH, "").strip() == "1":
        return "operator-switch"
    return "shipped-demo" if is_shipped_demo(root or data_root()) else None
