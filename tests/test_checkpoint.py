"""Behaviour and messages of builders_guide.checkpoint: round trips, loading into models, errors."""

from __future__ import annotations

import doctest
import os
import pickle
import random

import builders_guide
import numpy as np
import pytest
import torch
from builders_guide import checkpoint as ck
from builders_guide.checkpoint import (
    ArchitectureMismatchError,
    CheckpointError,
    CheckpointNotFoundError,
    CorruptCheckpointError,
    NotACheckpointError,
    UnsafeCheckpointError,
    api,
)
from torch import nn

FORMATS = [".pt", ".safetensors"]


class TiedAutoencoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Linear(6, 6)
        self.decoder = nn.Linear(6, 6)
        self.decoder.weight = self.encoder.weight


def _same(a: object, b: object) -> bool:
    """Exact equality for tensors nested in dicts, lists and tuples."""
    if isinstance(a, torch.Tensor):
        return (
            isinstance(b, torch.Tensor)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and torch.equal(a, b)
        )
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(_same(x, y) for x, y in zip(a, b, strict=True))
        )
    return a == b


# ----------------------------------------------------------------------------- round trips


def test_module_round_trip_gives_its_state_dict(tmp_path):
    for suffix in FORMATS:
        net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
        loaded = ck.load(ck.save(net, tmp_path / f"net{suffix}"))
        assert _same(dict(loaded), dict(net.state_dict()))


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize(
    "obj",
    [
        torch.arange(12, dtype=torch.float32).reshape(3, 4),
        {"w": torch.randn(2, 3), "b": torch.zeros(3, dtype=torch.int64)},
        [torch.ones(2), torch.tensor(3.5, dtype=torch.float64)],
        (torch.ones(2, dtype=torch.bfloat16), torch.tensor([True, False])),
        {"empty": torch.empty(0, 5), "scalar": torch.tensor(7)},
    ],
    ids=["tensor", "dict", "list", "tuple", "empty-and-scalar"],
)
def test_tensor_objects_round_trip_exactly(tmp_path, suffix, obj):
    path = ck.save(obj, tmp_path / f"obj{suffix}")
    assert path == tmp_path / f"obj{suffix}"
    assert _same(obj, ck.load(path))


def test_plain_values_round_trip_in_torch_format(tmp_path):
    obj = {
        "step": 3,
        "lr": 0.1,
        "name": "run-1",
        "flags": [True, None],
        "nested": {"t": torch.ones(2), "shape": (2, 3)},
        "dtype": torch.float16,
    }
    assert _same(obj, ck.load(ck.save(obj, tmp_path / "plain.pt")))


def test_non_contiguous_tensor_round_trips_in_safetensors(tmp_path):
    base = torch.arange(20.0).reshape(4, 5)
    obj = {"t": base.t(), "row": base[1]}  # a transposed view and a slice of the same memory
    loaded = ck.load(ck.save(obj, tmp_path / "views.safetensors"))
    assert _same(obj, loaded)


def test_tied_weights_survive_safetensors_as_one_tensor(tmp_path):
    net = TiedAutoencoder()
    path = ck.save(net, tmp_path / "tied.safetensors")
    loaded = ck.load(path)
    assert loaded["encoder.weight"] is loaded["decoder.weight"]
    assert torch.equal(loaded["decoder.weight"], net.encoder.weight)

    fresh = ck.load(path, into=TiedAutoencoder())
    assert fresh.decoder.weight is fresh.encoder.weight
    assert torch.equal(fresh.decoder.weight, net.encoder.weight)
    assert torch.equal(fresh.decoder.bias, net.decoder.bias)


def test_safetensors_metadata_is_kept_and_our_keys_hidden(tmp_path):
    path = ck.save({"w": torch.ones(1)}, tmp_path / "m.safetensors", metadata={"epoch": "3"})
    assert ck.load_metadata(path) == {"epoch": "3"}
    assert ck.load_metadata(ck.save(torch.ones(1), tmp_path / "none.safetensors")) == {}


def test_foreign_safetensors_file_loads_as_plain_dict(tmp_path):
    from safetensors.torch import save_file

    save_file({"a": torch.ones(2)}, str(tmp_path / "other.safetensors"), metadata={"k": "v"})
    assert _same(ck.load(tmp_path / "other.safetensors"), {"a": torch.ones(2)})
    assert ck.load_metadata(tmp_path / "other.safetensors") == {"k": "v"}


