// collect: the expanded expression with its terms grouped by the power of x they carry:
// sum of coeff_k * x**k, each coefficient a sum.
#include <vector>

#include "alkahest/poly.hpp"

namespace alkahest {

ExprId collect(ExprPool& pool, ExprId expr, ExprId x) {
  const ExprId e = expand(pool, expr);
  const Node& n = pool.node(e);
  std::vector<ExprId> terms;
  if (n.kind == Kind::Add)
    terms = n.args;
  else
    terms.push_back(e);
  std::vector<std::pair<ExprId, std::vector<ExprId>>> groups;  // exponent of x -> coefficient terms
  for (ExprId t : terms) {
    ExprId power = pool.integer(0);
    std::vector<ExprId> rest;
    const Node& tn = pool.node(t);
    std::vector<ExprId> factors;
    if (tn.kind == Kind::Mul)
      factors = tn.args;
    else
      factors.push_back(t);
    for (ExprId f : factors) {
      auto [b, k] = pool.as_base_exp(f);
      if (b == x && pool.node(k).kind == Kind::Number)
        power = pool.add(power, k);
      else
        rest.push_back(f);
    }
    const ExprId coeff = pool.mul(rest);
    auto it = groups.begin();
    for (; it != groups.end(); ++it)
      if (it->first == power) break;
    if (it == groups.end())
      groups.push_back({power, {coeff}});
    else
      it->second.push_back(coeff);
  }
  std::vector<ExprId> out;
  for (auto& [k, cs] : groups) out.push_back(pool.mul(pool.add(cs), pool.pow(x, k)));
  return pool.add(out);
}

}  // namespace alkahest
