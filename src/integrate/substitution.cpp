// Substitutions u = u(x) that turn the integrand into g(U) dU:
//   derivative-divides  f = g(u(x)) u'(x) for u a subexpression of f (with the rewrites
//                       cos**2 = 1 - sin**2 and friends, exp(k g) = exp(g)**k, x**(m k) = ((u - c)/a)**m);
//   linear              f = g(a x + b);
//   radicals            f rational in x and (a x + b)**(1/n): U = (a x + b)**(1/N);
//   Euler               f rational in x and sqrt(A x**2 + B x + C) with rational A, B, C;
//   exponentials        f rational in exp(s x) (also sinh, cosh, tanh);
//   tangent             f rational in sin(g), cos(g) and even: U = tan(g);
//   Weierstrass         f rational in sin(g), cos(g), tan(g): U = tan(g/2).
#include <functional>
#include <numeric>
#include <unordered_set>

#include "alkahest/rebuild.hpp"
#include "alkahest/poly.hpp"
#include "integrate/integrator.hpp"

namespace alkahest::integrate_detail {

namespace {

// Rebuilds e bottom-up; `rule(id)` may replace a node (then its children are not visited).
ExprId rebuild(ExprPool& pool, ExprId e, const std::function<std::optional<ExprId>(ExprId)>& rule,
               std::unordered_map<ExprId, ExprId>& memo) {
  if (auto it = memo.find(e); it != memo.end()) return it->second;
  ExprId out = e;
  if (auto r = rule(e)) {
    out = *r;
  } else {
    const Node& n = pool.node(e);
    if (!n.args.empty()) {
      std::vector<ExprId> args;
      bool changed = false;
      const std::vector<ExprId> old = n.args;
      const Kind kind = n.kind;
      const Op op = n.op;
      for (ExprId a : old) {
        args.push_back(rebuild(pool, a, rule, memo));
        changed = changed || args.back() != a;
      }
      if (changed) out = with_args(pool, kind, op, e, args);
    }
  }
  memo.emplace(e, out);
  return out;
}

std::optional<Number> number_of(const ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  if (n.kind != Kind::Number || !n.number.is_exact()) return std::nullopt;
  return n.number;
}

std::optional<long> int_of(const ExprPool& pool, ExprId e) {
  auto v = number_of(pool, e);
  if (!v || !v->is_integer() || !v->fits_long()) return std::nullopt;
  return v->integer().get_si();
}

// Distinct nodes of e (post-order).
std::vector<ExprId> nodes_of(const ExprPool& pool, ExprId e) {
  std::vector<ExprId> out;
  std::unordered_set<ExprId> seen;
  std::vector<ExprId> stack{e};
  while (!stack.empty()) {
    ExprId id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    out.push_back(id);
    for (ExprId a : pool.node(id).args) stack.push_back(a);
  }
  return out;
}

bool is_trig(const Node& n) {
  return n.kind == Kind::Func && (n.op == Op::Sin || n.op == Op::Cos || n.op == Op::Tan);
}

}  // namespace

ExprId rebuild(ExprPool& pool, ExprId e, const std::function<std::optional<ExprId>(ExprId)>& rule) {
  std::unordered_map<ExprId, ExprId> memo;
  return rebuild(pool, e, rule, memo);
}

Opt Integrator::derivative_divides(ExprId f, ExprId x) {
  // Candidates: functions, their arguments, powers and their bases that contain x.
  std::vector<ExprId> cands;
  std::unordered_set<ExprId> seen;
  auto add_cand = [&](ExprId c) {
    if (c == x || c == f || !has(c, x) || !seen.insert(c).second) return;
    if (linear(c, x)) return;  // linear_substitution
    cands.push_back(c);
  };
  for (ExprId id : nodes_of(pool, f)) {
    const Node& n = pool.node(id);
    if (n.kind == Kind::Func) {
      add_cand(id);
      for (ExprId a : n.args) add_cand(a);
    } else if (n.kind == Kind::Pow) {
      if (n.args[0] == x) {
        // x**k: the candidates x**d for the divisors d of k (x/sqrt(1 - x**4): u = x**2).
        if (auto k = int_of(pool, n.args[1]); k && *k >= 2 && *k <= 64) {
          add_cand(id);
          for (long dv = 2; dv < *k; ++dv)
            if (*k % dv == 0) add_cand(pool.pow(x, pool.integer(dv)));
        }
      }
      if (!has(n.args[1], x)) {
        add_cand(n.args[0]);
        const auto k = number_of(pool, n.args[1]);
        if (k && !k->is_integer()) add_cand(id);
      }
    }
  }
  std::stable_sort(cands.begin(), cands.end(),
                   [&](ExprId a, ExprId b) { return pool.node(a).depth > pool.node(b).depth; });
  if (cands.size() > 14) cands.resize(14);
  for (ExprId u : cands) {
    if (out_of_budget()) return std::nullopt;
    Opt r = attempt([&]() -> Opt {
      const ExprId du = d(u, x);
      if (du == pool.integer(0)) return std::nullopt;
      const ExprId U = fresh();
      const Node& un = pool.node(u);
      // Shape of u for the extra rewrites.
      std::optional<Number> uk;  // u = ub**uk
      ExprId ub = 0;
      if (un.kind == Kind::Pow) {
        ub = un.args[0];
        uk = number_of(pool, un.args[1]);
      }
      // u = a*x**k + c (k >= 2): x**(m k) = ((U - c)/a)**m.
      std::optional<std::pair<long, std::pair<ExprId, ExprId>>> monomial;
      if (auto pc = poly_coeffs(u, x, 32)) {
        long k = -1;
        bool ok = true;
        for (std::size_t i = 1; i < pc->size(); ++i)
          if ((*pc)[i] != pool.integer(0)) {
            if (k >= 0) ok = false;
            k = static_cast<long>(i);
          }
        if (ok && k >= 2) monomial = {k, {(*pc)[static_cast<std::size_t>(k)], (*pc)[0]}};
      }
      // u = (a x + b)**(1/n): x = (U**n - b)/a.
      std::optional<std::pair<long, std::pair<ExprId, ExprId>>> root;
      if (ub && uk && uk->is_rational() && uk->rational().get_num() == 1)
        if (auto lin = linear(ub, x)) root = {uk->rational().get_den().get_si(), *lin};
      auto rule = [&](ExprId id) -> std::optional<ExprId> {
        if (id == u) return U;
        const Node& n = pool.node(id);
        if (ub && uk && n.kind == Kind::Pow && n.args[0] == ub) {
          if (auto m = number_of(pool, n.args[1])) {
            const Number q = *m / *uk;
            if (q.is_integer()) return pool.pow(U, pool.number(q));
          }
        }
        if (ub && uk && id == ub) {
          const Number q = Number(1L) / *uk;
          if (q.is_integer()) return pool.pow(U, pool.number(q));
        }
        if (un.kind == Kind::Func && un.op == Op::Exp && n.kind == Kind::Func && n.op == Op::Exp) {
          if (auto c = int_of(pool, pool.div(n.args[0], un.args[0]))) return pool.pow(U, pool.integer(*c));
        }
        if (un.kind == Kind::Func && n.kind == Kind::Pow && pool.node(n.args[0]).kind == Kind::Func &&
            pool.node(n.args[0]).args[0] == un.args[0]) {
          const Op bo = pool.node(n.args[0]).op;
          auto k = int_of(pool, n.args[1]);
          if (k && *k % 2 == 0) {
            const ExprId U2 = pw(U, 2), one = pool.integer(1);
            ExprId base = 0;
            if (un.op == Op::Sin && bo == Op::Cos) base = sub(one, U2);
            if (un.op == Op::Cos && bo == Op::Sin) base = sub(one, U2);
            if (un.op == Op::Tan && bo == Op::Cos && *k < 0) return pool.pow(add(one, U2), pool.integer(-*k / 2));
            if (un.op == Op::Sinh && bo == Op::Cosh) base = add(one, U2);
            if (un.op == Op::Cosh && bo == Op::Sinh) base = sub(U2, one);
            if (base) return pool.pow(base, pool.integer(*k / 2));
          }
        }
        if (monomial) {
          const auto& [k, ac] = *monomial;
          long m = 0;
          if (id == x) m = 1;
          else if (n.kind == Kind::Pow && n.args[0] == x) {
            if (auto mm = int_of(pool, n.args[1])) m = *mm;
          }
          if (m != 0 && m % k == 0) return pool.pow(div(sub(U, ac.second), ac.first), pool.integer(m / k));
        }
        if (un.kind == Kind::Func && un.op == Op::Log && id == x) {
          if (auto lin = linear(un.args[0], x)) return div(sub(fn(Op::Exp, U), lin->second), lin->first);
        }
        if (root && id == x) {
          const auto& [nn, ab] = *root;
          return div(sub(pw(U, nn), ab.second), ab.first);
        }
        return std::nullopt;
      };
      ExprId q = pool.div(f, du);
      ExprId g = rebuild(pool, q, rule);
      if (has(g, x)) {
        q = cancel(pool, q);
        g = rebuild(pool, q, rule);
        if (has(g, x)) return std::nullopt;
      }
      return integrate_in(g, U, u);
    });
    if (r) return r;
  }
  return std::nullopt;
}

Opt Integrator::linear_substitution(ExprId f, ExprId x) {
  for (ExprId id : nodes_of(pool, f)) {
    const Node& n = pool.node(id);
    ExprId c = 0;
    if (n.kind == Kind::Func) c = n.args[0];
    else if (n.kind == Kind::Pow) c = has(n.args[1], x) ? n.args[1] : n.args[0];
    if (!c || c == x) continue;
    auto lin = linear(c, x);
    if (!lin) continue;
    const ExprId U = fresh();
    const ExprId xs = div(sub(U, lin->second), lin->first);
    ExprId g = rebuild(pool, f, [&](ExprId e) -> std::optional<ExprId> {
      if (e == c) return U;
      if (e == x) return xs;
      return std::nullopt;
    });
    g = div(g, lin->first);
    if (has(g, x)) continue;
    return integrate_in(g, U, c);
  }
  return std::nullopt;
}

Opt Integrator::radical_substitution(ExprId f, ExprId x) {
  ExprId base = 0;
  mpz_class N = 1;
  for (ExprId id : nodes_of(pool, f)) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Pow || !has(n.args[0], x)) continue;
    auto k = number_of(pool, n.args[1]);
    if (!k) {
      if (has(n.args[1], x)) return std::nullopt;
      continue;
    }
    if (k->is_integer()) continue;
    if (base && n.args[0] != base) return std::nullopt;
    base = n.args[0];
    mpz_class den = k->rational().get_den();
    mpz_lcm(N.get_mpz_t(), N.get_mpz_t(), den.get_mpz_t());
  }
  if (!base || N > 12) return std::nullopt;
  const long n = N.get_si();
  const ExprId U = fresh();
  ExprId xs = 0;
  if (auto lin = linear(base, x)) {
    xs = div(sub(pw(U, n), lin->second), lin->first);
  } else {
    // base = (a x + b)/(c x + d): x = (d U^n - b)/(a - c U^n).
    const ExprId c = cancel(pool, base);
    const Node& cn = pool.node(c);
    if (cn.kind != Kind::Mul || cn.args.size() < 2) return std::nullopt;
    std::vector<ExprId> nums, dens;
    for (ExprId fct : cn.args) {
      const Node& fn_ = pool.node(fct);
      if (fn_.kind == Kind::Pow && fn_.args[1] == pool.integer(-1)) dens.push_back(fn_.args[0]);
      else nums.push_back(fct);
    }
    if (dens.size() != 1) return std::nullopt;
    auto ln = linear(pool.mul(nums), x);
    auto ld = linear(dens[0], x);
    if (!ln || !ld) return std::nullopt;
    xs = div(sub(mul(ld->second, pw(U, n)), ln->second), sub(ln->first, mul(ld->first, pw(U, n))));
  }
  ExprId g = rebuild(pool, f, [&](ExprId e) -> std::optional<ExprId> {
    const Node& en = pool.node(e);
    if (e == x) return xs;
    if (e == base) return pw(U, n);
    if (en.kind == Kind::Pow && en.args[0] == base) {
      if (auto k = number_of(pool, en.args[1])) return pool.pow(U, pool.number(*k * Number(n)));
    }
    return std::nullopt;
  });
  g = mul(g, d(xs, U));
  if (has(g, x)) return std::nullopt;
  g = cancel(pool, g);
  return integrate_in(g, U, pool.pow(base, pool.number(Number::rational(1, n))));
}

