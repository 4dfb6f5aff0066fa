"""The generic and BMI2 kernels each compile their own copy of the shared game-loop code: no
function of it may be left as a weak (mergeable) symbol, or the linker could hand one kernel the
other's instructions (SIGILL on CPUs without BMI2). Checked in an unoptimised build, where the
compiler inlines nothing unless forced. The same for the SIMD position-hash kernels (AVX2,
AVX-512), which may leave no weak symbol at all: their only external symbol is their entry point."""

import pathlib
import shutil
import subprocess

import pytest

CSRC = pathlib.Path(__file__).resolve().parents[1] / "csrc"


@pytest.mark.skipif(shutil.which("g++") is None or shutil.which("nm") is None, reason="needs g++ and nm")
@pytest.mark.parametrize("kernel,flags", [("generic", []), ("bmi2", ["-mbmi", "-mbmi2", "-mpopcnt"])])
def test_kernel_objects_export_no_mergeable_engine_code(tmp_path, kernel, flags):
    obj = tmp_path / f"kernel_{kernel}.o"
    subprocess.run(["g++", "-std=c++17", "-O0", "-c", str(CSRC / f"kernel_{kernel}.cpp"), "-I", str(CSRC),
                    "-o", str(obj), *flags], check=True)
    symbols = subprocess.run(["nm", "-C", str(obj)], check=True, capture_output=True, text=True).stdout
    weak = [line for line in symbols.splitlines() if " W " in line and "mothello::" in line]
    assert not weak, "weak engine symbols (mark them MOTHELLO_INLINE):\n" + "\n".join(weak)


AVX512 = ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl"]


@pytest.mark.skipif(shutil.which("g++") is None or shutil.which("nm") is None, reason="needs g++ and nm")
@pytest.mark.parametrize("kernel,flags", [("avx2", ["-mavx2"]), ("avx512", AVX512), ("avx512gfni", [*AVX512, "-mgfni"])])
def test_hash_kernel_objects_export_only_their_entry_point(tmp_path, kernel, flags):
    obj = tmp_path / f"hash_{kernel}.o"
    subprocess.run(["g++", "-std=c++17", "-O0", "-c", str(CSRC / f"hash_{kernel}.cpp"), "-I", str(CSRC),
                    "-o", str(obj), *flags], check=True)
    symbols = subprocess.run(["nm", "-C", "--defined-only", "--extern-only", str(obj)], check=True,
                             capture_output=True, text=True).stdout.splitlines()
    assert len(symbols) == 1 and f"mothello::hash_{kernel}::position_hashes(" in symbols[0], symbols
