"""Smoke tests of the speed benchmark: every workload runs in both frameworks at tiny sizes,
the twins have the same parameter counts, and the measuring, reporting and process plumbing
do what the README says."""

import json
import mmap
import sys
import time

import numpy as np
import pytest

from bench import child, deepbricks_side, measure, profiling, run, tta, workloads

TINY_BATCH = 2
KEYS = list(workloads.WORKLOADS)


def tiny_batches(key):
    return workloads.make_batches(workloads.WORKLOADS[key], batch=TINY_BATCH)


def build_deepbricks(key):
    workload = workloads.WORKLOADS[key]
    if key == "W5" and not hasattr(deepbricks_side.layers, "LSTM"):
        with pytest.raises(deepbricks_side.Unavailable, match="LSTM not available"):
            deepbricks_side.build(workload)
        pytest.skip("deepbricks has no LSTM layer yet; W5 reports n/a")
    return deepbricks_side.build(workload)


def test_workload_table_matches_the_issue():
    batches = {w.key: w.batch for w in workloads.WORKLOADS.values()}
    assert batches == {"W1": 128, "W2": 1024, "W3": 128, "W4": 128, "W5": 64, "W6": 64}
    assert [w.key for w in workloads.WORKLOADS.values() if not w.train] == ["W2"]
    assert workloads.mlp_macs_per_sample() == 784 * 512 + 512 * 512 + 512 * 10
    assert workloads.training_flops_per_sample() == 6 * 668_672


def test_select_keeps_table_order_and_names_the_choices_on_a_typo():
    assert [w.key for w in workloads.select("w3, W1")] == ["W1", "W3"]
    assert len(workloads.select(None)) == len(KEYS)
    with pytest.raises(ValueError, match="unknown workload.*W9.*W1, W2"):
        workloads.select("W1,W9")


def test_synthetic_batches_are_seeded_float32_channels_last():
    first, again = tiny_batches("W3"), tiny_batches("W3")
    x, y = first[0]
    assert x.shape == (TINY_BATCH, 28, 28, 1) and x.dtype == np.float32
    assert y.dtype == np.int64 and y.min() >= 0 and y.max() < 10
    np.testing.assert_array_equal(x, again[0][0])
    assert len(first) == workloads.N_BATCHES


@pytest.mark.parametrize("key", KEYS)
def test_deepbricks_step_runs_and_learns(key):
    step, n_params = build_deepbricks(key)
    batches = tiny_batches(key)
    if not workloads.WORKLOADS[key].train:
        assert step(*batches[0]).shape == (TINY_BATCH, 10)
        return
    first = step(*batches[0])
    again = [step(*batches[0]) for _ in range(3)][-1]
    assert np.isfinite(first) and again < first, "repeated steps on one batch lower its loss"
    assert n_params > 0


@pytest.mark.parametrize("key", KEYS)
def test_torch_twin_runs_with_the_same_parameter_count(key):
    pytest.importorskip("torch", reason="PyTorch is an optional reference")
    from bench import torch_side

    workload = workloads.WORKLOADS[key]
    step, n_params = torch_side.build(workload)
    x, y = torch_side.to_torch(*tiny_batches(key)[0])
    if workload.train:
        first = step(x, y)
        assert [step(x, y) for _ in range(3)][-1] < first
    else:
        assert tuple(step(x, y).shape) == (TINY_BATCH, 10)
    if key == "W5" and not hasattr(deepbricks_side.layers, "LSTM"):
        assert n_params == 4 * (32 * 128 + 128 * 128 + 128) + 128 * 10 + 10
        return
    assert n_params == deepbricks_side.build(workload)[1]


