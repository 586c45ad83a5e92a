// Integration by parts.
//   Logarithmic factor: f = A * L with L = log(h), log(h)**k, atan(h), asin(h), acos(h) (their
//   derivatives are algebraic): integral = V L - integral(V L'), V = integral(A).
//   Polynomial factor (tabular): f = P(x) g with P a polynomial of degree n:
//   integral = sum_{k=0..n} (-1)**k P^(k) G_{k+1}, G_1 = integral(g), G_{k+1} = integral(G_k).
#include "alkahest/poly.hpp"
#include "integrate/integrator.hpp"

namespace alkahest::integrate_detail {

namespace {

bool is_log_like(const ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  if (n.kind == Kind::Func)
    return n.op == Op::Log || n.op == Op::Atan || n.op == Op::Asin || n.op == Op::Acos || n.op == Op::Erf;
  if (n.kind == Kind::Pow) {
    const Node& b = pool.node(n.args[0]);
    const Node& k = pool.node(n.args[1]);
    return b.kind == Kind::Func && (b.op == Op::Log || b.op == Op::Atan || b.op == Op::Asin) &&
           k.kind == Kind::Number && k.number.is_integer() && k.number.sign() > 0;
  }
  return false;
}

}  // namespace

Opt Integrator::parts(ExprId f, ExprId x) {
  const Node& n = pool.node(f);
  std::vector<ExprId> fs = n.kind == Kind::Mul ? n.args : std::vector<ExprId>{f};
  // Logarithmic factor.
  for (std::size_t i = 0; i < fs.size(); ++i) {
    if (!is_log_like(pool, fs[i]) || !has(fs[i], x)) continue;
    const ExprId L = fs[i];
    std::vector<ExprId> rest;
    for (std::size_t j = 0; j < fs.size(); ++j)
      if (j != i) rest.push_back(fs[j]);
    const ExprId A = pool.mul(rest);
    Opt V = integrate(A, x);
    if (!V) continue;
    const ExprId dL = d(L, x);
    ExprId W0 = mul(*V, dL);
    Opt W = integrate(W0, x);
    if (!W) {
      W = attempt([&]() -> Opt {
        const ExprId c = cancel(pool, W0);
        return c == W0 ? std::nullopt : integrate(c, x);
      });
    }
    if (!W) continue;
    return sub(mul(*V, L), *W);
  }
  // Polynomial factor.
  std::vector<ExprId> poly, other;
  for (ExprId g : fs) {
    auto pc = poly_coeffs(g, x, 16);
    (pc && has(g, x) ? poly : other).push_back(g);
  }
  if (poly.empty() || other.empty()) return std::nullopt;
  const ExprId P = expand(pool, pool.mul(poly));
  const ExprId g = pool.mul(other);
  auto pc = poly_coeffs(P, x, 16);
  if (!pc || pc->size() < 2) return std::nullopt;
  const long deg = static_cast<long>(pc->size()) - 1;
  std::vector<ExprId> terms;
  ExprId G = g, Pk = P;
  for (long k = 0; k <= deg; ++k) {
    Opt Gn = integrate(G, x);
    if (!Gn) return std::nullopt;
    G = expand(pool, *Gn);
    const ExprId term = mul(Pk, G);
    terms.push_back(k % 2 ? pool.neg(term) : term);
    Pk = d(Pk, x);
  }
  return pool.add(terms);
}

}  // namespace alkahest::integrate_detail
