// apart: partial fractions of a univariate rational function over Q. With P/Q = S + R/Q (polynomial
// part S) and Q = lc * prod f_i**k_i over Z (FLINT's fmpz_poly_factor), the part over f_i**k_i is
// N_i = R * (Q / f_i**k_i)**-1 mod f_i**k_i (extended gcd), written in base f_i by repeated division:
// N_i/f**k = sum_j r_j/f**j with deg r_j < deg f. Irreducible factors of any degree, repeated or not.
#include "poly/convert.hpp"

namespace alkahest {

namespace {

struct QP {  // RAII fmpq_poly
  QP() { fmpq_poly_init(v); }
  QP(const QP&) = delete;
  QP& operator=(const QP&) = delete;
  ~QP() { fmpq_poly_clear(v); }
  fmpq_poly_t v;
};

}  // namespace

ExprId apart(ExprPool& pool, ExprId expr, ExprId x) {
  using namespace poly_detail;
  Converter c(pool, Mode::Exact, "apart");
  if (x != 0) c.scan(x);
  c.scan(expr);
  c.build();
  const slong var = univariate_var(c, x);
  Ratio r = c.ratio(expr);
  if (!r.den) return c.expr(r.num);
  check_algorithm_input(r.num, "apart", "the numerator");
  check_algorithm_input(*r.den, "apart", "the denominator");
  QP P, Q, S, R;
  to_fmpq_poly(P.v, r.num, var);
  to_fmpq_poly(Q.v, *r.den, var);
  fmpq_poly_divrem(S.v, R.v, P.v, Q.v);
  std::vector<ExprId> terms{c.expr(from_fmpq_poly(S.v, c.ctx(), var))};

  // Q over Z: primitive part, factored.
  fmpz_poly_t Qz;
  fmpz_poly_init(Qz);
  fmpq_poly_get_numerator(Qz, Q.v);
  fmpz_poly_factor_t fac;
  fmpz_poly_factor_init(fac);
  fmpz_poly_factor(fac, Qz);
  QP F, G, g, s, t, N, quo, rr, fi;
  for (slong i = 0; i < fac->num; ++i) {
    const slong k = fac->exp[i];
    fmpq_poly_set_fmpz_poly(fi.v, fac->p + i);
    fmpq_poly_pow(F.v, fi.v, static_cast<ulong>(k));
    fmpq_poly_div(G.v, Q.v, F.v);
    fmpq_poly_xgcd(g.v, s.v, t.v, G.v, F.v);  // s*G + t*F = 1 (g = 1: G and F are coprime)
    fmpq_poly_mul(N.v, R.v, s.v);
    fmpq_poly_rem(N.v, N.v, F.v);
    // The leading coefficient of fi as an integer polynomial may be negative: keep it as FLINT
    // gives it, but present the factor with a positive leading coefficient.
    for (slong j = k; j >= 1 && !fmpq_poly_is_zero(N.v); --j) {
      fmpq_poly_divrem(quo.v, rr.v, N.v, fi.v);
      if (!fmpq_poly_is_zero(rr.v)) {
        QPoly num = from_fmpq_poly(rr.v, c.ctx(), var);
        QPoly den = from_fmpq_poly(fi.v, c.ctx(), var);
        const mpq_class dc = make_primitive(den);  // fi = dc * den
        mpq_class scale = 1 / dc;
        for (slong m = 1; m < j; ++m) scale /= dc;
        Fmpq sc;
        to_fmpq(sc.v, scale);
        fmpq_mpoly_scalar_mul_fmpq(num.get(), num.get(), sc.v, c.ctx()->q());
        const mpq_class nc = make_primitive(num);  // integer numerator, its content in front
        const ExprId fs[] = {pool.number(Number(nc)), c.expr(num), pool.pow(c.expr(den), pool.integer(-j))};
        terms.push_back(pool.mul(fs));
      }
      fmpq_poly_swap(N.v, quo.v);
    }
  }
  fmpz_poly_factor_clear(fac);
  fmpz_poly_clear(Qz);
  return pool.add(terms);
}

}  // namespace alkahest
