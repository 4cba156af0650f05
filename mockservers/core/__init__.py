"""Provider-agnostic machinery shared by every emulator."""
