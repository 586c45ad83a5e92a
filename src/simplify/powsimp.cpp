// powsimp: powers combined where the symbols' assumptions make it an identity.
//   (b**p)**q = b**(p*q)        for b >= 0 and real p, q (integer q: the kernel does that one)
//   (b**p)**q = |b|**(p*q)      for real b, even integer p and real q (sqrt(x**2) = |x|)
//   (a*b)**q  = a**q * b**q     for the factors a >= 0 (real q), so sqrt(4*x**2) = 2*|x|
//   exp(a)*exp(b) = exp(a + b); exp(a)**k = exp(k*a) for integer k, or real a and real k
//   x**q * y**q = (x*y)**q      for x, y >= 0 and real non-integer q
#include <map>

#include "alkahest/facts.hpp"
#include "alkahest/simplify.hpp"
#include "passes.hpp"
#include "walk.hpp"

namespace alkahest {

using namespace simplify_detail;

namespace {

bool yes(std::optional<bool> b) { return b.value_or(false); }
bool nonneg(const ExprPool& pool, ExprId e) { return yes(is_nonnegative(pool.node(e).facts)); }
bool real(const ExprPool& pool, ExprId e) { return yes(is_real(pool.node(e).facts)); }

bool integer_number(const ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  return n.kind == Kind::Number && n.number.is_integer();
}
bool even_integer(const ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  return n.kind == Kind::Number && n.number.is_integer() && mpz_even_p(n.number.integer().get_mpz_t());
}

ExprId pow_rule(ExprPool& pool, ExprId id, int depth = 0) {
  const Node& n = pool.node(id);
  if (n.kind != Kind::Pow || depth > 8) return id;
  const ExprId base = n.args[0], q = n.args[1];
  const Node& b = pool.node(base);
  if (b.kind == Kind::Pow && real(pool, q)) {
    const ExprId inner = b.args[0], p = b.args[1];
    if (nonneg(pool, inner) && real(pool, p)) return pool.pow(inner, pool.mul(p, q));
    if (real(pool, inner) && even_integer(pool, p)) return pool.pow(pool.func(Op::Abs, inner), pool.mul(p, q));
  }
  if (b.kind == Kind::Func && b.op == Op::Exp && (integer_number(pool, q) || (real(pool, q) && real(pool, b.args[0]))))
    return pool.func(Op::Exp, pool.mul(q, b.args[0]));
  if (b.kind == Kind::Mul && real(pool, q) && !integer_number(pool, q)) {
    std::vector<ExprId> out, keep;
    for (ExprId f : b.args) {
      if (nonneg(pool, f))
        out.push_back(pow_rule(pool, pool.pow(f, q), depth + 1));
      else
        keep.push_back(f);
    }
    if (!out.empty()) {
      out.push_back(pool.pow(pool.mul(keep), q));
      return pool.mul(out);
    }
  }
  return id;
}

ExprId mul_rule(ExprPool& pool, ExprId id) {
  const Node& n = pool.node(id);
  if (n.kind != Kind::Mul) return id;
  std::vector<ExprId> out, exps;
  std::map<ExprId, std::vector<ExprId>> by_exponent;  // non-integer real exponent -> bases >= 0
  for (ExprId f : n.args) {
    const Node& fn = pool.node(f);
    if (fn.kind == Kind::Func && fn.op == Op::Exp) {
      exps.push_back(fn.args[0]);
      continue;
    }
    if (fn.kind == Kind::Pow && !integer_number(pool, fn.args[1]) && real(pool, fn.args[1]) && nonneg(pool, fn.args[0])) {
      by_exponent[fn.args[1]].push_back(fn.args[0]);
      continue;
    }
    out.push_back(f);
  }
  bool changed = exps.size() > 1;
  if (!exps.empty()) out.push_back(pool.func(Op::Exp, pool.add(exps)));
  for (auto& [q, bases] : by_exponent) {
    changed |= bases.size() > 1;
    out.push_back(pool.pow(pool.mul(bases), q));
  }
  return changed ? pool.mul(out) : id;
}

}  // namespace

ExprId powsimp(ExprPool& pool, ExprId expr) {
  return bottom_up(pool, expr, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind == Kind::Pow) return pow_rule(pool, id);
    if (n.kind == Kind::Mul) return mul_rule(pool, id);
    return id;
  });
}

}  // namespace alkahest
