"""Tests for builders_guide.params: tables, counts and tied weights."""

import doctest

import pytest
import torch
from builders_guide import params
from builders_guide.params import ParamRow, ParamTable, count_params, param_table, tied_groups
from torch import nn


def tied_net() -> nn.Sequential:
    """First and last layers share one weight; a BatchNorm adds buffers."""
    net = nn.Sequential(nn.Linear(4, 4, bias=False), nn.BatchNorm1d(4), nn.Linear(4, 4))
    net[0].weight = net[2].weight
    return net


def test_doctests_pass():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(params, optionflags=flags)
    assert result.failed == 0
    assert result.attempted > 0


def test_param_table_has_one_row_per_name_including_buffers():
    table = param_table(tied_net())
    assert isinstance(table, ParamTable)
    assert [(row.name, row.kind) for row in table] == [
        ("0.weight", "parameter"),
        ("1.weight", "parameter"),
        ("1.bias", "parameter"),
        ("2.weight", "parameter"),
        ("2.bias", "parameter"),
        ("1.running_mean", "buffer"),
        ("1.running_var", "buffer"),
        ("1.num_batches_tracked", "buffer"),
    ]
    assert len(table) == 8


def test_param_table_without_buffers_lists_only_parameters():
    table = param_table(tied_net(), buffers=False)
    assert [row.kind for row in table] == ["parameter"] * 5


def test_param_row_records_shape_dtype_device_numel_and_trainable():
    net = nn.Linear(3, 2)
    net.bias.requires_grad_(False)
    rows = param_table(net).rows
    assert rows[0] == ParamRow(
        name="weight",
        kind="parameter",
        shape=(2, 3),
        dtype="float32",
        device="cpu",
        numel=6,
        trainable=True,
        shared_with=(),
    )
    assert rows[1].trainable is False


def test_buffers_are_never_trainable():
    rows = {row.name: row for row in param_table(nn.BatchNorm1d(3))}
    assert rows["running_mean"].trainable is False
    assert rows["num_batches_tracked"].dtype == "int64"
    assert rows["num_batches_tracked"].shape == ()


def test_tied_names_each_get_a_row_listing_the_other_name():
    rows = {row.name: row for row in param_table(tied_net())}
    assert rows["0.weight"].shared_with == ("2.weight",)
    assert rows["2.weight"].shared_with == ("0.weight",)
    assert rows["2.bias"].shared_with == ()


def test_text_table_totals_count_tied_tensors_once():
    text = str(param_table(tied_net()))
    # Parameters: shared weight 16, BatchNorm 4 + 4, output bias 4 -> 28 in 4 tensors.
    assert text.splitlines()[-1] == (
        "total: 28 parameters (28 trainable) in 4 tensors; tied tensors counted once"
    )
    assert repr(param_table(tied_net())) == text


def test_text_table_columns_are_aligned():
    lines = str(param_table(tied_net())).splitlines()[:-1]
    start = lines[0].index("shape")
    assert all(line[start - 2 : start] == "  " for line in lines)
    numel_end = lines[0].index("numel") + len("numel")
    assert [line[numel_end - 2 : numel_end] for line in lines[1:3]] == ["16", " 4"]


def test_text_table_formats_large_counts_with_thousands_separators():
    text = str(param_table(nn.Linear(1000, 1000)))
    assert "1,000,000" in text
    assert text.endswith(
        "total: 1,001,000 parameters (1,001,000 trainable) in 2 tensors; tied tensors counted once"
    )


def test_html_table_is_deterministic_and_has_no_ids_or_addresses():
    first = param_table(tied_net())._repr_html_()
    second = param_table(tied_net())._repr_html_()
    assert first == second
    assert first.startswith("<table><thead><tr><th>name</th>")
    assert "<td>0.weight</td>" in first
    assert "0x" not in first
    assert "id=" not in first
    assert "total: 28 parameters" in first


def test_html_table_escapes_names():
    module = nn.Module()
    module.register_buffer("a<b", torch.zeros(1))
    assert "<td>a&lt;b</td>" in param_table(module)._repr_html_()


def test_lazy_parameters_show_uninitialized_and_do_not_crash():
    net = nn.Sequential(nn.LazyLinear(3), nn.Linear(3, 2))
    table = param_table(net)
    rows = {row.name: row for row in table}
    assert rows["0.weight"].shape is None
    assert rows["0.weight"].numel is None
    assert rows["1.weight"].shape == (2, 3)
    text = str(table)
    assert "0.weight  parameter  uninitialized" in text
    assert text.splitlines()[-1] == (
        "total: 8 parameters (8 trainable) in 2 tensors; tied tensors counted once; "
        "2 more tensors uninitialized (lazy)"
    )
    assert "uninitialized" in table._repr_html_()


def test_lazy_buffers_show_uninitialized():
    rows = {row.name: row for row in param_table(nn.LazyBatchNorm1d())}
    assert rows["running_mean"].shape is None


def test_count_params_counts_tied_tensors_once():
    assert count_params(tied_net()) == 28


def test_count_params_trainable_only_skips_frozen_parameters():
    net = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
    for p in net[0].parameters():
        p.requires_grad_(False)
    assert count_params(net) == 15 + 8
    assert count_params(net, trainable_only=True) == 8


def test_count_params_of_lazy_model_raises_value_error_naming_the_parameters():
    with pytest.raises(ValueError, match=r"'0\.weight'.*bg\.materialize"):
        count_params(nn.Sequential(nn.LazyLinear(3)))


def test_tied_groups_lists_groups_of_shared_parameter_names():
    assert tied_groups(tied_net()) == [["0.weight", "2.weight"]]


def test_tied_groups_is_empty_without_sharing():
    assert tied_groups(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))) == []


def test_tied_groups_finds_a_module_registered_three_times():
    shared = nn.Linear(2, 2)
    net = nn.Sequential(shared, nn.ReLU(), shared, nn.ReLU(), shared)
    assert tied_groups(net) == [
        ["0.bias", "2.bias", "4.bias"],
        ["0.weight", "2.weight", "4.weight"],
    ]
