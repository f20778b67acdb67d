"""The Keras-style progress bar printed by fit/evaluate/predict."""

import os
import sys
import time


class Progbar:
    """A progress bar: ``37/469 ━━━━━━━━━━━━━━━━━━━━ 2s 4ms/step - loss: 0.5500``.

    On a terminal the line is redrawn in place; elsewhere (a log file, CI) only the final
    line of each run is printed, so logs stay readable.

    Args:
        target: total number of steps, or None when unknown.
        width: bar width in characters.
        verbose: 1 for the live bar, 2 for one line at the end.
        interval: minimum seconds between redraws.
        stream: where to write (default sys.stdout).
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stream=None):
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.stream = stream or sys.stdout
        self.dynamic = (hasattr(self.stream, "isatty") and self.stream.isatty()) or \
            "ipykernel" in sys.modules or os.environ.get("DEEPBRICKS_DYNAMIC_PROGBAR") == "1"
        self.start = time.perf_counter()
        self.last_draw = 0.0
        self.seen = 0

    def update(self, current, values=None, finalize=None):
        """Shows progress at step ``current`` with ``values`` (a dict of logs)."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self.seen = current
        now = time.perf_counter()
        if not finalize and (self.verbose != 1 or not self.dynamic or
                             now - self.last_draw < self.interval):
            return
        self.last_draw = now
        line = self.format(current, values or {}, now - self.start)
        if self.verbose == 1 and self.dynamic:
            self.stream.write("\r" + line + ("\n" if finalize else ""))
        elif finalize:
            self.stream.write(line + "\n")
        self.stream.flush()

    def format(self, current, values, elapsed):
        if self.target:
            digits = len(str(self.target))
            head = f"{current:>{digits}}/{self.target}"
            if self.verbose == 1:
                filled = int(self.width * min(current / self.target, 1.0))
                head += " " + "\u2501" * filled + "\u2500" * (self.width - filled)
        else:
            head = f"{current}"
        per_step = elapsed / max(current, 1)
        if self.target and current < self.target:
            timing = f"{_seconds(per_step * (self.target - current))} eta"
        else:
            timing = f"{_seconds(elapsed)} {_per_step(per_step)}"
        sep = " - " if self.verbose == 2 else " "
        logs = "".join(f" - {k}: {_number(v)}" for k, v in sorted(values.items()))
        return f"{head}{sep}{timing}{logs}"


def _seconds(s):
    if s >= 3600:
        return f"{int(s // 3600)}:{int(s % 3600 // 60):02d}:{int(s % 60):02d}"
    if s >= 60:
        return f"{int(s // 60)}:{int(s % 60):02d}"
    return f"{int(round(s))}s"


def _per_step(s):
    if s >= 1:
        return f"{s:.0f}s/step"
    if s >= 1e-3:
        return f"{s * 1e3:.0f}ms/step"
    return f"{s * 1e6:.0f}us/step"


def _number(v):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{v:.4e}" if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e5) else f"{v:.4f}"
