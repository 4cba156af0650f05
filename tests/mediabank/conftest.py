"""Fixtures for the mediabank tests; they live in mediabank_helpers so test modules can import its helpers by a unique name."""

from mediabank_helpers import make_mb_client, mb_client, upload  # noqa: F401
