"""Issue 11: checkpoints that hold against real attackers and real foreign files.

Payloads are injected with fickling (Trail of Bits' pickle attack tool) into real
``torch.save`` files; each must be refused with the exact error class, and never run.
"""

from __future__ import annotations

import json
import os
import pickle
import struct
import subprocess
import sys
import textwrap
import time
import zipfile

import builders_guide as bg
import numpy as np
import pytest
import torch
from builders_guide.checkpoint import atomic, validate
from torch import nn

FORMATS = [".pt", ".safetensors"]


def _payload(marker) -> str:
    return f"open({str(marker)!r}, 'w').write('ran')"


# ----------------------------------------------------------------------------- fickling


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_fickling_insertion_into_torch_file_is_refused_and_never_runs(tmp_path, legacy):
    from fickling.fickle import Pickled

    marker = tmp_path / "MARKER"
    clean = tmp_path / "clean.pt"
    torch.save({"w": torch.ones(3)}, clean, _use_new_zipfile_serialization=not legacy)
    evil = tmp_path / "evil.pt"
    if legacy:
        data = clean.read_bytes()
        # the 4th pickle is the object itself: magic, protocol, sys info, then the data
        stream = __import__("io").BytesIO(data)
        for _ in range(3):
            pickle.load(stream)
        start = stream.tell()
        pickled = Pickled.load(stream)
        pickled.insert_python_exec(_payload(marker))
        evil.write_bytes(data[:start] + pickled.dumps() + data[stream.tell() :])
    else:
        from fickling.pytorch import PyTorchModelWrapper

        PyTorchModelWrapper(clean).inject_payload(_payload(marker), evil, injection="insertion")
    with pytest.raises(bg.UnsafeCheckpointError) as info:
        bg.load(evil)
    assert info.value.names == ["builtins.exec"]
    assert "'evil.pt' refers to builtins.exec" in str(info.value)
    assert not marker.exists()


def test_fickling_combination_injection_is_refused_and_never_runs(tmp_path):
    from fickling.pytorch import PyTorchModelWrapper

    marker = tmp_path / "MARKER"
    clean = tmp_path / "clean.pt"
    torch.save(nn.Linear(2, 2).state_dict(), clean)
    evil = tmp_path / "combo.pt"
    PyTorchModelWrapper(clean).inject_payload(_payload(marker), evil, injection="combination")
    with pytest.raises(bg.UnsafeCheckpointError) as info:
        bg.load(evil, into=nn.Linear(2, 2))
    assert info.value.names == ["builtins.eval"]
    assert not marker.exists()


# ----------------------------------------------------------------------------- 1. version guard


@pytest.mark.parametrize(
    ("version", "holes"),
    [("2.5.1", ["CVE-2025-32434", "CVE-2026-24747"]), ("2.9.1+cu121", ["CVE-2026-24747"])],
)
def test_old_torch_refuses_pickle_files_but_loads_safetensors(
    tmp_path, monkeypatch, version, holes
):
    pt = bg.save({"w": torch.ones(2)}, tmp_path / "net.pt")
    st = bg.save({"w": torch.ones(2)}, tmp_path / "net.safetensors")
    monkeypatch.setattr(torch, "__version__", version)
    with pytest.raises(bg.UnsafeCheckpointError) as info:
        bg.load(pt)
    text = str(info.value)
    for fact in ["'net.pt'", f"PyTorch {version}", "2.10", ".safetensors", *holes]:
        assert fact in text
    assert ("CVE-2025-32434" in text) == ("CVE-2025-32434" in holes)
    assert torch.equal(bg.load(st)["w"], torch.ones(2))


def test_old_torch_message_is_in_indonesian_too(tmp_path, monkeypatch):
    pt = bg.save({"w": torch.ones(2)}, tmp_path / "net.pt")
    monkeypatch.setattr(torch, "__version__", "2.5.1")
    bg.set_language("id")
    try:
        with pytest.raises(bg.UnsafeCheckpointError, match=r"Perbarui PyTorch ke 2.10"):
            bg.load(pt)
    finally:
        bg.set_language("en")


# ----------------------------------------------------------------------------- 2. safe to use


def test_sparse_tensor_with_out_of_range_indices_is_refused(tmp_path):
    bad = torch.sparse_coo_tensor([[0, 7]], [1.0, 2.0], (3,), check_invariants=False)
    path = tmp_path / "sparse.pt"
    torch.save({"s": bad}, path)
    with pytest.raises(
        bg.CorruptCheckpointError, match=r"'sparse.pt' was refused: it holds a sparse"
    ):
        bg.load(path)
    good = torch.sparse_coo_tensor([[0, 2]], [1.0, 2.0], (3,))
    torch.save({"s": good}, path)
    assert torch.equal(bg.load(path)["s"].to_dense(), good.to_dense())


