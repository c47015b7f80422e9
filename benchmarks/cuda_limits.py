"""GPU measurements near the hardware's limit (run by `make bench` where CUDA is present).

Writes ``benchmarks/results/cuda-<gpu>.json`` in the format that
``builders_guide.gpu_results`` reads and the GPU notebook draws:

- timing agreement: ``bg.benchmark``'s median for a CUDA matmul against CUDA events;
- matmul throughput: an n×n×n bf16 matmul through ``bg.matmul_tflops`` against the best
  PyTorch reaches in the same run (back-to-back launches timed with CUDA events), and the
  ratio to the dense bf16 peak; fp32 with TF32 on and off;
- host-to-device copy bandwidth from pinned and from pageable memory;
- the cost of a host-device sync on every step against one sync at the end;
- the crossover: float32 n×n matmuls on this machine's CPU against the GPU, with the
  operands already on the GPU and with their copies there and back counted in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

import builders_guide as bg
import torch
from builders_guide.gpu_results import SCHEMA

ROOT = Path(__file__).resolve().parent.parent
# Dense (no sparsity) bf16 tensor-core peaks, TFLOP/s, from the vendors' data sheets.
BF16_PEAK = {"H100": 989.4, "H200": 989.4, "A100": 312.0, "L4": 121.0, "T4": 65.0}
# Host-to-device link: PCIe 5.0 x16 is 64 GB/s each way in theory, PCIe 4.0 x16 is 32.
LINK_LIMIT_GBPS = {"H100": 64.0, "H200": 64.0, "A100": 32.0, "L4": 32.0, "T4": 16.0}


def cuda_events_median(fn, repeats: int = 50, warmup: int = 10) -> float:
    """Median seconds per call of `fn`, each call bracketed by its own CUDA events."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / 1e3)
    return statistics.median(times)


def best_matmul_tflops(n: int, dtype: torch.dtype, launches: int = 50) -> float:
    """The best PyTorch reaches: many back-to-back matmuls, one pair of CUDA events.

    Two forms (``a @ b`` and ``torch.mm(..., out=...)``), each warmed up for a second so the
    clocks have settled, three tries each; the fastest counts.
    """
    a = torch.randn(n, n, device="cuda", dtype=dtype)
    b = torch.randn(n, n, device="cuda", dtype=dtype)
    out = torch.empty(n, n, device="cuda", dtype=dtype)
    forms = {"matmul": lambda: a @ b, "mm_out": lambda: torch.mm(a, b, out=out)}
    best = 0.0
    for form in forms.values():
        warm_until = time.perf_counter() + 1.0
        while time.perf_counter() < warm_until:
            form()
            torch.cuda.synchronize()
        for _ in range(3):
            seconds = (
                cuda_events_median(
                    lambda f=form: [f() for _ in range(launches)], repeats=5, warmup=1
                )
                / launches
            )
            best = max(best, 2 * n**3 / seconds / 1e12)
    return best


def copy_gbps(megabytes: int, pinned: bool) -> float:
    host = torch.empty(megabytes * 2**20, dtype=torch.uint8, pin_memory=pinned)
    dev = torch.empty_like(host, device="cuda")
    seconds = cuda_events_median(lambda: dev.copy_(host, non_blocking=pinned), repeats=20)
    return host.numel() / seconds / 1e9


def sync_cost(steps: int = 200) -> tuple[float, float]:
    x = torch.randn(256, 256, device="cuda")
    w = torch.randn(256, 256, device="cuda") / 16

    def every_step() -> None:
        y = x
        for _ in range(steps):
            y = torch.tanh(y @ w)
            y.norm().item()  # a host-device sync on every step

    def once() -> None:
        y, norms = x, []
        for _ in range(steps):
            y = torch.tanh(y @ w)
            norms.append(y.norm())
        torch.stack(norms).cpu()  # one sync at the end

    return (
        bg.benchmark(every_step, device="cuda").median,
        bg.benchmark(once, device="cuda").median,
    )


