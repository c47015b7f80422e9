"""Tests for builders_guide.timing: the stopwatch, benchmark and matmul_tflops."""

import doctest
import time

import pytest
import torch
from builders_guide import timing
from builders_guide.timing import BenchmarkResult, Timer, benchmark, matmul_tflops


def test_doctests_pass():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(timing, optionflags=flags)
    assert result.failed == 0
    assert result.attempted > 0


def test_timer_records_each_interval():
    timer = Timer()
    for _ in range(3):
        timer.start()
        time.sleep(0.002)
        elapsed = timer.stop()
        assert elapsed >= 0.002
    assert len(timer.times) == 3
    assert timer.sum() == pytest.approx(sum(timer.times))
    assert timer.avg() == pytest.approx(timer.sum() / 3)
    assert timer.cumsum() == pytest.approx(
        [timer.times[0], timer.times[0] + timer.times[1], timer.sum()]
    )


def test_timer_as_context_manager_sets_elapsed():
    with Timer() as t:
        time.sleep(0.002)
    assert t.elapsed >= 0.002
    assert t.times == [t.elapsed]


def test_timer_stop_before_start_raises_runtime_error():
    with pytest.raises(RuntimeError, match=r"stop\(\) called before start\(\)"):
        Timer().stop()


def test_timer_avg_without_times_raises_value_error():
    with pytest.raises(ValueError, match="no times recorded yet"):
        Timer().avg()


def test_timer_with_device_synchronizes_before_each_clock_reading(monkeypatch):
    synced = []
    monkeypatch.setattr(timing, "synchronize", synced.append)
    with Timer(device="cuda:0"):
        pass
    assert synced == ["cuda:0", "cuda:0"]


def test_timer_without_device_never_synchronizes(monkeypatch):
    synced = []
    monkeypatch.setattr(timing, "synchronize", synced.append)
    with Timer():
        pass
    assert synced == []


def test_benchmark_result_prints_median_iqr_and_runs():
    result = BenchmarkResult(median=1.23e-3, iqr=5e-5, mean=1.3e-3, number_of_runs=120)
    assert str(result) == "median 1.23 ms (IQR 0.05 ms, 120 runs)"


def test_benchmark_result_picks_a_readable_unit_and_prefixes_the_label():
    result = BenchmarkResult(median=2.5e-6, iqr=1e-7, mean=2.6e-6, number_of_runs=9, label="add")
    assert str(result) == "add: median 2.5 µs (IQR 0.1 µs, 9 runs)"
    assert str(BenchmarkResult(3.0, 0.5, 3.1, 1)) == "median 3 s (IQR 0.5 s, 1 run)"
    assert str(BenchmarkResult(4e-9, 1e-9, 4e-9, 1000)) == "median 4 ns (IQR 1 ns, 1000 runs)"


def test_benchmark_returns_positive_times_in_seconds():
    X = torch.ones(32, 32)
    result = benchmark(torch.mm, X, X, min_run_time=0.01, label="mm")
    assert 0 < result.median < 0.1
    assert result.iqr >= 0
    assert result.mean > 0
    assert result.number_of_runs >= 1
    assert result.label == "mm"
    assert result.device == "cpu"


def test_benchmark_passes_keyword_arguments():
    seen = []
    benchmark(lambda x, *, scale: seen.append(x * scale), 2, scale=3, min_run_time=0.001)
    assert set(seen) == {6}


def test_benchmark_uses_all_torch_threads_by_default(monkeypatch):
    threads = []
    benchmark(lambda: threads.append(torch.get_num_threads()), min_run_time=0.001)
    assert set(threads) == {torch.get_num_threads()}


def test_benchmark_honours_num_threads():
    threads = []
    before = torch.get_num_threads()
    benchmark(lambda: threads.append(torch.get_num_threads()), num_threads=1, min_run_time=0.001)
    assert set(threads) == {1}
    assert torch.get_num_threads() == before


def test_benchmark_synchronizes_non_cuda_accelerators_after_every_call(monkeypatch):
    events = []
    monkeypatch.setattr(timing, "synchronize", lambda device: events.append(("sync", device)))
    benchmark(lambda: events.append("call"), device="mps", min_run_time=0.001)
    calls = [i for i, event in enumerate(events) if event == "call"]
    assert calls
    assert all(events[i + 1] == ("sync", torch.device("mps")) for i in calls)


def test_benchmark_adds_no_per_call_sync_on_cpu(monkeypatch):
    events = []
    monkeypatch.setattr(timing, "synchronize", lambda device: events.append(("sync", device)))
    benchmark(lambda: events.append("call"), min_run_time=0.001)
    assert events.count(("sync", torch.device("cpu"))) == 1  # once, before timing starts


def test_benchmark_infers_the_device_from_tensor_arguments():
    result = benchmark(torch.neg, torch.ones(3), min_run_time=0.001)
    assert result.device == "cpu"


def test_matmul_tflops_is_positive_and_leaves_the_random_stream_alone():
    state = torch.random.get_rng_state()
    tflops = matmul_tflops(64, device="cpu", min_run_time=0.01)
    assert tflops > 0
    assert torch.equal(torch.random.get_rng_state(), state)


def test_matmul_tflops_divides_two_n_cubed_flops_by_the_median(monkeypatch):
    fake = BenchmarkResult(median=0.002, iqr=0.0, mean=0.002, number_of_runs=1)
    monkeypatch.setattr(timing, "benchmark", lambda *args, **kwargs: fake)
    assert matmul_tflops(1000, device="cpu") == pytest.approx(2 * 1000**3 / 0.002 / 1e12)


@pytest.mark.gpu
def test_matmul_tflops_runs_on_cuda_in_half_precision():
    assert matmul_tflops(1024, dtype=torch.float16, device="cuda", min_run_time=0.05) > 0
