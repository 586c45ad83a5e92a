// expand_log and logcombine: the rules of logarithms where the assumptions make them identities.
//   log(a*b) = log(a) + log(b)   for a > 0 (b any non-zero: arg(a*b) = arg(b))
//   log(b**q) = q*log(b)         for b > 0 and real q
//   sum of c_i*log(a_i) = log(prod a_i**c_i)   for a_i > 0 and real c_i (logcombine)
#include "alkahest/facts.hpp"
#include "alkahest/simplify.hpp"
#include "passes.hpp"
#include "walk.hpp"

namespace alkahest {

using namespace simplify_detail;

namespace {

bool yes(std::optional<bool> b) { return b.value_or(false); }
bool positive(const ExprPool& pool, ExprId e) { return yes(is_positive(pool.node(e).facts)); }
bool real(const ExprPool& pool, ExprId e) { return yes(is_real(pool.node(e).facts)); }

ExprId split_log(ExprPool& pool, ExprId arg, int depth) {
  const Node& n = pool.node(arg);
  if (depth < 16 && n.kind == Kind::Pow && positive(pool, n.args[0]) && real(pool, n.args[1]))
    return pool.mul(n.args[1], split_log(pool, n.args[0], depth + 1));
  if (depth < 16 && n.kind == Kind::Mul) {
    std::vector<ExprId> terms, rest;
    for (ExprId f : n.args) {
      // Numbers stay inside (log(2*x) is not split into log(2) + log(x)): that is no simpler.
      if (positive(pool, f) && pool.node(f).kind != Kind::Number)
        terms.push_back(split_log(pool, f, depth + 1));
      else
        rest.push_back(f);
    }
    if (!terms.empty()) {
      const ExprId r = pool.mul(rest);
      if (!(pool.node(r).kind == Kind::Number && pool.node(r).number.is_one())) terms.push_back(pool.func(Op::Log, r));
      return pool.add(terms);
    }
  }
  return pool.func(Op::Log, arg);
}

}  // namespace

ExprId expand_log(ExprPool& pool, ExprId expr) {
  return bottom_up(pool, expr, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Func || n.op != Op::Log) return id;
    return split_log(pool, n.args[0], 0);
  });
}

ExprId logcombine(ExprPool& pool, ExprId expr) {
  return bottom_up(pool, expr, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Add) return id;
    std::vector<ExprId> powers, others;
    // log(a) + log(b) = log(a*b) needs only a > 0: one term c*log(b) with c = 1 and b of unknown
    // sign may join the positive ones.
    std::optional<ExprId> free_arg;
    for (ExprId t : n.args) {
      // t = c * log(a): c the product of the other factors.
      std::vector<ExprId> fs = operands(pool, t, Kind::Mul), coeff;
      ExprId arg = 0;
      bool found = false;
      for (ExprId f : fs) {
        const Node& fn = pool.node(f);
        if (!found && fn.kind == Kind::Func && fn.op == Op::Log) {
          arg = fn.args[0];
          found = true;
        } else {
          coeff.push_back(f);
        }
      }
      const ExprId c = pool.mul(coeff);
      if (found && positive(pool, arg) && real(pool, c)) {
        powers.push_back(pool.pow(arg, c));
      } else if (found && !free_arg && pool.node(c).kind == Kind::Number && pool.node(c).number.is_one()) {
        free_arg = arg;
      } else {
        others.push_back(t);
      }
    }
    if (free_arg) {
      if (powers.empty()) {
        others.push_back(pool.func(Op::Log, *free_arg));
        return id;
      }
      powers.push_back(*free_arg);
    }
    if (powers.size() < 2) return id;
    others.push_back(pool.func(Op::Log, pool.mul(powers)));
    return pool.add(others);
  });
}

}  // namespace alkahest
