// Bindings of summation (include/alkahest/sum.hpp). alkahest.summation is Python
// (python/alkahest/_sum.py) over these primitives.
#include "alkahest/print.hpp"
#include "alkahest/sum.hpp"
#include "bindings.hpp"

namespace alkahest::py {

namespace {

using namespace nb::literals;

ExprRef index_arg(const ExprRef& e, nb::handle k, const char* who) {
  ExprRef r = expr_ref(k, (std::string(who) + ": the index").c_str());
  check_same_pool(*e.pool, *r.pool);
  if (r.pool->node(r.id).kind != Kind::Symbol)
    throw nb::type_error((std::string(who) + ": the index must be a symbol, got " + to_string(*r.pool, r.id)).c_str());
  return r;
}

}  // namespace

void bind_sum(nb::module_& m) {
  m.def(
      "antidifference",
      [](nb::handle term, nb::handle k) -> nb::object {
        ExprRef e = expr_ref(term, "antidifference: the term");
        ExprRef v = index_arg(e, k, "antidifference");
        auto T = antidifference(*e.pool, e.id, v.id);
        if (!T) return nb::none();
        return expr_object(e.pool, *T);
      },
      "term"_a, "k"_a,
      "T with T(k+1) - T(k) = term (checked at random integer points), or None: polynomials,\n"
      "polynomial * r**k, and rational functions over Q whose partial fractions telescope.\n\n"
      ">>> from alkahest import ExprPool, antidifference\n>>> k = ExprPool().symbol(\"k\")\n"
      ">>> antidifference(k, k)\n-k/2 + k**2/2\n");
  m.def(
      "summation_closed_form",
      [](nb::handle term, nb::handle k, nb::handle a, nb::handle b) -> nb::object {
        ExprRef e = expr_ref(term, "summation: the term");
        ExprRef v = index_arg(e, k, "summation");
        auto lo = coerce_ref(e.pool, a), hi = coerce_ref(e.pool, b);
        if (!lo || !hi) throw nb::type_error("summation: the bounds must be Exprs of the term's pool or numbers");
        auto S = summation(*e.pool, e.id, v.id, lo->id, hi->id);
        if (!S) return nb::none();
        return expr_object(e.pool, *S);
      },
      "term"_a, "k"_a, "a"_a, "b"_a,
      "sum_{k=a}^{b} term as T(b+1) - T(a) (b may be oo when T vanishes there), or None.\n\n"
      ">>> from alkahest import ExprPool, summation_closed_form\n>>> p = ExprPool(); k, n = p.symbols(\"k n\")\n"
      ">>> summation_closed_form(k**2, k, 1, 10)\n385\n");
}

}  // namespace alkahest::py
