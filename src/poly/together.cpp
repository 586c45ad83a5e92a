// together: a sum of fractions over one common denominator, built from the denominators' factors
// as they stand (their syntactic lcm: each base with its largest exponent), without expanding or
// cancelling. Works on Exprs only: no polynomial arithmetic is needed.
#include <algorithm>
#include <map>

#include "alkahest/poly.hpp"

namespace alkahest {

namespace {

struct Fraction {
  std::vector<ExprId> num;               // factors of the numerator
  std::vector<std::pair<ExprId, mpz_class>> den;  // base, positive exponent
};

Fraction split(ExprPool& pool, ExprId t) {
  Fraction f;
  const Node& n = pool.node(t);
  std::vector<ExprId> factors;
  if (n.kind == Kind::Mul)
    factors = n.args;
  else
    factors.push_back(t);
  for (ExprId x : factors) {
    const Node& xn = pool.node(x);
    if (xn.kind == Kind::Pow) {
      const Node& e = pool.node(xn.args[1]);
      if (e.kind == Kind::Number && e.number.is_exact() && e.number.is_negative()) {
        const Number ne = -e.number;
        if (ne.is_integer()) {
          f.den.emplace_back(xn.args[0], ne.integer());
        } else {  // x**(-3/2): the denominator is x**(3/2)
          f.den.emplace_back(pool.pow(xn.args[0], pool.number(ne)), mpz_class(1));
        }
        continue;
      }
    }
    if (xn.kind == Kind::Number && xn.number.is_rational()) {
      f.num.push_back(pool.number(Number(mpz_class(xn.number.rational().get_num()))));
      f.den.emplace_back(pool.number(Number(mpz_class(xn.number.rational().get_den()))), mpz_class(1));
      continue;
    }
    f.num.push_back(x);
  }
  return f;
}

ExprId together_rec(ExprPool& pool, ExprId e, std::map<ExprId, ExprId>& memo) {
  auto it = memo.find(e);
  if (it != memo.end()) return it->second;
  const Node& n = pool.node(e);
  ExprId out = e;
  if (n.kind == Kind::Mul) {
    std::vector<ExprId> fs;
    for (ExprId a : n.args) fs.push_back(together_rec(pool, a, memo));
    out = pool.mul(fs);
  } else if (n.kind == Kind::Pow) {
    out = pool.pow(together_rec(pool, n.args[0], memo), n.args[1]);
  } else if (n.kind == Kind::Add) {
    std::vector<Fraction> parts;
    std::vector<std::pair<ExprId, mpz_class>> common;  // base -> largest exponent
    for (ExprId a : n.args) {
      parts.push_back(split(pool, together_rec(pool, a, memo)));
      for (const auto& [b, k] : parts.back().den) {
        auto c = std::find_if(common.begin(), common.end(), [b = b](const auto& x) { return x.first == b; });
        if (c == common.end())
          common.emplace_back(b, k);
        else if (c->second < k)
          c->second = k;
      }
    }
    if (common.empty()) {
      out = e;
    } else {
      // Numbers in the common denominator: their lcm, not their product.
      mpz_class number_lcm = 1;
      std::vector<std::pair<ExprId, mpz_class>> bases;
      for (const auto& [b, k] : common) {
        const Node& bn = pool.node(b);
        if (bn.kind == Kind::Number) {
          mpz_class v = bn.number.integer();
          for (mpz_class i = 0; i < k; ++i) mpz_lcm(number_lcm.get_mpz_t(), number_lcm.get_mpz_t(), v.get_mpz_t());
        } else {
          bases.emplace_back(b, k);
        }
      }
      std::vector<ExprId> terms;
      for (Fraction& f : parts) {
        std::vector<ExprId> fs = f.num;
        mpz_class mine = 1;
        for (const auto& [b, k] : bases) {
          mpz_class have = 0;
          for (const auto& [fb, fk] : f.den)
            if (fb == b) have = fk;
          if (have < k) fs.push_back(pool.pow(b, pool.number(Number(mpz_class(k - have)))));
        }
        for (const auto& [fb, fk] : f.den)
          if (pool.node(fb).kind == Kind::Number) mine *= pool.node(fb).number.integer();
        fs.push_back(pool.number(Number(mpz_class(number_lcm / mine))));
        terms.push_back(pool.mul(fs));
      }
      std::vector<ExprId> den{pool.number(Number(number_lcm))};
      for (const auto& [b, k] : bases) den.push_back(pool.pow(b, pool.number(Number(k))));
      out = pool.mul(pool.add(terms), pool.pow(pool.mul(den), pool.integer(-1)));
    }
  }
  memo.emplace(e, out);
  return out;
}

}  // namespace

ExprId together(ExprPool& pool, ExprId expr) {
  if (pool.node(expr).depth > 2000)
    throw InvalidArgument("together: the expression is nested " + std::to_string(pool.node(expr).depth) +
                          " levels deep; together handles up to 2000 (use cancel)");
  std::map<ExprId, ExprId> memo;
  return together_rec(pool, expr, memo);
}

}  // namespace alkahest
