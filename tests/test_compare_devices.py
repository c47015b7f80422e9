"""tools/compare_devices.py: what counts as a device-dependent difference."""

from __future__ import annotations

import compare_devices as cd


def run(*cells: dict) -> list[dict]:
    return [{"notebook": "notebooks/en/x.ipynb", "cells": list(cells)}]


def cell(index: int, outputs: list[str], tags: tuple[str, ...] = (), **flags: bool) -> dict:
    return {
        "cell": index,
        "tags": sorted(tags),
        "outputs": outputs,
        "unexpected_error": flags.get("unexpected", False),
        "missing_error": flags.get("missing", False),
    }


def test_equal_runs_have_no_differences() -> None:
    assert cd.compare(run(cell(3, ["stdout: 1\n"])), run(cell(3, ["stdout: 1\n"]))) == []


def test_a_different_output_in_a_compared_cell_is_reported_with_both_sides() -> None:
    problems = cd.compare(run(cell(3, ["stdout: 1\n"])), run(cell(3, ["stdout: 2\n"])))
    assert len(problems) == 1
    assert problems[0].startswith("notebooks/en/x.ipynb cell 3: outputs differ")
    assert "'stdout: 1\\n'" in problems[0] and "'stdout: 2\\n'" in problems[0]


def test_cells_tagged_machine_dependent_are_not_compared() -> None:
    for tag in ("nbval-ignore-output", "requires-gpu", "setup"):
        gpu, cpu = run(cell(5, ["a"], (tag,))), run(cell(5, ["b"], (tag,)))
        assert cd.compare(gpu, cpu) == [], tag


def test_unexpected_and_missing_errors_are_reported_even_in_ignored_cells() -> None:
    gpu = run(cell(7, ["error: RuntimeError: boom"], ("nbval-ignore-output",), unexpected=True))
    cpu = run(cell(7, [], ("nbval-ignore-output",), missing=True))
    problems = cd.compare(gpu, cpu)
    assert problems == [
        "notebooks/en/x.ipynb cell 7: unexpected error on CUDA: error: RuntimeError: boom",
        "notebooks/en/x.ipynb cell 7: tagged raises-exception, raised nothing on CPU",
    ]


def test_outputs_are_sanitized_with_the_suite_rules() -> None:
    rules = cd.sanitizers()
    text = "median 1.32 ms at 0x7f00deadbeef, device='cuda:0'"
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    assert text == "median DURATION at 0xADDRESS"


def test_printing_cut_into_several_stream_messages_compares_as_one() -> None:
    one = [{"output_type": "stream", "name": "stdout", "text": "a\nb\n"}]
    cut = [
        {"output_type": "stream", "name": "stdout", "text": "a\n"},
        {"output_type": "stream", "name": "stdout", "text": ["b\n"]},
    ]
    assert cd.merge_streams(cut) == cd.merge_streams(one)
    assert [cd.text_of(o) for o in cd.merge_streams(cut)] == ["stdout: a\nb\n"]


def test_stderr_and_results_stay_separate_from_stdout() -> None:
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "a\n"},
        {"output_type": "stream", "name": "stderr", "text": "warn\n"},
        {"output_type": "execute_result", "data": {"text/plain": "1"}},
        {"output_type": "stream", "name": "stdout", "text": "b\n"},
    ]
    texts = [cd.text_of(o) for o in cd.merge_streams(outputs)]
    assert texts == ["stdout: a\nb\n", "stderr: warn\n", "1"]
