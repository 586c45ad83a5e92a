// powsimp: powers combined where the symbols' assumptions make it an identity.
//   (b**p)**q = b**(p*q)        for b >= 0 and real p, q (integer q: the kernel does that one)
//   (b**p)**q = |b|**(p*q)      for real b, even integer p and real q (sqrt(x**2) = |x|)
//   (a*b)**q  = a**q * b**q     for the factors a >= 0 (real q), so sqrt(4*x**2) = 2*|x|
//   exp(a)*exp(b) = exp(a + b); exp(a)**k = exp(k*a) for integer k, or real a and real k
//   x**q * y**q = (x*y)**q      for x, y >= 0 and real non-integer q
#include <algorithm>
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
    if (real(pool, inner) && even_integer(pool, p)) {
      const ExprId pq = pool.mul(p, q);
      return even_integer(pool, pq) ? pool.pow(inner, pq) : pool.pow(pool.func(Op::Abs, inner), pq);
    }
  }
  if (b.kind == Kind::Func && b.op == Op::Abs && even_integer(pool, q) && real(pool, b.args[0]))
    return pool.pow(b.args[0], q);
  // A positive integer base: its exponent's numeric term taken out (2**(x + 2) = 4*2**x), and an
  // integer coefficient of the exponent taken in (2**(2*x) = 4**x); both hold for every exponent.
  if (b.kind == Kind::Number && b.number.is_integer() && b.number.sign() > 0 && !b.number.is_one()) {
    const Node& qn = pool.node(q);
    if (qn.kind == Kind::Add && pool.node(qn.args[0]).kind == Kind::Number &&
        pool.node(qn.args[0]).number.is_integer() && pool.node(qn.args[0]).number.fits_long()) {
      const long k = pool.node(qn.args[0]).number.integer().get_si();
      if (k >= -64 && k <= 64) {
        std::vector<ExprId> rest(qn.args.begin() + 1, qn.args.end());
        return pool.mul(pool.pow(base, qn.args[0]), pow_rule(pool, pool.pow(base, pool.add(rest)), depth + 1));
      }
    }
    if (qn.kind == Kind::Mul && pool.node(qn.args[0]).kind == Kind::Number &&
        pool.node(qn.args[0]).number.is_integer() && pool.node(qn.args[0]).number.fits_long()) {
      const long k = pool.node(qn.args[0]).number.integer().get_si();
      if (k >= 2 && k <= 64 && mpz_sizeinbase(b.number.integer().get_mpz_t(), 2) * static_cast<std::size_t>(k) <= 256)
        return pool.pow(pool.pow(base, qn.args[0]), pool.div(q, qn.args[0]));
    }
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

// The smallest integer root: 8 -> (2, 3), 12 -> (12, 1).
std::pair<mpz_class, unsigned long> integer_root(const mpz_class& n) {
  if (n > 1 && mpz_sizeinbase(n.get_mpz_t(), 2) <= 4096)
    for (unsigned long k = mpz_sizeinbase(n.get_mpz_t(), 2); k >= 2; --k) {
      mpz_class r;
      if (mpz_root(r.get_mpz_t(), n.get_mpz_t(), k) != 0) return {r, k};
    }
  return {n, 1};
}

ExprId mul_rule(ExprPool& pool, ExprId id) {
  const Node& n = pool.node(id);
  if (n.kind != Kind::Mul) return id;
  // abs(b)*sign(b) = b (sign(b) is b/|b|, and both sides are 0 at 0).
  for (ExprId f : n.args) {
    const Node& fn = pool.node(f);
    if (fn.kind != Kind::Func || fn.op != Op::Abs) continue;
    const ExprId sg = pool.func(Op::Sign, fn.args[0]);
    auto it = std::find(n.args.begin(), n.args.end(), sg);
    if (it == n.args.end()) continue;
    std::vector<ExprId> out;
    for (ExprId g : n.args)
      if (g != f && g != sg) out.push_back(g);
    out.push_back(fn.args[0]);
    return mul_rule(pool, pool.mul(out));
  }
  // Powers of integers with symbolic exponents meet at their smallest root: 4**x*2**(-2*x) = 1.
  {
    bool any = false;
    std::vector<ExprId> out;
    for (ExprId f : n.args) {
      const Node& fn = pool.node(f);
      if (fn.kind == Kind::Pow && pool.node(fn.args[0]).kind == Kind::Number &&
          pool.node(fn.args[0]).number.is_integer() && pool.node(fn.args[1]).kind != Kind::Number) {
        auto [r, k] = integer_root(pool.node(fn.args[0]).number.integer());
        if (k > 1) {
          out.push_back(pool.pow(pool.number(Number(r)), pool.mul(pool.integer(static_cast<long>(k)), fn.args[1])));
          any = true;
          continue;
        }
      }
      out.push_back(f);
    }
    if (any) {
      const ExprId m = pool.mul(out);
      if (pool.node(m).kind != Kind::Mul || pool.node(m).args.size() < n.args.size()) return m;
    }
  }
  std::vector<ExprId> out, exps;
  std::map<ExprId, std::vector<ExprId>> by_exponent;  // non-integer real exponent -> bases >= 0
  std::map<ExprId, ExprId> free;                       // exponent -> one power of a base of unknown sign
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
    if (fn.kind == Kind::Pow && !integer_number(pool, fn.args[1]) && real(pool, fn.args[1]) && !free.count(fn.args[1])) {
      free.emplace(fn.args[1], f);
      continue;
    }
    out.push_back(f);
  }
  // One base of unknown sign may join bases >= 0: x**q*y**q = (x*y)**q needs only x >= 0.
  for (auto [q, f] : free) {
    auto it = by_exponent.find(q);
    if (it != by_exponent.end())
      it->second.push_back(pool.node(f).args[0]);
    else
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

// exp(c*log(b)) = b**c (the principal power's definition) for b > 0.
ExprId exp_rule(ExprPool& pool, ExprId id) {
  const Node& n = pool.node(id);
  const Node& a = pool.node(n.args[0]);
  if (a.kind != Kind::Mul) return id;
  for (ExprId f : a.args) {
    const Node& fn = pool.node(f);
    if (fn.kind != Kind::Func || fn.op != Op::Log || !yes(is_positive(pool.node(fn.args[0]).facts))) continue;
    std::vector<ExprId> rest;
    for (ExprId g : a.args)
      if (g != f) rest.push_back(g);
    return pow_rule(pool, pool.pow(fn.args[0], pool.mul(rest)));
  }
  return id;
}

ExprId powsimp(ExprPool& pool, ExprId expr) {
  return bottom_up(pool, expr, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind == Kind::Func && n.op == Op::Exp) return exp_rule(pool, id);
    if (n.kind == Kind::Pow) return pow_rule(pool, id);
    if (n.kind == Kind::Mul) return mul_rule(pool, id);
    return id;
  });
}

}  // namespace alkahest
