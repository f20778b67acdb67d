"""The benchmark run: every measurement in its own process, then the table and the JSON.

``python -m bench`` (or ``make bench``) measures, for each workload, deepbricks and then
PyTorch with the same thread count, then the float32 GEMM rate, then the time to 0.90 test
accuracy on Fashion-MNIST, and prints::

    workload  deepbricks samples/s  PyTorch samples/s  ratio  target  met?  peak MiB

followed by the GEMM rate, the MLP's FLOP utilisation and the time to accuracy. The same
numbers, with the machine and the settings, are written as JSON. ``--profile`` instead
profiles the deepbricks side of each workload (see ``bench/profiling.py``).
"""

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench import workloads
from bench.child import RESULT_MARKER, thread_environment

ROOT = Path(__file__).resolve().parent.parent
GEMM_SIZE = 2048
MEMORY_TARGET = 1.5  # deepbricks peak memory at most this multiple of PyTorch's
MFU_TARGET = 0.55
TTA_TARGET_S = 180.0


class ChildError(RuntimeError):
    """A measurement process failed; the message ends with its last lines of output."""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Speed of deepbricks against PyTorch on the same workloads "
                    "(samples/s, ratio, peak memory, GEMM rate, MLP FLOP utilisation, "
                    "time to 0.90 accuracy on Fashion-MNIST).",
    )
    parser.add_argument("--only", default=None, help="comma-separated workloads, e.g. W1,W3 "
                        f"(default: all of {','.join(workloads.WORKLOADS)})")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="threads for NumPy's BLAS and for PyTorch (default: all cores)")
    parser.add_argument("--seconds", type=float, default=5.0,
                        help="timed seconds per workload and framework, after warm-up")
    parser.add_argument("--json", default="bench/results/latest.json",
                        help="where to write the results as JSON")
    parser.add_argument("--no-torch", action="store_true", help="measure deepbricks only")
    parser.add_argument("--skip-tta", action="store_true",
                        help="skip the time-to-0.90-accuracy run on Fashion-MNIST")
    parser.add_argument("--tta-budget", type=float, default=600.0,
                        help="seconds allowed to each framework's time-to-accuracy run")
    parser.add_argument("--profile", action="store_true",
                        help="instead of comparing, profile deepbricks on each workload and "
                             "print where the time goes (reports saved next to --json)")
    args = parser.parse_args(argv)
    try:
        args.workloads = workloads.select(args.only)
    except ValueError as error:
        parser.error(str(error))
    if args.threads < 1:
        parser.error(f"--threads must be at least 1. Received: --threads {args.threads}")
    if args.seconds < 0 or args.tta_budget <= 0:
        parser.error("--seconds must be >= 0 and --tta-budget > 0.")
    return args


def run_child(request, threads, timeout):
    """Runs one ``bench.child`` request in a fresh process and returns its result dict.

    Raises:
        ChildError: the process failed or timed out; the message quotes its last output.
    """
    command = [sys.executable, "-m", "bench.child", json.dumps({**request, "threads": threads})]
    env = thread_environment(threads)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise ChildError(f"{request['task']} timed out after {timeout:.0f} s") from error
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER):])
    tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
    raise ChildError(f"{request['task']} failed (exit {done.returncode}): {tail}")


def _attempt(request, threads, timeout):
    try:
        return run_child(request, threads, timeout)
    except ChildError as error:
        return {"error": str(error)}


def measure_workload(workload, args, frameworks):
    """Both frameworks' results for one workload, with the ratio and the checks."""
    row = {"key": workload.key, "title": workload.title, "batch": workload.batch,
           "target": workload.target}
    timeout = 600 + 20 * args.seconds
    for framework in frameworks:
        request = {"task": "workload", "framework": framework, "workload": workload.key,
                   "seconds": args.seconds}
        row[framework] = _attempt(request, args.threads, timeout)
    ours, theirs = row.get("deepbricks", {}), row.get("torch", {})
    if "samples_per_s" in ours and "samples_per_s" in theirs:
        if ours["params"] != theirs["params"]:
            row["error"] = (f"trainable parameter counts differ: deepbricks {ours['params']}, "
                            f"PyTorch {theirs['params']}")
        row["ratio"] = ours["samples_per_s"] / theirs["samples_per_s"]
        row["met"] = row["ratio"] >= workload.target
        if ours.get("samples_per_cpu_s") and theirs.get("samples_per_cpu_s"):
            row["cpu_ratio"] = ours["samples_per_cpu_s"] / theirs["samples_per_cpu_s"]
        if theirs["peak_mib"] > 0:
            row["memory_ratio"] = ours["peak_mib"] / theirs["peak_mib"]
    return row