@pytest.mark.parametrize("suffix", FORMATS)
def test_map_location_moves_tensors(tmp_path, suffix):
    path = ck.save({"w": torch.ones(2)}, tmp_path / f"w{suffix}")
    assert ck.load(path, map_location="meta")["w"].device.type == "meta"
    assert ck.load(path, map_location=torch.device("cpu"))["w"].device.type == "cpu"


def test_map_location_callable_is_refused_for_safetensors(tmp_path):
    path = ck.save({"w": torch.ones(2)}, tmp_path / "w.safetensors")
    with pytest.raises(TypeError, match="device string"):
        ck.load(path, map_location=lambda storage, loc: storage)


def test_save_keeps_the_usual_file_mode(tmp_path):
    if os.name == "nt":
        pytest.skip("POSIX file modes only")
    umask = os.umask(0o022)
    os.umask(umask)
    path = ck.save(torch.ones(1), tmp_path / "mode.pt")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    path.chmod(0o600)
    ck.save(torch.ones(1), path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_save_leaves_no_temp_files(tmp_path):
    for suffix in FORMATS:
        ck.save(torch.ones(3), tmp_path / f"x{suffix}")
        ck.save(torch.zeros(3), tmp_path / f"x{suffix}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.pt", "x.safetensors"]


def test_failed_save_removes_temp_file_and_keeps_old_file(tmp_path, monkeypatch):
    path = ck.save({"w": torch.ones(2)}, tmp_path / "keep.pt")

    class Boom:
        def __reduce__(self):
            raise RuntimeError("boom while pickling")

    monkeypatch.setattr(api, "check_plain", lambda *a: None)  # let it reach torch.save
    with pytest.raises(RuntimeError, match="boom while pickling"):
        ck.save({"w": Boom()}, path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.pt"]
    assert _same(ck.load(path), {"w": torch.ones(2)})


# ----------------------------------------------------------------------------- save refusals


def test_safetensors_refuses_non_tensor_values_with_type_error(tmp_path):
    with pytest.raises(TypeError, match=r"'step' is a int.*\.pt"):
        ck.save({"w": torch.ones(1), "step": 3}, tmp_path / "x.safetensors")
    with pytest.raises(TypeError, match="string keys"):
        ck.save({1: torch.ones(1)}, tmp_path / "x.safetensors")
    with pytest.raises(TypeError, match="tensors only"):
        ck.save("text", tmp_path / "x.safetensors")
    assert list(tmp_path.iterdir()) == []


def test_torch_format_refuses_objects_a_safe_load_would_refuse(tmp_path):
    with pytest.raises(TypeError, match=r"obj\['opt'\] is a SGD"):
        ck.save({"opt": torch.optim.SGD([nn.Parameter(torch.ones(1))], lr=1)}, tmp_path / "x.pt")
    with pytest.raises(TypeError, match="float64"):
        ck.save({"x": np.float64(1)}, tmp_path / "x.pt")
    assert list(tmp_path.iterdir()) == []


def test_metadata_rules(tmp_path):
    with pytest.raises(ValueError, match=r"only stored in \.safetensors"):
        ck.save(torch.ones(1), tmp_path / "x.pt", metadata={"a": "b"})
    with pytest.raises(TypeError, match="strings to strings"):
        ck.save(torch.ones(1), tmp_path / "x.safetensors", metadata={"epoch": 3})
    with pytest.raises(ValueError, match="reserved prefix"):
        ck.save(torch.ones(1), tmp_path / "x.safetensors", metadata={"builders_guide.kind": "x"})


@pytest.mark.parametrize("suffix", FORMATS)
def test_saving_uninitialized_lazy_model_says_to_materialize(tmp_path, suffix):
    with pytest.raises(ValueError, match=r"uninitialized lazy parameter.*materialize"):
        ck.save(nn.LazyLinear(3), tmp_path / f"lazy{suffix}")


def test_save_into_missing_folder_names_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ck.save(torch.ones(1), tmp_path / "no" / "x.pt")


def test_stray_temp_file_does_not_trip_a_save(tmp_path):
    stray = tmp_path / ".model.pt.leftover.tmp"
    stray.write_bytes(b"half a checkpoint")
    (tmp_path / ".model.pt.tmp").mkdir()  # even a folder with a plausible temp name
    ck.save({"w": torch.ones(2)}, tmp_path / "model.pt")
    assert _same(ck.load(tmp_path / "model.pt"), {"w": torch.ones(2)})
    assert stray.read_bytes() == b"half a checkpoint"


# ----------------------------------------------------------------------------- loading into models


@pytest.mark.parametrize("suffix", FORMATS)
def test_load_into_model_returns_the_model_with_the_weights(tmp_path, suffix):
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    path = ck.save(net, tmp_path / f"net{suffix}")
    fresh = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    assert ck.load(path, into=fresh) is fresh
    assert _same(dict(fresh.state_dict()), dict(net.state_dict()))


@pytest.mark.parametrize("suffix", FORMATS)
def test_load_materializes_a_lazy_model(tmp_path, suffix):
    net = nn.Sequential(nn.Linear(5, 3), nn.ReLU(), nn.Linear(3, 2))
    path = ck.save(net, tmp_path / f"net{suffix}")
    lazy = nn.Sequential(nn.LazyLinear(3), nn.ReLU(), nn.LazyLinear(2))
    ck.load(path, into=lazy)
    assert not any(isinstance(p, nn.parameter.UninitializedParameter) for p in lazy.parameters())
    assert lazy[0].weight.shape == (3, 5)
    X = torch.randn(4, 5)
    assert torch.equal(lazy(X), net(X))


def test_mismatch_lists_missing_unexpected_and_both_shapes(tmp_path):
    path = ck.save(nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 2)), tmp_path / "model.pt")
    other = nn.Sequential(nn.Linear(4, 6), nn.Linear(6, 2), nn.Linear(2, 2))
    del other[0].bias
    other[0].register_parameter("bias", None)
    with pytest.raises(ArchitectureMismatchError) as info:
        ck.load(path, into=other)
    err = info.value
    assert err.missing == ["2.weight", "2.bias"]
    assert err.unexpected == ["0.bias"]
    assert err.mismatched == [("0.weight", (8, 4), (6, 4)), ("1.weight", (2, 8), (2, 6))]
    text = str(err)
    for fact in ["'2.weight'", "'2.bias'", "'0.bias'", "(8, 4)", "(6, 4)", "(2, 8)", "(2, 6)"]:
        assert fact in text
    assert "model.pt" in text and "strict=False" in text