Opt Integrator::euler_substitution(ExprId f, ExprId x) {
  ExprId Q = 0;
  for (ExprId id : nodes_of(pool, f)) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Pow || !has(n.args[0], x)) continue;
    auto k = number_of(pool, n.args[1]);
    if (!k) return std::nullopt;
    if (k->is_integer()) continue;
    if (k->rational().get_den() != 2) return std::nullopt;
    if (Q && n.args[0] != Q) return std::nullopt;
    Q = n.args[0];
  }
  if (!Q) return std::nullopt;
  auto c = poly_coeffs(Q, x, 2);
  if (!c || c->size() != 3) return std::nullopt;
  auto A = number_of(pool, (*c)[2]), B = number_of(pool, (*c)[1]), C = number_of(pool, (*c)[0]);
  if (!A) return std::nullopt;
  const bool numeric = B && C;  // symbolic B, C: only the first substitution (A a rational square)
  if (!numeric) {
    B = Number(0L);
    C = Number(-1L);
  }
  const ExprId t = fresh();
  const ExprId Ae = (*c)[2], Be = (*c)[1], Ce = (*c)[0];
  const ExprId sQ = pool.sqrt(Q);
  ExprId xt = 0, St = 0, back = 0;
  const auto sa = Number::power(*A, Number::rational(1, 2));
  const auto sc = Number::power(*C, Number::rational(1, 2));
  const Number disc = *B * *B - Number(4L) * *A * *C;
  const auto sd = disc.sign() >= 0 ? Number::power(disc, Number::rational(1, 2)) : std::nullopt;
  if (A->sign() > 0 && sa && sa->is_exact()) {
    const ExprId s = pool.number(*sa);
    xt = div(sub(pw(t, 2), Ce), add(Be, mul(num(2), mul(s, t))));
    St = sub(t, mul(s, xt));
    back = add(sQ, mul(s, x));
  } else if (!numeric) {
    return std::nullopt;
  } else if (C->sign() > 0 && sc && sc->is_exact()) {
    const ExprId r = pool.number(*sc);
    xt = div(sub(mul(num(2), mul(r, t)), Be), sub(Ae, pw(t, 2)));
    St = add(mul(xt, t), r);
    back = div(sub(sQ, r), x);
  } else if (sd && sd->is_exact()) {
    const ExprId alpha = pool.number((Number(0L) - *B + *sd) / (Number(2L) * *A));
    const ExprId beta = pool.number((Number(0L) - *B - *sd) / (Number(2L) * *A));
    xt = div(sub(mul(Ae, beta), mul(alpha, pw(t, 2))), sub(Ae, pw(t, 2)));
    St = mul(sub(xt, alpha), t);
    back = div(sQ, sub(x, alpha));
  } else {
    return std::nullopt;
  }
  ExprId g = rebuild(pool, f, [&](ExprId e) -> std::optional<ExprId> {
    const Node& en = pool.node(e);
    if (e == x) return xt;
    if (en.kind == Kind::Pow && en.args[0] == Q) {
      auto k = number_of(pool, en.args[1]);
      const Number k2 = *k * Number(2L);
      return pool.pow(St, pool.number(k2));
    }
    return std::nullopt;
  });
  g = cancel(pool, mul(g, d(xt, t)));
  if (has(g, x)) return std::nullopt;
  return integrate_in(g, t, back);
}