def test_torch_images_are_nchw_copies_of_the_channels_last_data():
    pytest.importorskip("torch", reason="PyTorch is an optional reference")
    from bench import torch_side

    x, y = tiny_batches("W6")[0]
    tx, ty = torch_side.to_torch(x, y)
    assert tuple(tx.shape) == (TINY_BATCH, 3, 32, 32) and tx.is_contiguous()
    np.testing.assert_array_equal(tx.numpy(), x.transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(ty.numpy(), y)


def fake_clock(monkeypatch, durations):
    """Wall and CPU clocks that only move when a step runs, by the next of ``durations``."""
    now = [0.0]
    ticks = iter(durations)

    def step(x, y):
        now[0] += next(ticks)

    monkeypatch.setattr(measure.time, "perf_counter", lambda: now[0])
    monkeypatch.setattr(measure.time, "process_time", lambda: now[0])
    return step


def test_throughput_reports_the_median_window(monkeypatch):
    # 3 warm-up steps (slow, ignored), then 10 steps of 0.1 s with one 1 s hiccup.
    durations = [5.0] * 3 + [0.1] * 4 + [1.0] + [0.1] * 5
    step = fake_clock(monkeypatch, durations)
    result = measure.throughput(step, [(None, None)], batch_size=10, seconds=1.85, windows=5)
    assert result["steps"] == 10
    assert result["window_samples_per_s"][2] == pytest.approx(20 / 1.1)
    assert result["samples_per_s"] == pytest.approx(100.0)
    assert result["step_ms"] == pytest.approx(100.0)
    assert result["samples_per_cpu_s"] == pytest.approx(10 * 10 / 1.9)


def test_throughput_times_at_least_one_step_per_window(monkeypatch):
    step = fake_clock(monkeypatch, [1.0] * 20)
    result = measure.throughput(step, [(None, None)], batch_size=4, seconds=0.0,
                                warmup_steps=1, windows=3)
    assert result["steps"] == 3 and result["samples_per_s"] == pytest.approx(4.0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self")
def test_memory_watch_sees_a_new_allocation_but_not_older_ones():
    # Pages mapped directly, so the allocator's reuse of freed memory (deepbricks keeps it,
    # see backend._keep_freed_memory_for_reuse) cannot hide or fake the growth.
    older = _touched_pages(32 * measure.MIB)
    older.close()
    watch = measure.MemoryWatch()
    assert watch.peak_mib() < 16, "the peak before the watch started does not count"
    touched = _touched_pages(48 * measure.MIB)
    assert 40 < watch.peak_mib() < 200
    touched.close()


def _touched_pages(size):
    pages = mmap.mmap(-1, size)
    pages.write(b"\1" * size)
    return pages


def test_profile_report_splits_time_by_op_and_bucket():
    step, _ = deepbricks_side.build(workloads.WORKLOADS["W1"])
    batches = tiny_batches("W1")
    step(*batches[0])
    timer, unit = profiling.clock(threads=1)
    assert unit == "CPU"
    report = profiling.summarize(profiling.profile(step, batches, 2, timer), 2, step_ms=1.5,
                                 unit=unit)
    assert "(CPU time) over 2 steps (unprofiled 1.5 ms/step)" in report
    for bucket in ("op forward", "op backward", "optimizer.apply", "framework overhead"):
        assert bucket in report
    per_op = report.split("per op")[1].split("most own time")[0]
    assert "Dense" in per_op and "SparseSoftmaxCrossEntropy" in per_op
    shares = [float(line.split()[-2]) for line in report.splitlines()[2:6]]
    assert sum(shares) == pytest.approx(100.0, abs=0.5)


def tiny_fashion(n_train=512, n_test=32, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.random((n_train, 28, 28, 1), dtype=np.float32),
            rng.integers(0, 10, n_train), rng.random((n_test, 28, 28, 1), dtype=np.float32),
            rng.integers(0, 10, n_test))


@pytest.mark.parametrize("framework", ["deepbricks", "torch"])
def test_time_to_accuracy_stops_at_the_target(framework):
    if framework == "torch":
        pytest.importorskip("torch", reason="PyTorch is an optional reference")
    data = tiny_fashion(n_train=2 * tta.BATCH)
    result = tta.run(framework, time.time(), budget=300, target=0.0, data=data)
    assert result["reached"] and result["epochs"] == 0.5 and len(result["curve"]) == 1
    assert 0.0 <= result["accuracy"] <= 1.0 and 0 < result["seconds"] < 300


@pytest.mark.parametrize("framework", ["deepbricks", "torch"])
def test_time_to_accuracy_stops_mid_epoch_when_the_budget_is_spent(framework):
    if framework == "torch":
        pytest.importorskip("torch", reason="PyTorch is an optional reference")
    result = tta.run(framework, time.time() - 10, budget=1, target=1.01, data=tiny_fashion())
    assert not result["reached"]
    assert result["epochs"] == tta.BATCH / 512, "one batch, then the deadline stops training"


def test_child_measures_a_workload_in_process():
    result = child.run_workload({"task": "workload", "framework": "deepbricks",
                                 "workload": "W2", "seconds": 0.0, "batch": 4, "threads": 1})
    assert result["params"] == 669_706 and result["batch"] == 4
    assert result["samples_per_s"] > 0 and result["peak_mib"] >= 0


def test_child_profiles_deepbricks_on_cpu_time_with_one_thread(tmp_path):
    dump = tmp_path / "w1.prof"
    result = child.run_profile({"workload": "W1", "batch": 4, "seconds": 0.0, "threads": 1,
                                "dump": str(dump)})
    assert "(CPU time) over 3 steps" in result["report"] and "Dense" in result["report"]
    assert dump.stat().st_size > 0


def test_thread_environment_pins_every_blas_pool():
    env = child.thread_environment(3, base={"PATH": "/bin", "OMP_NUM_THREADS": "8"})
    assert env == {"PATH": "/bin", "OMP_NUM_THREADS": "3", "OPENBLAS_NUM_THREADS": "3",
                   "MKL_NUM_THREADS": "3"}


def test_a_failing_child_is_reported_with_its_error():
    with pytest.raises(run.ChildError, match="workload failed.*KeyError: 'W9'"):
        run.run_child({"task": "workload", "framework": "deepbricks", "workload": "W9",
                       "seconds": 0}, threads=1, timeout=60)


def test_command_line_rejects_bad_options(capsys):
    with pytest.raises(SystemExit):
        run.parse_args(["--only", "W7"])
    assert "unknown workload(s) W7" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run.parse_args(["--threads", "0"])
    assert "Received: --threads 0" in capsys.readouterr().err


def sample_results():
    row = {"key": "W1", "title": "MLP train 784-512-512-10", "batch": 128, "target": 1.5,
           "deepbricks": {"samples_per_s": 3000.0, "peak_mib": 12.0, "params": 669706},
           "torch": {"samples_per_s": 2000.0, "peak_mib": 24.0, "params": 669706},
           "ratio": 1.5, "cpu_ratio": 1.25, "met": True, "memory_ratio": 0.5}
    lstm = {"key": "W5", "title": "LSTM train", "batch": 64, "target": 0.75,
            "deepbricks": {"unavailable": "LSTM not available"},
            "torch": {"samples_per_s": 500.0, "peak_mib": 40.0, "params": 83722}}
    return {
        "machine": {"cpus": 2}, "settings": {"threads": 2}, "notes": [],
        "load_average_before": [3.0, 2.0, 1.0], "workloads": [row, lstm],
        "gemm": {"numpy": {"gflops": 100.0}, "torch": {"gflops": 110.0}},
        "mfu": {"flops_per_sample": 6 * 668_672, "deepbricks": 0.12, "torch": 0.08},
        "tta": {"deepbricks": {"reached": True, "seconds": 150.2, "epochs": 2.5,
                               "accuracy": 0.901, "curve": []},
                "torch": {"reached": False, "seconds": 600.0, "epochs": 1.25,
                          "accuracy": 0.88, "curve": []}},
    }


def test_table_shows_ratio_target_memory_and_the_extra_figures():
    table = run.format_table(sample_results())
    w1 = next(line for line in table.splitlines() if line.startswith("W1"))
    assert " ".join(w1.split()).endswith(
        "(b128) 3000 2000 1.50 1.25 >= 1.50 yes 12 / 24 (0.50x, target <= 1.5x)")
    w5 = next(line for line in table.splitlines() if line.startswith("W5"))
    assert " ".join(w5.split()).endswith("(b64) n/a 500 - - >= 0.75 - n/a / 40")
    assert "W5 deepbricks: n/a (LSTM not available)" in table
    assert "NumPy 100.0 GFLOP/s, PyTorch 110.0 GFLOP/s" in table
    assert "deepbricks 12.0 %, PyTorch 8.0 %" in table
    assert "deepbricks: 150 s (2.5 epochs)" in table
    assert "PyTorch: not reached in 600 s (1.25 epochs, best 0.8800)" in table
    assert "load average at start: 3.0" in table


def test_mfu_divides_training_flops_by_the_gemm_rate():
    assert run.mfu(1000.0, 4.012032) == pytest.approx(1.0)


def test_one_command_measures_prints_and_writes_json(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(run, "GEMM_SIZE", 64)
    out = tmp_path / "results" / "latest.json"
    code = run.main(["--only", "W2", "--seconds", "0", "--threads", "1", "--no-torch",
                     "--skip-tta", "--json", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "W2 MLP inference" in printed and f"results written to {out}" in printed
    saved = json.loads(out.read_text())
    assert saved["settings"]["frameworks"] == ["deepbricks"]
    assert saved["workloads"][0]["deepbricks"]["params"] == 669_706
    assert saved["gemm"]["numpy"]["gflops"] > 0 and "tta" not in saved


def test_time_to_accuracy_anneals_the_rate_the_same_way_in_both_frameworks():
    from deepbricks.optimizers.schedules import CosineDecay

    decay_steps = tta.ANNEALED_EPOCHS * tta.STEPS_PER_EPOCH
    keras_style = CosineDecay(tta.LEARNING_RATE, decay_steps, alpha=tta.FINAL_FRACTION)
    for step in (0, 1, 100, decay_steps // 2, decay_steps - 1, decay_steps, 5 * decay_steps):
        assert tta.learning_rate(step) == pytest.approx(float(keras_style(step)), rel=1e-6)
    assert tta.learning_rate(0) == tta.LEARNING_RATE
    assert tta.learning_rate(decay_steps) == pytest.approx(tta.FINAL_FRACTION * tta.LEARNING_RATE)
