"""Text -> model + issues. Pure and total: never prints, exits or raises on bad user data.

``parse_client`` and ``parse_config`` load their modules when first asked for, so that a
module that needs only one part (``yamltree``, ``body``) does not load the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rmnotes.parse.client import ParsedClient, parse_client
    from rmnotes.parse.config import parse_config

__all__ = ["ParsedClient", "parse_client", "parse_config"]
_WHERE = {"ParsedClient": "client", "parse_client": "client", "parse_config": "config"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
