"""The simplification corpus's own part: identities from trigonometry, logarithms and powers under
assumptions, rational functions, and expressions that come out of diff. Written out as data:

    PYTHONPATH=python .venv/bin/python tests/corpus/simplify/make_identities.py > tests/corpus/simplify/identities.jsonl
"""

import json

from alkahest import ExprPool, diff, parse

# name -> assumptions of the symbols used below (default: real).
SYMBOLS = {"x": {}, "y": {}, "z": {}, "a": {}, "b": {}, "t": {"positive": True}, "u": {"positive": True},
           "s": {"nonnegative": True}, "n": {"integer": True}, "m": {"positive": True, "integer": True},
           "w": {"negative": True}}

TRIG = """
sin(x)**2 + cos(x)**2
1 - sin(x)**2
1 - cos(x)**2
sin(x)**2 - cos(x)**2
cos(x)**4 - sin(x)**4
2*sin(x)*cos(x)
cos(x)**2 - sin(x)**2
2*cos(x)**2 - 1
1 - 2*sin(x)**2
sin(x)/cos(x)
tan(x)*cos(x)
sin(x)/tan(x)
tan(x)**2 + 1 - 1/cos(x)**2
sin(2*x)/sin(x)
sin(2*x)/(2*cos(x))
cos(2*x) + 2*sin(x)**2
(1 - cos(2*x))/2
(1 + cos(2*x))/2
sin(x + y) - sin(x)*cos(y)
sin(x)*cos(y) + cos(x)*sin(y)
cos(x)*cos(y) - sin(x)*sin(y)
cos(x)*cos(y) + sin(x)*sin(y)
sin(x)*cos(y) - cos(x)*sin(y)
sin(x - y) + sin(y - x)
cos(x - y) - cos(y - x)
sin(x)**3 + sin(x)*cos(x)**2
cos(x)**3 + cos(x)*sin(x)**2
sin(x)**4 + 2*sin(x)**2*cos(x)**2 + cos(x)**4
(sin(x) + cos(x))**2 - 2*sin(x)*cos(x)
(sin(x) + cos(x))**2 + (sin(x) - cos(x))**2
sin(3*x) - 3*sin(x) + 4*sin(x)**3
cos(3*x) - 4*cos(x)**3 + 3*cos(x)
sin(x)**2*cos(x)**2
sin(x)*cos(x)*cos(2*x)
sin(x)**2/(1 - cos(x))
(1 - cos(x)**2)/sin(x)
sin(x)**2 + cos(x)**2 + tan(x)**2
tan(x)/sin(x)
cos(x)/(1 - sin(x)**2)
1/(1 + tan(x)**2)
sin(x/2)**2
cos(x/2)**2 - sin(x/2)**2
2*sin(x/2)*cos(x/2)
sin(x)**4 - cos(x)**4 + 2*cos(x)**2
x*sin(y)**2 + x*cos(y)**2
sin(x)*sin(y) - cos(x)*cos(y) + cos(x + y)
cosh(x)**2 - sinh(x)**2
sinh(x) + cosh(x)
cosh(x) - sinh(x)
(exp(x) + exp(-x))/2
(exp(x) - exp(-x))/2
tanh(x)*cosh(x)
sinh(x)/tanh(x)
2*sinh(x)*cosh(x)
cosh(x)**2 + sinh(x)**2
1 - tanh(x)**2 - 1/cosh(x)**2
exp(x)*sinh(x) + exp(x)*cosh(x)
sinh(2*x)/sinh(x)
"""

LOGPOW = """
sqrt(x**2)
sqrt(t**2)
sqrt(s**2)
sqrt(w**2)
(t**2)**(1/3)
(x**4)**(1/2)
sqrt(4*t**2)
sqrt(t)*sqrt(u)
t**(1/3)*u**(1/3)
exp(x)*exp(y)
exp(x)**2*exp(-x)
exp(2*x)/exp(x)
exp(log(t))
exp(log(x))
log(exp(x))
log(exp(t))
log(t) + log(u)
log(t) - log(u)
2*log(t) + 3*log(u)
log(t*u) - log(t)
log(t**2) - 2*log(t)
log(t/u) + log(u)
log(x**2)
log(2*t) - log(2)
exp(2*log(t))
exp(log(t) + log(u))
t**n*t**(1 - n)
x**a*x**b
(t**a)**2
(t**2)**a
2**x*2**y
sqrt(8)
sqrt(12) + sqrt(27)
1/(1 + sqrt(2))
1/(sqrt(3) - sqrt(2))
(sqrt(2) + 1)*(sqrt(2) - 1)
sqrt(t)**2
(t**(1/2))**4
(w**2)**(1/2) + w
exp(x)*exp(-x)
x**m/x**(m - 1)
"""

