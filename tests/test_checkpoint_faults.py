"""Fault injection, hostile files and damage for builders_guide.checkpoint.

Every test here is bounded in count and in time, and stops by itself. Tests marked
``faults`` are the long loops (hundreds of kills, 1,200 bit flips): `make test` leaves them
out, `make test-faults` runs them.
"""

from __future__ import annotations

import os
import pickle
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import torch
from builders_guide import checkpoint as ck
from builders_guide.checkpoint import CheckpointError, UnsafeCheckpointError, atomic

FORMATS = [".pt", ".safetensors"]


# ----------------------------------------------------------------------------- hostile files


class _RunsACommand:
    """Pickles into 'call os.system(command)': what a malicious checkpoint does."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def _system_name() -> str:
    return f"{os.system.__module__}.system"  # 'posix.system' on Linux/macOS, 'nt.system' on Windows


def _assert_refused(path, marker) -> None:
    with pytest.raises(UnsafeCheckpointError) as info:
        ck.load(path)
    assert _system_name() in str(info.value)
    assert "add_safe_globals" in str(info.value)
    assert info.value.names == [_system_name()]
    assert not marker.exists()


def test_code_in_torch_checkpoint_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "MARKER"
    path = tmp_path / "evil.pt"
    torch.save({"weight": torch.ones(2), "payload": _RunsACommand(f"touch '{marker}'")}, path)
    _assert_refused(path, marker)
    with pytest.raises(UnsafeCheckpointError):
        ck.load(path, into=torch.nn.Linear(2, 1))
    assert not marker.exists()


def test_code_in_legacy_torch_checkpoint_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "MARKER"
    path = tmp_path / "evil_legacy.pt"
    payload = {"payload": _RunsACommand(f"touch '{marker}'")}
    torch.save(payload, path, _use_new_zipfile_serialization=False)
    _assert_refused(path, marker)


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_code_in_plain_pickle_is_refused_and_never_runs(tmp_path, protocol):
    marker = tmp_path / "MARKER"
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps(_RunsACommand(f"touch '{marker}'"), protocol=protocol))
    _assert_refused(path, marker)


# ----------------------------------------------------------------------------- damage


def _damage_cases(data: bytes, rng: random.Random, count: int):
    """`count` truncations and `count` byte flips, half of the flips near the ends (headers)."""
    for _ in range(count):
        yield "truncate", data[: rng.randrange(len(data))]
    for i in range(count):
        if i % 2:
            pos = rng.randrange(len(data))
        else:
            pos = rng.choice(
                [rng.randrange(min(512, len(data))), len(data) - 1 - rng.randrange(512)]
            )
        damaged = bytearray(data)
        damaged[pos] ^= rng.randrange(1, 256)
        yield f"flip@{pos}", bytes(damaged)


@pytest.mark.parametrize(
    "count", [60, pytest.param(600, marks=pytest.mark.faults)], ids=["quick", "long"]
)
@pytest.mark.parametrize("suffix", FORMATS)
def test_damaged_files_raise_checkpoint_error_or_load_exactly(tmp_path, suffix, count):
    rng = random.Random(20240607 + len(suffix) + count)
    original = {
        "layer.weight": torch.randn(16, 8, generator=torch.Generator().manual_seed(0)),
        "layer.bias": torch.arange(16, dtype=torch.float64),
        "steps": torch.tensor([1, 2, 3]),
        "mask": torch.tensor([True, False, True]),
    }
    clean = ck.save(original, tmp_path / f"clean{suffix}").read_bytes()
    path = tmp_path / f"model{suffix}"
    outcomes = {"error": 0, "exact": 0}
    for what, data in _damage_cases(clean, rng, count=count):
        path.write_bytes(data)
        start = time.perf_counter()
        try:
            loaded = ck.load(path)
        except CheckpointError:
            outcomes["error"] += 1
        except Exception as err:  # pragma: no cover - the failure we guard against
            pytest.fail(f"{what}: {type(err).__name__} escaped: {err}")
        else:
            assert isinstance(loaded, dict), what
            assert loaded.keys() == original.keys(), what
            for key, tensor in original.items():
                assert loaded[key].dtype == tensor.dtype, (what, key)
                assert torch.equal(loaded[key], tensor), (what, key)
            outcomes["exact"] += 1
        assert time.perf_counter() - start < 2.0, f"{what} took too long"
    assert outcomes["error"] >= count  # every truncation, at least
    print(f"{suffix}: {count} truncations and {count} byte flips -> {outcomes}")


@pytest.mark.parametrize("suffix", FORMATS)
def test_header_claiming_a_huge_size_fails_fast(tmp_path, suffix):
    path = ck.save({"w": torch.ones(1000)}, tmp_path / f"huge{suffix}")
    data = bytearray(path.read_bytes())
    if suffix == ".safetensors":
        data[0:8] = (2**62).to_bytes(8, "little")  # header length far past the file
    else:
        central = data.rindex(b"PK\x01\x02")  # first record's sizes in the zip directory
        data[central + 20 : central + 28] = b"\xff\xff\xff\x7f" * 2
        data = data[: len(data) - 7]  # and cut the end off
    path.write_bytes(bytes(data))
    start = time.perf_counter()
    with pytest.raises(CheckpointError):
        ck.load(path)
    assert time.perf_counter() - start < 2.0


# ----------------------------------------------------------------------------- killed saves

# A child process that imports torch once, then forks savers on request: each saver saves
# two distinct states in turn, forever, until the test kills it with SIGKILL.
_SAVER = textwrap.dedent(
    """
    import os, sys
    import torch
    from builders_guide import checkpoint as ck

    def state(which):
        base = torch.arange(500_000, dtype=torch.float32)
        return {"x": base * (1 + which), "which": torch.tensor(which), "y": base.flip(0)}

    states = [state(0), state(1)]
    for line in sys.stdin:
        path = line.strip()
        pid = os.fork()
        if pid == 0:
            i = 0
            while True:
                ck.save(states[i % 2], path)
                i += 1
        print(pid, flush=True)
        os.waitpid(pid, 0)
        print("reaped", flush=True)
    """
)


def _expected_state(which: int) -> dict[str, torch.Tensor]:
    base = torch.arange(500_000, dtype=torch.float32)
    return {"x": base * (1 + which), "which": torch.tensor(which), "y": base.flip(0)}


@pytest.mark.faults
@pytest.mark.skipif(
    not hasattr(signal, "SIGKILL") or not hasattr(os, "fork"),
    reason="needs SIGKILL and fork (POSIX)",
)
@pytest.mark.parametrize("rounds", [200])
def test_killed_save_leaves_previous_or_new_checkpoint_loadable(tmp_path, rounds):
    rng = random.Random(7)
    script = tmp_path / "saver.py"
    script.write_text(_SAVER)
    states = [_expected_state(0), _expected_state(1)]
    paths = {suffix: tmp_path / f"model{suffix}" for suffix in FORMATS}
    for path in paths.values():
        ck.save(states[0], path)
    server = subprocess.Popen(
        [sys.executable, str(script)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 240
    kills = 0
    try:
        for round_ in range(rounds):
            if time.monotonic() > deadline:
                break
            path = paths[FORMATS[round_ % 2]]
            server.stdin.write(f"{path}\n")
            server.stdin.flush()
            pid = int(server.stdout.readline())
            time.sleep(rng.uniform(0.001, 0.08))
            os.kill(pid, signal.SIGKILL)
            assert server.stdout.readline().strip() == "reaped"
            kills += 1

            loaded = ck.load(path)
            which = int(loaded["which"])
            assert loaded.keys() == states[which].keys()
            for key, tensor in states[which].items():
                assert torch.equal(loaded[key], tensor), (round_, key)

            # A later save in the same folder works, whatever temp files were left behind.
            ck.save(states[1 - which], path)
            assert int(ck.load(path)["which"]) == 1 - which
    finally:
        server.stdin.close()
        server.kill()
        server.wait(timeout=10)
    assert kills >= min(rounds, 50)
    # Most kills land mid-save and leave a temp file behind; none of them tripped a save.
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".bg.tmp")]
    assert leftovers, "no kill landed in the middle of a save"
    assert all(p.name.startswith(".model.") for p in leftovers)
    # Once they are old, the next save removes them all: their writers are dead.
    old = time.time() - atomic.STALE_AFTER_S - 1
    for p in leftovers:
        os.utime(p, (old, old))
    ck.save(states[0], paths[".pt"])
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".bg.tmp")]
    print(f"{kills} kills, {len(leftovers)} temp files left and then removed")


# ----------------------------------------------------------------------------- save memory

_MEASURE_SAVE = textwrap.dedent(
    """
    import resource, sys, torch
    import builders_guide as bg

    megabytes = int(sys.argv[2])
    state = {f"w{i}": torch.randn(megabytes * 2**20 // 4 // 8) for i in range(8)}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    bg.save(state, sys.argv[1])
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print((after - before) / 1024)  # ru_maxrss is in KiB on Linux
    """
)


@pytest.mark.faults
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB: Linux")
@pytest.mark.parametrize("suffix", FORMATS)
def test_a_save_needs_little_more_memory_than_the_state(tmp_path, suffix):
    """Peak memory of bg.save grows by under a tenth of the state (a copy would double it)."""
    megabytes = 256
    script = tmp_path / "measure.py"
    script.write_text(_MEASURE_SAVE)
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path / f"m{suffix}"), str(megabytes)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    extra_mb = float(result.stdout.strip())
    assert extra_mb < megabytes / 10, f"{suffix}: a {megabytes} MB save took {extra_mb:.0f} MB more"
