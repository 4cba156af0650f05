"""Mediaflow customer API emulator (customerapi.mediaflowpro.com/1/...)."""
