"""One measurement in a process of its own: ``python -m bench.child '<request JSON>'``.

Each framework runs in a fresh process so that neither one's thread pools, allocator or
imported modules disturb the other, and so that the process's peak memory is the workload's.
The thread count is fixed through the environment (``OMP_NUM_THREADS``,
``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS``) before NumPy is first imported, and through
``torch.set_num_threads`` for PyTorch. The result is printed as one JSON line after
``RESULT_MARKER``.

Requests (``task`` and its fields):
    workload: framework, workload, threads, seconds, [batch, warmup]
    gemm: framework, threads, size
    tta: framework, threads, budget, started
    profile: workload, threads, seconds (half timed, half profiled), [dump]
"""

import json
import os
import sys
import time

RESULT_MARKER = "BENCH-RESULT "
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def thread_environment(threads, base=None):
    """A copy of ``base`` (default: os.environ) with every BLAS/OpenMP pool set to ``threads``."""
    env = dict(os.environ if base is None else base)
    env.update({name: str(threads) for name in THREAD_VARIABLES})
    return env


def _framework(name, threads):
    """Imports one framework's side of the benchmark, with its thread count applied."""
    if name == "torch":
        import torch

        from bench import torch_side

        torch.set_num_threads(threads)
        return torch_side
    from bench import deepbricks_side

    return deepbricks_side


def run_workload(request):
    from bench import measure, workloads

    workload = workloads.WORKLOADS[request["workload"]]
    side = _framework(request["framework"], request["threads"])
    batches = workloads.make_batches(workload, request.get("batch"))
    if request["framework"] == "torch":
        batches = [side.to_torch(x, y) for x, y in batches]
    batch_size = len(batches[0][1])
    watch = measure.MemoryWatch()
    try:
        step, n_params = side.build(workload)
    except getattr(side, "Unavailable", ()) as error:
        return {"unavailable": str(error)}
    result = measure.throughput(step, batches, batch_size, request["seconds"],
                                warmup_steps=request.get("warmup", 3))
    return {**result, "params": n_params, "peak_mib": watch.peak_mib(), "batch": batch_size}


def run_gemm(request):
    import statistics

    import numpy as np

    n = request["size"]
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    if request["framework"] == "torch":
        _framework("torch", request["threads"])
        import torch

        a, b = torch.from_numpy(a), torch.from_numpy(b)
    times = []
    for i in range(request.get("repeats", 5) + 1):
        start = time.perf_counter()
        a @ b
        if i:  # the first product starts the thread pool and is not timed
            times.append(time.perf_counter() - start)
    return {"gflops": 2 * n**3 / statistics.median(times) / 1e9, "size": n}


def run_tta(request):
    from bench import tta

    if request["framework"] == "torch":
        _framework("torch", request["threads"])
    return tta.run(request["framework"], request["started"], request["budget"])


def run_profile(request):
    from bench import deepbricks_side, profiling, workloads

    workload = workloads.WORKLOADS[request["workload"]]
    batches = workloads.make_batches(workload, request.get("batch"))
    try:
        step, _ = deepbricks_side.build(workload)
    except deepbricks_side.Unavailable as error:
        return {"unavailable": str(error)}
    timer, unit = profiling.clock(request["threads"])
    half = request["seconds"] / 2
    step_ms = profiling.step_time(step, batches, half, timer)
    steps = max(3, round(1000 * half / step_ms))
    stats = profiling.profile(step, batches, steps, timer)
    if request.get("dump"):
        stats.dump_stats(request["dump"])
    return {"report": profiling.summarize(stats, steps, step_ms=step_ms, unit=unit)}


TASKS = {"workload": run_workload, "gemm": run_gemm, "tta": run_tta, "profile": run_profile}


def main(argv=None):
    request = json.loads((sys.argv[1:] if argv is None else argv)[0])
    os.environ.update({name: str(request["threads"]) for name in THREAD_VARIABLES})
    if request.get("framework", "deepbricks") == "deepbricks":
        # As a deepbricks program starts (and the `deepbricks` command does): deepbricks
        # before NumPy, so that it can tell OpenBLAS's idle threads to sleep (see backend).
        import deepbricks  # noqa: F401
    result = TASKS[request["task"]](request)
    print(RESULT_MARKER + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