Opt Integrator::exp_substitution(ExprId f, ExprId x) {
  // Every exp/sinh/cosh/tanh argument a_i x + b_i with a_i = q_i * a_0, q_i rational: t = exp(s x),
  // s = gcd(q_i) * a_0.
  struct Found {
    ExprId node;
    Number q;
    ExprId b;
  };
  std::vector<Found> found;
  ExprId a0 = 0;
  mpz_class gnum = 0, gden = 1;
  for (ExprId id : nodes_of(pool, f)) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Func) continue;
    if (n.op != Op::Exp && n.op != Op::Sinh && n.op != Op::Cosh && n.op != Op::Tanh) continue;
    auto lin = linear(n.args[0], x);
    if (!lin) return std::nullopt;
    if (!a0) a0 = lin->first;
    auto q = number_of(pool, cancel(pool, div(lin->first, a0)));
    if (!q) return std::nullopt;
    const mpq_class qq = q->to_mpq();
    mpz_gcd(gnum.get_mpz_t(), gnum.get_mpz_t(), qq.get_num_mpz_t());
    mpz_lcm(gden.get_mpz_t(), gden.get_mpz_t(), qq.get_den_mpz_t());
    found.push_back({id, *q, lin->second});
  }
  if (found.empty() || gnum == 0) return std::nullopt;
  const Number g = Number(mpq_class(gnum, gden));
  const ExprId s = mul(pool.number(g), a0);
  const ExprId t = fresh();
  std::unordered_map<ExprId, std::pair<Number, ExprId>> info;
  for (const Found& fd : found) info.emplace(fd.node, std::make_pair(fd.q / g, fd.b));
  ExprId gx = rebuild(pool, f, [&](ExprId e) -> std::optional<ExprId> {
    auto it = info.find(e);
    if (it == info.end()) return std::nullopt;
    const Node& n = pool.node(e);
    const ExprId E = mul(fn(Op::Exp, it->second.second), pool.pow(t, pool.number(it->second.first)));
    const ExprId Ei = pool.pow(E, pool.integer(-1));
    switch (n.op) {
      case Op::Exp: return E;
      case Op::Sinh: return div(sub(E, Ei), num(2));
      case Op::Cosh: return div(add(E, Ei), num(2));
      default: return div(sub(E, Ei), add(E, Ei));
    }
  });
  gx = div(gx, mul(s, t));
  if (has(gx, x)) return std::nullopt;
  return integrate_in(gx, t, fn(Op::Exp, mul(s, x)));
}

