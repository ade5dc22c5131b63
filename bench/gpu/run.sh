#!/usr/bin/env bash
# There (the GPU machine, repository root, `.gpu` carried): unpack the packages once, let
# CTranslate2 find a cuBLAS, then run the arguments (default: a CUDA check).
#
# CTranslate2's wheels are built for CUDA 12 and open libcublas.so.12 when a model first
# runs on the GPU. The image holds CUDA 13's cuBLAS (PyTorch's nvidia-cublas wheel). With a
# carried CUDA 12 cuBLAS in .gpu/cublas12/ that is used; otherwise libcublas.so.12 is linked
# to the CUDA 13 library, which keeps the same API for the calls CTranslate2 makes (a guess
# to check first: `bash bench/gpu/run.sh` runs a tiny random Whisper on the GPU).
set -euo pipefail
# What a call carried in .gpu/in is moved to /tmp/gpu, which stays while the machine is warm
# (the next call's carry replaces .gpu/in).
GPU=/tmp/gpu SITE=/tmp/gpu/site
mkdir -p "$GPU"
if [ -d .gpu/in ]; then cp -r .gpu/in/. "$GPU/"; fi
if [ ! -f "$SITE/.unpacked" ]; then
  mkdir -p "$SITE" && tar -C "$SITE" -xJf "$GPU/site.tar.xz" && touch "$SITE/.unpacked"
fi
export PYTHONPATH="$PWD:$SITE" TOKENIZERS_PARALLELISM=false PYTHONUNBUFFERED=1
if [ -d "$GPU/cublas12" ]; then
  export LD_LIBRARY_PATH="$GPU/cublas12:${LD_LIBRARY_PATH:-}"
else
  lib=$(python3 -c 'import nvidia.cublas, os; print(os.path.join(list(nvidia.cublas.__path__)[0], "lib"))')
  mkdir -p /tmp/cublas12
  ln -sf "$lib/libcublas.so.13" /tmp/cublas12/libcublas.so.12
  ln -sf "$lib/libcublasLt.so.13" /tmp/cublas12/libcublasLt.so.12
  export LD_LIBRARY_PATH="/tmp/cublas12:$lib:${LD_LIBRARY_PATH:-}"
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
if [ $# -eq 0 ]; then
  exec python3 - <<'PY'
import ctranslate2
from transcription.engine.faster_whisper_engine import FasterWhisperEngine
print("CUDA devices seen by CTranslate2:", ctranslate2.get_cuda_device_count())
print("compute types:", sorted(ctranslate2.get_supported_compute_types("cuda")))
import sys
sys.path.insert(0, "bench")
from pathlib import Path
from _whisper_random import build_random_whisper
tiny = build_random_whisper("tiny-test", Path("/tmp/gpu/tiny"), template_dir=Path("/tmp/gpu/template"))
engine = FasterWhisperEngine(str(tiny), device="cuda", compute_type="float16", batch_size=8)
print("tiny random model on the GPU:", len(engine.transcribe("tests/fixtures/audio/en.wav", language="en").segments), "segments")
PY
fi
exec "$@"
