// Bindings of the solver layer (include/alkahest/solve.hpp). The public Python functions (solve,
// roots, nsolve, RootOf evaluation) are in python/alkahest/_solve.py over these primitives.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "alkahest/solve.hpp"
#include "bindings.hpp"

namespace alkahest::py {

namespace {

using namespace nb::literals;

PyObject* g_unsupported = nullptr;

// Runs f, turning SolveUnsupported into alkahest.SolveUnsupportedError (an AlkahestError and a
// NotImplementedError).
template <class F>
auto guarded(F f) -> decltype(f()) {
  try {
    return f();
  } catch (const SolveUnsupported& e) {
    PyErr_SetString(g_unsupported, e.what());
    throw nb::python_error();
  }
}

std::vector<ExprId> exprs_of(const std::shared_ptr<ExprPool>& pool, nb::handle seq, const char* who) {
  std::vector<ExprId> out;
  for (nb::handle h : nb::iter(seq)) {
    if (is_expr(h)) check_same_pool(*pool, *expr_ref(h, who).pool);
    auto e = coerce_ref(pool, h);
    if (!e)
      throw nb::type_error((std::string(who) + ": expected alkahest Exprs or numbers, not '" + python_type_name(h) + "'").c_str());
    out.push_back(e->id);
  }
  return out;
}

const char* rel_name(Condition::Rel r) {
  switch (r) {
    case Condition::Rel::Eq: return "==";
    case Condition::Rel::Ne: return "!=";
    case Condition::Rel::Gt: return ">";
    case Condition::Rel::Ge: return ">=";
  }
  return "?";
}

nb::list conditions_object(const std::shared_ptr<ExprPool>& pool, const std::vector<Condition>& cs) {
  nb::list out;
  for (const Condition& c : cs) out.append(nb::make_tuple(expr_object(pool, c.expr), rel_name(c.rel)));
  return out;
}

SolveDomain domain_arg(nb::handle d) {
  const std::string s = nb::cast<std::string>(d);
  if (s == "real") return SolveDomain::Real;
  if (s == "complex") return SolveDomain::Complex;
  throw nb::value_error(("roots: domain must be 'real' or 'complex', got '" + s + "'").c_str());
}

}  // namespace

void bind_solve(nb::module_& m) {
  nb::object bases = nb::make_tuple(m.attr("AlkahestError"), nb::handle(PyExc_NotImplementedError));
  g_unsupported = PyErr_NewExceptionWithDoc("alkahest.SolveUnsupportedError",
                                            "An equation or system solve cannot handle (the message names what).",
                                            bases.ptr(), nullptr);
  m.attr("SolveUnsupportedError") = nb::handle(g_unsupported);

  m.def(
      "_solve",
      [](nb::handle first, nb::handle eqs, nb::handle vars, bool general) {
        ExprRef f = expr_ref(first, "solve");
        const auto e = exprs_of(f.pool, eqs, "solve: equations");
        const auto v = exprs_of(f.pool, vars, "solve: unknowns");
        SolveOptions opt;
        opt.general = general;
        const auto sols = guarded([&] { return solve(*f.pool, e, v, opt); });
        nb::list out;
        for (const Solution& s : sols) {
          nb::list values, params;
          for (const auto& [k, val] : s.values) values.append(nb::make_tuple(expr_object(f.pool, k), expr_object(f.pool, val)));
          for (ExprId p : s.parameters) params.append(expr_object(f.pool, p));
          out.append(nb::make_tuple(values, conditions_object(f.pool, s.conditions), params, s.principal));
        }
        return out;
      },
      "first"_a, "eqs"_a, "vars"_a, "general"_a,
      "solve's kernel: (values, conditions, parameters, principal) per solution (see alkahest.solve).");
  m.def(
      "_roots",
      [](nb::handle p, nb::handle x, nb::handle domain) {
        ExprRef pr = expr_ref(p, "roots");
        ExprRef xr = expr_ref(x, "roots: the variable");
        check_same_pool(*pr.pool, *xr.pool);
        const auto rs = guarded([&] { return roots(*pr.pool, pr.id, xr.id, domain_arg(domain)); });
        nb::list out;
        for (const Root& r : rs)
          out.append(nb::make_tuple(expr_object(pr.pool, r.value), r.multiplicity, conditions_object(pr.pool, r.conditions)));
        return out;
      },
      "p"_a, "x"_a, "domain"_a, "roots' kernel: (root, multiplicity, conditions) per root (see alkahest.roots).");
  m.def(
      "_rootof_value",
      [](nb::handle p, nb::handle x, long k, long digits) {
        ExprRef pr = expr_ref(p, "RootOf");
        ExprRef xr = expr_ref(x, "RootOf: the variable");
        check_same_pool(*pr.pool, *xr.pool);
        RootOfValue v = rootof_value(*pr.pool, pr.id, xr.id, k, digits);
        return nb::make_tuple(v.re, v.im, v.re_double, v.im_double, v.real, v.degree);
      },
      "p"_a, "x"_a, "k"_a, "digits"_a,
      "The k-th root of p in RootOf order: (re text, im text, re double, im double, real, degree).");
  m.def(
      "_rootof_real_count",
      [](nb::handle p, nb::handle x) {
        ExprRef pr = expr_ref(p, "RootOf");
        ExprRef xr = expr_ref(x, "RootOf: the variable");
        check_same_pool(*pr.pool, *xr.pool);
        return rootof_real_count(*pr.pool, pr.id, xr.id);
      },
      "p"_a, "x"_a, "The number of real roots of p (with multiplicity).");
}

}  // namespace alkahest::py