RATIONAL = """
(x**2 - 1)/(x - 1)
(x**2 + 2*x + 1)/(x + 1)
(x**3 - y**3)/(x - y)
1/x + 1/y
1/(x + 1) - 1/(x - 1)
x/(x + 1) + 1/(x + 1)
(x**2 - y**2)/(x + y)
(a*x + a*y)/(x + y)
(x**4 - 1)/(x**2 + 1)
1/(x*(x + 1)) + 1/(x + 1)
(x + 1)**2 - x**2 - 2*x
(x + y)**2 - (x - y)**2
x**2 + 2*x*y + y**2
(x - 1)*(x + 1) + 1
(2*x**2 + 4*x)/(2*x)
1/(1/x + 1/y)
(1/x - 1/y)/(x - y)
(x**2 + x)/(x**2 - 1)
x/(x**2 - x)
(x**3 + x)/(x**2 + 1) - x
(a + b)**3 - a**3 - b**3
(x**2 - 5*x + 6)/(x - 2)
(x + 1)/(x**2 + 2*x + 1)
(y/x + 1)/(x + y)
(x**6 - 1)/(x**2 - 1)
1 + 1/(1 + 1/x)
(a*x**2 + b*x)/x
(x*y + x + y + 1)/(y + 1)
(z**2 - 4)/(z + 2) + 2
(x - y)*(x + y)*(x**2 + y**2)
"""

DIFF_SOURCES = """
sin(x)**2
sin(x)*cos(x)
tan(x)
1/cos(x)
sin(x)/(1 + cos(x))
log(sin(x))
log(cos(x))
log(tan(x))
exp(x)*sin(x)
exp(-x**2)
x*exp(x)/(x + 1)
sqrt(1 + x**2)
x/sqrt(1 + x**2)
log(x + sqrt(x**2 + 1))
atan(x)
atan(x/(1 + x))
(x**2 + 1)/(x - 1)
x**2/(x + 1)**2
1/(1 + exp(-x))
tanh(x)
log(cosh(x))
sinh(x)/cosh(x)
sin(x)**3
cos(x)**4
sin(2*x)*cos(x)
exp(t*x)/t
log(t*x**2)
x**x
t**x
sqrt(t*x**2 + 1)
sin(x)/x
(sin(x) + cos(x))**2
log((1 + x**2)/(1 - x**2))
exp(sin(x))*cos(x)
asin(x)
acos(x)
x*log(x) - x
log(x**2 + 1)
exp(x)/(exp(x) + 1)
sin(x)*sin(y)
"""


def main():
    pool = ExprPool()
    syms = {n: pool.symbol(n, **a) for n, a in SYMBOLS.items()}
    seen = set()

    def emit(kind, i, e, source):
        key = str(e)
        if key in seen or not e.free_symbols:
            return
        seen.add(key)
        used = {str(s): s.assumptions or {} for s in e.free_symbols}
        print(json.dumps({"id": f"{kind}:{i}", "expr": key, "symbols": used, "source": source}, sort_keys=True))

    for kind, block in (("trig", TRIG), ("logpow", LOGPOW), ("rational", RATIONAL)):
        for i, line in enumerate(l for l in block.strip().splitlines() if l.strip()):
            emit(kind, i, parse(line, pool, symbols=syms), f"identity ({kind})")
    for i, line in enumerate(l for l in DIFF_SOURCES.strip().splitlines() if l.strip()):
        f = parse(line, pool, symbols=syms)
        x = syms["x"]
        emit("diff", i, diff(f, x), f"d/dx {line}")
        emit("diff2", i, diff(diff(f, x), x), f"d2/dx2 {line}")


if __name__ == "__main__":
    main()
