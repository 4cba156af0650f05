"""Blue Billywig SAPI emulator: mediaclips, mediaassets, search, HOTP/JWT auth and uploads to S3."""