def test_compressed_records_are_refused_before_expanding(tmp_path):
    clean = bg.save({"w": torch.zeros(1 << 18)}, tmp_path / "clean.pt")
    bomb = tmp_path / "bomb.pt"
    with zipfile.ZipFile(clean) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item))
    assert bomb.stat().st_size < clean.stat().st_size // 50
    with pytest.raises(
        bg.UnsafeCheckpointError, match=r"'bomb.pt' was refused: its record .* is compressed"
    ):
        bg.load(bomb)


def test_storage_claiming_more_bytes_than_its_record_is_refused(tmp_path):
    path = bg.save({"w": torch.ones(4)}, tmp_path / "claim.pt")
    with zipfile.ZipFile(path) as src:
        items = [(i.filename, src.read(i)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w") as dst:
        for filename, content in items:
            if filename.endswith("data.pkl"):  # the storage's element count: 4 -> 2**28
                assert content.count(b"K\x04t") == 1
                content = content.replace(b"K\x04t", b"J\x00\x00\x00\x10t")
            dst.writestr(filename, content)
    with pytest.raises(bg.CorruptCheckpointError, match="claims 1,073,741,824 bytes"):
        bg.load(path)


# ----------------------------------------------------------------------------- 3. no hang, no recursion


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_and_device_are_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.pt"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(
        bg.NotACheckpointError, match=r"'pipe.pt' is not a regular file but a named pipe"
    ):
        bg.load(fifo)
    if os.path.exists("/dev/zero"):
        with pytest.raises(bg.NotACheckpointError, match="character device"):
            bg.load("/dev/zero")
    assert time.perf_counter() - start < 1.0


def test_shared_and_self_referential_containers_save_in_linear_time(tmp_path):
    shared: list = []
    for _ in range(40):
        shared = [shared, shared]  # 2**40 paths, 40 distinct lists
    loop: list = [torch.ones(1)]
    loop.append(loop)
    start = time.perf_counter()
    bg.save({"shared": shared, "loop": loop}, tmp_path / "x.pt")
    loaded = bg.load(tmp_path / "x.pt")
    assert time.perf_counter() - start < 2.0
    assert loaded["loop"][1] is loaded["loop"]
    assert loaded["shared"][0] is loaded["shared"][1]


def test_too_deep_nesting_is_refused_clearly_not_with_recursion_error(tmp_path):
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ValueError, match=f"nested more than {validate.MAX_DEPTH} containers"):
        bg.save(deep, tmp_path / "deep.pt")
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- 4. right diagnosis


@pytest.mark.parametrize("legacy", [False, True])
@pytest.mark.parametrize("protocol", [4, 5])
def test_protocol_4_and_5_torch_files_are_called_intact_not_attacks(tmp_path, protocol, legacy):
    path = tmp_path / "p.pt"
    torch.save(
        {"w": torch.ones(2)},
        path,
        pickle_protocol=protocol,
        _use_new_zipfile_serialization=not legacy,
    )
    with pytest.raises(bg.CheckpointError) as info:
        bg.load(path)
    assert type(info.value) is bg.CheckpointError
    assert f"'p.pt' was saved with pickle protocol {protocol}" in str(info.value)
    assert "attack" not in str(info.value) and "damaged" not in str(info.value)


def test_torchscript_archive_is_named_as_such(tmp_path):
    path = tmp_path / "scripted.pt"
    torch.jit.save(torch.jit.script(nn.Linear(2, 2)), path)
    with pytest.raises(
        bg.NotACheckpointError, match=r"'scripted.pt' is a TorchScript archive.*torch.jit.load"
    ):
        bg.load(path)


