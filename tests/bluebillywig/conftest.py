"""Fixtures for the bluebillywig tests; they live in bluebillywig_helpers so test modules can import its helpers by a unique name."""

from bluebillywig_helpers import bb, sdk  # noqa: F401
