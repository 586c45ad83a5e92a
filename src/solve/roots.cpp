// roots: exact roots of a univariate polynomial. Over Q the polynomial is factored first (FLINT);
// each irreducible factor then gets the readable closed form where one exists (degree 1 and 2;
// Cardano's formula for a cubic with one real root; two square roots for a biquadratic quartic) and
// RootOf(f, k) otherwise (the cubic with three real roots, casus irreducibilis, has no radical
// form in real numbers). Symbolic coefficients: factored over Q(parameters) when possible, then
// degree <= 2 by formula, with the conditions the formula needs.
#include <algorithm>

#include "alkahest/calculus.hpp"
#include "alkahest/evalf.hpp"
#include "alkahest/objects.hpp"
#include "alkahest/poly.hpp"
#include "poly/convert.hpp"
#include "solve/solve_detail.hpp"

namespace alkahest {

namespace solve_detail {

namespace {

using R = Condition::Rel;

bool is_rational_number(const ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  return n.kind == Kind::Number && n.number.is_exact();
}

ExprId num(ExprPool& pool, const mpq_class& q) { return pool.number(Number(q)); }

// sqrt of a non-negative rational with its square factors taken out: sqrt(8) -> 2*sqrt(2),
// sqrt(3/4) -> sqrt(3)/2. Large numbers (not worth factoring) keep their square root as it is.
ExprId rational_sqrt(ExprPool& pool, const mpq_class& q) {
  if (q < 0) return pool.mul(pool.constant(Constant::I), rational_sqrt(pool, -q));
  if (q == 0) return pool.integer(0);
  mpz_class m = q.get_num() * q.get_den();  // sqrt(p/d) = sqrt(p*d)/d
  const mpz_class den = q.get_den();
  if (mpz_sizeinbase(m.get_mpz_t(), 2) > 120) return pool.sqrt(num(pool, q));
  poly_detail::Fmpz z;
  poly_detail::to_fmpz(z.v, m);
  fmpz_factor_t f;
  fmpz_factor_init(f);
  fmpz_factor(f, z.v);
  mpz_class out = 1, rest = 1;
  for (slong i = 0; i < f->num; ++i) {
    const mpz_class p = poly_detail::to_mpz(f->p + i);
    const unsigned long e = f->exp[i];
    for (unsigned long k = 0; k < e / 2; ++k) out *= p;
    if (e % 2) rest *= p;
  }
  fmpz_factor_clear(f);
  mpq_class coeff(out, den);
  coeff.canonicalize();
  if (rest == 1) return num(pool, coeff);
  return pool.mul(num(pool, coeff), pool.sqrt(pool.number(Number(rest))));
}

// sqrt(c*rest) with the square factors of the rational c taken out (sqrt(c*r) = sqrt(c)*sqrt(r)
// for c > 0, so a negative c moves its sign into the radicand).
ExprId sqrt_extract(ExprPool& pool, ExprId d) {
  auto [coeff, rest] = pool.as_coeff_term(d);
  if (!coeff.is_exact() || coeff.is_zero()) return pool.sqrt(d);
  const mpq_class q = coeff.to_mpq();
  if (pool.is_number(rest)) return rational_sqrt(pool, q * pool.node(rest).number.to_mpq());
  if (q > 0) return pool.mul(rational_sqrt(pool, q), pool.sqrt(rest));
  return pool.mul(rational_sqrt(pool, -q), pool.sqrt(pool.neg(rest)));
}

// The real cube root of a real constant expression whose sign is proved.
ExprId real_cbrt(ExprPool& pool, ExprId e) {
  const ExprId third = pool.number(Number::rational(1, 3));
  const std::optional<int> s = sign_of(pool, e);
  if (!s) throw SolveUnsupported("roots: could not decide the sign of " + text(pool, e));
  if (*s == 0) return pool.integer(0);
  if (*s > 0) return pool.pow(e, third);
  return pool.neg(pool.pow(pool.neg(e), third));
}

struct Collected {
  std::vector<Root> roots;
  void add(ExprPool& pool, ExprId value, long mult, std::vector<Condition> conds, SolveDomain domain) {
    if (domain == SolveDomain::Real && is_real_value(pool, value) == std::optional<bool>(false)) return;
    for (Root& r : roots)
      if (r.value == value && r.conditions == conds) {
        r.multiplicity += mult;
        return;
      }
    roots.push_back({value, mult, std::move(conds)});
  }
};

// Roots of one irreducible factor over Q, given by its integer coefficients (lowest first).
void irreducible_roots(ExprPool& pool, const std::vector<mpq_class>& c0, ExprId x, long mult, SolveDomain domain,
                       Collected& out) {
  const std::size_t d = c0.size() - 1;
  std::vector<mpq_class> c(c0.size());
  for (std::size_t k = 0; k <= d; ++k) c[k] = c0[k] / c0[d];  // monic
  auto add = [&](ExprId v) { out.add(pool, v, mult, {}, domain); };
  if (d == 1) {
    add(num(pool, -c[0]));
    return;
  }
  if (d == 2) {
    // x = -b/2 +- sqrt(b**2/4 - c)
    const mpq_class h = -c[1] / 2, disc = c[1] * c[1] / 4 - c[0];
    if (domain == SolveDomain::Real && disc < 0) return;
    const ExprId s = rational_sqrt(pool, disc);
    add(pool.sub(num(pool, h), s));
    add(pool.add(num(pool, h), s));
    return;
  }
  if (d == 3) {
    const mpq_class b = c[2], cc = c[1], dd = c[0];
    const mpq_class p = cc - b * b / 3, q = 2 * b * b * b / 27 - b * cc / 3 + dd;
    const mpq_class delta = q * q / 4 + p * p * p / 27;
    if (delta > 0) {
      // One real root: Cardano with real cube roots.
      const ExprId s = rational_sqrt(pool, delta);
      const ExprId u = real_cbrt(pool, pool.add(num(pool, -q / 2), s));
      const ExprId v = real_cbrt(pool, pool.sub(num(pool, -q / 2), s));
      const ExprId shift = num(pool, -b / 3);
      add(add_all(pool, {u, v, shift}));
      if (domain == SolveDomain::Complex) {
        const ExprId half_sum = pool.mul(num(pool, mpq_class(-1, 2)), pool.add(u, v));
        const ExprId im = mul_all(pool, {num(pool, mpq_class(1, 2)), pool.constant(Constant::I),
                                       pool.sqrt(pool.integer(3)), pool.sub(u, v)});
        add(add_all(pool, {half_sum, pool.neg(im), shift}));
        add(add_all(pool, {half_sum, im, shift}));
      }
      return;
    }
  }
  if (d == 4) {
    const mpq_class b = c[3], cc = c[2], dd = c[1], e = c[0];
    const mpq_class q = b * b * b / 8 - b * cc / 2 + dd;
    if (q == 0) {
      // Biquadratic in y = x + b/4: y**2 = z, z**2 + p*z + r = 0.
      const mpq_class p = cc - 3 * b * b / 8;
      const mpq_class r = -3 * b * b * b * b / 256 + b * b * cc / 16 - b * dd / 4 + e;
      const ExprId s = rational_sqrt(pool, p * p - 4 * r);
      const ExprId shift = num(pool, -b / 4);
      for (int sz : {-1, 1}) {
        const ExprId z = pool.add(num(pool, -p / 2), pool.mul(pool.number(Number::rational(sz, 2)), s));
        const ExprId y = pool.sqrt(z);
        add(pool.sub(shift, y));
        add(pool.add(shift, y));
      }
      return;
    }
  }
  // RootOf(f, k) in RootOf order: the real ones are the first `real` indices.
  std::vector<ExprId> terms;
  mpz_class lcm_den = 1;
  for (const mpq_class& v : c) mpz_lcm(lcm_den.get_mpz_t(), lcm_den.get_mpz_t(), v.get_den_mpz_t());
  for (std::size_t k = 0; k <= d; ++k)
    if (c[k] != 0)
      terms.push_back(pool.mul(num(pool, c[k] * lcm_den), pool.pow(x, pool.integer(static_cast<long>(k)))));
  const ExprId f = pool.add(terms);
  const long n = domain == SolveDomain::Real ? rootof_real_count(pool, f, x) : static_cast<long>(d);
  for (long k = 0; k < n; ++k) out.roots.push_back({rootof_expr(pool, f, x, k), mult, {}});
}

// The real roots of c3*x**3 + c2*x**2 + c1*x + c0 (c3 != 0 in `base`) with symbolic coefficients:
// x = t - b/3 with t**3 + p*t + q = 0 (b = c2/c3, p = c1/c3 - b**2/3, q = 2*b**3/27 - b*c1/(3*c3) +
// c0/c3), D = q**2/4 + p**3/27, under the condition on D that each formula needs:
//   D > 0: one real root, cbrt(-q/2 + sqrt(D)) + cbrt(-q/2 - sqrt(D)) (real cube roots);
//   D = 0: 2*cbrt(-q/2) and -cbrt(-q/2) (twice; all three equal when p = q = 0);
//   D < 0: three real roots 2*sqrt(-p/3)*cos(acos(3*q/(2*p)*sqrt(-3/p))/3 - 2*pi*k/3), k = 0, 1, 2.
void symbolic_cubic(ExprPool& pool, const std::vector<ExprId>& c, long mult, const std::vector<Condition>& base,
                    Collected& out) {
  using R = Condition::Rel;
  const ExprId b = pool.div(c[2], c[3]), c1 = pool.div(c[1], c[3]), c0 = pool.div(c[0], c[3]);
  const ExprId p = cancel_or_keep(pool, pool.sub(c1, pool.div(pool.mul(b, b), pool.integer(3))));
  const ExprId q = cancel_or_keep(
      pool, add_all(pool, {mul_all(pool, {num(pool, mpq_class(2, 27)), pool.pow(b, pool.integer(3))}),
                           mul_all(pool, {num(pool, mpq_class(-1, 3)), b, c1}), c0}));
  const ExprId D = cancel_or_keep(pool, pool.add(pool.div(pool.mul(q, q), pool.integer(4)),
                                                 pool.div(pool.pow(p, pool.integer(3)), pool.integer(27))));
  const ExprId shift = pool.neg(pool.div(b, pool.integer(3)));
  const ExprId half_q = pool.neg(pool.div(q, pool.integer(2)));
  auto cbrt = [&](ExprId e) { return pool.func(Op::Cbrt, e); };
  {  // D > 0
    std::vector<Condition> conds = base;
    if (add_condition(pool, conds, D, R::Gt)) {
      const ExprId s = pool.sqrt(D);
      out.add(pool, add_all(pool, {cbrt(pool.add(half_q, s)), cbrt(pool.sub(half_q, s)), shift}), mult, conds,
              SolveDomain::Real);
    }
  }
  {  // D = 0
    std::vector<Condition> conds = base;
    if (add_condition(pool, conds, D, R::Eq)) {
      const ExprId r = cbrt(half_q);
      out.add(pool, pool.add(pool.mul(pool.integer(2), r), shift), mult, conds, SolveDomain::Real);
      out.add(pool, pool.sub(shift, r), 2 * mult, conds, SolveDomain::Real);
    }
  }
  {  // D < 0 (then p < 0; none when p is 0)
    std::vector<Condition> conds = base;
    if (zero(pool, p) != std::optional<bool>(true) &&
        add_condition(pool, conds, cancel_or_keep(pool, pool.neg(D)), R::Gt)) {
      const ExprId m = pool.mul(pool.integer(2), pool.sqrt(pool.div(pool.neg(p), pool.integer(3))));
      const ExprId arg = mul_all(pool, {pool.integer(3), q, pool.pow(pool.mul(pool.integer(2), p), pool.integer(-1)),
                                        pool.sqrt(pool.div(pool.integer(-3), p))});
      const ExprId phi = pool.div(pool.func(Op::Acos, arg), pool.integer(3));
      for (long k = 0; k < 3; ++k) {
        const ExprId ang = pool.sub(phi, pool.mul(num(pool, mpq_class(2 * k, 3)), pool.constant(Constant::Pi)));
        out.add(pool, pool.add(pool.mul(m, pool.func(Op::Cos, ang)), shift), mult, conds, SolveDomain::Real);
      }
    }
  }
}

// Roots of a polynomial of degree <= 2 with any coefficients, by formula, under the conditions the
// formula needs.
void formula_roots(ExprPool& pool, const std::vector<ExprId>& c, long mult, std::vector<Condition> base,
                   SolveDomain domain, Collected& out, ExprId whole) {
  const std::size_t d = c.size() - 1;
  if (!add_condition(pool, base, c[d], R::Ne)) return;
  if (d == 1) {
    out.add(pool, cancel_or_keep(pool, pool.div(pool.neg(c[0]), c[1])), mult, base, domain);
    return;
  }
  if (d == 3 && domain == SolveDomain::Real) {
    symbolic_cubic(pool, c, mult, base, out);
    return;
  }
  if (d == 4 && zero(pool, c[1]) == std::optional<bool>(true) && zero(pool, c[3]) == std::optional<bool>(true)) {
    // Biquadratic c4 x**4 + c2 x**2 + c0: t = x**2 solves c4 t**2 + c2 t + c0 (real t for a real
    // x), then x**2 = t (t >= 0 for a real x: the quadratic formula's own condition).
    Collected ts;
    formula_roots(pool, {c[0], c[2], c[4]}, 1, base, domain, ts, whole);
    for (Root& t : ts.roots)
      formula_roots(pool, {pool.neg(t.value), pool.integer(0), pool.integer(1)}, mult * t.multiplicity,
                    std::move(t.conditions), domain, out, whole);
    return;
  }
  if (d != 2)
    throw SolveUnsupported("solve: " + text(pool, whole) + " has degree " + std::to_string(d) +
                           " with symbolic coefficients; only degrees 1 and 2 (after factoring), biquadratic quartics, "
                           "and 3 for a real unknown, are solved exactly");
  ExprId disc = pool.sub(pool.mul(c[1], c[1]), mul_all(pool, {pool.integer(4), c[2], c[0]}));
  disc = expand(pool, disc);
  const ExprId two_a = pool.mul(pool.integer(2), c[2]);
  if (zero(pool, disc) == std::optional<bool>(true)) {
    out.add(pool, cancel_or_keep(pool, pool.div(pool.neg(c[1]), two_a)), 2 * mult, base, domain);
    return;
  }
  std::vector<Condition> conds = base;
  if (domain == SolveDomain::Real && !add_condition(pool, conds, disc, R::Ge)) return;
  const ExprId s = sqrt_extract(pool, disc);
  for (ExprId sv : {pool.neg(s), s}) out.add(pool, pool.div(pool.sub(sv, c[1]), two_a), mult, conds, domain);
}

}  // namespace

ExprId rootof_expr(ExprPool& pool, ExprId f, ExprId x, long k) { return root_of(pool, f, x, k); }

ExprId cancel_or_keep(ExprPool& pool, ExprId e) {
  try {
    return cancel(pool, e);
  } catch (const std::exception&) {
    return e;
  }
}

std::vector<Root> roots_of_coeffs(ExprPool& pool, const std::vector<ExprId>& coeffs0, ExprId x, SolveDomain domain,
                                  ExprId whole) {
  (void)whole;
  std::vector<ExprId> coeffs = coeffs0;
  while (coeffs.size() > 1 && zero(pool, coeffs.back()) == std::optional<bool>(true)) coeffs.pop_back();
  Collected out;
  if (coeffs.size() <= 1) {
    if (zero(pool, coeffs[0]) == std::optional<bool>(true))
      throw InvalidArgument("roots: the zero polynomial has every number as a root");
    return {};
  }
  const bool rational = std::all_of(coeffs.begin(), coeffs.end(), [&](ExprId e) { return is_rational_number(pool, e); });
  if (rational) {
    // Factor over Q, then each irreducible factor.
    fmpz_poly_t z;
    fmpz_poly_init(z);
    fmpz_poly_factor_t fac;
    fmpz_poly_factor_init(fac);
    try {
      mpz_class lcm_den = 1;
      for (ExprId e : coeffs) {
        const mpq_class q = pool.node(e).number.to_mpq();
        mpz_lcm(lcm_den.get_mpz_t(), lcm_den.get_mpz_t(), q.get_den_mpz_t());
      }
      poly_detail::Fmpz t;
      for (std::size_t k = 0; k < coeffs.size(); ++k) {
        const mpq_class q = pool.node(coeffs[k]).number.to_mpq() * lcm_den;
        poly_detail::to_fmpz(t.v, q.get_num());
        fmpz_poly_set_coeff_fmpz(z, static_cast<slong>(k), t.v);
      }
      if (fmpz_poly_degree(z) > PolyLimits::max_algorithm_degree)
        throw PolyLimitError("roots: degree " + std::to_string(fmpz_poly_degree(z)) + " is above the limit " +
                             std::to_string(PolyLimits::max_algorithm_degree));
      fmpz_poly_factor(fac, z);
      for (slong i = 0; i < fac->num; ++i) {
        std::vector<mpq_class> c;
        for (slong k = 0; k <= fmpz_poly_degree(fac->p + i); ++k) c.emplace_back(poly_detail::to_mpz(fac->p[i].coeffs + k));
        irreducible_roots(pool, c, x, static_cast<long>(fac->exp[i]), domain, out);
      }
    } catch (...) {
      fmpz_poly_factor_clear(fac);
      fmpz_poly_clear(z);
      throw;
    }
    fmpz_poly_factor_clear(fac);
    fmpz_poly_clear(z);
  } else {
    // Symbolic (or float) coefficients: factor over Q(parameters) when the polynomial layer can.
    std::vector<ExprId> terms;
    for (std::size_t k = 0; k < coeffs.size(); ++k)
      terms.push_back(pool.mul(coeffs[k], pool.pow(x, pool.integer(static_cast<long>(k)))));
    const ExprId p = pool.add(terms);
    std::optional<FactorList> fl;
    try {
      if (pool.node(x).kind == Kind::Symbol) fl = factor_list(pool, p);
    } catch (const InvalidArgument&) {
      // floats: no exact factoring; the formulas below still apply
    }
    if (fl && !fl->factors.empty()) {
      for (const auto& [f, e] : fl->factors) {
        if (!has(pool, f, x)) continue;  // a factor of the parameters alone: see docs (generic solutions)
        auto pi = poly_in(pool, f, x, x);
        if (!pi) throw SolveUnsupported("solve: " + text(pool, f) + " is not a polynomial in " + text(pool, x));
        std::vector<ExprId> fc = pi->coeffs;
        const bool frational =
            std::all_of(fc.begin(), fc.end(), [&](ExprId v) { return is_rational_number(pool, v); });
        if (frational) {
          for (Root& r : roots_of_coeffs(pool, fc, x, domain, f)) out.add(pool, r.value, r.multiplicity * e, r.conditions, domain);
        } else {
          formula_roots(pool, fc, e, {}, domain, out, f);
        }
      }
    } else {
      formula_roots(pool, coeffs, 1, {}, domain, out, p);
    }
  }
  // Order: numeric roots real first (increasing), then by real and imaginary part; symbolic ones
  // after them in the order found.
  struct Key {
    int cls;
    double re, im;
  };
  std::vector<std::pair<Key, Root>> keyed;
  for (Root& r : out.roots) {
    Key k{2, 0, 0};
    try {
      if (free_symbols(pool, r.value).empty()) {
        const Evalf v = evalf(pool, r.value, 17);
        k = {v.real ? 0 : 1, v.re_double, v.real ? 0.0 : v.im_double};
      }
    } catch (const std::exception&) {
    }
    keyed.emplace_back(k, std::move(r));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    if (a.first.cls != b.first.cls) return a.first.cls < b.first.cls;
    if (a.first.cls == 2) return false;
    if (a.first.re != b.first.re) return a.first.re < b.first.re;
    return a.first.im < b.first.im;
  });
  std::vector<Root> result;
  for (auto& [k, r] : keyed) result.push_back(std::move(r));
  return result;
}

}  // namespace solve_detail

std::vector<Root> roots(ExprPool& pool, ExprId p, ExprId x, SolveDomain domain) {
  using namespace solve_detail;
  const Node& xn = pool.node(x);
  if (xn.kind == Kind::Number || xn.kind == Kind::Add || xn.kind == Kind::Mul)
    throw InvalidArgument("roots: the variable must be a symbol or an atom such as exp(x), got " + text(pool, x));
  auto pi = poly_in(pool, p, x, x);
  if (!pi || has(pool, pi->den, x))
    throw InvalidArgument("roots: " + text(pool, p) + " is not a polynomial in " + text(pool, x));
  std::vector<Root> out = roots_of_coeffs(pool, pi->coeffs, x, domain, p);
  if (!is_rational_number(pool, pi->den))
    for (Root& r : out) add_condition(pool, r.conditions, pi->den, Condition::Rel::Ne);
  return out;
}

}  // namespace alkahest