def test_mismatch_leaves_model_untouched(tmp_path):
    path = ck.save({"weight": torch.ones(2, 3), "bias": torch.ones(5)}, tmp_path / "x.pt")
    net = nn.Linear(3, 2)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    with pytest.raises(ArchitectureMismatchError):
        ck.load(path, into=net)
    assert _same(dict(net.state_dict()), before)


@pytest.mark.parametrize("suffix", FORMATS)
def test_non_strict_loads_only_keys_whose_name_and_shape_match(tmp_path, suffix):
    saved = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 2))
    path = ck.save(saved, tmp_path / f"net{suffix}")
    other = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 3), nn.Linear(3, 3))
    before = {k: v.clone() for k, v in other.state_dict().items()}
    assert ck.load(path, into=other, strict=False) is other
    assert torch.equal(other[0].weight, saved[0].weight)
    assert torch.equal(other[0].bias, saved[0].bias)
    for key in ["1.weight", "1.bias", "2.weight", "2.bias"]:
        assert torch.equal(other.state_dict()[key], before[key])


def test_load_into_model_refuses_a_file_without_a_state_dict(tmp_path):
    path = ck.save([torch.ones(1)], tmp_path / "list.pt")
    with pytest.raises(NotACheckpointError, match="holds a list, not a model's state dict"):
        ck.load(path, into=nn.Linear(1, 1))


# ----------------------------------------------------------------------------- bad files


def test_missing_file_and_folder_raise_not_found(tmp_path):
    with pytest.raises(CheckpointNotFoundError, match=r"'.*nope\.pt' does not exist"):
        ck.load(tmp_path / "nope.pt")
    with pytest.raises(CheckpointNotFoundError, match="is a folder"):
        ck.load(tmp_path)
    with pytest.raises(CheckpointNotFoundError):
        ck.load_metadata(tmp_path / "nope.safetensors")
    assert issubclass(CheckpointNotFoundError, CheckpointError)


