"""Authentication schemes shared by providers (HOTP rpctokens, ...)."""