def mfu(samples_per_s, gflops):
    """Model FLOP utilisation of the W1 MLP: 6 * MACs/sample * samples/s over the GEMM rate."""
    return workloads.training_flops_per_sample() * samples_per_s / (gflops * 1e9)


def run(args):
    """Every measurement the arguments ask for, as one JSON-ready dict."""
    frameworks = ["deepbricks"]
    notes = []
    if not args.no_torch:
        if importlib.util.find_spec("torch") is None:
            notes.append("PyTorch is not installed (pip install torch): deepbricks only.")
        else:
            frameworks.append("torch")
    results = {
        "machine": _machine(args.threads),
        "settings": {"threads": args.threads, "seconds": args.seconds,
                     "frameworks": frameworks, "tta_budget": args.tta_budget},
        "notes": notes,
        "load_average_before": _load_average(),
        "workloads": [],
    }
    for workload in args.workloads:
        _progress(f"{workload.key} {workload.title} ...")
        results["workloads"].append(measure_workload(workload, args, frameworks))
    _progress("float32 GEMM rate ...")
    results["gemm"] = {
        framework: _attempt({"task": "gemm", "framework": framework, "size": GEMM_SIZE},
                            args.threads, 600)
        for framework in (["numpy"] + frameworks[1:])
    }
    results["mfu"] = _mfu_entry(results)
    if not args.skip_tta:
        results["tta"] = {}
        for framework in frameworks:
            _progress(f"time to 0.90 accuracy, {framework} ...")
            request = {"task": "tta", "framework": framework, "budget": args.tta_budget,
                       "started": time.time()}
            results["tta"][framework] = _attempt(request, args.threads, args.tta_budget + 600)
    results["load_average_after"] = _load_average()
    return results


def _mfu_entry(results):
    gemm = results["gemm"].get("numpy", {})
    w1 = next((r for r in results["workloads"] if r["key"] == "W1"), None)
    if w1 is None or "gflops" not in gemm:
        return None
    entry = {"flops_per_sample": workloads.training_flops_per_sample(),
             "formula": "6 * (784*512 + 512*512 + 512*10) FLOP/sample * samples/s "
                        "/ NumPy float32 GEMM FLOP/s",
             "target": MFU_TARGET}
    for framework in ("deepbricks", "torch"):
        if "samples_per_s" in w1.get(framework, {}):
            entry[framework] = mfu(w1[framework]["samples_per_s"], gemm["gflops"])
    return entry


def _machine(threads):
    import numpy

    machine = {"platform": platform.platform(), "processor": platform.processor(),
               "cpus": os.cpu_count(), "python": platform.python_version(),
               "numpy": numpy.__version__, "threads": threads}
    if importlib.util.find_spec("torch") is not None:
        from importlib.metadata import version

        machine["torch"] = version("torch")
    return machine


def _load_average():
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


def _progress(message):
    print(message, file=sys.stderr, flush=True)


def _cell(result, key, fmt):
    if "unavailable" in result:
        return "n/a"
    if "error" in result:
        return "error"
    return format(result[key], fmt) if key in result else "-"


