"""Moved to :mod:`mockservers.core.s3` (the S3 endpoint is shared core machinery); kept importable."""

from mockservers.core.s3 import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, S3Endpoint, S3Error

__all__ = ["ACCESS_KEY_ID", "REGION", "SECRET_ACCESS_KEY", "S3Endpoint", "S3Error"]
