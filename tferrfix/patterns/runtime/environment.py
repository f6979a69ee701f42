"""TensorFlow cannot load its native runtime or a GPU library on this machine.

## What it means
TensorFlow is a Python layer over a large native library (`_pywrap_tensorflow_internal`,
`libtensorflow_framework`) and, for GPUs, NVIDIA's CUDA and cuDNN libraries. Here one of them
could not be loaded or run: the import fails, the process is killed by the CPU, or TensorFlow
logs that a GPU library is missing and carries on without the GPU. Nothing in the program's
own code is wrong; the installation does not fit the machine.

## Why it happens
* Windows: the Microsoft Visual C++ runtime the wheel needs is not installed, the Python is
  32-bit or of a version the wheel was not built for, or a GPU build cannot find its CUDA DLLs.
* The CPU lacks instructions the prebuilt wheel uses (AVX since TF 1.6): the process dies with
  `Illegal instruction`, or TensorFlow's CPU check aborts it.
* CUDA/cuDNN are missing, of another version than the TensorFlow build expects, or not on the
  dynamic loader's path (`LD_LIBRARY_PATH` on Linux, `PATH` on Windows).

## Example
```python
import tensorflow as tf
```
Windows, TF 2.x (Python 3.8+):
    DLL load failed while importing _pywrap_tensorflow_internal: The specified module could not be found.
Windows, TF <= 2.1 (SWIG loader):
    No module named '_pywrap_tensorflow_internal'
CPU without AVX (shell):
    Illegal instruction (core dumped)
CPU without AVX (TensorFlow's fatal log):
    F tensorflow/core/platform/cpu_feature_guard.cc:37] The TensorFlow library was compiled to use AVX instructions, but these aren't available on your machine.
GPU library not found (TF 2.x log; TensorFlow continues on the CPU):
    2021-04-09 19:52:41.024315: W tensorflow/stream_executor/platform/default/dso_loader.cc:60] Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file: No such file or directory

## Fix
```
pip install --upgrade pip && pip install --upgrade tensorflow       # a wheel for this Python
# Windows: install the Microsoft Visual C++ 2015-2022 Redistributable (x64), 64-bit Python
# no AVX: grep -o -w 'avx' /proc/cpuinfo | head -1 prints nothing -> use a build without AVX
# Linux GPU (TF >= 2.14): pip install "tensorflow[and-cuda]"  (CUDA/cuDNN as pip packages)
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH        # CUDA installed by hand
```

## Fix safety
These are changes to the installation, not to the program; they are shown, never applied.
Pick the CUDA/cuDNN versions from TensorFlow's tested build configurations for the installed
TensorFlow version: a newer CUDA is not a drop-in replacement.

## References
- https://github.com/nekitmm/starnet/issues/26
- https://github.com/tensorflow/tensorflow/issues/7623
- https://github.com/tensorflow/tensorflow/issues/37863
- https://github.com/tensorflow/tensorflow/issues/62342
- https://github.com/scale-lab/DRiLLS/issues/9
- https://github.com/jax-ml/jax/issues/3746
"""

from __future__ import annotations

from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.incident import Incident

code = "TFE0605"
name = "environment"
family = "environment"
exceptions = ("ImportError", "NativeCrash")

# Windows: a DLL the extension module depends on is missing.
DLL = lazy_regex.compile(
    r"DLL load failed(?: while importing (?P<module>[\w.]+))?: (?P<reason>[^\n]*)"
)
# The SWIG-era loader (TF <= 2.1) and TensorFlow's own summary line.
PYWRAP = lazy_regex.compile(
    r"No module named '?(?P<module>_pywrap_tensorflow_internal|pywrap_tensorflow)'?"
    r"|(?P<runtime>Failed to load the native TensorFlow runtime)"
)
# Linux/macOS: a shared library the import needs cannot be opened.
SHARED_OBJECT = lazy_regex.compile(
    r"(?P<library>lib[\w+-]+\.(?:so|dylib)[\w.]*): cannot open shared object file"
)
# TF 2.x logs a missing GPU library and falls back to the CPU.
DSO = lazy_regex.compile(
    r"Could not load dynamic library '(?P<library>[^'\n]+)'(?:; dlerror: (?P<reason>[^\n]*))?"
)
# TensorFlow's CPU feature guard aborts when the wheel needs instructions the CPU lacks. (Its
# informational siblings "wasn't compiled to use AVX2 ... could speed up" and "rebuild
# TensorFlow with the appropriate compiler flags" are not failures and do not match.)
CPU_GUARD = lazy_regex.compile(
    r"compiled to use (?P<isa>[\w.]+) instructions, but these aren't available on your machine"
)
ILLEGAL = lazy_regex.compile(r"^Illegal instruction(?: \(core dumped\))?", flags=regex.M)
messages = (DLL, PYWRAP, SHARED_OBJECT, DSO, CPU_GUARD, ILLEGAL)
examples = (
    "DLL load failed while importing _pywrap_tensorflow_internal: The specified module could "
    "not be found.\n\nFailed to load the native TensorFlow runtime.\n\nSee "
    "https://www.tensorflow.org/install/errors\n\nfor some common reasons and solutions.  "
    "Include the entire stack trace\nabove this error message when asking for help.",
    "No module named '_pywrap_tensorflow_internal'\nFailed to load the native TensorFlow "
    "runtime.\nSee https://www.tensorflow.org/install/install_sources#common_installation_problems",
    "Illegal instruction (core dumped)",
    "F tensorflow/core/platform/cpu_feature_guard.cc:37] The TensorFlow library was compiled "
    "to use AVX instructions, but these aren't available on your machine.\nAborted (core dumped)",
    "2021-04-09 19:52:41.024315: W tensorflow/stream_executor/platform/default/dso_loader.cc:60]"
    " Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot "
    "open shared object file: No such file or directory",
)

