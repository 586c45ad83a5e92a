// Partial fractions where rational.cpp does not apply, then term-by-term integration:
//   parametric   rational functions of x whose coefficients involve other symbols: the
//                denominator factored over Q(params) (FLINT's multivariate factoring), the
//                numerators of the fractions found by a linear solve (coefficients compared);
//   radicals     rational functions over Q whose denominator has irreducible factors
//                a x**3 + c or a x**4 + b x**2 + c: factored over the reals with radical
//                coefficients (x**4 + 1 = (x**2 + sqrt(2) x + 1)(x**2 - sqrt(2) x + 1)), then the same.
// Each fraction p(x)/F(x)**j is integrated by the table and the quadratic forms.
#include <cmath>

#include "alkahest/evalf.hpp"
#include "alkahest/matrix.hpp"
#include "alkahest/poly.hpp"
#include "integrate/integrator.hpp"

namespace alkahest::integrate_detail {

std::optional<std::vector<ExprId>> solve_columns(ExprPool& pool, const std::vector<std::vector<ExprId>>& cols,
                                                 const std::vector<ExprId>& rhs) {
  const std::size_t nu = cols.size();
  std::size_t rows = rhs.size();
  for (const auto& c : cols) rows = std::max(rows, c.size());
  std::vector<ExprId> a(rows * (nu + 1), pool.integer(0));
  for (std::size_t j = 0; j < nu; ++j)
    for (std::size_t r = 0; r < cols[j].size(); ++r) a[r * (nu + 1) + j] = cols[j][r];
  for (std::size_t r = 0; r < rhs.size(); ++r) a[r * (nu + 1) + nu] = rhs[r];
  const RrefResult rr = rref(Matrix(pool, rows, nu + 1, a));
  std::vector<ExprId> sol(nu, pool.integer(0));
  for (std::size_t r = 0; r < rr.pivots.size(); ++r) {
    if (rr.pivots[r] == nu) return std::nullopt;
    sol[rr.pivots[r]] = rr.matrix(r, nu);
  }
  return sol;
}

std::pair<ExprId, ExprId> num_den(ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  std::vector<ExprId> fs = n.kind == Kind::Mul ? n.args : ArgVector{e};
  std::vector<ExprId> num, den;
  for (ExprId f : fs) {
    const Node& fn_ = pool.node(f);
    if (fn_.kind == Kind::Pow) {
      const Node& k = pool.node(fn_.args[1]);
      if (k.kind == Kind::Number && k.number.is_integer() && k.number.sign() < 0) {
        den.push_back(pool.pow(fn_.args[0], pool.number(-k.number)));
        continue;
      }
    }
    num.push_back(f);
  }
  return {pool.mul(num), pool.mul(den)};
}

// sum_i sum_{j<=k_i} p_ij(x)/F_i**j = R/(lc * prod F_i**k_i), deg R < deg of the product; the p_ij
// by a linear solve. Then each fraction integrated.
static Opt fractions_and_integrate(Integrator& in, ExprId R, ExprId lc, const std::vector<std::pair<ExprId, long>>& F,
                                   ExprId x) {
  ExprPool& pool = in.pool;
  long n = 0;
  std::vector<long> deg;
  for (const auto& [f, k] : F) {
    auto c = in.poly_coeffs(f, x, 8);
    if (!c || c->size() < 2) return std::nullopt;
    deg.push_back(static_cast<long>(c->size()) - 1);
    n += deg.back() * k;
  }
  if (n > 10) return std::nullopt;
  // Unknown columns: for factor i, power j, x**l (l < deg_i): the polynomial lc * prod/F_i**j * x**l.
  std::vector<std::vector<ExprId>> cols;
  struct Slot {
    std::size_t i;
    long j, l;
  };
  std::vector<Slot> slots;
  for (std::size_t i = 0; i < F.size(); ++i) {
    for (long j = 1; j <= F[i].second; ++j) {
      std::vector<ExprId> fs{lc};
      for (std::size_t m = 0; m < F.size(); ++m) {
        const long p = m == i ? F[m].second - j : F[m].second;
        if (p > 0) fs.push_back(pool.pow(F[m].first, pool.integer(p)));
      }
      const ExprId cof = expand(pool, pool.mul(fs));
      for (long l = 0; l < deg[i]; ++l) {
        auto c = in.poly_coeffs(pool.mul(cof, pool.pow(x, pool.integer(l))), x, 16);
        if (!c) return std::nullopt;
        c->resize(static_cast<std::size_t>(n), pool.integer(0));
        cols.push_back(*c);
        slots.push_back({i, j, l});
      }
    }
  }
  auto rc = in.poly_coeffs(R, x, 16);
  if (!rc || static_cast<long>(rc->size()) > n) return std::nullopt;
  rc->resize(static_cast<std::size_t>(n), pool.integer(0));
  std::vector<ExprId> a(static_cast<std::size_t>(n * n));
  for (long r = 0; r < n; ++r)
    for (long c = 0; c < n; ++c) a[static_cast<std::size_t>(r * n + c)] = cols[static_cast<std::size_t>(c)][static_cast<std::size_t>(r)];
  const Matrix sol = solve(Matrix(pool, static_cast<std::size_t>(n), static_cast<std::size_t>(n), a),
                           Matrix(pool, static_cast<std::size_t>(n), 1, *rc));
  // Numerators, then the integrals.
  std::vector<ExprId> terms;
  for (std::size_t i = 0; i < F.size(); ++i) {
    for (long j = 1; j <= F[i].second; ++j) {
      std::vector<ExprId> p;
      for (std::size_t s = 0; s < slots.size(); ++s)
        if (slots[s].i == i && slots[s].j == j)
          p.push_back(pool.mul(cancel(pool, sol(s, 0)), pool.pow(x, pool.integer(slots[s].l))));
      const ExprId num = pool.add(p);
      if (num == pool.integer(0)) continue;
      Opt r = in.integrate(pool.div(num, pool.pow(F[i].first, pool.integer(j))), x);
      if (!r) return std::nullopt;
      terms.push_back(*r);
    }
  }
  return pool.add(terms);
}

Opt Integrator::rational_parametric(ExprId f, ExprId x) {
  const ExprId c = cancel(pool, f);
  auto [num, den] = num_den(pool, c);
  if (!has(den, x)) return std::nullopt;
  auto nc = poly_coeffs(num, x, 16);
  auto dc = poly_coeffs(den, x, 10);
  if (!nc || !dc || dc->size() < 2) return std::nullopt;
  // Division over Q(params): num = q*den + r.
  std::vector<ExprId> r = *nc, q;
  const std::size_t dd = dc->size() - 1;
  std::vector<ExprId> terms;
  if (r.size() > dd) {
    q.assign(r.size() - dd, pool.integer(0));
    for (std::size_t k = r.size(); k-- > dd;) {
      const ExprId t = cancel(pool, div(r[k], dc->back()));
      q[k - dd] = t;
      for (std::size_t m = 0; m <= dd; ++m) r[k - dd + m] = cancel(pool, sub(r[k - dd + m], mul(t, (*dc)[m])));
    }
    r.resize(dd);
    std::vector<ExprId> qt;
    for (std::size_t k = 0; k < q.size(); ++k)
      qt.push_back(div(mul(q[k], pool.pow(x, pool.integer(static_cast<long>(k + 1)))), pool.integer(static_cast<long>(k + 1))));
    terms.push_back(pool.add(qt));
  }
  std::vector<ExprId> rt;
  for (std::size_t k = 0; k < r.size(); ++k) rt.push_back(mul(r[k], pool.pow(x, pool.integer(static_cast<long>(k)))));
  const ExprId R = pool.add(rt);
  if (R != pool.integer(0)) {
    const FactorList fl = factor_list(pool, den);
    std::vector<ExprId> consts{pool.number(fl.coeff)};
    std::vector<std::pair<ExprId, long>> F;
    for (const auto& [b, k] : fl.factors) {
      if (has(b, x)) F.push_back({b, k});
      else consts.push_back(pool.pow(b, pool.integer(k)));
    }
    // Binomial cubics c3 x**3 + c0 with symbolic coefficients, split by a cube root:
    // c3 (x + k)(x**2 - k x + k**2), k = (c0/c3)**(1/3) (k = -(-c0/c3)**(1/3) when -c0/c3 looks
    // positive, so that k is real there). The fractions are found with a symbol K for k (an
    // identity in K, so it holds at K = k; the linear algebra cannot prove a**(1/3) != 0).
    std::vector<std::pair<ExprId, ExprId>> roots;
    for (std::size_t i = 0; i < F.size(); ++i) {
      auto bc = poly_coeffs(F[i].first, x, 3);
      if (!bc || bc->size() != 4 || (*bc)[1] != pool.integer(0) || (*bc)[2] != pool.integer(0)) continue;
      if (pool.is_number((*bc)[0]) && pool.is_number((*bc)[3])) continue;  // rational_radicals
      const ExprId ratio = cancel(pool, div((*bc)[0], (*bc)[3]));
      const Node& rn = pool.node(ratio);
      const bool neg = (rn.kind == Kind::Number && rn.number.is_negative()) ||
                       (rn.kind == Kind::Mul && pool.is_number(rn.args[0]) && pool.node(rn.args[0]).number.is_negative());
      const ExprId third = pool.number(Number::rational(1, 3));
      const ExprId k = neg ? pool.neg(pool.pow(pool.neg(ratio), third)) : pool.pow(ratio, third);
      const ExprId K = fresh();
      roots.push_back({K, k});
      const long mult = F[i].second;
      consts.push_back(pool.pow((*bc)[3], pool.integer(mult)));
      F[i] = {add(x, K), mult};
      F.push_back({add(sub(pw(x, 2), mul(K, x)), pw(K, 2)), mult});
    }
    Opt part;
    if (F.size() == 1 && F[0].second == 1) {
      // One irreducible factor: the quadratic forms (or nothing).
      part = quadratic_forms(div(R, den), x);
    } else {
      part = fractions_and_integrate(*this, R, pool.mul(consts), F, x);
    }
    if (!part) return std::nullopt;
    for (const auto& [K, k] : roots) part = sb(*part, K, k);
    terms.push_back(*part);
  }
  return pool.add(terms);
}

Opt Integrator::rational_radicals(ExprId f, ExprId x) {
  // Over Q only (parameters: rational_parametric).
  for (ExprId s : free_symbols(pool, f))
    if (s != x) return std::nullopt;
  const ExprId c = cancel(pool, f);
  auto [num, den] = num_den(pool, c);
  auto nc = poly_coeffs(num, x, 40);
  auto dc = poly_coeffs(den, x, 10);
  if (!nc || !dc || dc->size() < 4 || nc->size() >= dc->size()) return std::nullopt;
  const FactorList fl = factor_list(pool, den);
  std::vector<std::pair<ExprId, long>> F;
  bool special = false;
  std::vector<ExprId> lc_extra;
  for (const auto& [b, k] : fl.factors) {
    auto bc = poly_coeffs(b, x, 10);
    if (!bc) return std::nullopt;
    const std::size_t d = bc->size() - 1;
    if (d <= 2) {
      F.push_back({b, k});
      continue;
    }
    if (k != 1) return std::nullopt;
    auto numv = [&](std::size_t i) { return pool.node((*bc)[i]).number; };
    for (std::size_t i = 0; i < bc->size(); ++i)
      if (!pool.is_number((*bc)[i])) return std::nullopt;
    if (d == 3 && numv(1).is_zero() && numv(2).is_zero()) {
      // a x^3 + c = a (x - r)(x^2 + r x + r^2), r the real cube root of -c/a.
      const Number ratio = Number(0L) - numv(0) / numv(3);
      const ExprId cube = pool.pow(pool.number(ratio.abs()), pool.number(Number::rational(1, 3)));
      const ExprId r = ratio.is_negative() ? pool.neg(cube) : cube;
      F.push_back({sub(x, r), 1});
      F.push_back({add(add(pw(x, 2), mul(r, x)), pw(r, 2)), 1});
      special = true;
      lc_extra.push_back(pool.number(numv(3)));  // b = a (x - r)(x^2 + r x + r^2)
      continue;
    }
    if (d == 4 && !numv(1).is_zero() && Number::compare(numv(4), numv(0)) == 0 &&
        Number::compare(numv(3), numv(1)) == 0) {
      // Palindromic: a (x**2 + p1 x + 1)(x**2 + p2 x + 1), p1 + p2 = b/a, p1 p2 = c/a - 2.
      const Number a = numv(4), b = numv(3) / a, cc = numv(2) / a;
      const Number disc = b * b - Number(4L) * (cc - Number(2L));
      if (disc.sign() <= 0) return std::nullopt;
      lc_extra.push_back(pool.number(a));
      special = true;
      const ExprId sd = pool.sqrt(pool.number(disc));
      for (int sg : {1, -1}) {
        const ExprId p = div(add(pool.number(b), mul(pool.integer(sg), sd)), pool.integer(2));
        F.push_back({add(add(pw(x, 2), mul(p, x)), pool.integer(1)), 1});
      }
      continue;
    }
    if (d == 4 && numv(1).is_zero() && numv(3).is_zero()) {
      const Number a = numv(4), p = numv(2) / a, qq = numv(0) / a;
      const Number disc = p * p - Number(4L) * qq;
      lc_extra.push_back(pool.number(a));
      special = true;
      if (disc.sign() > 0) {
        const ExprId sd = pool.sqrt(pool.number(disc));
        for (int sg : {1, -1}) {
          const ExprId y = div(add(pool.number(Number(0L) - p), mul(pool.integer(sg), sd)), pool.integer(2));
          F.push_back({sub(pw(x, 2), y), 1});
        }
      } else {
        const ExprId m = pool.sqrt(pool.number(qq));
        const ExprId s = pool.sqrt(sub(mul(pool.integer(2), m), pool.number(p)));
        F.push_back({add(add(pw(x, 2), mul(s, x)), m), 1});
        F.push_back({add(sub(pw(x, 2), mul(s, x)), m), 1});
      }
      continue;
    }
    return std::nullopt;
  }
  if (!special) return std::nullopt;
  std::vector<ExprId> lcs{pool.number(fl.coeff)};
  for (ExprId e : lc_extra) lcs.push_back(e);
  return fractions_and_integrate(*this, num, pool.mul(lcs), F, x);
}

}  // namespace alkahest::integrate_detail
