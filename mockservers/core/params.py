"""Kept for providers not yet moved to :mod:`mockservers.core.views`: thin re-exports."""

from __future__ import annotations

from mockservers.core.views import json_string, query_int

__all__ = ["json_string", "query_int"]
