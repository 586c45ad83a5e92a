// Antiderivatives that need the integrals as functions (alkahest/ops_integrals.def):
//   K(a x + b) R(x), K one of exp, sin, cos, sinh, cosh and R rational in x with linear factors in
//   its denominator (also c**(a x + b) = exp((a x + b) log c)): R is split into powers of linear
//   factors t = x - r, and K(a t + B) t**m integrates to
//     m = -1:   exp: e**B Ei(a t); sin/cos (sinh/cosh): the addition theorem, then Si and Ci (Shi, Chi);
//     m <= -2:  by parts, K t**(m+1)/(m+1) - a/(m+1) integral of K' t**(m+1), down to m = -1;
//     m >= 0:   the integrator (polynomial times K is elementary);
//   R(log x) x**k: x = e**t gives the form above in t; Ei(log x) is li(x);
//   sin/cos(A x**2 + B x + C): the square completed, the addition theorem, then Fresnel S and C.
// Substitutions (derivative-divides, linear and radical ones) bring other integrands to these forms
// (exp(u) u'/u -> Ei(u), sin(x)/sqrt(x + 1) -> Fresnel); integration by parts brings exp(x) log(x).
// Every answer is checked by differentiation at the top (integrate.cpp).
#include <functional>
#include <unordered_map>

#include "alkahest/rebuild.hpp"
#include "alkahest/evalf.hpp"
#include "alkahest/poly.hpp"
#include "integrate/integrator.hpp"

