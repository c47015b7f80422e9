"""The lock, the conda environment and the CI files agree with each other."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

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
    makes = [c for c in commands if c.startswith("make ")]
    assert makes == ["make test", "make test-browser"], makes
    assert commands[-2:] == makes, "the suite runs last, after the chromium set-up"
    readme = (nbc.ROOT / "README.md").read_text(encoding="utf-8")
    for command in makes:
        assert f"`{command}`" in readme, f"{command} is not documented in README.md"
    assert "pytest" not in script


def test_workflow_files_follow_githubs_schema() -> None:
    files = sorted(str(p) for p in (nbc.ROOT / ".github" / "workflows").glob("*.yml"))
    assert {"cpu.yml", "gpu.yml", "compat.yml"} <= {Path(f).name for f in files}
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


def test_pages_workflow_builds_the_book_with_make_site_and_deploys_that_folder() -> None:
    wf = yaml.safe_load((nbc.ROOT / ".github" / "workflows" / "pages.yml").read_text())
    assert wf["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = wf["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any(run.startswith("make site") for run in runs), runs
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/site"  # where `make site` writes (tools/book.py)
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages")


def _workflow(name: str) -> dict:
    return yaml.safe_load((nbc.ROOT / ".github" / "workflows" / name).read_text())


def test_strict_ci_job_runs_the_locks_python_with_cpu_torch_on_linux_and_windows() -> None:
    env = yaml.safe_load((nbc.ROOT / "environment.yml").read_text())
    lock_python = next(d for d in env["dependencies"] if str(d).startswith("python="))
    job = _workflow("cpu.yml")["jobs"]["test"]
    assert job["strategy"]["matrix"]["python"] == [lock_python.split("=")[1]]
    cpu_index = next(s for s in job["steps"] if "PIP_EXTRA_INDEX_URL" in s.get("run", ""))
    assert cpu_index["if"] == "runner.os != 'macOS'"
    assert "download.pytorch.org/whl/cpu" in cpu_index["run"]
    steps = [s.get("name", s.get("uses", "")) for s in job["steps"]]
    assert steps.index(cpu_index["name"]) < steps.index(
        "make test (sets up .venv, then unit tests and strict nbval)"
    )


def test_other_pythons_run_errors_only_on_every_system() -> None:
    job = _workflow("cpu.yml")["jobs"]["errors-only"]
    assert job["strategy"]["fail-fast"] is False
    assert set(job["strategy"]["matrix"]["os"]) == {
        "ubuntu-latest",
        "macos-latest",
        "windows-latest",
    }
    assert job["strategy"]["matrix"]["python"] == ["3.12", "3.13"]
    runs = [s.get("run", "") for s in job["steps"]]
    assert "python tools/compat.py --here" in runs
    assert not any("requirements.lock" in run for run in runs), (
        "errors-only runs the newest, not the lock"
    )


def test_weekly_workflow_runs_make_test_compat_against_the_newest_torch() -> None:
    wf = _workflow("compat.yml")
    triggers = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads `on` as True
    assert triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"]
    job = wf["jobs"]["test-compat"]
    run = next(s["run"] for s in job["steps"] if "make test-compat" in s.get("run", ""))
    assert "COMPAT_ARGS=--upgrade" in run
    assert job["env"]["PIP_EXTRA_INDEX_URL"].endswith("/whl/cpu")