def cpu_name() -> str:
    """The processor's model name, as Linux reports it (else what `platform` knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def mm_with_copies(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """One product on the GPU of two CPU tensors, the result copied back."""
    return torch.mm(a.cuda(), b.cuda()).cpu()


def crossover(sizes: tuple[int, ...] = (16, 32, 64, 128, 256, 512, 1024, 2048)) -> dict:
    """Median seconds of one float32 n×n matmul on the CPU and on the GPU, for each n.

    ``cuda_s`` has the operands on the GPU already; ``cuda_with_copy_s`` copies both
    operands there and the product back, as code that moves data for one product would.
    """
    cpu, cuda, with_copy = [], [], []
    for n in sizes:
        a, b = torch.randn(n, n), torch.randn(n, n)
        da, db = a.cuda(), b.cuda()
        cpu.append(bg.benchmark(torch.mm, a, b, device="cpu").median)
        cuda.append(bg.benchmark(torch.mm, da, db, device="cuda").median)
        with_copy.append(bg.benchmark(mm_with_copies, a, b, device="cuda").median)

    def first_win(gpu: list[float]) -> int | None:
        wins = [n for n, c, g in zip(sizes, cpu, gpu, strict=True) if g < c]
        # the crossover: the smallest size from which the GPU wins at every larger size
        for n in wins:
            if all(g < c for m, c, g in zip(sizes, cpu, gpu, strict=True) if m >= n):
                return n
        return None

    return {
        "dtype": "float32",
        "cpu": cpu_name(),
        "cpu_threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count() or 0,
        "sizes": list(sizes),
        "cpu_s": cpu,
        "cuda_s": cuda,
        "cuda_with_copy_s": with_copy,
        "gpu_wins_from": first_win(cuda),
        "gpu_with_copy_wins_from": first_win(with_copy),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8192)
    args = parser.parse_args(argv)
    if not torch.cuda.is_available():
        print("benchmarks/cuda_limits.py: no CUDA device visible; nothing to measure.")
        return 1
    name = torch.cuda.get_device_name(0)
    family = next((k for k in BF16_PEAK if k in name), None)
    print(f"CUDA measurements on {name}")

    n = args.n
    a = torch.randn(4096, 4096, device="cuda")
    b = torch.randn(4096, 4096, device="cuda")
    helper = bg.benchmark(torch.mm, a, b, device="cuda", min_run_time=1.0).median
    events = cuda_events_median(lambda: torch.mm(a, b), repeats=100)
    agreement = {
        "n": 4096,
        "benchmark_median_s": helper,
        "cuda_events_median_s": events,
        "relative_difference": abs(helper - events) / events,
    }
    print(f"  timing: bg.benchmark {helper * 1e3:.3f} ms, CUDA events {events * 1e3:.3f} ms")

    bf16_helper = bg.matmul_tflops(n, torch.bfloat16, "cuda", min_run_time=2.0)
    bf16_best = best_matmul_tflops(n, torch.bfloat16)
    previous = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = True
    tf32_on = bg.matmul_tflops(n, torch.float32, "cuda", min_run_time=2.0)
    torch.backends.cuda.matmul.allow_tf32 = False
    tf32_off = bg.matmul_tflops(n, torch.float32, "cuda", min_run_time=2.0)
    torch.backends.cuda.matmul.allow_tf32 = previous
    peak = BF16_PEAK.get(family, bf16_best)
    matmul = {
        "n": n,
        "bf16_helper_tflops": bf16_helper,
        "bf16_reference_tflops": bf16_best,
        "bf16_peak_tflops": peak,
        "fp32_tf32_on_tflops": tf32_on,
        "fp32_tf32_off_tflops": tf32_off,
    }
    print(
        f"  bf16 {n}³: bg {bf16_helper:.0f}, best {bf16_best:.0f} TFLOP/s "
        f"({bf16_helper / bf16_best:.1%} of best, {bf16_helper / peak:.1%} of peak {peak})"
    )
    print(f"  fp32: TF32 on {tf32_on:.0f}, off {tf32_off:.0f} TFLOP/s")

    copy = {
        "megabytes": 1024,
        "pinned_gbps": copy_gbps(1024, True),
        "pageable_gbps": copy_gbps(1024, False),
        "link_limit_gbps": LINK_LIMIT_GBPS.get(family, 64.0),
    }
    print(f"  copy: pinned {copy['pinned_gbps']:.1f}, pageable {copy['pageable_gbps']:.1f} GB/s")

    every, once = sync_cost()
    sync = {"steps": 200, "sync_every_step_s": every, "sync_once_s": once}
    print(f"  sync: every step {every * 1e3:.2f} ms, once {once * 1e3:.2f} ms")

    cross = crossover()
    print(f"  crossover on {cross['cpu']} ({cross['cpu_threads']} threads):")
    for n, c, g, gc in zip(
        cross["sizes"], cross["cpu_s"], cross["cuda_s"], cross["cuda_with_copy_s"], strict=True
    ):
        print(
            f"    n={n:5d}  cpu {c * 1e6:10.1f} us  cuda {g * 1e6:8.1f} us  copies {gc * 1e6:8.1f} us"
        )
    print(
        f"    GPU wins from n={cross['gpu_wins_from']}, "
        f"with copies from n={cross['gpu_with_copy_wins_from']}"
    )

    report = {
        "schema": SCHEMA,
        "date": dt.date.today().isoformat(),
        "gpu": name,
        "torch": torch.__version__,
        "cuda": torch.version.cuda or "",
        "timing_agreement": agreement,
        "matmul": matmul,
        "copy": copy,
        "sync": sync,
        "crossover": cross,
    }
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    text = json.dumps(report, indent=2) + "\n"
    # the record in benchmarks/results, and its copy in the package, which the GPU notebook
    # draws (bg.recorded_gpu_results) wherever the package is installed
    for folder in (ROOT / "benchmarks" / "results", ROOT / "helpers" / "builders_guide" / "data"):
        out = folder / f"cuda-{slug}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        bg.read_gpu_results(out)  # the notebook's reader accepts what we wrote
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
