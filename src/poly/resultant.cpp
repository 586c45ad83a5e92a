// resultant and discriminant with respect to one generator (FLINT's fmpq_mpoly_resultant and
// fmpq_mpoly_discriminant), after bounding the degree the result would have.
#include "poly/convert.hpp"

namespace alkahest {

namespace poly_detail {
namespace {

slong generator_var(Converter& c, ExprId x, const char* who) {
  const long v = c.var_of(x);
  if (v < 0) throw InvalidArgument(std::string(who) + ": " + to_string(c.pool(), x) + " is not a generator of the input");
  return v;
}

// deg_y(res_x(f, g)) <= deg_x(f)*deg_y(g) + deg_x(g)*deg_y(f) for every other generator y.
void check_resultant_degree(const QPoly& f, const QPoly& g, slong var, const char* who) {
  const auto df = degrees(f), dg = degrees(g);
  const std::size_t x = static_cast<std::size_t>(var);
  for (std::size_t y = 0; y < df.size(); ++y) {
    if (y == x) continue;
    const double d = static_cast<double>(df[x]) * static_cast<double>(dg[y]) +
                     static_cast<double>(dg[x]) * static_cast<double>(df[y]);
    if (d > PolyLimits::max_resultant_degree)
      throw PolyLimitError(std::string(who) + ": the result would have degree up to " +
                           std::to_string(static_cast<long long>(d)) + " in a generator, above the limit " +
                           std::to_string(PolyLimits::max_resultant_degree) + " (PolyLimits::max_resultant_degree)");
  }
}

}  // namespace
}  // namespace poly_detail

ExprId resultant(ExprPool& pool, ExprId f, ExprId g, ExprId x) {
  using namespace poly_detail;
  Converter c(pool, Mode::Exact, "resultant");
  c.scan(x);
  c.scan(f);
  c.scan(g);
  c.build();
  const slong var = generator_var(c, x, "resultant");
  QPoly pf = c.poly(f), pg = c.poly(g);
  QPoly r(c.ctx());
  if (pf.is_zero() || pg.is_zero()) return pool.integer(0);
  check_algorithm_input(pf, "resultant", "the first polynomial");
  check_algorithm_input(pg, "resultant", "the second polynomial");
  check_resultant_degree(pf, pg, var, "resultant");
  if (!fmpq_mpoly_resultant(r.get(), pf.get(), pg.get(), var, c.ctx()->q()))
    throw PolyLimitError("resultant: FLINT could not compute the resultant (exponents too large)");
  return c.expr(r);
}

ExprId discriminant(ExprPool& pool, ExprId f, ExprId x) {
  using namespace poly_detail;
  Converter c(pool, Mode::Exact, "discriminant");
  c.scan(x);
  c.scan(f);
  c.build();
  const slong var = generator_var(c, x, "discriminant");
  QPoly pf = c.poly(f);
  const auto d = degrees(pf);
  if (pf.is_zero() || d[static_cast<std::size_t>(var)] < 1)
    throw InvalidArgument("discriminant: " + to_string(pool, f) + " has degree < 1 in " + to_string(pool, x));
  check_algorithm_input(pf, "discriminant", "the polynomial");
  check_resultant_degree(pf, pf, var, "discriminant");
  QPoly r(c.ctx());
  if (!fmpq_mpoly_discriminant(r.get(), pf.get(), var, c.ctx()->q()))
    throw PolyLimitError("discriminant: FLINT could not compute the discriminant (exponents too large)");
  return c.expr(r);
}

}  // namespace alkahest
