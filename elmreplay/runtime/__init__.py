"""The runtime layer: an app config -> a running app inside V8 (mini-racer)."""

from .engine import AppProcess, BatchResult, EventFailure
from .sources import RuntimeDirectory, RuntimeResolver, default_resolver

__all__ = ["AppProcess", "BatchResult", "EventFailure", "RuntimeDirectory", "RuntimeResolver", "default_resolver"]
