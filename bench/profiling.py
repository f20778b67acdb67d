"""Where a deepbricks workload's time goes: cProfile over its steady-state steps.

The report has three parts, all in milliseconds per step under the profiler (which slows
Python-level code more than NumPy kernels, so the split overstates framework overhead a
little; the unprofiled step time is printed alongside for scale). With one thread the clock
is the process's CPU time, so that other programs sharing the machine do not inflate the
numbers; with several BLAS threads CPU time would add the threads up, so wall time is used:

1. per op: the cumulative time of each ``Function`` subclass's ``forward`` and ``backward``;
2. buckets: all op forwards, all op backwards, the optimizer's ``apply``, and the rest
   (layer calls, graph walk, loss wrapper, trainer bookkeeping), which is framework overhead;
3. the functions with the most own time (NumPy kernels included), each with the callers that
   account for most of it, which is what tells *which* line of an op to make faster.
"""

import cProfile
import pstats
import time


def _function_classes():
    from deepbricks.autograd import Function

    seen, stack = [], [Function]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            seen.append(sub)
            stack.append(sub)
    return seen


def _op_methods():
    """Maps pstats keys (file, line, name) of every op's forward/backward to (op, pass)."""
    methods = {}
    for cls in _function_classes():
        for name in ("forward", "backward"):
            code = getattr(cls.__dict__.get(name), "__code__", None)
            if code is not None:
                methods[(code.co_filename, code.co_firstlineno, name)] = (cls.__name__, name)
    return methods


def _label(key):
    filename, line, name = key
    if filename == "~":
        return name
    for anchor in ("site-packages/", "/deepbricks/"):
        if anchor in filename:
            filename = filename.split(anchor)[-1]
    return f"{filename}:{line}({name})"


def clock(threads):
    """The profiler's clock for ``threads`` BLAS threads: ``(function, name)``."""
    if threads == 1:
        return time.process_time, "CPU"
    return time.perf_counter, "wall"


def step_time(step, batches, seconds, timer, warmup_steps=3):
    """Milliseconds per step (on ``timer``) over at least 3 steps and ``seconds`` of wall time."""
    n = len(batches)
    for i in range(warmup_steps):
        step(*batches[i % n])
    end, count, start = time.perf_counter() + seconds, 0, timer()
    while time.perf_counter() < end or count < 3:
        step(*batches[count % n])
        count += 1
    return 1000 * (timer() - start) / count


def profile(step, batches, steps, timer=time.perf_counter):
    """Runs ``steps`` steps under cProfile (timed by ``timer``) and returns the ``pstats.Stats``."""
    profiler = cProfile.Profile(timer)
    n = len(batches)
    profiler.enable()
    for i in range(steps):
        step(*batches[i % n])
    profiler.disable()
    return pstats.Stats(profiler)


def summarize(stats, steps, step_ms=None, unit="wall", top=15):
    """The three-part report described in the module docstring, as text.

    Args:
        stats: the ``pstats.Stats`` of :func:`profile`.
        steps: how many steps it profiled.
        step_ms: the unprofiled time per step, shown for scale.
        unit: the clock's name, 'CPU' or 'wall'.
        top: rows in the per-op and own-time lists.
    """
    raw = stats.stats
    total = stats.total_tt * 1000 / steps
    ops = _op_methods()
    per_op = {}
    for key, (_, _, _, cumulative, _) in raw.items():
        if key in ops:
            name, which = ops[key]
            per_op.setdefault(name, {"forward": 0.0, "backward": 0.0})[which] += (
                cumulative * 1000 / steps
            )
    forward = sum(v["forward"] for v in per_op.values())
    backward = sum(v["backward"] for v in per_op.values())
    optimizer = sum(
        cumulative for (filename, _, name), (_, _, _, cumulative, _) in raw.items()
        if name == "apply" and filename.endswith("optimizers/optimizer.py")
    ) * 1000 / steps
    lines = [f"profiled: {total:.1f} ms/step ({unit} time) over {steps} steps"
             + (f" (unprofiled {step_ms:.1f} ms/step)" if step_ms else "")]
    lines.append("buckets (ms/step, % of profiled):")
    rest = total - forward - backward - optimizer
    for name, value in (("op forward", forward), ("op backward", backward),
                        ("optimizer.apply", optimizer), ("framework overhead", rest)):
        lines.append(f"  {name:<20} {value:8.1f}  {100 * value / total:5.1f} %")
    lines.append("per op (ms/step: forward, backward, % of profiled):")
    ranked = sorted(per_op.items(), key=lambda kv: -(kv[1]["forward"] + kv[1]["backward"]))
    for name, v in ranked[:top]:
        share = 100 * (v["forward"] + v["backward"]) / total
        lines.append(f"  {name:<28} {v['forward']:8.1f} {v['backward']:8.1f}  {share:5.1f} %")
    lines.append("most own time (ms/step, % of profiled) <- main callers:")
    by_own = sorted(raw.items(), key=lambda kv: -kv[1][2])
    for key, (_, calls, own, _, callers) in by_own[:top]:
        ms = own * 1000 / steps
        lines.append(f"  {ms:8.1f} {100 * ms / total:5.1f} %  {_label(key)}  "
                     f"[{calls // steps} calls/step]")
        heavy = sorted(callers.items(), key=lambda kv: -kv[1][2])[:3]
        for caller, (_, _, caller_own, _) in heavy:
            lines.append(f"{'':22}<- {caller_own * 1000 / steps:6.1f}  {_label(caller)}")
    return "\n".join(lines)

