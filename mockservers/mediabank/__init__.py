"""NEP Mediabank MAP API v3 emulator (with its JWT service, S3 ingest and callbacks)."""
