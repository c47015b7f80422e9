"""Rewrite requirements.lock from the current environment (what `make lock` runs).

torch is written without its local build label (`2.13.0`, not `2.13.0+cpu`), so the same
lock selects the CPU wheel where one is offered and the platform's default build elsewhere.
"""

import re
import subprocess
import sys

from nbcommon import ROOT

HEADER = """\
# The locked, tested set of versions. The committed notebook outputs were produced with it.
# Regenerate with 'make lock' after changing a version, then 'make regen' and 'make test'.
"""

frozen = subprocess.run(
    [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
    check=True,
    capture_output=True,
    text=True,
).stdout.splitlines()
lines = sorted(
    (re.sub(r"^(torch==[^+]+)\+\w+$", r"\1", line) for line in frozen if "==" in line),
    key=str.lower,
)
lines = [line for line in lines if not line.lower().startswith("builders")]
(ROOT / "requirements.lock").write_text(HEADER + "\n".join(lines) + "\n")
print(f"wrote requirements.lock with {len(lines)} pins")
