"""The lock, the conda environment and the CI files agree with each other."""

from __future__ import annotations

import re
import subprocess
import sys

import nbcommon as nbc
import yaml

CONDA_TO_PIP = {"pytorch": "torch"}


def lock() -> dict[str, str]:
    pins = {}
    for line in (nbc.ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_lock_pins_every_package_exactly_and_torch_without_a_build_label() -> None:
    pins = lock()
    assert all(re.fullmatch(r"[\w.]+", v) for v in pins.values()), "every line must be name==x.y"
    assert pins["torch"] == pins["torch"].split("+")[0]
    for name in ("torch", "numpy", "matplotlib", "safetensors", "jupyterlab", "nbval"):
        assert name in pins, f"{name} is missing from requirements.lock"


def test_environment_yml_packages_match_the_lock() -> None:
    env = yaml.safe_load((nbc.ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    pins = lock()
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    versions = dict(d.split("=")[:2] for d in conda if "=" in d)
    assert "python" in versions, "environment.yml must pin Python"
    assert any(d.startswith("pytorch=") and "cpu" in d for d in conda), "use the CPU pytorch"
    for name, version in versions.items():
        if name == "python":
            continue
        pip_name = CONDA_TO_PIP.get(name, name)
        assert pins.get(pip_name) == version, (
            f"{name}={version} but the lock has {pins.get(pip_name)}"
        )
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_part == ["-e ./helpers"]


def test_there_is_no_binder_folder_to_shadow_environment_yml() -> None:
    assert not (nbc.ROOT / "binder").exists()
    assert not (nbc.ROOT / ".binder").exists()


def test_helper_package_declares_lower_bounds_only() -> None:
    text = (nbc.ROOT / "helpers" / "pyproject.toml").read_text()
    deps = re.search(r"dependencies = \[(.*?)\]", text, re.S).group(1)
    for dep in re.findall(r'"([^"]+)"', deps):
        assert ">=" in dep and "==" not in dep and "<" not in dep, f"{dep}: lower bounds only"


def test_ci_runs_make_test_and_nothing_the_readme_does_not_say() -> None:
    script = (nbc.ROOT / ".ci" / "run").read_text()
    commands = [
        line.strip()
        for line in script.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert commands[-1] == "make test"
    assert "pytest" not in script


def test_workflow_files_follow_githubs_schema() -> None:
    files = sorted(str(p) for p in (nbc.ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(files) == 2
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cpu_workflow_covers_three_systems_without_fail_fast() -> None:
    wf = yaml.safe_load((nbc.ROOT / ".github" / "workflows" / "cpu.yml").read_text())
    job = wf["jobs"]["test"]
    assert job["strategy"]["fail-fast"] is False
    assert set(job["strategy"]["matrix"]["os"]) == {
        "ubuntu-latest",
        "macos-latest",
        "windows-latest",
    }
    assert any("make test" in step.get("run", "") for step in job["steps"])
    gpu = yaml.safe_load((nbc.ROOT / ".github" / "workflows" / "gpu.yml").read_text())
    gpu_job = gpu["jobs"]["test-gpu"]
    assert gpu_job["runs-on"] == ["self-hosted", "gpu"]
    assert any(step.get("run") == "make test-gpu" for step in gpu_job["steps"])
