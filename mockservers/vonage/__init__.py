"""Vonage Media API v3 emulator."""