@pytest.mark.parametrize(
    ("name", "content", "fact"),
    [
        ("empty.pt", b"", "is empty (0 bytes)"),
        ("notes.pt", b"learning rate 0.1\nepochs 10\n", "text file (it starts with 'learning rate"),
        ("notes.safetensors", b"just some text", "text file"),
        ("photo.pt", b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
        ("data.pt", b"\x00\x01\x02\x03\xfe\xff" * 10, "match no known format"),
        (
            "plain.pkl",
            pickle.dumps({"a": 1}, protocol=2),
            "Python pickle, not a PyTorch checkpoint",
        ),
        ("plain5.pkl", pickle.dumps({"a": 1}, protocol=5), "Python pickle"),
    ],
)
def test_files_that_are_not_checkpoints_say_what_they_are(tmp_path, name, content, fact):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(NotACheckpointError) as info:
        ck.load(path)
    assert fact in str(info.value)
    assert name in str(info.value)


def test_zip_without_data_pkl_is_not_a_checkpoint(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "archive.pt", "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(NotACheckpointError, match="zip archive, not a PyTorch checkpoint"):
        ck.load(tmp_path / "archive.pt")


def test_truncated_torch_file_says_truncated(tmp_path):
    path = ck.save({"w": torch.randn(1000)}, tmp_path / "model.pt")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 3 // 4])
    with pytest.raises(CorruptCheckpointError, match=r"'.*model\.pt' is truncated") as info:
        ck.load(path)
    assert f"{len(data) * 3 // 4:,} bytes" in str(info.value)


def test_truncated_safetensors_file_gives_both_sizes(tmp_path):
    path = ck.save({"w": torch.randn(1000)}, tmp_path / "model.safetensors")
    data = path.read_bytes()
    path.write_bytes(data[:3000])
    with pytest.raises(CorruptCheckpointError) as info:
        ck.load(path)
    assert f"is truncated (3,000 of {len(data):,} bytes)" in str(info.value)


def test_flipped_byte_in_safetensors_data_fails_the_checksum(tmp_path):
    path = ck.save({"w": torch.zeros(100)}, tmp_path / "model.safetensors")
    data = bytearray(path.read_bytes())
    data[-10] ^= 0x40
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptCheckpointError, match="checksum"):
        ck.load(path)


def test_flipped_byte_in_torch_data_fails_the_zip_crc(tmp_path):
    path = ck.save({"w": torch.zeros(1000)}, tmp_path / "model.pt")
    data = bytearray(path.read_bytes())
    data[data.index(bytes(64)) + 32] ^= 0x01  # inside the tensor's bytes
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptCheckpointError, match="damaged"):
        ck.load(path)


def test_load_metadata_of_torch_file_says_it_has_none(tmp_path):
    path = ck.save(torch.ones(1), tmp_path / "x.pt")
    with pytest.raises(NotACheckpointError, match="not a safetensors file"):
        ck.load_metadata(path)


def test_unsafe_global_message_says_how_to_proceed(tmp_path):
    path = tmp_path / "counter.pt"
    torch.save({"c": __import__("collections").ChainMap()}, path)
    with pytest.raises(UnsafeCheckpointError) as info:
        ck.load(path)
    text = str(info.value)
    assert "collections.ChainMap" in text
    assert "torch.serialization.add_safe_globals" in text
    assert "weights_only=False" in text
    assert info.value.names == ["collections.ChainMap"]


def test_error_classes_form_one_family():
    for cls in [
        CheckpointNotFoundError,
        CorruptCheckpointError,
        NotACheckpointError,
        UnsafeCheckpointError,
        ArchitectureMismatchError,
    ]:
        assert issubclass(cls, CheckpointError)
    assert issubclass(CheckpointError, Exception)


# ----------------------------------------------------------------------------- training state


def _train(model, optimizer, scheduler, steps, losses):
    """A few SGD steps whose data and dropout draw on Python, NumPy and torch RNGs."""
    for _ in range(steps):
        X = torch.from_numpy(np.random.randn(8, 6)).float() * random.uniform(0.5, 1.5)
        y = torch.randn(8, 1)
        loss = nn.functional.mse_loss(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())