def test_safetensors_from_save_file_and_tied_save_model_load_exactly(tmp_path):
    from safetensors.torch import save_file, save_model

    class Tied(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = nn.Linear(3, 3)
            self.decoder = nn.Linear(3, 3)
            self.decoder.weight = self.encoder.weight

    net = Tied()
    save_model(net, str(tmp_path / "tied.safetensors"))
    fresh = bg.load(tmp_path / "tied.safetensors", into=Tied())
    assert fresh.decoder.weight is fresh.encoder.weight
    for key, value in net.state_dict().items():
        assert torch.equal(fresh.state_dict()[key], value)
    save_file(
        {"b": torch.arange(3), "a": torch.ones(2, dtype=torch.bfloat16)},
        str(tmp_path / "f.safetensors"),
    )
    loaded = bg.load(tmp_path / "f.safetensors")
    assert list(loaded) == ["a", "b"] and loaded["a"].dtype == torch.bfloat16


def test_legacy_format_file_loads_exactly(tmp_path):
    state = {"w": torch.randn(3, 2), "n": 4}
    torch.save(state, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    loaded = bg.load(tmp_path / "old.pt")
    assert torch.equal(loaded["w"], state["w"]) and loaded["n"] == 4


def test_dtype_torch_cannot_represent_is_named_not_damaged(tmp_path):
    header = json.dumps({"a": {"dtype": "F6_E3M2", "shape": [8], "data_offsets": [0, 6]}}).encode()
    header += b" " * (-len(header) % 8)
    path = tmp_path / "mx.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + bytes(6))
    with pytest.raises(bg.CheckpointError) as info:
        bg.load(path)
    assert type(info.value) is bg.CheckpointError
    assert "'mx.safetensors' holds a tensor of dtype F6_E3M2" in str(info.value)
    assert "intact" in str(info.value)


def test_foreign_metadata_with_our_prefix_is_not_called_damaged(tmp_path):
    from safetensors.torch import save_file

    meta = {"builders_guide.kind": "encoder", "note": "x"}
    save_file({"w": torch.ones(2)}, str(tmp_path / "other.safetensors"), metadata=meta)
    assert torch.equal(bg.load(tmp_path / "other.safetensors")["w"], torch.ones(2))
    assert bg.load_metadata(tmp_path / "other.safetensors") == dict(sorted(meta.items()))


# ----------------------------------------------------------------------------- 5. forged metadata


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("builders_guide.kind", "list"),
        ("builders_guide.kind", "matrix"),
        ("builders_guide.aliases", "not json"),
        ("builders_guide.aliases", '{"b": "missing"}'),
        ("builders_guide.aliases", "[1, 2]"),
        ("builders_guide.keys", '["w", "w"]'),
    ],
)
def test_forged_metadata_with_recomputed_checksum_is_a_checkpoint_error(tmp_path, field, value):
    from builders_guide.checkpoint.safetensors_format import CHECKSUM, checksum
    from safetensors.torch import save_file

    tensors = {"w": torch.ones(2)}
    meta = {"builders_guide.kind": "dict", "builders_guide.keys": '["w"]', field: value}
    meta[CHECKSUM] = checksum(tensors, meta)
    save_file(tensors, str(tmp_path / "forged.safetensors"), metadata=meta)
    with pytest.raises(bg.CorruptCheckpointError, match=r"'forged.safetensors' was refused"):
        bg.load(tmp_path / "forged.safetensors")


# ----------------------------------------------------------------------------- 6. save what load reads


class _Sub(torch.Tensor):
    pass


def _with_attribute() -> torch.Tensor:
    t = torch.ones(2)
    t.note = "x"
    return t


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize(
    ("make", "error", "fact"),
    [
        (lambda: torch.ones(2).as_subclass(_Sub), TypeError, "tensor subclass (_Sub)"),
        (_with_attribute, TypeError, "Python attributes (note)"),
        (lambda: torch.empty(2, device="meta"), ValueError, "'meta' device"),
    ],
    ids=["subclass", "attribute", "meta"],
)
def test_save_refuses_what_load_would_refuse_before_writing(tmp_path, suffix, make, error, fact):
    with pytest.raises(error, match=fact.replace("(", r"\(").replace(")", r"\)")):
        bg.save({"w": make()}, tmp_path / f"x{suffix}")
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- 7. saving under faults