Opt Integrator::power_to_exp(ExprId f, ExprId x) {
  // c**u (c free of x, u with x) = exp(u log c).
  bool any = false;
  ExprId g = rebuild(pool, f, [&](ExprId e) -> std::optional<ExprId> {
    const Node& n = pool.node(e);
    if (n.kind == Kind::Pow && !has(n.args[0], x) && has(n.args[1], x)) {
      any = true;
      return fn(Op::Exp, mul(n.args[1], fn(Op::Log, n.args[0])));
    }
    return std::nullopt;
  });
  if (!any || g == f) return std::nullopt;
  return integrate(g, x);
}

Opt Integrator::multiple_angles(ExprId f, ExprId x) {
  // sin, cos, tan of k*g (k integer) in terms of sin(g), cos(g), g = gcd of the arguments * x.
  std::vector<std::pair<ExprId, Number>> args;
  mpz_class gnum = 0, gden = 1;
  bool differ = false;
  Number first;
  for (ExprId id : nodes_of(pool, f)) {
    const Node& n = pool.node(id);
    if (!is_trig(n) || !has(id, x)) continue;
    auto lin = linear(n.args[0], x);
    if (!lin || lin->second != pool.integer(0)) return std::nullopt;
    auto a = number_of(pool, lin->first);
    if (!a) return std::nullopt;
    if (args.empty()) first = *a;
    else if (!Number(*a).identical(first)) differ = true;
    const mpq_class q = a->to_mpq();
    mpz_gcd(gnum.get_mpz_t(), gnum.get_mpz_t(), q.get_num_mpz_t());
    mpz_lcm(gden.get_mpz_t(), gden.get_mpz_t(), q.get_den_mpz_t());
    args.push_back({id, *a});
  }
  if (!differ || gnum == 0) return std::nullopt;
  const Number gstep = Number(mpq_class(gnum, gden));
  const ExprId G = mul(pool.number(gstep), x);
  const ExprId S = fn(Op::Sin, G), C = fn(Op::Cos, G);
  auto expand_angle = [&](long k, bool sine) {
    // (C + i S)**k: real part cos(kg), imaginary part sin(kg).
    std::vector<ExprId> terms;
    mpz_class binom = 1;
    for (long j = 0; j <= k; ++j) {
      if (j > 0) binom = binom * (k - j + 1) / j;
      if ((j % 2 == 1) != sine) continue;
      const long sgn = ((sine ? (j - 1) / 2 : j / 2) % 2) ? -1 : 1;
      terms.push_back(pool.mul(pool.number(Number(mpz_class(binom * sgn))), mul(pw(C, k - j), pw(S, j))));
    }
    return pool.add(terms);
  };
  ExprId g = rebuild(pool, f, [&](ExprId e) -> std::optional<ExprId> {
    const Node& n = pool.node(e);
    if (!is_trig(n) || !has(e, x)) return std::nullopt;
    auto lin = linear(n.args[0], x);
    const Number kq = pool.node(lin->first).number / gstep;
    if (!kq.is_integer() || !kq.fits_long()) return std::nullopt;
    long k = kq.integer().get_si();
    const bool neg = k < 0;
    if (neg) k = -k;
    if (k > 8) return std::nullopt;
    ExprId s = expand_angle(k, true), c = expand_angle(k, false);
    if (neg) s = pool.neg(s);
    if (n.op == Op::Sin) return s;
    if (n.op == Op::Cos) return c;
    return div(s, c);
  });
  if (g == f) return std::nullopt;
  return integrate(g, x);
}