_TF_MODULE = lazy_regex.compile(r"tensorflow|pywrap|_tf_|tflite", flags=regex.I)
_WINDOWS_PATH = lazy_regex.compile(r"^[A-Za-z]:\\|\\(?:AppData|Anaconda3|Python\d+)\\")
# CUDA library name -> the NVIDIA package it comes from.
_GPU_LIBRARIES = (
    ("cudart", "CUDA runtime"), ("cublas", "cuBLAS (CUDA)"), ("cufft", "cuFFT (CUDA)"),
    ("curand", "cuRAND (CUDA)"), ("cusolver", "cuSOLVER (CUDA)"), ("cusparse", "cuSPARSE (CUDA)"),
    ("cudnn", "cuDNN"), ("nvinfer", "TensorRT"), ("nccl", "NCCL"), ("cuda", "CUDA driver"),
)
_VERSION = lazy_regex.compile(r"\.so\.(?P<version>\d+(?:\.\d+)?)|(?P<version>\d+)_?\d*\.dll")


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        facts = _read(text)
        if facts is not None:
            facts["windows"] = facts.get("windows") or _on_windows(incident)
            return Diagnosis.of(__name__, confidence=facts.pop("confidence"), facts=facts)
    return None


def _read(text: str) -> dict[str, Any] | None:
    facts: dict[str, Any] = {"kind": None, "module": None, "reason": None, "library": None,
                             "gpu_library": None, "cuda_version": None, "isa": None,
                             "windows": False}
    guard = CPU_GUARD.search(text, timeout=1.0)
    if guard:
        return {**facts, "kind": "cpu-instructions", "isa": guard.group("isa"),
                "confidence": 0.95}
    dll = DLL.search(text, timeout=1.0)
    if dll:
        module = dll.group("module")
        tf = bool(module and _TF_MODULE.search(module)) or "TensorFlow runtime" in text
        return {**facts, "kind": "dll", "module": module, "reason": dll.group("reason").strip().rstrip("."),
                "windows": True, "confidence": 0.9 if tf else 0.6}
    pywrap = PYWRAP.search(text, timeout=1.0)
    if pywrap:
        return {**facts, "kind": "native-runtime", "module": pywrap.group("module"),
                "confidence": 0.9}
    shared = DSO.search(text, timeout=1.0) or SHARED_OBJECT.search(text, timeout=1.0)
    if shared:
        library = shared.group("library")
        gpu = next((label for key, label in _GPU_LIBRARIES if key in library.lower()), None)
        version = _VERSION.search(library)
        kind = "gpu-library" if gpu else "shared-library"
        logged = shared.re is DSO  # a log line: TensorFlow went on without the GPU
        confidence = (0.75 if logged else 0.85) if gpu else 0.6
        return {**facts, "kind": kind, "library": library, "gpu_library": gpu,
                "cuda_version": version.group("version") if version and gpu else None,
                "logged": logged, "windows": library.lower().endswith(".dll"),
                "confidence": confidence}
    if ILLEGAL.search(text, timeout=1.0):
        return {**facts, "kind": "illegal-instruction", "confidence": 0.8}
    return None


def _on_windows(incident: Incident) -> bool:
    return any(_WINDOWS_PATH.search(f.file) for e in incident.chain for f in e.frames)


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    kind = facts["kind"]
    if kind in ("cpu-instructions", "illegal-instruction"):
        isa = (facts["isa"] or "AVX").lower()
        snippet = (
            f"grep -o -w '{isa}' /proc/cpuinfo | head -1   # prints nothing: this CPU has no {isa.upper()}\n"
            "# official TensorFlow wheels need AVX: install a build compiled without it\n"
            "# (community/conda builds, or build from source), or run on a newer CPU / in Colab")
        return [Fix(f"Use a TensorFlow build that does not need {isa.upper()}",
                    Applicability.DISPLAY_ONLY, snippet)]
    if kind in ("dll", "native-runtime"):
        snippet = (
            "python -c \"import sys, struct; print(sys.version, struct.calcsize('P') * 8, 'bit')\"\n"
            "# TensorFlow needs 64-bit Python of a version its wheel supports\n"
            "pip install --upgrade pip\n"
            "pip install --upgrade --force-reinstall tensorflow\n"
            "# then install the Microsoft Visual C++ 2015-2022 Redistributable (x64) and\n"
            "# open a new terminal; GPU builds also need the CUDA/cuDNN DLLs on PATH")
        return [Fix("Reinstall TensorFlow to match this Python and Windows",
                    Applicability.DISPLAY_ONLY, snippet)]
    library = facts["library"] or "the library"
    if kind == "gpu-library":
        version = facts["cuda_version"]
        snippet = (
            f"ldconfig -p | grep {library.split('.so')[0]}   # is {library} installed at all?\n"
            f"export LD_LIBRARY_PATH=/usr/local/cuda{'-' + version if version else ''}/lib64:$LD_LIBRARY_PATH\n"
            "# or, for TensorFlow >= 2.14 on Linux, CUDA and cuDNN as pip packages:\n"
            "pip install \"tensorflow[and-cuda]\"")
        return [Fix(f"Make {library} loadable", Applicability.DISPLAY_ONLY, snippet)]
    snippet = (f"ldconfig -p | grep {library.split('.so')[0]}   # where is {library}?\n"
               "export LD_LIBRARY_PATH=/path/to/its/directory:$LD_LIBRARY_PATH")
    return [Fix(f"Make {library} loadable", Applicability.DISPLAY_ONLY, snippet)]