_LIMITED = textwrap.dedent(
    """
    import resource, signal, sys, torch
    import builders_guide as bg
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    for path in sys.argv[1:]:
        bg.save({"w": torch.zeros(10)}, path)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
    for path in sys.argv[1:]:
        try:
            bg.save({"w": torch.zeros(1_000_000)}, path)
        except OSError as err:
            print(type(err).__name__, err.errno, err)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_file_size_limit_gives_a_clear_message_and_keeps_the_old_file(tmp_path):
    import errno

    paths = [tmp_path / f"big{suffix}" for suffix in FORMATS]
    result = subprocess.run(
        [sys.executable, "-c", _LIMITED, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result
    for line, path in zip(lines, paths, strict=True):
        assert line.startswith(f"OSError {errno.EFBIG} could not save '{path.name}'"), line
        assert "size limit" in line
        assert torch.equal(bg.load(path)["w"], torch.zeros(10))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)


def test_names_up_to_the_file_system_limit_work(tmp_path):
    limit = atomic.name_max(tmp_path)
    path = tmp_path / ("n" * (limit - 3) + ".pt")
    assert bg.load(bg.save(torch.ones(2), path)).shape == (2,)
    with pytest.raises(OSError, match=f"this file system allows {limit:,}"):
        bg.save(torch.ones(2), tmp_path / ("n" * limit + ".pt"))


def test_stale_temp_files_of_dead_writers_are_removed_and_others_kept(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    old = time.time() - atomic.STALE_AFTER_S - 60
    names = {
        "stale": f".model.pt.{dead_pid}.abcd1234.bg.tmp",
        "young": f".model.pt.{dead_pid}.young123.bg.tmp",
        "alive": f".model.pt.{os.getppid()}.alive123.bg.tmp",
        "not_ours": ".model.pt.leftover.tmp",
    }
    for key, filename in names.items():
        (tmp_path / filename).write_bytes(b"half")
        if key != "young":
            os.utime(tmp_path / filename, (old, old))
    bg.save(torch.ones(1), tmp_path / "model.pt")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([names["young"], names["alive"], names["not_ours"], "model.pt"])


# ----------------------------------------------------------------------------- 8. round trips


@pytest.mark.parametrize("suffix", FORMATS)
def test_round_trip_keeps_key_order_sharing_dtype_and_shape(tmp_path, suffix):
    shared = torch.randn(3, 4)
    state = {
        "zeta": shared,
        "alpha": torch.arange(6, dtype=torch.int16).reshape(2, 3),
        "mid": shared,
        "half": torch.ones(2, 1, dtype=torch.float16),
        "scalar": torch.tensor(True),
    }
    loaded = bg.load(bg.save(state, tmp_path / f"s{suffix}"))
    assert list(loaded) == list(state)
    assert loaded["zeta"] is loaded["mid"]
    for key, value in state.items():
        assert loaded[key].dtype == value.dtype and loaded[key].shape == value.shape
        assert torch.equal(loaded[key], value)


# ----------------------------------------------------------------------------- 9. training state


def _snapshot(model, optimizer):
    return (
        {k: v.clone() for k, v in model.state_dict().items()},
        repr(optimizer.state_dict()["param_groups"]),
        torch.get_rng_state().clone(),
    )


def _unchanged(before, model, optimizer) -> bool:
    weights, groups, rng = before
    return (
        all(torch.equal(v, weights[k]) for k, v in model.state_dict().items())
        and repr(optimizer.state_dict()["param_groups"]) == groups
        and torch.equal(torch.get_rng_state(), rng)
    )


def test_adam_state_into_sgd_is_refused_and_changes_nothing(tmp_path):
    net = nn.Linear(3, 2)
    adam = torch.optim.Adam(net.parameters())
    path = bg.save_training_state(tmp_path / "t.pt", model=net, optimizer=adam, step=1)
    other = nn.Linear(3, 2)
    sgd = torch.optim.SGD(other.parameters(), lr=0.5, momentum=0.9)
    before = _snapshot(other, sgd)
    with pytest.raises(bg.ArchitectureMismatchError, match="it was saved from a Adam"):
        bg.load_training_state(path, model=other, optimizer=sgd)
    assert _unchanged(before, other, sgd)
    assert sgd.param_groups[0]["lr"] == 0.5


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        (lambda s: s.update(step="7"), bg.CorruptCheckpointError),
        (lambda s: s["rng"].update(python=(3, [1, 2], None)), bg.CorruptCheckpointError),
        (
            lambda s: s["rng"].update(torch=torch.zeros(3, dtype=torch.uint8)),
            bg.CorruptCheckpointError,
        ),
        (lambda s: s["optimizer"]["param_groups"][0].pop("momentum"), bg.ArchitectureMismatchError),
        (
            lambda s: (
                s.pop("optimizer_type")
                and s["optimizer"]["state"][0].update(momentum_buffer=torch.ones(5))
            ),
            bg.ArchitectureMismatchError,
        ),
        (lambda s: s["model"].update(weight=torch.ones(9)), bg.ArchitectureMismatchError),
        (lambda s: s.update(extra=[1]), bg.CorruptCheckpointError),
    ],
    ids=["step", "python-rng", "torch-rng", "group-key", "state-shape", "weight-shape", "extra"],
)
def test_failed_training_restore_changes_nothing(tmp_path, edit, error):
    net = nn.Linear(3, 2)
    sgd = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    net(torch.ones(1, 3)).sum().backward()
    sgd.step()
    path = bg.save_training_state(tmp_path / "t.pt", model=net, optimizer=sgd, step=1)
    state = torch.load(path, weights_only=True)
    edit(state)
    torch.save(state, path)
    other = nn.Linear(3, 2)
    opt = torch.optim.SGD(other.parameters(), lr=0.5, momentum=0.9)
    before = _snapshot(other, opt)
    with pytest.raises(error) as info:
        bg.load_training_state(path, model=other, optimizer=opt)
    assert "'t.pt'" in str(info.value)
    assert _unchanged(before, other, opt)
    assert np.isfinite(opt.param_groups[0]["lr"])