namespace {

// The common argument of every sin/cos/tan in f, when x occurs only inside them and it is linear.
std::optional<ExprId> trig_argument(Integrator& in, ExprId f, ExprId x) {
  ExprId arg = 0;
  for (ExprId id : nodes_of(in.pool, f)) {
    const Node& n = in.pool.node(id);
    if (n.kind != Kind::Func || !in.has(id, x)) continue;
    if (!is_trig(n)) continue;
    if (arg && n.args[0] != arg) return std::nullopt;
    arg = n.args[0];
  }
  if (!arg || !in.linear(arg, x)) return std::nullopt;
  return arg;
}

}  // namespace

Opt Integrator::tan_substitution(ExprId f, ExprId x) {
  auto arg = trig_argument(*this, f, x);
  if (!arg) return std::nullopt;
  const ExprId a = linear(*arg, x)->first;
  const ExprId t = fresh();
  const ExprId w = add(pool.integer(1), pw(t, 2));
  const ExprId rw = pool.pow(w, pool.number(Number::rational(-1, 2)));
  ExprId g = rebuild(pool, f, [&](ExprId e) -> std::optional<ExprId> {
    const Node& n = pool.node(e);
    if (n.kind != Kind::Func || n.args.empty() || n.args[0] != *arg) return std::nullopt;
    if (n.op == Op::Sin) return mul(t, rw);
    if (n.op == Op::Cos) return rw;
    if (n.op == Op::Tan) return t;
    return std::nullopt;
  });
  g = div(g, mul(a, w));
  if (has(g, x)) return std::nullopt;
  g = cancel(pool, g);
  for (ExprId id : nodes_of(pool, g)) {  // only even powers of sqrt(1 + t**2) may remain
    const Node& n = pool.node(id);
    if (n.kind == Kind::Pow && has(n.args[0], t) && !int_of(pool, n.args[1])) return std::nullopt;
  }
  return integrate_in(g, t, fn(Op::Tan, *arg));
}

Opt Integrator::weierstrass(ExprId f, ExprId x) {
  auto arg = trig_argument(*this, f, x);
  if (!arg) return std::nullopt;
  const ExprId a = linear(*arg, x)->first;
  const ExprId t = fresh(), one = pool.integer(1);
  const ExprId w = add(one, pw(t, 2));
  ExprId g = rebuild(pool, f, [&](ExprId e) -> std::optional<ExprId> {
    const Node& n = pool.node(e);
    if (n.kind != Kind::Func || n.args.empty() || n.args[0] != *arg) return std::nullopt;
    if (n.op == Op::Sin) return div(mul(num(2), t), w);
    if (n.op == Op::Cos) return div(sub(one, pw(t, 2)), w);
    if (n.op == Op::Tan) return div(mul(num(2), t), sub(one, pw(t, 2)));
    return std::nullopt;
  });
  g = div(mul(num(2), g), mul(a, w));
  if (has(g, x)) return std::nullopt;
  g = cancel(pool, g);
  return integrate_in(g, t, fn(Op::Tan, div(*arg, num(2))));
}

}  // namespace alkahest::integrate_detail
