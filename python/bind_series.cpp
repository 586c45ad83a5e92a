// Bindings of series and limit (include/alkahest/series.hpp, limit.hpp). The Python functions
// alkahest.series / alkahest.limit (python/alkahest/_series.py) wrap these.
#include <nanobind/stl/string.h>

#include "alkahest/limit.hpp"
#include "alkahest/series.hpp"
#include "bindings.hpp"

namespace alkahest::py {

namespace {

using namespace nb::literals;

nb::object fraction_of(const mpq_class& q) {
  static nb::object frac = nb::module_::import_("fractions").attr("Fraction");
  return frac(nb::steal(PyLong_FromString(q.get_num().get_str(16).c_str(), nullptr, 16)),
              nb::steal(PyLong_FromString(q.get_den().get_str(16).c_str(), nullptr, 16)));
}

ExprRef in_pool(const char* who, const ExprRef& like, nb::handle h, const char* what) {
  auto r = coerce_ref(like.pool, h);
  if (!r)
    throw nb::type_error((std::string(who) + ": " + what + " must be an alkahest Expr or a number, not '" +
                          python_type_name(h) + "'").c_str());
  return *r;
}

int direction(const char* who, const std::string& dir) {
  if (dir == "+") return 1;
  if (dir == "-") return -1;
  throw nb::value_error((std::string(who) + ": dir must be '+' or '-', got '" + dir + "'").c_str());
}

}  // namespace

void bind_series(nb::module_& m) {
  m.def(
      "_series",
      [](nb::handle expr, nb::handle x, nb::handle x0, long n, const std::string& dir, bool with_terms) {
        ExprRef xs = expr_ref(x, "series: the variable");
        ExprRef e = in_pool("series", xs, expr, "the expression");
        ExprRef p = in_pool("series", xs, x0, "the point x0");
        check_same_pool(*e.pool, *xs.pool);
        check_same_pool(*p.pool, *xs.pool);
        const int d = direction("series", dir);
        Series s;
        {
          ReleasedGil released;
          s = series(*xs.pool, e.id, xs.id, p.id, n, d);
        }
        nb::list terms;
        if (with_terms)
          for (const SeriesTerm& t : s.terms)
            terms.append(nb::make_tuple(fraction_of(t.exponent), expr_object(xs.pool, t.coeff)));
        nb::object order = s.order ? fraction_of(*s.order) : nb::none();
        return nb::make_tuple(expr_object(xs.pool, s.sum), order, expr_object(xs.pool, s.local), terms);
      },
      "expr"_a, "x"_a, "x0"_a, "n"_a, "dir"_a, "with_terms"_a = true,
      "(sum, order, local, terms) of the truncated series (see alkahest.series); terms is empty\n"
      "unless with_terms.");
  m.def(
      "_series_expr",
      [](nb::handle expr, nb::handle x, nb::handle x0, long n, const std::string& dir) {
        ExprRef xs = expr_ref(x, "series: the variable");
        ExprRef e = in_pool("series", xs, expr, "the expression");
        ExprRef p = in_pool("series", xs, x0, "the point x0");
        check_same_pool(*e.pool, *xs.pool);
        check_same_pool(*p.pool, *xs.pool);
        const int d = direction("series", dir);
        Series s;
        std::optional<ExprId> whole;
        {
          ReleasedGil released;
          whole = series_whole(*xs.pool, e.id, xs.id, p.id, n, d, s);
        }
        if (whole) return nb::make_tuple(expr_object(xs.pool, *whole), nb::none(), nb::none(), nb::none());
        nb::object order = s.order ? fraction_of(*s.order) : nb::none();
        return nb::make_tuple(nb::none(), expr_object(xs.pool, s.sum), order, expr_object(xs.pool, s.local));
      },
      "expr"_a, "x"_a, "x0"_a, "n"_a, "dir"_a,
      "(whole, sum, order, local): whole is the series with its order term O(...) as one expression\n"
      "(x0 = 0, oo or -oo; then the rest is None), else None and the parts (see alkahest.series).");
  m.def(
      "_limit",
      [](nb::handle expr, nb::handle x, nb::handle x0, const std::string& dir) -> nb::object {
        ExprRef xs = expr_ref(x, "limit: the variable");
        ExprRef e = in_pool("limit", xs, expr, "the expression");
        ExprRef p = in_pool("limit", xs, x0, "the point x0");
        if (dir != "+" && dir != "-" && dir != "+-")
          throw nb::value_error(("limit: dir must be '+', '-' or '+-', got '" + dir + "'").c_str());
        std::optional<ExprId> r;
        {
          ReleasedGil released;
          r = limit(*xs.pool, e.id, xs.id, p.id, dir);
        }
        if (!r) return nb::none();
        return expr_object(xs.pool, *r);
      },
      "expr"_a, "x"_a, "x0"_a, "dir"_a,
      "The limit, or None when it does not exist or cannot be decided (see alkahest.limit).");
}

}  // namespace alkahest::py
