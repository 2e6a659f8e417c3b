"""Errors every layer may raise, with no dependencies (so the public path can catch them
without importing anything that reads the warehouse)."""

from __future__ import annotations


class NoData(LookupError):
    """The selection has no data; the message says so in plain English."""


class QueryError(RuntimeError):
    """A query failed because the data is missing or damaged; the message is for users."""


class UsageError(Exception):
    """Wrong use of a command (exit code 2)."""