def _fresh(seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    return model, optimizer, scheduler


def _seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def test_resumed_training_is_bit_identical_to_uninterrupted(tmp_path):
    py_state, np_state, torch_state = (
        random.getstate(),
        np.random.get_state(),
        torch.get_rng_state(),
    )
    try:
        model, optimizer, scheduler = _fresh(0)
        _seed_all(1)
        straight = []
        _train(model, optimizer, scheduler, 10, straight)

        model2, optimizer2, scheduler2 = _fresh(0)
        _seed_all(1)
        resumed = []
        _train(model2, optimizer2, scheduler2, 5, resumed)
        path = ck.save_training_state(
            tmp_path / "train.pt",
            model=model2,
            optimizer=optimizer2,
            scheduler=scheduler2,
            step=5,
            extra={"note": "halfway"},
        )

        model3, optimizer3, scheduler3 = _fresh(123)  # different weights
        _seed_all(999)  # and different random streams
        step = ck.load_training_state(
            path, model=model3, optimizer=optimizer3, scheduler=scheduler3
        )
        assert step == 5
        _train(model3, optimizer3, scheduler3, 5, resumed)

        assert resumed == straight
        for p, q in zip(model.parameters(), model3.parameters(), strict=True):
            assert torch.equal(p, q)
        assert ck.load(path)["extra"] == {"note": "halfway"}
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        torch.set_rng_state(torch_state)


def test_training_state_loads_with_plain_torch_weights_only(tmp_path):
    model, optimizer, _ = _fresh(0)
    path = ck.save_training_state(tmp_path / "t.pt", model=model, optimizer=optimizer, step=2)
    state = torch.load(path, weights_only=True)
    assert state["step"] == 2
    assert set(state["rng"]) == {"python", "numpy", "torch", "cuda"}


def test_training_state_errors(tmp_path):
    model, optimizer, scheduler = _fresh(0)
    with pytest.raises(ValueError, match="torch format"):
        ck.save_training_state(tmp_path / "t.safetensors", model=model, optimizer=optimizer, step=1)
    path = ck.save_training_state(tmp_path / "t.pt", model=model, optimizer=optimizer, step=1)
    with pytest.raises(ArchitectureMismatchError, match="no scheduler state"):
        ck.load_training_state(path, model=model, optimizer=optimizer, scheduler=scheduler)
    with pytest.raises(NotACheckpointError, match="load_training_state"):
        ck.load(path, into=model)
    plain = ck.save(model, tmp_path / "plain.pt")
    with pytest.raises(NotACheckpointError, match="not a training state"):
        ck.load_training_state(plain, model=model, optimizer=optimizer)
    adam = torch.optim.Adam([nn.Parameter(torch.ones(1))])
    with pytest.raises(ArchitectureMismatchError, match="optimizer state does not fit"):
        ck.load_training_state(path, model=model, optimizer=adam)


# ----------------------------------------------------------------------------- docs


def test_docstring_examples_run(monkeypatch, tmp_path):
    import importlib
    import pkgutil

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    attempted = 0
    for info in pkgutil.iter_modules(ck.__path__):
        module = importlib.import_module(f"{ck.__name__}.{info.name}")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, info.name
        attempted += result.attempted
    assert attempted > 10
    assert builders_guide.save is ck.save


def test_messages_name_the_file_without_its_folder(tmp_path) -> None:
    """Notebook outputs must not show a machine's paths, so messages use the file name."""
    import builders_guide as bg

    path = tmp_path / "half.pt"
    bg.save({"w": torch.ones(1000)}, path)
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(bg.CheckpointError) as info:
        bg.load(path)
    assert "'half.pt'" in str(info.value)
    assert str(tmp_path) not in str(info.value)


def test_metadata_comes_back_in_sorted_key_order(tmp_path) -> None:
    import builders_guide as bg

    path = tmp_path / "m.safetensors"
    bg.save({"w": torch.ones(2)}, path, metadata={"zeta": "1", "alpha": "2", "mid": "3"})
    assert list(bg.load_metadata(path)) == ["alpha", "mid", "zeta"]
