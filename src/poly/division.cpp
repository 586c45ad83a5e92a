// Division with remainder over Q (FLINT's multivariate divrem in lex order of the generators).
#include "poly/convert.hpp"

namespace alkahest {

QuoRem div(ExprPool& pool, ExprId f, ExprId g, std::span<const ExprId> gens) {
  using namespace poly_detail;
  Converter c(pool, Mode::Exact, "div");
  for (ExprId x : gens) c.scan(x);
  c.scan(f);
  c.scan(g);
  c.build(gens);
  QPoly pf = c.poly(f), pg = c.poly(g);
  if (pg.is_zero()) throw DivisionByZero("div: division by the zero polynomial " + to_string(pool, g));
  check_product(pf, pg, "div");  // the quotient is no larger than f; bounds the work
  QPoly q(c.ctx()), r(c.ctx());
  fmpq_mpoly_divrem(q.get(), r.get(), pf.get(), pg.get(), c.ctx()->q());
  return {c.expr(q), c.expr(r)};
}

ExprId quo(ExprPool& pool, ExprId f, ExprId g, std::span<const ExprId> gens) { return div(pool, f, g, gens).quotient; }
ExprId rem(ExprPool& pool, ExprId f, ExprId g, std::span<const ExprId> gens) { return div(pool, f, g, gens).remainder; }

}  // namespace alkahest
