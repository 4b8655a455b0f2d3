"""A grid's progress: done / running / failed / remaining, and an ETA from wall times.

The ETA uses the mean wall time of the runs this grid has recorded (``wall_time_s`` of
the records already in its folders, from earlier sessions too), else of the runs finished
now, divided among the executor's run slots: remaining × mean / slots.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO


def format_duration(seconds: float) -> str:
    """"42 s", "7 min", "2.3 h"."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@dataclass
class Progress:
    """Counts of one grid, printed as one line whenever a run ends (and at the start).

    ``recorded_wall_s``: wall times (s) of the runs already recorded, for the ETA."""

    total: int
    skipped: int
    slots: int
    recorded_wall_s: list[float] = field(default_factory=list)
    stream: TextIO | None = None
    done: int = 0
    failed: int = 0
    finished_wall_s: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def remaining(self) -> int:
        return self.total - self.skipped - self.done - self.failed

    @property
    def running(self) -> int:
        return min(self.slots, self.remaining)

    def mean_wall_s(self) -> float | None:
        walls = [w for w in [*self.recorded_wall_s, *self.finished_wall_s] if w > 0]
        return sum(walls) / len(walls) if walls else None

    def eta_s(self) -> float | None:
        """Seconds left: remaining runs × mean wall time / run slots (None before any wall time)."""
        mean = self.mean_wall_s()
        if mean is None:
            return None
        return self.remaining * mean / max(1, self.slots)

    def finished(self, wall_s: float, ok: bool) -> None:
        if ok:
            self.done += 1
            self.finished_wall_s.append(wall_s)
        else:
            self.failed += 1
        self.show()

    def line(self) -> str:
        eta = self.eta_s()
        mean = self.mean_wall_s()
        when = "ETA —" if eta is None else f"ETA {format_duration(eta)} ({format_duration(mean)} a run)"
        return (f"grid: {self.skipped + self.done}/{self.total} recorded ({self.done} now) · running "
                f"{self.running} · failed {self.failed} · remaining {self.remaining} · {when} · "
                f"elapsed {format_duration(time.monotonic() - self.started)}")

    def show(self) -> None:
        print(self.line(), file=self.stream or sys.stderr, flush=True)


def recorded_wall_times(records: Iterable[dict]) -> list[float]:
    """The ``wall_time_s`` of each record that has one."""
    return [float(r["wall_time_s"]) for r in records if isinstance(r.get("wall_time_s"), (int, float))]
