// Bindings of pattern matching, rewriting and simplification (include/alkahest/simplify.hpp);
// the Python faces (Wild, Expr.match, Expr.replace, ...) are in alkahest/_simplify.py.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cmath>

#include "alkahest/simplify.hpp"
#include "bindings.hpp"

namespace alkahest::py {

namespace {

using namespace nb::literals;

ExprRef one(const char* who, nb::handle a) {
  if (!is_expr(a))
    throw nb::type_error((std::string(who) + ": expected an alkahest Expr, not '" + python_type_name(a) + "'").c_str());
  return expr_ref(a, who);
}

// `h` as an expression of like's pool (an Expr of that pool, or a Python number).
ExprRef same_pool(const char* who, const ExprRef& like, nb::handle h, const char* what) {
  if (is_expr(h)) {
    ExprRef r = expr_ref(h, what);
    check_same_pool(*like.pool, *r.pool);
    return r;
  }
  auto r = coerce_ref(like.pool, h);
  if (!r)
    throw nb::type_error((std::string(who) + ": " + what + " must be an alkahest Expr or a number, not '" +
                          python_type_name(h) + "'").c_str());
  return *r;
}

long steps_arg(const char* who, long steps) {
  if (steps < 0) throw nb::value_error((std::string(who) + ": max_steps must be >= 0").c_str());
  return steps;
}

nb::object bindings_dict(const ExprRef& like, const Bindings& b) {
  nb::dict d;
  for (const auto& [w, v] : b) d[expr_object(like.pool, w)] = expr_object(like.pool, v);
  return d;
}

}  // namespace

void bind_simplify(nb::module_& m) {
  m.def(
      "_wild",
      [](nb::handle anchor, const std::string& name, nb::handle exclude) {
        ExprRef a = one("Wild", anchor);
        std::vector<ExprId> ex;
        for (nb::handle h : exclude) ex.push_back(same_pool("Wild", a, h, "each excluded expression").id);
        return expr_object(a.pool, wild(*a.pool, name, ex));
      },
      "anchor"_a, "name"_a, "exclude"_a,
      "A wild named `name` in the pool of `anchor` (any Expr of it), excluding `exclude` (use Wild).");
  m.def(
      "is_wild",
      [](nb::handle e) {
        ExprRef r = one("is_wild", e);
        return is_wild(*r.pool, r.id);
      },
      "expr"_a,
      "Whether expr is a wild (a pattern variable made by Wild).\n\n"
      ">>> from alkahest import ExprPool, Wild, is_wild\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> is_wild(Wild(\"a\", exclude=[x])), is_wild(x)\n(True, False)\n");
  m.def(
      "match",
      [](nb::handle e, nb::handle pattern, long max_steps) -> nb::object {
        ExprRef r = one("match", e);
        ExprRef p = same_pool("match", r, pattern, "the pattern");
        std::optional<Bindings> b;
        {
          ReleasedGil unlocked;
          b = match(*r.pool, r.id, p.id, steps_arg("match", max_steps));
        }
        if (!b) return nb::none();
        return bindings_dict(r, *b);
      },
      "expr"_a, "pattern"_a, "max_steps"_a = 100'000,
      "The values of the pattern's wilds that make it equal to expr ({wild: value}), or None. Sums\n"
      "and products match in any order; a bare wild in a sum or product takes what is left over.\n"
      "None also when no match was found within max_steps matching steps.\n\n"
      ">>> from alkahest import ExprPool, Wild, match, sin\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> a, b = Wild(\"a\", exclude=[x]), Wild(\"b\", exclude=[x])\n"
      ">>> match(3*x + sin(x.pool.integer(2)), a*x + b)\n{a_: 3, b_: sin(2)}\n"
      ">>> match(x**2, a*x + b) is None\nTrue\n");
  m.def(
      "replace",
      [](nb::handle e, nb::handle pattern, nb::handle replacement) {
        ExprRef r = one("replace", e);
        ExprRef p = same_pool("replace", r, pattern, "the pattern");
        if (PyCallable_Check(replacement.ptr()) && !is_expr(replacement)) {
          // Called with the wilds' values by name (a_ -> a); None keeps the subexpression.
          auto fn = [&](const Bindings& b) -> std::optional<ExprId> {
            nb::dict kw;
            for (const auto& [w, v] : b) {
              std::string name = r.pool->node(w).name;
              while (!name.empty() && (name.back() == '\'' )) name.pop_back();
              if (!name.empty() && name.back() == '_') name.pop_back();
              kw[nb::str(name.c_str())] = expr_object(r.pool, v);
            }
            nb::object out = nb::borrow(replacement)(**kw);
            if (out.is_none()) return std::nullopt;
            return same_pool("replace", r, out, "the replacement function's result").id;
          };
          return expr_object(r.pool, replace(*r.pool, r.id, p.id, fn));
        }
        ExprRef t = same_pool("replace", r, replacement, "the replacement");
        ExprId out;
        {
          ReleasedGil unlocked;
          out = replace(*r.pool, r.id, p.id, t.id);
        }
        return expr_object(r.pool, out);
      },
      "expr"_a, "pattern"_a, "replacement"_a,
      "Every subexpression matching pattern (innermost first, one pass) replaced by replacement\n"
      "with the wilds' values put in; replacement may be a function called with the values by the\n"
      "wilds' names (returning an Expr, or None to keep the subexpression).\n\n"
      ">>> from alkahest import ExprPool, Wild, replace, sin, cos\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> a = Wild(\"a\", pool=x.pool)\n>>> replace(sin(x)**2 + sin(y), sin(a), cos(a))\ncos(x)**2 + cos(y)\n"
      ">>> replace(sin(x) + sin(y), sin(a), lambda a: sin(a) if a == x else None)\nsin(x) + sin(y)\n");
  m.def(
      "rewrite",
      [](nb::handle e, nb::handle rules, long max_steps) {
        ExprRef r = one("rewrite", e);
        std::vector<RewriteRule> rs;
        for (nb::handle rule : rules) {
          if (!nb::isinstance<nb::tuple>(rule) && !nb::isinstance<nb::list>(rule))
            throw nb::type_error("rewrite: each rule must be a (pattern, replacement) pair");
          nb::sequence pair = nb::borrow<nb::sequence>(rule);
          if (nb::len(pair) != 2) throw nb::type_error("rewrite: each rule must be a (pattern, replacement) pair");
          rs.push_back({same_pool("rewrite", r, pair[0], "a rule's pattern").id,
                        same_pool("rewrite", r, pair[1], "a rule's replacement").id});
        }
        steps_arg("rewrite", max_steps);
        ExprId out;
        {
          ReleasedGil unlocked;
          out = rewrite(*r.pool, r.id, rs, max_steps);
        }
        return expr_object(r.pool, out);
      },
      "expr"_a, "rules"_a, "max_steps"_a = 1000,
      "The rules [(pattern, replacement), ...] applied (each as one replace pass, in order) until\n"
      "none changes the expression. AlkahestError when that takes more than max_steps changing\n"
      "passes, or when the rules come back to an earlier form (they loop).\n\n"
      ">>> from alkahest import ExprPool, Wild, rewrite, log\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> a, b = Wild(\"a\", pool=x.pool), Wild(\"b\", pool=x.pool)\n"
      ">>> rewrite(log(x*y*2), [(log(a*b), log(a) + log(b))])\nlog(2) + log(x) + log(y)\n");
  m.def(
      "op_count",
      [](nb::handle e) {
        ExprRef r = one("op_count", e);
        return op_count(*r.pool, r.id);
      },
      "expr"_a,
      "The cost simplify minimises: the number of operations of the compiled Program (inputs and\n"
      "constants not counted); for expressions that do not compile (I, oo), the DAG's operations.\n\n"
      ">>> from alkahest import ExprPool, op_count, sin, cos\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> op_count(sin(x)**2 + cos(x)**2), op_count(x)\n(5, 0)\n");

  // The named passes: one Expr in, one equal Expr out.
  struct Pass {
    const char* name;
    ExprId (*fn)(ExprPool&, ExprId);
    const char* doc;
  };
  static const Pass passes[] = {
      {"trigsimp", &trigsimp,
       "Trigonometric and hyperbolic simplification: a Fu-style search over sin**2 + cos**2 = 1,\n"
       "tan = sin/cos, double angles, products to sums and back (and cosh**2 - sinh**2 = 1, exp\n"
       "forms), keeping the form with the fewest compiled operations.\n\n"
       ">>> from alkahest import ExprPool, trigsimp, sin, cos, tan\n>>> x = ExprPool().symbol(\"x\")\n"
       ">>> trigsimp(sin(x)**4 - cos(x)**4 + 2*cos(x)**2)\n1\n"
       ">>> trigsimp(2*sin(x)*cos(x))\nsin(2*x)\n"},
      {"expand_trig", &expand_trig,
       "Angle sums and integer multiples expanded: sin(x + y), cos(2*x), tan(x + y), sinh(2*x).\n\n"
       ">>> from alkahest import ExprPool, expand_trig, sin\n>>> x, y = ExprPool().symbols(\"x y\")\n"
       ">>> expand_trig(sin(x + y))\ncos(x)*sin(y) + cos(y)*sin(x)\n"},
      {"powsimp", &powsimp,
       "Powers combined where the assumptions allow: exp(a)*exp(b) -> exp(a + b), x**a*y**a ->\n"
       "(x*y)**a (x, y >= 0), (x**a)**b -> x**(a*b) (x >= 0), sqrt(t**2) -> |t| (t real).\n\n"
       ">>> from alkahest import ExprPool, powsimp, sqrt, exp\n>>> pool = ExprPool()\n"
       ">>> x, t = pool.symbol(\"x\"), pool.symbol(\"t\", positive=True)\n"
       ">>> powsimp(sqrt(x**2)), powsimp(sqrt(t**2)), powsimp(exp(x)*exp(2*x))\n(abs(x), t, exp(3*x))\n"},
      {"expand_log", &expand_log,
       "log(x*y) -> log(x) + log(y) and log(x**a) -> a*log(x) for positive x, y (and real a); other\n"
       "logarithms are left alone.\n\n"
       ">>> from alkahest import ExprPool, expand_log, log\n>>> pool = ExprPool()\n"
       ">>> x, y, z = pool.symbol(\"x\", positive=True), pool.symbol(\"y\", positive=True), pool.symbol(\"z\")\n"
       ">>> expand_log(log(x**2*y)), expand_log(log(x*z))\n(2*log(x) + log(y), log(x) + log(z))\n"},
      {"logcombine", &logcombine,
       "a*log(x) + b*log(y) -> log(x**a*y**b) for positive x, y and real a, b.\n\n"
       ">>> from alkahest import ExprPool, logcombine, log\n>>> pool = ExprPool()\n"
       ">>> x, y = pool.symbol(\"x\", positive=True), pool.symbol(\"y\", positive=True)\n"
       ">>> logcombine(2*log(x) - log(y))\nlog(x**2/y)\n"},
      {"radsimp", &radsimp,
       "Square roots taken out of two-term denominators by the conjugate, where it is proved non-zero.\n\n"
       ">>> from alkahest import ExprPool, radsimp, sqrt\n>>> pool = ExprPool()\n"
       ">>> radsimp(1/(1 + sqrt(pool.integer(2))))\nsqrt(2) - 1\n"},
  };
  for (const Pass& p : passes) {
    auto fn = p.fn;
    const char* name = p.name;
    m.def(
        name,
        [fn, name](nb::handle e) {
          ExprRef r = one(name, e);
          ExprId out;
          {
            ReleasedGil unlocked;
            out = fn(*r.pool, r.id);
          }
          return expr_object(r.pool, out);
        },
        "expr"_a, p.doc);
  }
  m.def(
      "simplify",
      [](nb::handle e, nb::handle measure) {
        ExprRef r = one("simplify", e);
        SimplifyOptions options;
        ExprId out;
        if (measure.is_none()) {
          ReleasedGil unlocked;
          out = simplify(*r.pool, r.id, options);
        } else {
          if (!PyCallable_Check(measure.ptr())) throw nb::type_error("simplify: measure must be a function of an Expr");
          auto pool = r.pool;
          options.cost = [&measure, pool](ExprPool&, ExprId id) -> long {
            nb::object v = nb::borrow(measure)(expr_object(pool, id));
            if (!nb::isinstance<nb::int_>(v) && !nb::isinstance<nb::float_>(v))
              throw nb::type_error("simplify: measure must return a number");
            const double d = nb::cast<double>(v);
            if (!(std::abs(d) < 4.0e18))  // also NaN
              throw nb::value_error("simplify: measure must return a finite number (below 4e18 in size)");
            return std::lround(d);
          };
          out = simplify(*r.pool, r.id, options);
        }
        return expr_object(r.pool, out);
      },
      "expr"_a, "measure"_a = nb::none(),
      "The cheapest equal form found by the passes (rational: cancel/together/factor; powers and\n"
      "logarithms under the assumptions; radicals; the trigonometric and hyperbolic search), never\n"
      "costlier than expr. The cost is op_count (the compiled operation count) unless measure, a\n"
      "function of an Expr returning a number (rounded to an integer), is given.\n\n"
      ">>> from alkahest import ExprPool, simplify, sin, cos, exp, log\n>>> pool = ExprPool()\n"
      ">>> x = pool.symbol(\"x\")\n"
      ">>> simplify((x**2 - 1)/(x - 1) + sin(x)**2 + cos(x)**2)\nx + 2\n"
      ">>> simplify((exp(x) + exp(-x))/2)\ncosh(x)\n");
}

}  // namespace alkahest::py