namespace alkahest::integrate_detail {

namespace {

bool is_func(const ExprPool& pool, ExprId e, Op op) {
  const Node& n = pool.node(e);
  return n.kind == Kind::Func && n.op == op;
}

std::optional<long> small_int(const ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  if (n.kind != Kind::Number || !n.number.is_integer() || !n.number.fits_long()) return std::nullopt;
  return n.number.integer().get_si();
}

// e with every node the rule maps replaced (bottom-up, the rule sees rebuilt children).
ExprId rebuild_special(ExprPool& pool, ExprId e, const std::function<std::optional<ExprId>(ExprId)>& rule,
                       std::unordered_map<ExprId, ExprId>& memo) {
  if (auto it = memo.find(e); it != memo.end()) return it->second;
  ExprId out = e;
  const Node& n0 = pool.node(e);
  if (!n0.args.empty()) {
    const Kind kind = n0.kind;
    const Op op = n0.op;
    std::vector<ExprId> args;
    for (ExprId a : std::vector<ExprId>(n0.args)) args.push_back(rebuild_special(pool, a, rule, memo));
    out = with_args(pool, kind, op, e, args);
  }
  if (auto r = rule(out)) out = *r;
  memo.emplace(e, out);
  return out;
}
ExprId rebuild_special(ExprPool& pool, ExprId e, const std::function<std::optional<ExprId>(ExprId)>& rule) {
  std::unordered_map<ExprId, ExprId> memo;
  return rebuild_special(pool, e, rule, memo);
}

// Whether e is a rational function of t (t, numbers and symbols, sums, products, integer powers).
bool rational_in(Integrator& in, ExprId e, ExprId t) {
  if (!in.has(e, t)) return true;
  const Node& n = in.pool.node(e);
  if (e == t) return true;
  if (n.kind == Kind::Add || n.kind == Kind::Mul) {
    for (ExprId a : std::vector<ExprId>(n.args))
      if (!rational_in(in, a, t)) return false;
    return true;
  }
  if (n.kind == Kind::Pow) return small_int(in.pool, n.args[1]).has_value() && rational_in(in, n.args[0], t);
  return false;
}

// The kernels: exp, sin, cos, sinh, cosh.
bool is_kernel(Op op) { return op == Op::Exp || op == Op::Sin || op == Op::Cos || op == Op::Sinh || op == Op::Cosh; }

}  // namespace

// integral of K(a t + B) t**m dt (m < 0), K a kernel, a and B free of t.
static Opt kernel_power(Integrator& in, Op K, ExprId a, ExprId B, long m, ExprId t) {
  ExprPool& pool = in.pool;
  const ExprId at = in.mul(a, t);
  if (m == -1) {
    const ExprId sB = pool.func(Op::Sin, B), cB = pool.func(Op::Cos, B);
    const ExprId shB = pool.func(Op::Sinh, B), chB = pool.func(Op::Cosh, B);
    const ExprId si = pool.func(Op::Si, at), ci = pool.func(Op::Ci, at);
    const ExprId shi = pool.func(Op::Shi, at), chi = pool.func(Op::Chi, at);
    switch (K) {
      case Op::Exp: return in.mul(pool.func(Op::Exp, B), pool.func(Op::Ei, at));
      case Op::Sin: return in.add(in.mul(cB, si), in.mul(sB, ci));   // sin(at) cos B + cos(at) sin B
      case Op::Cos: return in.sub(in.mul(cB, ci), in.mul(sB, si));   // cos(at) cos B - sin(at) sin B
      case Op::Sinh: return in.add(in.mul(chB, shi), in.mul(shB, chi));
      case Op::Cosh: return in.add(in.mul(chB, chi), in.mul(shB, shi));
      default: return std::nullopt;
    }
  }
  if (m >= 0 || m < -64) return std::nullopt;
  // K t**(m+1)/(m+1) - a/(m+1) integral of K'(u) t**(m+1), K' = exp, cos, -sin, cosh, sinh.
  const ExprId u = in.add(at, B);
  const ExprId k1 = pool.integer(m + 1);
  const ExprId first = in.div(in.mul(pool.func(K, u), in.pw(t, m + 1)), k1);
  Op dK = K;
  ExprId sign = pool.integer(1);
  switch (K) {
    case Op::Exp: dK = Op::Exp; break;
    case Op::Sin: dK = Op::Cos; break;
    case Op::Cos: dK = Op::Sin; sign = pool.integer(-1); break;
    case Op::Sinh: dK = Op::Cosh; break;
    case Op::Cosh: dK = Op::Sinh; break;
    default: return std::nullopt;
  }
  Opt rest = kernel_power(in, dK, a, B, m + 1, t);
  if (!rest) return std::nullopt;
  return in.sub(first, in.mul(in.div(in.mul(sign, a), k1), *rest));
}

namespace {

// f = c * K(u) * R(x) with u linear in x: (c R, K, u). A power base**(a x + b) with base free of x is
// exp((a x + b) log(base)).
struct KernelSplit {
  ExprId rest;
  Op K;
  ExprId u;
};

std::optional<KernelSplit> split_kernel(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  const Node& n = pool.node(f);
  const std::vector<ExprId> fs = n.kind == Kind::Mul ? n.args : ArgVector{f};
  std::optional<KernelSplit> found;
  std::vector<ExprId> rest;
  for (ExprId g : fs) {
    const Node& gn = pool.node(g);
    if (!found && gn.kind == Kind::Func && is_kernel(gn.op) && in.linear(gn.args[0], x)) {
      found = KernelSplit{0, gn.op, gn.args[0]};
      continue;
    }
    if (!found && gn.kind == Kind::Pow && !in.has(gn.args[0], x) && in.linear(gn.args[1], x)) {
      found = KernelSplit{0, Op::Exp, in.mul(gn.args[1], pool.func(Op::Log, gn.args[0]))};
      continue;
    }
    rest.push_back(g);
  }
  if (!found) return std::nullopt;
  found->rest = pool.mul(rest);
  return found;
}

}  // namespace

// integral of K(u) R(x) with R rational in x, its denominator a product of linear factors.
static Opt kernel_rational(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  auto ks = split_kernel(in, f, x);
  if (!ks) return std::nullopt;
  const ExprId R = ks->rest;
  if (!in.has(R, x)) return std::nullopt;                    // the table's
  if (in.poly_coeffs(R, x, 64)) return std::nullopt;         // polynomial times K: elementary
  // The terms of R: partial fractions (over Q, no other symbol), else R itself when its only
  // non-polynomial factor is a power of one linear factor (symbolic coefficients).
  std::vector<ExprId> terms;
  try {
    const ExprId p = apart(pool, R, x);
    const Node& pn = pool.node(p);
    terms = pn.kind == Kind::Add ? pn.args : ArgVector{p};
  } catch (const std::exception&) {
    terms = {R};
  }
  const auto lin = in.linear(ks->u, x);
  if (!lin) return std::nullopt;
  const ExprId a = lin->first, b = lin->second;
  std::vector<ExprId> out;
  for (ExprId term : terms) {
    if (in.out_of_budget()) return std::nullopt;
    if (in.poly_coeffs(term, x, 64)) {  // polynomial part: P(x) K(u), elementary
      Opt r = in.integrate(in.mul(term, pool.func(ks->K, ks->u)), x);
      if (!r) return std::nullopt;
      out.push_back(*r);
      continue;
    }
    // term = c * P(x) * L**(-k), L = p x + q linear, P a polynomial.
    const Node& tn = pool.node(term);
    const std::vector<ExprId> fs = tn.kind == Kind::Mul ? tn.args : ArgVector{term};
    ExprId L = 0;
    long k = 0;
    std::vector<ExprId> other;
    for (ExprId g : fs) {
      const Node& gn = pool.node(g);
      if (!L && gn.kind == Kind::Pow && in.linear(gn.args[0], x))
        if (auto e = small_int(pool, gn.args[1]); e && *e < 0) {
          L = gn.args[0];
          k = -*e;
          continue;
        }
      other.push_back(g);
    }
    if (!L) return std::nullopt;
    const ExprId P = pool.mul(other);
    if (!in.poly_coeffs(P, x, 64)) return std::nullopt;
    const auto pq = *in.linear(L, x);
    const ExprId p = pq.first, q = pq.second;
    // x = (T - q)/p: P as a polynomial in T; dx = dT/p; K(a x + b) = K((a/p) T + b - a q/p).
    const ExprId T = in.fresh();
    const ExprId xT = in.div(in.sub(T, q), p);
    auto pc = in.poly_coeffs(in.sb(P, x, xT), T, 64);
    if (!pc) return std::nullopt;
    const ExprId aT = in.div(a, p), bT = in.sub(b, in.div(in.mul(a, q), p));
    std::vector<ExprId> parts_T;
    for (std::size_t j = 0; j < pc->size(); ++j) {
      const ExprId c = (*pc)[j];
      if (c == pool.integer(0)) continue;
      const long m = static_cast<long>(j) - k;
      Opt r;
      if (m >= 0)
        r = in.integrate(in.mul(in.pw(T, m), pool.func(ks->K, in.add(in.mul(aT, T), bT))), T);
      else
        r = kernel_power(in, ks->K, aT, bT, m, T);
      if (!r) return std::nullopt;
      parts_T.push_back(in.mul(c, *r));
    }
    out.push_back(in.div(in.sb(pool.add(parts_T), T, L), p));
  }
  return pool.add(out);
}

// f(x) = R(log x, x) with x only in powers x**k and log(x): x = e**t, dx = e**t dt.
static Opt log_kernel(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  const ExprId lx = pool.func(Op::Log, x);
  if (!in.has(f, x)) return std::nullopt;
  bool has_log = false;
  const ExprId t = in.fresh();
  bool ok = true;
  // x**k -> exp(k t), x -> exp(t), log(x) -> t; anything else with x outside these: not this form.
  std::function<ExprId(ExprId)> go = [&](ExprId e) -> ExprId {
    if (!ok || !in.has(e, x)) return e;
    if (e == x) return pool.func(Op::Exp, t);
    if (e == lx) {
      has_log = true;
      return t;
    }
    const Node& n = pool.node(e);
    if (n.kind == Kind::Pow && n.args[0] == x && !in.has(n.args[1], x))
      return pool.func(Op::Exp, in.mul(n.args[1], t));
    if (n.kind == Kind::Pow && !in.has(n.args[1], x)) return pool.pow(go(n.args[0]), n.args[1]);
    if (n.kind == Kind::Add || n.kind == Kind::Mul) {
      std::vector<ExprId> args;
      for (ExprId a : std::vector<ExprId>(n.args)) args.push_back(go(a));
      return n.kind == Kind::Add ? pool.add(args) : pool.mul(args);
    }
    ok = false;
    return e;
  };
  const ExprId g0 = go(f);
  if (!ok || !has_log) return std::nullopt;
  // One exp per product: exp(a) exp(b) = exp(a + b).
  const ExprId g1 = expand(pool, in.mul(g0, pool.func(Op::Exp, t)));
  const Node& gn = pool.node(g1);
  std::vector<ExprId> terms = gn.kind == Kind::Add ? gn.args : ArgVector{g1};
  std::vector<ExprId> merged;
  for (ExprId term : terms) {
    const Node& tn = pool.node(term);
    std::vector<ExprId> fs = tn.kind == Kind::Mul ? tn.args : ArgVector{term};
    std::vector<ExprId> exps, rest;
    for (ExprId g : fs) {
      const Node& n = pool.node(g);
      if (n.kind == Kind::Func && n.op == Op::Exp) exps.push_back(n.args[0]);
      else if (n.kind == Kind::Pow && is_func(pool, n.args[0], Op::Exp) && !in.has(n.args[1], t))
        exps.push_back(in.mul(n.args[1], pool.node(n.args[0]).args[0]));
      else rest.push_back(g);
    }
    // Only R(t) exp(c t + d): the form kernel_rational integrates (else no search in t).
    const ExprId r = pool.mul(rest);
    if (!rational_in(in, r, t)) return std::nullopt;
    if (exps.empty()) {
      merged.push_back(r);
      continue;
    }
    const ExprId arg = expand(pool, pool.add(exps));
    if (in.has(arg, t) && !in.linear(arg, t)) return std::nullopt;
    merged.push_back(in.mul(r, pool.func(Op::Exp, arg)));
  }
  const ExprId g = pool.add(merged);
  Opt G = in.integrate(g, t);
  if (!G) return std::nullopt;
  // Back: t = log(x); exp(k log x) = x**k; Ei(log x) = li(x).
  ExprId r = in.sb(*G, t, lx);
  r = rebuild_special(pool, r, [&](ExprId e) -> std::optional<ExprId> {
    const Node& n = pool.node(e);
    if (n.kind != Kind::Func) return std::nullopt;
    if (n.op == Op::Ei && n.args[0] == lx) return pool.func(Op::Li, x);
    if (n.op == Op::Exp) {
      auto pcs = in.poly_coeffs(n.args[0], lx, 1);
      if (pcs && pcs->size() == 2 && !in.has((*pcs)[1], x))
        return in.mul(pool.func(Op::Exp, (*pcs)[0]), pool.pow(x, (*pcs)[1]));
    }
    return std::nullopt;
  });
  return r;
}

// sin/cos(A x**2 + B x + C), A != 0: w = x + B/(2A), D = C - B**2/(4A); sin(A w**2 + D) =
// sin(A w**2) cos D + cos(A w**2) sin D, and integral of sin(A w**2) dw = S(s w)/s, s = sqrt(2A/pi)
// (cos: C(s w)/s).
static Opt fresnel(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  const Node& n = pool.node(f);
  if (n.kind != Kind::Func || (n.op != Op::Sin && n.op != Op::Cos)) return std::nullopt;
  auto c = in.poly_coeffs(n.args[0], x, 2);
  if (!c || c->size() != 3) return std::nullopt;
  const ExprId A = (*c)[2], B = (*c)[1], C = (*c)[0];
  const ExprId w = in.add(x, in.div(B, in.mul(in.num(2), A)));
  const ExprId D = in.sub(C, in.div(in.pw(B, 2), in.mul(in.num(4), A)));
  const ExprId s = pool.sqrt(in.div(in.mul(in.num(2), A), pool.constant(Constant::Pi)));
  const ExprId S = in.div(pool.func(Op::FresnelS, in.mul(s, w)), s);
  const ExprId Cf = in.div(pool.func(Op::FresnelC, in.mul(s, w)), s);
  const ExprId sD = pool.func(Op::Sin, D), cD = pool.func(Op::Cos, D);
  if (n.op == Op::Sin) return in.add(in.mul(S, cD), in.mul(Cf, sD));
  return in.sub(in.mul(Cf, cD), in.mul(S, sD));
}

namespace {

// log(a*x + b)/(c*x + d): with t = a*x + b and t0 = b - a*d/c, the integral is
// (log(t)*log(1 - t/t0) + polylog(2, t/t0))/c (t0 != 0; d/dt polylog(2, t/t0) = -log(1 - t/t0)/t),
// or log(t)**2/(2*c) when t0 = 0. log(x)/(x + 1) = log(x)*log(x + 1) + polylog(2, -x).
Opt dilog(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  auto [c0, g] = in.split_constant(f, x);
  const Node& n = pool.node(g);
  if (n.kind != Kind::Mul || n.args.size() != 2) return std::nullopt;
  ExprId L = 0, D = 0;
  for (ExprId t : n.args) {
    const Node& tn = pool.node(t);
    if (tn.kind == Kind::Func && tn.op == Op::Log) L = t;
    else if (tn.kind == Kind::Pow && tn.args[1] == pool.integer(-1)) D = tn.args[0];
  }
  if (!L || !D) return std::nullopt;
  const ExprId T = pool.node(L).args[0];
  auto lt = in.linear(T, x), ld = in.linear(D, x);
  if (!lt || !ld) return std::nullopt;
  const auto [a, b] = *lt;
  const auto [c, d] = *ld;
  const ExprId t0 = cancel(pool, in.sub(b, in.div(in.mul(a, d), c)));
  const std::optional<bool> t0_zero = is_zero(pool, t0);
  ExprId r;
  if (t0_zero == std::optional<bool>(true)) {
    r = in.div(in.pw(L, 2), in.mul(in.num(2), c));
  } else if (t0_zero == std::optional<bool>(false) || !pool.is_number(t0)) {
    const ExprId z = in.div(T, t0);
    const ExprId args[2] = {in.num(2), z};
    r = in.div(in.add(in.mul(L, in.fn(Op::Log, in.sub(pool.integer(1), z))), pool.func(Op::Polylog, args)), c);
  } else {
    return std::nullopt;
  }
  return in.mul(c0, r);
}

}  // namespace

Opt Integrator::special(ExprId f, ExprId x) {
  if (Opt r = attempt([&] { return dilog(*this, f, x); })) return r;
  if (Opt r = attempt([&] { return kernel_rational(*this, f, x); })) return r;
  if (Opt r = attempt([&] { return fresnel(*this, f, x); })) return r;
  if (Opt r = attempt([&] { return log_kernel(*this, f, x); })) return r;
  return std::nullopt;
}

}  // namespace alkahest::integrate_detail
