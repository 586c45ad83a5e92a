// horner: c0 + x*(c1 + x*(c2 + ...)) in the first generator, the coefficients in Horner form of the
// next generators in turn.
#include <algorithm>
#include <map>

#include "alkahest/poly.hpp"
#include "alkahest/print.hpp"

namespace alkahest {

namespace {

ExprId horner_in(ExprPool& pool, ExprId e, std::span<const ExprId> gens) {
  if (gens.empty()) return e;
  const ExprId x = gens[0];
  const ExprId collected = collect(pool, e, x);
  const Node& n = pool.node(collected);
  std::vector<ExprId> terms;
  if (n.kind == Kind::Add)
    terms = n.args;
  else
    terms.push_back(collected);
  std::map<long, std::vector<ExprId>> by_degree;
  for (ExprId t : terms) {
    const Node& tn = pool.node(t);
    std::vector<ExprId> factors;
    if (tn.kind == Kind::Mul)
      factors = tn.args;
    else
      factors.push_back(t);
    long k = 0;
    std::vector<ExprId> rest;
    for (ExprId f : factors) {
      auto [b, ex] = pool.as_base_exp(f);
      const Node& en = pool.node(ex);
      if (b == x) {
        if (en.kind != Kind::Number || !en.number.is_integer() || en.number.is_negative() || !en.number.fits_long())
          throw InvalidArgument("horner: " + to_string(pool, e) + " is not a polynomial in " + to_string(pool, x));
        k += en.number.integer().get_si();
      } else {
        rest.push_back(f);
      }
    }
    by_degree[k].push_back(pool.mul(rest));
  }
  const long deg = by_degree.rbegin()->first;
  ExprId h = pool.integer(0);
  for (long k = deg; k >= 0; --k) {
    auto it = by_degree.find(k);
    const ExprId ck = it == by_degree.end() ? pool.integer(0) : horner_in(pool, pool.add(it->second), gens.subspan(1));
    h = k == deg ? ck : pool.add(ck, pool.mul(x, h));
  }
  return h;
}

}  // namespace

ExprId horner(ExprPool& pool, ExprId expr, std::span<const ExprId> gens) {
  if (gens.empty()) {
    const auto g = generators(pool, expr);
    return horner_in(pool, expr, g);
  }
  return horner_in(pool, expr, gens);
}

}  // namespace alkahest
