// The table of elementary forms: f(u) for u = a*x + b (divided by a), products exp(u)*sin(v),
// exp of a quadratic (erf), and the forms of a quadratic Q = A*x**2 + B*x + C with symbolic
// coefficients: (p*x + q)/Q, 1/sqrt(Q), (p*x + q)/sqrt(Q), sqrt(Q).
#include "alkahest/evalf.hpp"
#include "alkahest/objects.hpp"
#include "alkahest/poly.hpp"
#include "integrate/integrator.hpp"

namespace alkahest::integrate_detail {

namespace {

bool is_int(const ExprPool& pool, ExprId e, long* out = nullptr) {
  const Node& n = pool.node(e);
  if (n.kind != Kind::Number || !n.number.is_integer() || !n.number.fits_long()) return false;
  if (out) *out = n.number.integer().get_si();
  return true;
}

}  // namespace

Opt Integrator::table(ExprId f, ExprId x) {
  const Node& n = pool.node(f);
  const ExprId one = pool.integer(1);
  if (f == x) return div(pw(x, 2), num(2));
  if (n.kind == Kind::Func && n.args.size() == 1) {
    auto lin = linear(n.args[0], x);
    if (!lin) return std::nullopt;
    const ExprId u = n.args[0], a = lin->first;
    ExprId r = 0;
    switch (n.op) {
      case Op::Exp: r = f; break;
      case Op::Sin: r = pool.neg(fn(Op::Cos, u)); break;
      case Op::Cos: r = fn(Op::Sin, u); break;
      case Op::Tan: r = pool.neg(fn(Op::Log, fn(Op::Cos, u))); break;
      case Op::Sinh: r = fn(Op::Cosh, u); break;
      case Op::Cosh: r = fn(Op::Sinh, u); break;
      case Op::Tanh: r = fn(Op::Log, fn(Op::Cosh, u)); break;
      case Op::Log: r = sub(mul(u, f), u); break;
      case Op::Atan: r = sub(mul(u, f), div(fn(Op::Log, add(pw(u, 2), one)), num(2))); break;
      case Op::Asin: r = add(mul(u, f), pool.sqrt(sub(one, pw(u, 2)))); break;
      case Op::Acos: r = sub(mul(u, f), pool.sqrt(sub(one, pw(u, 2)))); break;
      case Op::Erf:
        r = add(mul(u, f), div(fn(Op::Exp, pool.neg(pw(u, 2))), pool.sqrt(pool.constant(Constant::Pi))));
        break;
      default: return std::nullopt;
    }
    return div(r, a);
  }
  if (n.kind == Kind::Pow) {
    const ExprId base = n.args[0], e = n.args[1];
    if (!has(e, x)) {
      // (a x + b)**e
      if (auto lin = linear(base, x)) {
        const ExprId log_form = div(fn(Op::Log, base), lin->first);
        if (e == pool.integer(-1)) return log_form;
        const ExprId e1 = add(e, one);
        const ExprId power_form = div(pool.pow(base, e1), mul(e1, lin->first));
        // A symbolic exponent that may be -1 (x**n: n + 1 not proved nonzero) gives both answers,
        // as a Piecewise: the power form where e != -1, the logarithm where e = -1.
        if (pool.node(e).kind == Kind::Number || is_zero(pool, e1) == false) return power_form;
        const std::pair<ExprId, ExprId> branches[2] = {{power_form, relation(pool, Head::Ne, e, pool.integer(-1))},
                                                       {log_form, boolean(pool, true)}};
        return piecewise(pool, branches);
      }
      // Powers of one trigonometric or hyperbolic function of a linear argument.
      const Node& bn = pool.node(base);
      long k = 0;
      if (bn.kind == Kind::Func && bn.args.size() == 1 && is_int(pool, e, &k)) {
        auto lin = linear(bn.args[0], x);
        if (!lin) return std::nullopt;
        const ExprId u = bn.args[0], a = lin->first;
        ExprId r = 0;
        if (bn.op == Op::Cos && k == -2) r = fn(Op::Tan, u);
        else if (bn.op == Op::Sin && k == -2) r = pool.neg(pool.pow(fn(Op::Tan, u), pool.integer(-1)));
        else if (bn.op == Op::Cosh && k == -2) r = fn(Op::Tanh, u);
        else if (bn.op == Op::Sinh && k == -2) r = pool.neg(pool.pow(fn(Op::Tanh, u), pool.integer(-1)));
        else if (bn.op == Op::Sin && k == -1) r = fn(Op::Log, fn(Op::Tan, div(u, num(2))));
        else if (bn.op == Op::Cos && k == -1)
          r = sub(fn(Op::Log, add(one, fn(Op::Sin, u))), fn(Op::Log, fn(Op::Cos, u)));
        else if (bn.op == Op::Tan && k == -1) r = fn(Op::Log, fn(Op::Sin, u));
        else if (bn.op == Op::Tan && k == 2) r = sub(fn(Op::Tan, u), u);
        else if (bn.op == Op::Tan && k == -2) r = sub(pool.neg(pool.pow(fn(Op::Tan, u), pool.integer(-1))), u);
        else if (bn.op == Op::Tanh && k == 2) r = sub(u, fn(Op::Tanh, u));
        else if (bn.op == Op::Sinh && k == -1) r = fn(Op::Log, fn(Op::Tanh, div(u, num(2))));
        else if (bn.op == Op::Cosh && k == -1) r = mul(num(2), fn(Op::Atan, fn(Op::Tanh, div(u, num(2)))));
        else if (bn.op == Op::Tanh && k == -1) r = fn(Op::Log, fn(Op::Sinh, u));
        else if (bn.op == Op::Exp) r = div(f, k == 0 ? one : pool.integer(k));
        else return std::nullopt;
        return div(r, a);
      }
      return std::nullopt;
    }
    // c**(a x + b)
    if (!has(base, x)) {
      auto lin = linear(e, x);
      if (!lin) return std::nullopt;
      return div(f, mul(lin->first, fn(Op::Log, base)));
    }
    return std::nullopt;
  }
  if (n.kind == Kind::Mul && n.args.size() == 2) {
    // exp(u) * sin(v), exp(u) * cos(v), u and v linear.
    ExprId e = n.args[0], t = n.args[1];
    if (pool.node(e).kind != Kind::Func || pool.node(e).op != Op::Exp) std::swap(e, t);
    const Node& en = pool.node(e);
    const Node& tn = pool.node(t);
    if (en.kind == Kind::Func && en.op == Op::Exp && tn.kind == Kind::Func && (tn.op == Op::Sin || tn.op == Op::Cos)) {
      auto lu = linear(en.args[0], x);
      auto lv = linear(tn.args[0], x);
      if (!lu || !lv) return std::nullopt;
      const ExprId a = lu->first, b = lv->first;
      const ExprId s = fn(Op::Sin, tn.args[0]), c = fn(Op::Cos, tn.args[0]);
      const ExprId den = add(pw(a, 2), pw(b, 2));
      const ExprId inner = tn.op == Op::Sin ? sub(mul(a, s), mul(b, c)) : add(mul(a, c), mul(b, s));
      return div(mul(e, inner), den);
    }
  }
  // exp(A x**2 + B x + C) -> erf.
  if (n.kind == Kind::Func && n.op == Op::Exp) return std::nullopt;
  return std::nullopt;
}

Opt Integrator::quadratic_forms(ExprId f, ExprId x) {
  // exp(A x^2 + B x + C) = exp(C - B^2/(4A)) exp(-w^2), w = sqrt(-A) (x + B/(2A)).
  const Node& n = pool.node(f);
  const ExprId one = pool.integer(1);
  if (n.kind == Kind::Func && n.op == Op::Exp) {
    auto c = poly_coeffs(n.args[0], x, 2);
    if (!c || c->size() != 3) return std::nullopt;
    const ExprId A = (*c)[2], B = (*c)[1], C = (*c)[0];
    const ExprId k = fn(Op::Exp, sub(C, div(pw(B, 2), mul(num(4), A))));
    if (is_positive(pool.node(A).facts) == true) {  // A > 0: erfi, w = sqrt(A) (x + B/(2A))
      const ExprId sA = pool.sqrt(A);
      const ExprId w = mul(sA, add(x, div(B, mul(num(2), A))));
      return mul(div(mul(k, pool.sqrt(pool.constant(Constant::Pi))), mul(num(2), sA)), fn(Op::Erfi, w));
    }
    const ExprId sA = pool.sqrt(pool.neg(A));
    const ExprId w = mul(sA, add(x, div(B, mul(num(2), A))));
    return mul(div(mul(k, pool.sqrt(pool.constant(Constant::Pi))), mul(num(2), sA)), fn(Op::Erf, w));
  }
  // Split f = num * Q**e with Q quadratic and e in {-1, -1/2, 1/2}, num of degree <= 1.
  std::vector<ExprId> fs = n.kind == Kind::Mul ? n.args : ArgVector{f};
  ExprId Q = 0, e = 0;
  std::vector<ExprId> rest;
  for (ExprId g : fs) {
    const Node& gn = pool.node(g);
    if (!Q && gn.kind == Kind::Pow && has(gn.args[0], x) && !has(gn.args[1], x)) {
      const Node& en = pool.node(gn.args[1]);
      if (en.kind == Kind::Number && (en.number.is_integer() ? en.number.sign() < 0 : true)) {
        auto c = poly_coeffs(gn.args[0], x, 2);
        if (c && c->size() == 3) {
          Q = gn.args[0];
          e = gn.args[1];
          continue;
        }
      }
    }
    rest.push_back(g);
  }
  if (!Q) return std::nullopt;
  const ExprId numer = pool.mul(rest);
  auto pc = poly_coeffs(numer, x, 1);
  if (!pc || pc->size() > 2) return std::nullopt;
  const ExprId q = pc->empty() ? pool.integer(0) : (*pc)[0];
  const ExprId p = pc->size() == 2 ? (*pc)[1] : pool.integer(0);
  auto qc = *poly_coeffs(Q, x, 2);
  const ExprId A = qc[2], B = qc[1], C = qc[0];
  const ExprId Qp = add(mul(num(2), mul(A, x)), B);  // Q'
  // q - p B/(2A): the part of the numerator that is not a multiple of Q'.
  const ExprId q2 = sub(q, div(mul(p, B), mul(num(2), A)));
  const ExprId p2 = div(p, mul(num(2), A));  // numerator = p2 * Q' + q2
  const ExprId half = pool.number(Number::rational(1, 2));
  auto inv_sqrt = [&]() -> ExprId {  // integral of 1/sqrt(Q)
    const Node& an = pool.node(A);
    if (an.kind == Kind::Number && an.number.is_negative()) {
      const ExprId D = sub(pw(B, 2), mul(num(4), mul(A, C)));
      return pool.neg(div(fn(Op::Asin, div(Qp, pool.sqrt(D))), pool.sqrt(pool.neg(A))));
    }
    const ExprId sA = pool.sqrt(A);
    return div(fn(Op::Log, add(mul(num(2), mul(sA, pool.sqrt(Q))), Qp)), sA);
  };
  const Node& en_ = pool.node(e);
  if (en_.number.is_integer()) {
    if (!en_.number.fits_long() || en_.number.integer() < -12) return std::nullopt;
    const long nn = -en_.number.integer().get_si();
    const ExprId D = sub(mul(num(4), mul(A, C)), pw(B, 2));  // 4AC - B^2
    ExprId base;
    bool negative = is_negative(pool.node(D).facts) == true;
    if (!negative && free_symbols(pool, D).empty()) {
      try {
        const Evalf v = evalf(pool, D, 15);
        negative = v.real && v.re_double < 0;
      } catch (const std::exception&) {
      }
    }
    if (negative) {
      const ExprId sD = pool.sqrt(pool.neg(D));
      base = div(fn(Op::Log, div(sub(Qp, sD), add(Qp, sD))), sD);
    } else {
      const ExprId sD = pool.sqrt(D);
      base = div(mul(num(2), fn(Op::Atan, div(Qp, sD))), sD);
    }
    // I_m = Q'/((m-1) D Q^(m-1)) + 2A(2m-3)/((m-1) D) I_{m-1}.
    for (long m = 2; m <= nn; ++m) {
      const ExprId m1 = pool.integer(m - 1);
      base = add(div(Qp, mul(mul(m1, D), pool.pow(Q, m1))),
                 mul(div(mul(mul(num(2), A), pool.integer(2 * m - 3)), mul(m1, D)), base));
    }
    const ExprId ppart = nn == 1 ? mul(p2, fn(Op::Log, Q)) : div(mul(p2, pool.pow(Q, pool.integer(1 - nn))), pool.integer(1 - nn));
    return add(ppart, mul(q2, base));
  }
  if (e == pool.number(Number::rational(-1, 2))) {
    return add(mul(mul(num(2), p2), pool.sqrt(Q)), mul(q2, inv_sqrt()));
  }
  if (e == half) {
    // sqrt(Q) = (2Ax + B) sqrt(Q)/(4A) + (4AC - B^2)/(8A) * integral(1/sqrt(Q));
    // (p x + q) sqrt(Q) = p2 * (2/3) Q**(3/2) + q2 * that.
    const ExprId sq = add(div(mul(Qp, pool.sqrt(Q)), mul(num(4), A)),
                          mul(div(sub(mul(num(4), mul(A, C)), pw(B, 2)), mul(num(8), A)), inv_sqrt()));
    return add(mul(mul(p2, num(2, 3)), pool.pow(Q, pool.number(Number::rational(3, 2)))), mul(q2, sq));
  }
  (void)one;
  return std::nullopt;
}

}  // namespace alkahest::integrate_detail
