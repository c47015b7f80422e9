#!/usr/bin/env bash
# The one prepared script for a lent GPU machine (python3 with CUDA torch, no Jupyter stack,
# no internet). Prepare here first:  bash tools/gpu_wheels.sh   (fills the ignored .whl/)
# Then run it there with .whl carried:  bash tools/gpu_session.sh
# It writes its logs and results under $OUT (or /tmp/gpu-session) and never stops early:
#   1. make test-gpu: unit tests and every notebook under strict nbval, on CUDA;
#   2. tools/compare_devices.py: every notebook with and without CUDA, compared cell by cell;
#   3. benchmarks/cuda_limits.py: timing agreement, bf16/TF32 matmul, copies, sync cost and
#      the CPU/GPU crossover (last, because it rewrites the recorded results that the GPU
#      notebook draws, and steps 1-2 compare against the committed ones).
# Each step has its own time limit (seconds: LIMITS_S, TEST_S, COMPARE_S), so one stuck step
# cannot use up the machine's time for the others.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gpu-session}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
if compgen -G ".whl/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site:$PWD/helpers
else
  export PYTHONPATH=$PWD/helpers
fi
WORKERS=${WORKERS:-8}
{ nvidia-smi -L; python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
  python3 -c "import nbval, nbclient, ipykernel, fickling, safetensors, builders_guide; print('imports: ok')"
} 2>&1 | tee "$OUT/device.txt"
timeout "${TEST_S:-220}" make --no-print-directory test-gpu PY=python3 SETUP=none WORKERS="$WORKERS" \
  2>&1 | tee "$OUT/test-gpu.log"
timeout "${COMPARE_S:-220}" python3 tools/compare_devices.py --workers "$WORKERS" \
  --out "$OUT/compare.json" 2>&1 | tee "$OUT/compare.log"
timeout "${LIMITS_S:-150}" python3 benchmarks/cuda_limits.py 2>&1 | tee "$OUT/cuda-limits.log"
cp benchmarks/results/cuda-*.json "$OUT/" 2>/dev/null || true
echo "gpu_session: done; results in $OUT"
