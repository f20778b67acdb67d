"""Timing and memory measurement inside one benchmark process.

Throughput: a few warm-up steps (first-call allocations, optimizer slots, BLAS thread start),
then steps back to back until a fixed duration has passed. The timed steps are cut into
``windows`` consecutive groups; each group gives samples/s = batch * steps / seconds, and the
median group is reported, so a burst of load from another process moves the result less than
a plain mean would while pauses the framework itself causes (garbage collection) still count.

Peak memory: the process's resident set size (RSS) after imports and data creation is the
baseline; the high-water mark is then reset (Linux ``/proc/self/clear_refs``) so that import
transients do not hide the workload's own peak, and ``resource.getrusage``'s ``ru_maxrss``
after the timed steps gives the peak. Reported: peak minus baseline, in MiB.
"""

import resource
import statistics
import sys
import time

MIB = 1024 * 1024


def throughput(step, batches, batch_size, seconds, warmup_steps=3, windows=5):
    """Steady-state samples per second of ``step`` cycling over ``batches``.

    Args:
        step: callable ``step(x, y)`` running one step on one batch.
        batches: list of ``(x, y)`` pairs, cycled through.
        batch_size: samples per batch.
        seconds: how long to time (after the warm-up); at least ``windows`` steps are timed.
        warmup_steps: untimed steps first.
        windows: number of groups the timed steps are cut into.

    Returns:
        dict with ``samples_per_s`` (median over windows), ``window_samples_per_s``,
        ``steps`` (timed), ``step_ms`` (median step time in milliseconds) and
        ``samples_per_cpu_s``: samples per second of the process's CPU time (user + system,
        all threads) over the timed steps. With one thread that figure hardly moves when
        other programs compete for the cores; with several it also counts BLAS threads
        spinning while they wait.
    """
    n = len(batches)
    for i in range(warmup_steps):
        step(*batches[i % n])
    durations = []
    clock = time.perf_counter
    end = clock() + seconds
    cpu_start = time.process_time()
    i = 0
    while clock() < end or len(durations) < windows:
        x, y = batches[i % n]
        start = clock()
        step(x, y)
        durations.append(clock() - start)
        i += 1
    cpu = time.process_time() - cpu_start
    per_window = len(durations) // windows
    groups = [durations[k * per_window:(k + 1) * per_window] for k in range(windows - 1)]
    groups.append(durations[(windows - 1) * per_window:])
    rates = [batch_size * len(g) / sum(g) for g in groups]
    return {
        "samples_per_s": statistics.median(rates),
        "window_samples_per_s": rates,
        "steps": len(durations),
        "step_ms": 1000 * statistics.median(durations),
        "samples_per_cpu_s": batch_size * len(durations) / cpu if cpu > 0 else None,
    }


def current_rss():
    """Resident set size of this process now, in bytes (None where /proc is missing)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except OSError:
        return None
    return pages * resource.getpagesize()


def reset_peak_rss():
    """Makes the peak RSS start again from the current RSS (Linux >= 4.0); False elsewhere."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def peak_rss():
    """Peak resident set size of this process (since the last reset), in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak if sys.platform == "darwin" else peak * 1024


class MemoryWatch:
    """Peak memory a piece of work adds on top of the RSS when the watch starts.

    Example:
        >>> watch = MemoryWatch()
        >>> data = bytearray(64 * MIB)
        >>> watch.peak_mib() >= 0
        True
    """

    def __init__(self):
        self.baseline = current_rss()
        if self.baseline is None:
            self.baseline = peak_rss()
        reset_peak_rss()

    def peak_mib(self):
        return max(peak_rss() - self.baseline, 0) / MIB
