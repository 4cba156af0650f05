"""Contract conformance: check live servers (`contracts check`) and recorded traffic (`verify-journal`)."""
