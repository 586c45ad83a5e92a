// factor and factor_list: FLINT's multivariate factoring over Q (fmpq_mpoly_factor), with the
// content and sign pulled out and each factor made primitive over Z with a positive leading
// coefficient. A rational function has its numerator and denominator factored.
#include <algorithm>

#include "poly/convert.hpp"

namespace alkahest {

namespace poly_detail {

PolyFactors factor_poly(const QPoly& p, bool squarefree, const std::string& who) {
  PolyFactors out;
  if (p.is_constant()) {
    Fmpq c;
    if (p.is_zero())
      fmpq_zero(c.v);
    else
      fmpq_mpoly_get_fmpq(c.v, p.get(), p.ctx());
    out.coeff = to_mpq(c.v);
    return out;
  }
  check_algorithm_input(p, who, "the polynomial");
  fmpq_mpoly_factor_t f;
  fmpq_mpoly_factor_init(f, p.ctx());
  const int ok = squarefree ? fmpq_mpoly_factor_squarefree(f, p.get(), p.ctx()) : fmpq_mpoly_factor(f, p.get(), p.ctx());
  if (!ok) {
    fmpq_mpoly_factor_clear(f, p.ctx());
    throw PolyLimitError(who + ": FLINT could not factor the polynomial (exponents too large)");
  }
  mpq_class coeff = to_mpq(f->constant);
  for (slong i = 0; i < f->num; ++i) {
    QPoly b(p.ctx_ptr());
    fmpq_mpoly_set(b.get(), f->poly + i, p.ctx());
    const long e = static_cast<long>(fmpz_get_si(f->exp + i));
    const mpq_class c = make_primitive(b);
    mpq_class ce;
    mpz_pow_ui(ce.get_num_mpz_t(), c.get_num_mpz_t(), static_cast<unsigned long>(e));
    mpz_pow_ui(ce.get_den_mpz_t(), c.get_den_mpz_t(), static_cast<unsigned long>(e));
    coeff *= ce;
    if (b.is_one()) continue;
    out.factors.emplace_back(std::move(b), e);
  }
  fmpq_mpoly_factor_clear(f, p.ctx());
  if (squarefree) {
    // FLINT may return several pairwise coprime bases of one multiplicity: multiply them.
    std::vector<std::pair<QPoly, long>> merged;
    for (auto& [b, e] : out.factors) {
      auto it = std::find_if(merged.begin(), merged.end(), [e = e](const auto& m) { return m.second == e; });
      if (it == merged.end()) {
        merged.emplace_back(std::move(b), e);
      } else {
        fmpq_mpoly_mul(it->first.get(), it->first.get(), b.get(), b.ctx());
      }
    }
    out.factors = std::move(merged);
  }
  out.coeff = coeff;
  return out;
}

FactorList factor_list_of(Converter& c, const PolyFactors& f) {
  FactorList out;
  out.coeff = Number(f.coeff);
  for (const auto& [b, e] : f.factors) out.factors.emplace_back(c.expr(b), e);
  ExprPool& pool = c.pool();
  std::sort(out.factors.begin(), out.factors.end(), [&](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second < b.second;
    return pool.compare(a.first, b.first) < 0;
  });
  return out;
}

ExprId factors_expr(Converter& c, const PolyFactors& num, const PolyFactors* den) {
  ExprPool& pool = c.pool();
  mpq_class coeff = num.coeff;
  if (den) coeff /= den->coeff;
  std::vector<ExprId> fs{pool.number(Number(coeff))};
  for (const auto& [b, e] : num.factors) fs.push_back(pool.pow(c.expr(b), pool.integer(e)));
  if (den)
    for (const auto& [b, e] : den->factors) fs.push_back(pool.pow(c.expr(b), pool.integer(-e)));
  return pool.mul(fs);
}

namespace {

ExprId factor_expr(ExprPool& pool, ExprId expr, bool squarefree) {
  const std::string who = squarefree ? "sqf" : "factor";
  Converter c(pool, Mode::Exact, who);
  c.scan(expr);
  c.build();
  Ratio r = c.ratio(expr);
  PolyFactors num = factor_poly(r.num, squarefree, who);
  if (!r.den) return factors_expr(c, num, nullptr);
  PolyFactors den = factor_poly(*r.den, squarefree, who);
  return factors_expr(c, num, &den);
}

FactorList list_of(ExprPool& pool, ExprId expr, bool squarefree) {
  const std::string who = squarefree ? "sqf_list" : "factor_list";
  Converter c(pool, Mode::Exact, who);
  c.scan(expr);
  c.build();
  return factor_list_of(c, factor_poly(c.poly(expr), squarefree, who));
}

}  // namespace

FactorList sqf_list_impl(ExprPool& pool, ExprId expr) { return list_of(pool, expr, true); }
ExprId sqf_impl(ExprPool& pool, ExprId expr) { return factor_expr(pool, expr, true); }

}  // namespace poly_detail

FactorList factor_list(ExprPool& pool, ExprId poly) { return poly_detail::list_of(pool, poly, false); }
ExprId factor(ExprPool& pool, ExprId expr) { return poly_detail::factor_expr(pool, expr, false); }

}  // namespace alkahest
