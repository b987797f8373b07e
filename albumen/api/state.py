"""What a running API process holds: settings, the database, and when it started."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from albumen.config import Settings
from albumen.db.engine import Database


@dataclass
class AppState:
    settings: Settings
    database: Database
    started_at: float = field(default_factory=time.time)
