"""The real published files the ingest tests use are kept unchanged.

``tests/data/public/`` holds byte-for-byte copies of files as public bodies publish them
(data.police.uk street-level crime for Dorset, July and August 2019; the ONS LAD to CSP to
PFA lookup, December 2023). Tests read them and write any variant to a temporary copy; this
test pins their SHA-256 so an accidental edit (an editor stripping the byte-order mark, say)
fails here rather than quietly changing what the other tests prove.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

PUBLIC = Path(__file__).parent / "data" / "public"

SHA256 = {
    "2019-07-dorset-street.csv": "af06abc8d9a7b582b4d445d53dcba10c4101e7ff1f196add2a074ce0d682d94d",
    "2019-08-dorset-street.csv": "0925d154b0299289bfa54868760d1723e0cea15034b16611a8c2370408c17004",
    "Local_Authority_District_to_CSPs_to_Police_Force_Areas_(December__2023)_Lookup_.csv": "245696caa6b000aa833357c6e4f53635683c74ba2db8611f0cd601839daaa1a4",
}


@pytest.mark.parametrize("name", sorted(SHA256))
def test_published_file_is_unchanged(name: str) -> None:
    data = (PUBLIC / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256[name], f"{name} differs from the file as published"


def test_lookup_keeps_its_byte_order_mark() -> None:
    name = "Local_Authority_District_to_CSPs_to_Police_Force_Areas_(December__2023)_Lookup_.csv"
    assert (PUBLIC / name).read_bytes().startswith(b"\xef\xbb\xbf")
