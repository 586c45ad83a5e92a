// Summation by antidifferences: sum_{k=a}^{b} t(k) = T(b+1) - T(a) with T(k+1) - T(k) = t(k).
//   polynomial p(k)          T a polynomial of one degree more, coefficients top-down;
//   p(k) * r**k              T = q(k) r**k with r q(k+1) - q(k) = p(k), deg q = deg p (r != 1);
//   rational over Q          partial fractions (apart); terms c/(k + b) whose shifts b differ by
//                            integers telescope when their c add up to 0:
//                            1/(k + b + m) = 1/(k + b) + Delta(sum_{j<m} 1/(k + b + j)).
// Every antidifference is checked at random integer points before it is used.
#include <complex>
#include <map>
#include <random>

#include "alkahest/calculus.hpp"
#include "alkahest/evalf.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/sum.hpp"

namespace alkahest {

namespace {

bool has(const ExprPool& pool, ExprId e, ExprId k) {
  for (ExprId s : free_symbols(pool, e))
    if (s == k) return true;
  return false;
}

// e as a polynomial in k with coefficients free of k (by degree), or nullopt.
std::optional<std::vector<ExprId>> coeffs(ExprPool& pool, ExprId e, ExprId k, long max_degree = 40) {
  try {
    auto c = coefficients_in(pool, e, k, max_degree);
    if (c && c->empty()) c->push_back(pool.integer(0));  // the zero polynomial: one coefficient
    return c;
  } catch (const PolyLimitError&) {
    return std::nullopt;
  }
}

mpz_class binom(long n, long m) {
  mpz_class r;
  mpz_bin_uiui(r.get_mpz_t(), static_cast<unsigned long>(n), static_cast<unsigned long>(m));
  return r;
}

ExprId shift(ExprPool& pool, ExprId e, ExprId k, long by) {
  return subs(pool, e, {{k, pool.add(k, pool.integer(by))}});
}

// T(k+1) - T(k) == t at random integer points (and random values of other symbols).
bool check(ExprPool& pool, ExprId T, ExprId t, ExprId k) {
  const ExprId diff = pool.sub(shift(pool, T, k, 1), T);
  std::vector<ExprId> params;
  for (ExprId s : free_symbols(pool, pool.add(T, t)))
    if (s != k) params.push_back(s);
  std::mt19937_64 rng(pool.node(t).hash);
  int good = 0;
  for (int tries = 0; tries < 24 && good < 4; ++tries) {
    std::unordered_map<ExprId, ExprId> at{{k, pool.integer(static_cast<long>(rng() % 40) + 3)}};
    for (ExprId p : params) at[p] = pool.number(Number::rational(static_cast<long>(rng() % 2000) + 1100, 1000));
    try {
      const Evalf a = evalf(pool, subs(pool, diff, at), 20);
      const Evalf b = evalf(pool, subs(pool, t, at), 20);
      const std::complex<double> za(a.re_double, a.im_double), zb(b.re_double, b.im_double);
      if (std::abs(za - zb) > 1e-9 * (1 + std::abs(zb))) return false;
      ++good;
    } catch (const std::exception&) {
    }
  }
  return good >= 2;
}

std::optional<ExprId> polynomial_geometric(ExprPool& pool, ExprId term, ExprId k, bool* geometric, ExprId* ratio) {
  // Split off r**k: factors c**(alpha k + beta) and exp(alpha k + beta).
  const Node& n = pool.node(term);
  std::vector<ExprId> fs = n.kind == Kind::Mul ? n.args : ArgVector{term};
  std::vector<ExprId> rs, consts, poly;
  for (ExprId f : fs) {
    const Node& fn_ = pool.node(f);
    ExprId base = 0, ex = 0;
    if (fn_.kind == Kind::Pow && !has(pool, fn_.args[0], k) && has(pool, fn_.args[1], k)) {
      base = fn_.args[0];
      ex = fn_.args[1];
    } else if (fn_.kind == Kind::Func && fn_.op == Op::Exp && has(pool, f, k)) {
      base = pool.constant(Constant::E);
      ex = fn_.args[0];
    }
    if (base) {
      auto c = coeffs(pool, ex, k, 1);
      if (!c || c->size() != 2) return std::nullopt;
      rs.push_back(base == pool.constant(Constant::E) ? pool.func(Op::Exp, (*c)[1]) : pool.pow(base, (*c)[1]));
      consts.push_back(base == pool.constant(Constant::E) ? pool.func(Op::Exp, (*c)[0]) : pool.pow(base, (*c)[0]));
      continue;
    }
    poly.push_back(f);
  }
  auto p = coeffs(pool, pool.mul(poly), k);
  if (!p) return std::nullopt;
  const ExprId r = pool.mul(rs), C = pool.mul(consts);
  *geometric = !rs.empty();
  *ratio = r;
  const long d = static_cast<long>(p->size()) - 1;
  if (rs.empty() || r == pool.integer(1)) {
    // T = sum_{j=1}^{d+1} c_j k^j; coefficient of k^m in T(k+1) - T(k): sum_{j>m} c_j C(j, m).
    std::vector<ExprId> c(static_cast<std::size_t>(d + 2), pool.integer(0));
    for (long m = d; m >= 0; --m) {
      std::vector<ExprId> known;
      for (long j = m + 2; j <= d + 1; ++j)
        known.push_back(pool.mul(pool.number(Number(binom(j, m))), c[static_cast<std::size_t>(j)]));
      c[static_cast<std::size_t>(m + 1)] =
          pool.div(pool.sub((*p)[static_cast<std::size_t>(m)], pool.add(known)), pool.integer(m + 1));
    }
    std::vector<ExprId> T;
    for (long j = 1; j <= d + 1; ++j) T.push_back(pool.mul(c[static_cast<std::size_t>(j)], pool.pow(k, pool.integer(j))));
    return pool.mul(C, pool.mul(pool.add(T), rs.empty() ? pool.integer(1) : pool.pow(r, k)));
  }
  // r q(k+1) - q(k) = p(k): coefficient of k^m: (r - 1) q_m + r sum_{j>m} q_j C(j, m) = p_m.
  std::vector<ExprId> q(static_cast<std::size_t>(d + 1), pool.integer(0));
  const ExprId rm1 = pool.sub(r, pool.integer(1));
  for (long m = d; m >= 0; --m) {
    std::vector<ExprId> known;
    for (long j = m + 1; j <= d; ++j)
      known.push_back(pool.mul(pool.number(Number(binom(j, m))), q[static_cast<std::size_t>(j)]));
    q[static_cast<std::size_t>(m)] =
        cancel(pool, pool.div(pool.sub((*p)[static_cast<std::size_t>(m)], pool.mul(r, pool.add(known))), rm1));
  }
  std::vector<ExprId> Q;
  for (long j = 0; j <= d; ++j) Q.push_back(pool.mul(q[static_cast<std::size_t>(j)], pool.pow(k, pool.integer(j))));
  return pool.mul(C, pool.mul(pool.add(Q), pool.pow(r, k)));
}

std::optional<ExprId> telescoping(ExprPool& pool, ExprId term, ExprId k) {
  for (ExprId s : free_symbols(pool, term))
    if (s != k) return std::nullopt;
  const ExprId pf = apart(pool, term, k);
  const Node& n = pool.node(pf);
  std::vector<ExprId> terms = n.kind == Kind::Add ? n.args : ArgVector{pf};
  // Groups by the class of the shift mod 1: (shift, coefficient) of c/(k + shift).
  std::map<mpq_class, std::vector<std::pair<mpq_class, mpq_class>>> groups;
  std::vector<ExprId> poly;
  for (ExprId t : terms) {
    if (!has(pool, t, k)) {
      poly.push_back(t);
      continue;
    }
    auto [c, rest] = pool.as_coeff_term(t);
    auto [b, e] = pool.as_base_exp(rest);
    if (e != pool.integer(-1)) {
      if (coeffs(pool, t, k)) {
        poly.push_back(t);
        continue;
      }
      return std::nullopt;  // a repeated factor: no rational antidifference from this rule
    }
    auto lin = coeffs(pool, b, k, 1);
    if (!lin || lin->size() != 2 || !pool.is_number((*lin)[0]) || !pool.is_number((*lin)[1]) || !c.is_exact())
      return std::nullopt;
    const mpq_class a = pool.node((*lin)[1]).number.to_mpq(), b0 = pool.node((*lin)[0]).number.to_mpq();
    const mpq_class sh = b0 / a, coef = c.to_mpq() / a;
    mpq_class cls = sh - mpq_class(mpz_class(mpz_class(sh.get_num() - (sh.get_num() % sh.get_den() + sh.get_den()) % sh.get_den()) / sh.get_den()));
    cls.canonicalize();
    groups[cls].push_back({sh, coef});
  }
  std::vector<ExprId> T;
  if (!poly.empty()) {
    bool g = false;
    ExprId r = 0;
    auto P = polynomial_geometric(pool, pool.add(poly), k, &g, &r);
    if (!P) return std::nullopt;
    T.push_back(*P);
  }
  for (auto& [cls, items] : groups) {
    mpq_class total = 0, base = items[0].first;
    for (auto& [sh, c] : items) {
      total += c;
      if (sh < base) base = sh;
    }
    if (total != 0) return std::nullopt;  // a digamma/harmonic part remains
    for (auto& [sh, c] : items) {
      const mpq_class m = sh - base;  // integer
      if (m.get_den() != 1 || m > 1000) return std::nullopt;
      const long mi = m.get_num().get_si();
      for (long j = 0; j < mi; ++j)
        T.push_back(pool.mul(pool.number(Number(c)),
                             pool.pow(pool.add(k, pool.number(Number(mpq_class(base + j)))), pool.integer(-1))));
    }
  }
  return pool.add(T);
}

// A rational result (no functions, no symbolic exponents) factored: n*(n + 1)/2.
ExprId tidy(ExprPool& pool, ExprId r) {
  std::vector<ExprId> stack{r};
  while (!stack.empty()) {
    const Node& n = pool.node(stack.back());
    stack.pop_back();
    if (n.kind == Kind::Func) return r;
    if (n.kind == Kind::Pow && !pool.is_number(n.args[1])) return r;
    for (ExprId a : n.args) stack.push_back(a);
  }
  try {
    return factor(pool, cancel(pool, r));
  } catch (const std::exception&) {
    return r;
  }
}

}  // namespace

std::optional<ExprId> antidifference(ExprPool& pool, ExprId term, ExprId k) {
  if (pool.node(k).kind != Kind::Symbol) throw InvalidArgument("summation: the index must be a symbol");
  std::optional<ExprId> T;
  try {
    bool g = false;
    ExprId r = 0;
    T = polynomial_geometric(pool, term, k, &g, &r);
    if (!T) T = telescoping(pool, term, k);
  } catch (const std::exception&) {
    T = std::nullopt;
  }
  if (T && !check(pool, *T, term, k)) T = std::nullopt;
  return T;
}

std::optional<ExprId> summation(ExprPool& pool, ExprId term, ExprId k, ExprId a, ExprId b) {
  auto T = antidifference(pool, term, k);
  if (!T) return std::nullopt;
  const ExprId lower = subs(pool, *T, {{k, a}});
  if (pool.is_constant(b, Constant::Infinity)) {
    // T(oo) must be 0: a geometric T with |r| < 1, or a rational T of negative degree.
    try {
      bool geometric = false;
      ExprId r = 0;
      if (polynomial_geometric(pool, term, k, &geometric, &r)) {
        if (!geometric || !free_symbols(pool, r).empty()) return std::nullopt;
        const Evalf v = evalf(pool, r, 30);
        const double m = std::abs(std::complex<double>(v.re_double, v.im_double));
        if (!(m < 1 - 1e-9)) return std::nullopt;
      } else {
        const ExprId c = cancel(pool, *T);
        const Node& cn = pool.node(c);
        std::vector<ExprId> fs = cn.kind == Kind::Mul ? cn.args : ArgVector{c};
        std::vector<ExprId> num, den;
        for (ExprId f : fs) {
          auto [base, e] = pool.as_base_exp(f);
          const Node& en = pool.node(e);
          if (en.kind == Kind::Number && en.number.is_integer() && en.number.sign() < 0)
            den.push_back(pool.pow(base, pool.number(-en.number)));
          else
            num.push_back(f);
        }
        auto nc = coeffs(pool, pool.mul(num), k), dc = coeffs(pool, pool.mul(den), k);
        if (!nc || !dc || nc->size() >= dc->size()) return std::nullopt;
      }
    } catch (const std::exception&) {
      return std::nullopt;
    }
    return tidy(pool, pool.neg(lower));
  }
  const ExprId upper = subs(pool, *T, {{k, pool.add(b, pool.integer(1))}});
  return tidy(pool, pool.sub(upper, lower));
}

}  // namespace alkahest
