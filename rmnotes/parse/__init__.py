"""Text -> model + issues. Pure and total: never prints, exits or raises on bad user data."""

from rmnotes.parse.client import ParsedClient, parse_client
from rmnotes.parse.config import parse_config

__all__ = ["ParsedClient", "parse_client", "parse_config"]
