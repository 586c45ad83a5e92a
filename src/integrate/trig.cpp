// Linearisation of products of sines and cosines (and of exp, sinh, cosh) of linear arguments:
// sin(t) = (e^{it} - e^{-it})/(2i), cos(t) = (e^{it} + e^{-it})/2, sinh and cosh likewise with
// real exponentials. The product becomes sum c * exp(psi) * {cos, sin}(phi) with psi and phi
// integer combinations of the arguments, each term integrable by the table (exp times sin or
// cos), times whatever other factor R there is (a polynomial, then by parts).
#include <map>

#include "alkahest/poly.hpp"
#include "integrate/integrator.hpp"

namespace alkahest::integrate_detail {

namespace {

using Key = std::vector<long>;  // multiplicity per argument
struct Cplx {
  mpq_class re, im;
};

}  // namespace

Opt Integrator::trig_linearize(ExprId f, ExprId x) {
  const Node& n = pool.node(f);
  std::vector<ExprId> fs = n.kind == Kind::Mul ? n.args : ArgVector{f};
  std::vector<ExprId> targs, hargs;  // distinct trig and hyperbolic/exp arguments
  struct Factor {
    bool hyper;
    Op op;
    std::size_t arg;
    long power;
  };
  std::vector<Factor> factors;
  std::vector<ExprId> rest;
  long total = 0;
  int exps = 0;
  for (ExprId g : fs) {
    ExprId b = g;
    long k = 1;
    const Node& gn = pool.node(g);
    if (gn.kind == Kind::Pow) {
      const Node& kn = pool.node(gn.args[1]);
      if (kn.kind == Kind::Number && kn.number.is_integer() && kn.number.sign() > 0 && kn.number.fits_long()) {
        b = gn.args[0];
        k = kn.number.integer().get_si();
      }
    }
    const Node& bn = pool.node(b);
    const bool trig = bn.kind == Kind::Func && (bn.op == Op::Sin || bn.op == Op::Cos);
    const bool hyper = bn.kind == Kind::Func && (bn.op == Op::Sinh || bn.op == Op::Cosh || bn.op == Op::Exp);
    if ((trig || hyper) && has(b, x) && linear(bn.args[0], x)) {
      auto& list = trig ? targs : hargs;
      std::size_t idx = 0;
      while (idx < list.size() && list[idx] != bn.args[0]) ++idx;
      if (idx == list.size()) list.push_back(bn.args[0]);
      factors.push_back({hyper, bn.op, idx, k});
      total += k;
      if (bn.op == Op::Exp) ++exps;
      continue;
    }
    rest.push_back(g);
  }
  if (total < 2 || total > 14) return std::nullopt;
  if (factors.size() == 1 && factors[0].op == Op::Exp) return std::nullopt;
  const ExprId R = pool.mul(rest);
  // R must not hide more of the same functions (tan, or sin of a nonlinear argument is fine).
  // Expand: trig part over e^{i phi} (complex rationals), hyperbolic part over e^{psi} (rationals).
  std::map<Key, Cplx> tsum{{Key(targs.size(), 0), Cplx{1, 0}}};
  std::map<Key, mpq_class> hsum{{Key(hargs.size(), 0), mpq_class(1)}};
  for (const Factor& fc : factors) {
    for (long rep = 0; rep < fc.power; ++rep) {
      if (!fc.hyper) {
        std::map<Key, Cplx> next;
        for (const auto& [key, c] : tsum) {
          for (int sgn : {1, -1}) {
            Key k2 = key;
            k2[fc.arg] += sgn;
            // cos: 1/2 each; sin: e^{it}/(2i) = -i/2 e^{it}, -e^{-it}/(2i) = +i/2 e^{-it}.
            Cplx m = fc.op == Op::Cos ? Cplx{mpq_class(1, 2), 0} : Cplx{0, mpq_class(-sgn, 2)};
            Cplx& dst = next[k2];
            dst.re += c.re * m.re - c.im * m.im;
            dst.im += c.re * m.im + c.im * m.re;
          }
        }
        tsum.swap(next);
      } else {
        std::map<Key, mpq_class> next;
        for (const auto& [key, c] : hsum) {
          if (fc.op == Op::Exp) {
            Key k2 = key;
            k2[fc.arg] += 1;
            next[k2] += c;
            continue;
          }
          for (int sgn : {1, -1}) {
            Key k2 = key;
            k2[fc.arg] += sgn;
            next[k2] += fc.op == Op::Cosh ? mpq_class(c / 2) : mpq_class(c * sgn / 2);
          }
        }
        hsum.swap(next);
      }
    }
  }
  auto combo = [&](const Key& k, const std::vector<ExprId>& args) {
    std::vector<ExprId> ts;
    for (std::size_t i = 0; i < k.size(); ++i)
      if (k[i] != 0) ts.push_back(mul(pool.integer(k[i]), args[i]));
    return expand(pool, pool.add(ts));
  };
  // Trig part as a real sum: pairs (k, -k) give 2 Re(c) cos(phi) - 2 Im(c) sin(phi).
  std::vector<ExprId> tterms;
  for (const auto& [key, c] : tsum) {
    if (c.re == 0 && c.im == 0) continue;
    long first = 0;
    for (long v : key)
      if (v != 0) {
        first = v;
        break;
      }
    if (first < 0) continue;
    const ExprId phi = combo(key, targs);
    if (first == 0) {
      tterms.push_back(pool.number(Number(c.re)));
      continue;
    }
    if (c.re != 0) tterms.push_back(mul(pool.number(Number(mpq_class(2 * c.re))), fn(Op::Cos, phi)));
    if (c.im != 0) tterms.push_back(mul(pool.number(Number(mpq_class(-2 * c.im))), fn(Op::Sin, phi)));
  }
  std::vector<ExprId> hterms;
  for (const auto& [key, c] : hsum) {
    if (c == 0) continue;
    hterms.push_back(mul(pool.number(Number(c)), fn(Op::Exp, combo(key, hargs))));
  }
  std::vector<ExprId> terms;
  for (ExprId h : hterms)
    for (ExprId t : tterms) terms.push_back(mul(R, mul(h, t)));
  if (terms.size() > 400) return std::nullopt;
  const ExprId sum = pool.add(terms);
  if (sum == f) return std::nullopt;
  return integrate(sum, x);
}

}  // namespace alkahest::integrate_detail
