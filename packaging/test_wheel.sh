#!/usr/bin/env bash
# make test-wheel: install the wheel from make wheel into a fresh venv, then run the tour and the
# alkahest command in a private mount namespace where every library the extension might have taken
# from the system is hidden: LLVM, SLEEF, GMP, MPFR, FLINT/Arb/Calcium, zstd, z3, libxml2 and the
# -dev headers. Needs root (unshare -m); CI runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."
whl=$(ls build/wheelhouse/*.whl)
py=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "test-wheel: $whl into a fresh venv in $tmp"
"$py" -m venv "$tmp/venv"
# The tour uses JAX and SymPy: the wheel's extras, at the versions the project pins.
sed -E 's/\[[^]]*\]//' requirements-dev.txt > "$tmp/constraints.txt"  # constraints cannot name extras
"$tmp/venv/bin/python" -m pip install -q --progress-bar off -c "$tmp/constraints.txt" "$whl[jax,sympy]"
cp examples/tour.py "$tmp/tour.py"
cat > "$tmp/hidden.sh" <<'INNER'
set -euo pipefail
hidden=0
for d in /usr/lib/llvm-* /usr/include; do
  [ -d "$d" ] && mount -t tmpfs none "$d" && hidden=$((hidden + 1))
done
for f in /usr/lib/x86_64-linux-gnu/lib{LLVM,sleef,gmp,gmpxx,mpfr,flint,flint-arb,arb,calcium,zstd,z3,xml2}[.-]*so*; do
  [ -e "$f" ] && mount --bind /dev/null "$f" && hidden=$((hidden + 1))
done
echo "test-wheel: $hidden system paths hidden"
if python3 -c 'import ctypes; ctypes.CDLL("libsleef.so.3")' 2>/dev/null; then
  echo "test-wheel: the system SLEEF is still loadable: hiding failed" >&2; exit 1
fi
cd "$TMPDIR_T"
env -u PYTHONPATH "$TMPDIR_T/venv/bin/python" -c 'import alkahest, sys; alkahest.show_config(); assert "site-packages" in alkahest.__file__, alkahest.__file__'
env -u PYTHONPATH "$TMPDIR_T/venv/bin/python" tour.py > tour.out
tail -n 5 tour.out
test "$(env -u PYTHONPATH "$TMPDIR_T/venv/bin/alkahest" eval 'x*y+1' --vars x,y --at 1,2)" = "3.0"
env -u PYTHONPATH "$TMPDIR_T/venv/bin/python" -c '
import alkahest
p = alkahest.ExprPool(); x = p.symbol("x")
f = alkahest.compile_expr(alkahest.sin(x) ** 2, [x], backend="llvm")
assert f.tier == "llvm" and abs(f([1.0]) - 0.7080734182735712) < 1e-15
print("test-wheel: the LLVM tier runs with no system LLVM")'
INNER
TMPDIR_T="$tmp" unshare -m --propagation private bash "$tmp/hidden.sh"
echo "test-wheel: passed"
