"""Who the app is serving, from env ``CARA_AUDIENCE``.

* ``public``: the public view only. It reads only the published release, so it works
  with the warehouse folder absent and cannot show an unsuppressed count.
* anything else (the default, ``staff``): the public pages plus the commissioner pages,
  which need sign-in (see cara_metrics.ui_auth).
"""

from __future__ import annotations

import os
from typing import Literal

from .dataroot import data_root, has_version

Audience = Literal["public", "staff"]


def current() -> Audience:
    return "public" if os.environ.get("CARA_AUDIENCE", "").strip().lower() == "public" else "staff"


def staff_view() -> bool:
    return current() == "staff"


def public_available() -> bool:
    """Whether the data root holds a published release to show."""
    return has_version(data_root(), "release")
