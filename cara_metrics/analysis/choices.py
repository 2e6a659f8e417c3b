"""What the staff pages' selectors offer: every current area of the warehouse."""

from __future__ import annotations

import pandas as pd

from ..areas import areas_frame


def areas() -> pd.DataFrame:
    """Every current area (code, name, type, parent) for the area picker."""
    return areas_frame()
