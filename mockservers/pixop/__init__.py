"""Pixop Video Processing REST API v1 emulator."""
