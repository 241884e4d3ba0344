"""The replay layer: restore path, batched event path, sessions with checkpoints, verification."""

from .host import HostProcess, Result, Snapshot
from .restore import Restored, restore
from .session import ReplaySession
from .verify import VerifyReport, verify

__all__ = ["HostProcess", "ReplaySession", "Restored", "Result", "Snapshot", "VerifyReport", "restore", "verify"]
