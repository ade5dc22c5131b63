#!/usr/bin/env bash
# Here (no GPU, with PyPI): the packages the GPU machine lacks, as one archive to carry.
#
# The GPU image has PyTorch, NumPy, tokenizers, onnxruntime, tiktoken and numba, but not
# CTranslate2, faster-whisper, PyAV or openai-whisper. Their wheels come to about 80 MB,
# over the 64 MiB a call can carry; unpacked and compressed with xz they are about 51 MB.
# Writes .gpu/in/: site.tar.xz, template/ (base's tensor layout and tokenizer, 5 MB) and
# speech/ (the shared Russian clips, which do not travel otherwise). Takes about 3 minutes, mostly xz.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
mkdir -p .gpu/wheels .gpu/site
pin() { $PY -m pip show "$1" | awk '/^Version:/{print $2}'; }
platform=(--only-binary=:all: --python-version 3.12 --implementation cp
          --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64
          --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64)
for pkg in ctranslate2 faster-whisper av more-itertools; do
  $PY -m pip download -q --no-deps "${platform[@]}" -d .gpu/wheels "$pkg==$(pin "$pkg")"
done
# openai-whisper is published as a source archive only: build its (pure Python) wheel here.
$PY -m pip wheel -q --no-deps --no-build-isolation -w .gpu/wheels "openai-whisper==$(pin openai-whisper)"
for wheel in .gpu/wheels/*.whl; do $PY -m zipfile -e "$wheel" .gpu/site; done
tar -C .gpu/site -cf - . | xz -9 -T0 > .gpu/site.tar.xz
rm -rf .gpu/site .gpu/wheels
mkdir -p .gpu/in
mv .gpu/site.tar.xz .gpu/in/
# The random large-v3 needs base's tensor layout and tokenizer, not its 145 MB of weights.
$PY -c 'import sys; sys.path.insert(0, "bench")
from pathlib import Path
from _whisper_random import save_template
from transcription.engine.model_files import resolve_model
save_template(Path(resolve_model("base")), Path(".gpu/in/template"))'
if [ -d ../shared/data/speech ]; then
  [ -d .gpu/in/speech ] && chmod -R u+w .gpu/in/speech && rm -rf .gpu/in/speech
  cp -r ../shared/data/speech .gpu/in/speech && chmod -R u+w .gpu/in/speech
fi
du -sh .gpu/in
