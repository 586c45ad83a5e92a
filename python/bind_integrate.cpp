// Bindings of integration (include/alkahest/integrate.hpp). alkahest.integrate (the SymPy-style
// front end: indefinite and definite forms, the unevaluated result) is Python, in
// python/alkahest/_integrate.py, over these primitives.
#include <nanobind/stl/string.h>

#include "alkahest/integrate.hpp"
#include "alkahest/print.hpp"
#include "bindings.hpp"

namespace alkahest::py {

namespace {

using namespace nb::literals;

ExprRef symbol_arg(const ExprRef& e, nb::handle x, const char* who) {
  ExprRef r = expr_ref(x, (std::string(who) + ": the variable").c_str());
  check_same_pool(*e.pool, *r.pool);
  if (r.pool->node(r.id).kind != Kind::Symbol)
    throw nb::type_error((std::string(who) + ": the variable must be a symbol, got " + to_string(*r.pool, r.id)).c_str());
  return r;
}

ExprRef expr_arg(nb::handle e, const char* who) {
  return expr_ref(e, (std::string(who) + ": the integrand").c_str());
}

}  // namespace

void bind_integrate(nb::module_& m) {
  m.def(
      "integrate_antiderivative",
      [](nb::handle f, nb::handle x, long max_steps, double max_seconds, bool report, bool report_proof) -> nb::object {
        ExprRef e = expr_arg(f, "integrate");
        ExprRef v = symbol_arg(e, x, "integrate");
        if (max_steps < 1) throw nb::value_error("integrate: max_steps must be >= 1");
        if (!(max_seconds >= 0)) throw nb::value_error("integrate: max_seconds must be >= 0 (0: no wall-clock limit)");
        IntegrateOptions o;
        o.max_steps = max_steps;
        o.max_seconds = max_seconds;
        IntegrateReport rep;
        const std::optional<ExprId> r = integrate(*e.pool, e.id, v.id, o, &rep);
        nb::object F = r ? expr_object(e.pool, *r) : nb::none();
        if (!report) return F;
        if (report_proof) return nb::make_tuple(F, rep.budget_exhausted, rep.steps, rep.proved_nonelementary);
        return nb::make_tuple(F, rep.budget_exhausted, rep.steps);
      },
      "f"_a, "x"_a, "max_steps"_a = 4000, "max_seconds"_a = 0.0, "report"_a = false, "report_proof"_a = false,
      "An antiderivative of f with respect to the symbol x, checked by differentiation at random\n"
      "points, or None when none was found within the budget (alkahest.integrate is the front end).\n"
      "max_steps bounds the search; max_seconds > 0 adds a wall-clock limit (0: none). With\n"
      "report=True: (antiderivative or None, whether the search stopped at its budget, steps); with\n"
      "report_proof=True also whether the Risch algorithm proved that no elementary antiderivative exists.\n\n"
      ">>> from alkahest import ExprPool, integrate_antiderivative\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> integrate_antiderivative(x**2, x)\nx**3/3\n");
  m.def(
      "integrate_rational",
      [](nb::handle f, nb::handle x) -> nb::object {
        ExprRef e = expr_arg(f, "integrate_rational");
        ExprRef v = symbol_arg(e, x, "integrate_rational");
        std::optional<ExprId> r;
        r = integrate_rational(*e.pool, e.id, v.id);
        if (!r) return nb::none();
        return expr_object(e.pool, *r);
      },
      "f"_a, "x"_a,
      "The antiderivative of a rational function of x over Q: polynomial part, Hermite reduction and\n"
      "Lazard-Rioboo-Trager (logs, and arctangents for complex conjugate residues). None when f is not\n"
      "such a function or its log part needs roots of degree >= 3.\n\n"
      ">>> from alkahest import ExprPool, integrate_rational\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> integrate_rational(1/(x**2 + 1), x)\natan(x)\n");
  m.def(
      "risch_decide",
      [](nb::handle f, nb::handle x) -> nb::object {
        ExprRef e = expr_arg(f, "risch_integrate");
        ExprRef v = symbol_arg(e, x, "risch_integrate");
        const RischResult r = risch_integrate(*e.pool, e.id, v.id);
        const char* verdict = r.verdict == RischVerdict::Elementary      ? "elementary"
                              : r.verdict == RischVerdict::NonElementary ? "nonelementary"
                                                                         : "undecided";
        nb::object F = r.antiderivative ? expr_object(e.pool, *r.antiderivative) : nb::none();
        return nb::make_tuple(nb::str(verdict), F, nb::str(r.reason.c_str()));
      },
      "f"_a, "x"_a,
      "The transcendental Risch algorithm on f in Q(x, t), t = exp(a) or log(a), a in Q(x):\n"
      "(verdict, antiderivative or None, reason), verdict 'elementary', 'nonelementary' (a proof) or\n"
      "'undecided' (alkahest.risch_integrate is the front end).\n\n"
      ">>> from alkahest import ExprPool, risch_decide, exp\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> risch_decide(exp(x)/x, x)[0]\n'nonelementary'\n");
  m.def(
      "check_antiderivative",
      [](nb::handle F, nb::handle f, nb::handle x) {
        ExprRef a = expr_ref(F, "check_antiderivative: the antiderivative");
        ExprRef b = expr_arg(f, "check_antiderivative");
        check_same_pool(*a.pool, *b.pool);
        ExprRef v = symbol_arg(a, x, "check_antiderivative");
        return check_antiderivative(*a.pool, a.id, b.id, v.id);
      },
      "F"_a, "f"_a, "x"_a,
      "Whether dF/dx - f vanishes at random points (certified complex evaluation; points where a side\n"
      "cannot be evaluated are skipped).\n\n"
      ">>> from alkahest import ExprPool, check_antiderivative, sin, cos\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> check_antiderivative(-cos(x), sin(x), x), check_antiderivative(cos(x), sin(x), x)\n(True, False)\n");
}

}  // namespace alkahest::py