def format_table(results):
    """The human-readable report of ``run``'s results."""
    header = (f"{'workload':<44}{'deepbricks/s':>14}{'PyTorch/s':>12}{'ratio':>8}{'(CPU)':>7}"
              f"{'target':>9}{'met?':>6}   peak MiB (deepbricks / PyTorch)")
    lines = [header, "-" * len(header)]
    for row in results["workloads"]:
        ours, theirs = row.get("deepbricks", {}), row.get("torch", {})
        ratio = f"{row['ratio']:.2f}" if "ratio" in row else "-"
        cpu_ratio = f"{row['cpu_ratio']:.2f}" if "cpu_ratio" in row else "-"
        met = ("yes" if row["met"] else "no") if "met" in row else "-"
        memory = f"{_cell(ours, 'peak_mib', '.0f')} / {_cell(theirs, 'peak_mib', '.0f')}"
        if "memory_ratio" in row:
            memory += f"  ({row['memory_ratio']:.2f}x, target <= {MEMORY_TARGET}x)"
        name = f"{row['key']} {row['title']} (b{row['batch']})"
        lines.append(f"{name:<44}{_cell(ours, 'samples_per_s', '.0f'):>14}"
                     f"{_cell(theirs, 'samples_per_s', '.0f'):>12}{ratio:>8}{cpu_ratio:>7}"
                     f"{'>= ' + format(row['target'], '.2f'):>9}{met:>6}   {memory}")
    for row in results["workloads"]:
        for framework in ("deepbricks", "torch"):
            result = row.get(framework, {})
            if "error" in result:
                lines.append(f"  {row['key']} {framework}: {result['error']}")
            if "unavailable" in result:
                lines.append(f"  {row['key']} {framework}: n/a ({result['unavailable']})")
        if "error" in row:
            lines.append(f"  {row['key']}: {row['error']}")
    lines.append("ratio: deepbricks / PyTorch samples per second (the target applies to it); "
                 "(CPU): the same per second of CPU time, steadier on a busy machine with "
                 "--threads 1")
    gemm = results.get("gemm", {})
    rates = ", ".join(f"{'NumPy' if k == 'numpy' else 'PyTorch'} {v['gflops']:.1f} GFLOP/s"
                      for k, v in gemm.items() if "gflops" in v)
    if rates:
        lines.append(f"\nfloat32 GEMM {GEMM_SIZE}x{GEMM_SIZE}x{GEMM_SIZE}, "
                     f"{results['settings']['threads']} threads: {rates}")
    entry = results.get("mfu")
    if entry:
        parts = [f"{'deepbricks' if k == 'deepbricks' else 'PyTorch'} {100 * entry[k]:.1f} %"
                 for k in ("deepbricks", "torch") if k in entry]
        lines.append(f"W1 training FLOP utilisation (6 x {entry['flops_per_sample'] // 6:,} "
                     f"MAC/sample x samples/s / NumPy GEMM rate): {', '.join(parts)} "
                     f"(target >= {100 * MFU_TARGET:.0f} %)")
    for framework, tta in results.get("tta", {}).items():
        label = "deepbricks" if framework == "deepbricks" else "PyTorch"
        if "error" in tta:
            lines.append(f"time to 0.90 Fashion-MNIST test accuracy, {label}: {tta['error']}")
            continue
        outcome = (f"{tta['seconds']:.0f} s ({tta['epochs']:g} epochs)" if tta["reached"] else
                   f"not reached in {tta['seconds']:.0f} s ({tta['epochs']:g} epochs, best "
                   f"{tta['accuracy']:.4f})")
        lines.append(f"time to 0.90 Fashion-MNIST test accuracy (W3 network, Adam, batch 128), "
                     f"{label}: {outcome} (target < {TTA_TARGET_S:.0f} s)")
    for note in results.get("notes", []):
        lines.append(f"note: {note}")
    load = results.get("load_average_before")
    if load:
        lines.append(f"load average at start: {load[0]:.1f} on {results['machine']['cpus']} "
                     f"CPUs (other processes slow every number down)")
    return "\n".join(lines)


def run_profiles(args):
    """Profiles deepbricks on each selected workload; prints and saves the reports."""
    out_dir = Path(args.json).parent
    out_dir.mkdir(parents=True, exist_ok=True)
    for workload in args.workloads:
        _progress(f"profiling {workload.key} {workload.title} ...")
        request = {"task": "profile", "workload": workload.key,
                   "seconds": args.seconds,
                   "dump": str((out_dir / f"profile_{workload.key}.prof").resolve())}
        result = _attempt(request, args.threads, 1200 + 60 * args.seconds)
        text = result.get("report") or result.get("unavailable") or result.get("error")
        report = f"== {workload.key} {workload.title}, batch {workload.batch} ==\n{text}\n"
        (out_dir / f"profile_{workload.key}.txt").write_text(report)
        print(report, flush=True)


def main(argv=None):
    args = parse_args(argv)
    if args.profile:
        run_profiles(args)
        return 0
    results = run(args)
    print(format_table(results), flush=True)
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))
    print(f"results written to {path}", flush=True)
    failed = any("error" in row or any("error" in row.get(f, {}) for f in ("deepbricks", "torch"))
                 for row in results["workloads"])
    return 1 if failed else 0
