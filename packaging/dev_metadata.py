"""make dev-install: the package's metadata (alkahest_cas-<version>.dist-info, from pyproject.toml
through scikit-build-core) in the venv next to the .pth file, so that `pip show alkahest-cas` shows
the version and licence and `pip uninstall alkahest-cas` removes the development install."""

from __future__ import annotations

import base64
import hashlib
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

from scikit_build_core.build import prepare_metadata_for_build_wheel

ROOT = Path(__file__).resolve().parents[1]


def record_line(path: Path, base: Path) -> str:
    data = path.read_bytes()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    try:
        name = path.relative_to(base).as_posix()
    except ValueError:
        name = str(path)
    return f"{name},sha256={digest},{len(data)}"


def main(pth: str, script: str) -> int:
    site = Path(sysconfig.get_paths()["purelib"])
    for old in site.glob("alkahest_cas-*.dist-info"):
        shutil.rmtree(old)
    import os

    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(ROOT)
        try:
            name = prepare_metadata_for_build_wheel(tmp)
        finally:
            os.chdir(cwd)
        dist = site / name
        shutil.copytree(Path(tmp) / name, dist)
    (dist / "INSTALLER").write_text("make dev-install\n")
    (dist / "direct_url.json").write_text(f'{{"url": "{ROOT.as_uri()}", "dir_info": {{"editable": true}}}}\n')
    files = [Path(pth), Path(script), *sorted(p for p in dist.rglob("*") if p.is_file())]
    lines = [record_line(p, site) for p in files] + [f"{name}/RECORD,,"]
    (dist / "RECORD").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
