#!/usr/bin/env bash
# Download, here, the wheels that the GPU machine lacks for `make test-gpu` (it has torch,
# numpy, matplotlib, safetensors, pytest and pytest-xdist, but no Jupyter stack and no
# internet). Versions come from requirements.lock; the folder .whl/ is ignored by git.
#   bash tools/gpu_wheels.sh            # then carry .whl to the device, see tools/gpu_session.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
NEEDED="nbval nbclient nbformat fastjsonschema jsonschema jsonschema-specifications referencing
rpds-py jupyter_client jupyter_core ipykernel ipython ipython_pygments_lexers traitlets pyzmq
tornado comm debugpy jedi parso matplotlib-inline pexpect ptyprocess prompt_toolkit wcwidth
stack-data executing asttokens pure_eval nest-asyncio2 platformdirs fickling stdlib-list
check-jsonschema regress ruamel.yaml"
mkdir -p .whl
for name in $NEEDED; do
  key=$(echo "$name" | tr 'A-Z_' 'a-z-')
  pin=$(grep -i -E "^${key//-/[-_]}==" requirements.lock | head -1 || true)
  spec=${pin:-$name}
  "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux1_x86_64 \
    -d .whl "$spec"
done
du -sh .whl
