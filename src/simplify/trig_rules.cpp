// The single trigonometric and hyperbolic rewrites that trigsimp's search combines (Fu, Zhong,
// Zeng 2006 name them TR2, TR2i, TR5/TR6, TR8, TR10/TR11). Each holds wherever both sides are
// defined, for every complex value of the arguments.
#include <algorithm>
#include <map>
#include <unordered_set>

#include "alkahest/errors.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/walk.hpp"
#include "passes.hpp"
#include "walk.hpp"

namespace alkahest::simplify_detail {

namespace {

bool is_func(const ExprPool& pool, ExprId e, Op op) {
  const Node& n = pool.node(e);
  return n.kind == Kind::Func && n.op == op;
}

ExprId expanded(ExprPool& pool, ExprId e) {
  auto r = try_expand(pool, e);
  return r ? *r : e;
}

ExprId half(ExprPool& pool) { return pool.number(Number::rational(1, 2)); }

// A factor as (function, argument, integer exponent) when it is f(u)**k for f in `ops`.
struct TrigPower {
  Op op;
  ExprId arg;
  long exp;
};
std::optional<TrigPower> trig_power(const ExprPool& pool, ExprId f, std::uint64_t ops) {
  const Node& n = pool.node(f);
  long k = 1;
  ExprId base = f;
  if (n.kind == Kind::Pow) {
    const Node& e = pool.node(n.args[1]);
    if (e.kind != Kind::Number || !e.number.is_integer() || !e.number.fits_long()) return std::nullopt;
    k = e.number.integer().get_si();
    base = n.args[0];
  }
  const Node& b = pool.node(base);
  if (b.kind != Kind::Func || b.args.size() != 1 || !(ops & op_bit(b.op))) return std::nullopt;
  return TrigPower{b.op, b.args[0], k};
}

}  // namespace

bool looks_negative(ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  switch (n.kind) {
    case Kind::Number: return n.number.is_negative();
    case Kind::Mul: return pool.node(n.args[0]).kind == Kind::Number && pool.node(n.args[0]).number.is_negative();
    case Kind::Add:
      for (ExprId t : n.args)
        if (pool.node(t).kind != Kind::Number) return looks_negative(pool, t);
      return false;
    case Kind::Constant: return n.constant == Constant::NegativeInfinity;
    default: return false;
  }
}

ExprId parity_func(ExprPool& pool, Op op, ExprId arg) {
  if (!looks_negative(pool, arg)) return pool.func(op, arg);
  const ExprId pos = pool.neg(arg);
  switch (op) {
    case Op::Cos:
    case Op::Cosh: return pool.func(op, pos);
    case Op::Sin:
    case Op::Tan:
    case Op::Sinh:
    case Op::Tanh: return pool.neg(pool.func(op, pos));
    default: return pool.func(op, arg);
  }
}

ExprId parity(ExprPool& pool, ExprId e) {
  return bottom_up(pool, e, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind == Kind::Func && n.args.size() == 1 && ((kTrigOps | kHypOps) & op_bit(n.op)))
      return parity_func(pool, n.op, n.args[0]);
    return id;
  });
}

bool has_op(const ExprPool& pool, ExprId e, std::uint64_t ops) {
  return any_node(pool, e, [&](ExprId, const Node& n) { return n.kind == Kind::Func && (ops & op_bit(n.op)); });
}

ExprId tan_to_sin_cos(ExprPool& pool, ExprId e) {
  return bottom_up(pool, e, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Func) return id;
    if (n.op == Op::Tan) return pool.div(pool.func(Op::Sin, n.args[0]), pool.func(Op::Cos, n.args[0]));
    if (n.op == Op::Tanh) return pool.div(pool.func(Op::Sinh, n.args[0]), pool.func(Op::Cosh, n.args[0]));
    return id;
  });
}

ExprId sin_cos_to_tan(ExprPool& pool, ExprId e) {
  return bottom_up(pool, e, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Mul) return id;
    // Exponents of sin(u), cos(u) (sinh, cosh) per argument.
    struct Pair {
      long s = 0, c = 0;
    };
    std::map<std::pair<ExprId, bool>, Pair> pairs;
    for (ExprId f : n.args)
      if (auto tp = trig_power(pool, f, op_bit(Op::Sin) | op_bit(Op::Cos) | op_bit(Op::Sinh) | op_bit(Op::Cosh))) {
        const bool hyp = tp->op == Op::Sinh || tp->op == Op::Cosh;
        Pair& p = pairs[{tp->arg, hyp}];
        (tp->op == Op::Sin || tp->op == Op::Sinh ? p.s : p.c) += tp->exp;
      }
    std::vector<ExprId> out;
    bool changed = false;
    for (ExprId f : n.args) {
      auto tp = trig_power(pool, f, op_bit(Op::Sin) | op_bit(Op::Cos) | op_bit(Op::Sinh) | op_bit(Op::Cosh));
      if (!tp) {
        out.push_back(f);
        continue;
      }
      const bool hyp = tp->op == Op::Sinh || tp->op == Op::Cosh;
      const Pair p = pairs[{tp->arg, hyp}];
      if (!((p.s > 0 && p.c < 0) || (p.s < 0 && p.c > 0))) {
        out.push_back(f);
        continue;
      }
      changed = true;
      if (tp->op == Op::Sin || tp->op == Op::Sinh) {  // emit the whole pair once, at the sin factor
        const long k = p.s > 0 ? std::min(p.s, -p.c) : -std::min(-p.s, p.c);
        const Op s = hyp ? Op::Sinh : Op::Sin, c = hyp ? Op::Cosh : Op::Cos, t = hyp ? Op::Tanh : Op::Tan;
        out.push_back(pool.pow(pool.func(t, tp->arg), pool.integer(k)));
        out.push_back(pool.pow(pool.func(s, tp->arg), pool.integer(p.s - k)));
        out.push_back(pool.pow(pool.func(c, tp->arg), pool.integer(p.c + k)));
      }
    }
    return changed ? pool.mul(out) : id;
  });
}

ExprId pythagorean(ExprPool& pool, ExprId e, bool to_sin) {
  const ExprId one = pool.integer(1);
  return bottom_up(pool, e, [&](ExprId id) {
    auto tp = trig_power(pool, id, op_bit(Op::Sin) | op_bit(Op::Cos) | op_bit(Op::Sinh) | op_bit(Op::Cosh));
    if (!tp || (tp->exp < 2 && tp->exp > -2)) return id;
    // The function replaced and what its square is.
    ExprId square;
    switch (tp->op) {
      case Op::Cos:
        if (!to_sin) return id;
        square = pool.sub(one, pool.pow(pool.func(Op::Sin, tp->arg), pool.integer(2)));
        break;
      case Op::Sin:
        if (to_sin) return id;
        square = pool.sub(one, pool.pow(pool.func(Op::Cos, tp->arg), pool.integer(2)));
        break;
      case Op::Cosh:
        if (!to_sin) return id;
        square = pool.add(one, pool.pow(pool.func(Op::Sinh, tp->arg), pool.integer(2)));
        break;
      case Op::Sinh:
        if (to_sin) return id;
        square = pool.sub(pool.pow(pool.func(Op::Cosh, tp->arg), pool.integer(2)), one);
        break;
      default: return id;
    }
    const long k = tp->exp < 0 ? -tp->exp : tp->exp;
    ExprId r = pool.mul(pool.pow(square, pool.integer(k / 2)), pool.pow(pool.func(tp->op, tp->arg), pool.integer(k % 2)));
    return tp->exp < 0 ? pool.pow(r, pool.integer(-1)) : r;
  });
}

ExprId reciprocal_squares(ExprPool& pool, ExprId e) {
  const ExprId one = pool.integer(1);
  return bottom_up(pool, e, [&](ExprId id) {
    auto tp = trig_power(pool, id, op_bit(Op::Sin) | op_bit(Op::Cos) | op_bit(Op::Sinh) | op_bit(Op::Cosh));
    if (!tp || tp->exp > -2) return id;
    // 1/cos**2 = 1 + tan**2, 1/sin**2 = 1 + 1/tan**2, 1/cosh**2 = 1 - tanh**2, 1/sinh**2 = 1/tanh**2 - 1.
    const bool hyp = tp->op == Op::Sinh || tp->op == Op::Cosh;
    const ExprId t2 = pool.pow(pool.func(hyp ? Op::Tanh : Op::Tan, tp->arg), pool.integer(2));
    ExprId sq;
    switch (tp->op) {
      case Op::Cos: sq = pool.add(one, t2); break;
      case Op::Sin: sq = pool.add(one, pool.pow(t2, pool.integer(-1))); break;
      case Op::Cosh: sq = pool.sub(one, t2); break;
      default: sq = pool.sub(pool.pow(t2, pool.integer(-1)), one); break;
    }
    const long k = -tp->exp;
    return pool.mul(pool.pow(sq, pool.integer(k / 2)), pool.pow(pool.func(tp->op, tp->arg), pool.integer(-(k % 2))));
  });
}

namespace {

// f(a)*g(b) as a sum of single functions (f, g both circular or both hyperbolic).
ExprId product_to_sum(ExprPool& pool, Op f, ExprId a, Op g, ExprId b) {
  const ExprId h = half(pool);
  auto F = [&](Op op, ExprId u) { return parity_func(pool, op, u); };
  if ((f == Op::Cos && g == Op::Sin) || (f == Op::Cosh && g == Op::Sinh)) {
    std::swap(f, g);
    std::swap(a, b);
  }
  const ExprId sum2 = pool.add(a, b), diff2 = pool.sub(a, b);
  if (f == Op::Sin && g == Op::Sin) return pool.mul(h, pool.sub(F(Op::Cos, diff2), F(Op::Cos, sum2)));
  if (f == Op::Cos && g == Op::Cos) return pool.mul(h, pool.add(F(Op::Cos, diff2), F(Op::Cos, sum2)));
  if (f == Op::Sin && g == Op::Cos) return pool.mul(h, pool.add(F(Op::Sin, sum2), F(Op::Sin, diff2)));
  if (f == Op::Sinh && g == Op::Sinh) return pool.mul(h, pool.sub(F(Op::Cosh, sum2), F(Op::Cosh, diff2)));
  if (f == Op::Cosh && g == Op::Cosh) return pool.mul(h, pool.add(F(Op::Cosh, sum2), F(Op::Cosh, diff2)));
  if (f == Op::Sinh && g == Op::Cosh) return pool.mul(h, pool.add(F(Op::Sinh, sum2), F(Op::Sinh, diff2)));
  throw std::logic_error("product_to_sum: mixed families");
}

// A product of single functions (units) turned into a sum, pairing the first two repeatedly.
ExprId linearize(ExprPool& pool, std::vector<std::pair<Op, ExprId>> units) {
  if (units.empty()) return pool.integer(1);
  if (units.size() == 1) return parity_func(pool, units[0].first, units[0].second);
  const ExprId combo = expanded(pool, product_to_sum(pool, units[0].first, units[0].second, units[1].first, units[1].second));
  std::vector<std::pair<Op, ExprId>> rest(units.begin() + 2, units.end());
  std::vector<ExprId> terms;
  for (ExprId t : operands(pool, combo, Kind::Add)) {
    // t = c * f(u) (or a bare number when a function folded to one)
    std::vector<ExprId> plain;
    std::vector<std::pair<Op, ExprId>> more = rest;
    for (ExprId f : operands(pool, t, Kind::Mul)) {
      const Node& fn = pool.node(f);
      if (fn.kind == Kind::Func && fn.args.size() == 1 && ((kTrigOps | kHypOps) & op_bit(fn.op)) && fn.op != Op::Tan &&
          fn.op != Op::Tanh)
        more.push_back({fn.op, fn.args[0]});
      else
        plain.push_back(f);
    }
    // Keep the families apart: pair circular with circular, hyperbolic with hyperbolic.
    std::stable_partition(more.begin(), more.end(), [](const std::pair<Op, ExprId>& u) {
      return u.first == Op::Sin || u.first == Op::Cos;
    });
    const auto hyp_begin = std::find_if(more.begin(), more.end(), [](const std::pair<Op, ExprId>& u) {
      return u.first == Op::Sinh || u.first == Op::Cosh;
    });
    std::vector<std::pair<Op, ExprId>> circ(more.begin(), hyp_begin), hyp(hyp_begin, more.end());
    plain.push_back(linearize(pool, circ));
    plain.push_back(linearize(pool, hyp));
    terms.push_back(expanded(pool, pool.mul(plain)));
  }
  return pool.add(terms);
}

}  // namespace

ExprId products_to_sums(ExprPool& pool, ExprId e) {
  constexpr std::size_t kMaxUnits = 6;  // 2**5 terms at most per product
  const std::uint64_t ops = op_bit(Op::Sin) | op_bit(Op::Cos) | op_bit(Op::Sinh) | op_bit(Op::Cosh);
  const ExprId r = bottom_up(pool, e, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Mul && n.kind != Kind::Pow) return id;
    std::vector<ExprId> factors = n.kind == Kind::Mul ? n.args : ArgVector{id};
    std::vector<std::pair<Op, ExprId>> circ, hyp, dcirc, dhyp;
    std::vector<ExprId> plain;
    for (ExprId f : factors) {
      auto tp = trig_power(pool, f, ops);
      const long k = tp ? (tp->exp < 0 ? -tp->exp : tp->exp) : 0;
      if (!tp || circ.size() + hyp.size() + dcirc.size() + dhyp.size() + static_cast<std::size_t>(k) > kMaxUnits) {
        plain.push_back(f);
        continue;
      }
      const bool c = tp->op == Op::Sin || tp->op == Op::Cos;
      auto& into = tp->exp > 0 ? (c ? circ : hyp) : (c ? dcirc : dhyp);
      for (long i = 0; i < k; ++i) into.push_back({tp->op, tp->arg});
    }
    if (circ.size() < 2 && hyp.size() < 2 && dcirc.size() < 2 && dhyp.size() < 2) return id;
    plain.push_back(linearize(pool, circ));
    plain.push_back(linearize(pool, hyp));
    plain.push_back(pool.pow(linearize(pool, dcirc), pool.integer(-1)));
    plain.push_back(pool.pow(linearize(pool, dhyp), pool.integer(-1)));
    return pool.mul(plain);
  });
  return r == e ? e : expanded(pool, r);
}

namespace {

// sin/cos/tan/sinh/cosh/tanh of u + v, or of n*u, expanded one level (then recursively).
std::optional<ExprId> expand_angle(ExprPool& pool, Op op, ExprId a, bool tan_too, int depth) {
  if (depth > 12) return std::nullopt;
  const Node& n = pool.node(a);
  ExprId u, v;
  if (n.kind == Kind::Add) {
    u = n.args[0];
    std::vector<ExprId> rest(n.args.begin() + 1, n.args.end());
    v = pool.add(rest);
  } else if (n.kind == Kind::Mul && pool.node(n.args[0]).kind == Kind::Number &&
             pool.node(n.args[0]).number.is_integer()) {
    const mpz_class& c = pool.node(n.args[0]).number.integer();
    if (abs(c) < 2 || abs(c) > 12) return std::nullopt;
    const ExprId unit = pool.div(a, n.args[0]);
    // n*u = u + (n-1)*u (or with the sign of n)
    u = c > 0 ? unit : pool.neg(unit);
    v = pool.sub(a, u);
  } else {
    return std::nullopt;
  }
  auto E = [&](Op f, ExprId w) -> ExprId {
    if (auto r = expand_angle(pool, f, w, tan_too, depth + 1)) return *r;
    return parity_func(pool, f, w);
  };
  switch (op) {
    case Op::Sin: return pool.add(pool.mul(E(Op::Sin, u), E(Op::Cos, v)), pool.mul(E(Op::Cos, u), E(Op::Sin, v)));
    case Op::Cos: return pool.sub(pool.mul(E(Op::Cos, u), E(Op::Cos, v)), pool.mul(E(Op::Sin, u), E(Op::Sin, v)));
    case Op::Sinh: return pool.add(pool.mul(E(Op::Sinh, u), E(Op::Cosh, v)), pool.mul(E(Op::Cosh, u), E(Op::Sinh, v)));
    case Op::Cosh: return pool.add(pool.mul(E(Op::Cosh, u), E(Op::Cosh, v)), pool.mul(E(Op::Sinh, u), E(Op::Sinh, v)));
    case Op::Tan:
    case Op::Tanh: {
      if (!tan_too) return std::nullopt;
      const ExprId tu = E(op, u), tv = E(op, v);
      const ExprId den = op == Op::Tan ? pool.sub(pool.integer(1), pool.mul(tu, tv)) : pool.add(pool.integer(1), pool.mul(tu, tv));
      return pool.div(pool.add(tu, tv), den);
    }
    default: return std::nullopt;
  }
}

}  // namespace

ExprId expand_angles(ExprPool& pool, ExprId e, bool tan_too) {
  const ExprId r = bottom_up(pool, e, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Func || n.args.size() != 1 || !((kTrigOps | kHypOps) & op_bit(n.op))) return id;
    if (auto x = expand_angle(pool, n.op, n.args[0], tan_too, 0)) return *x;
    return id;
  });
  if (r == e) return e;
  if (auto x = try_expand(pool, r)) return *x;
  return r;
}

ExprId hyperbolic_to_exp(ExprPool& pool, ExprId e) {
  return bottom_up(pool, e, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Func || !(kHypOps & op_bit(n.op))) return id;
    const ExprId p = pool.func(Op::Exp, n.args[0]), m = pool.func(Op::Exp, pool.neg(n.args[0]));
    const ExprId h = half(pool);
    switch (n.op) {
      case Op::Sinh: return pool.mul(h, pool.sub(p, m));
      case Op::Cosh: return pool.mul(h, pool.add(p, m));
      default: return pool.div(pool.sub(p, m), pool.add(p, m));
    }
  });
}

ExprId exp_to_hyperbolic(ExprPool& pool, ExprId e) {
  return bottom_up(pool, e, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Add) return id;
    // Each term as (coefficient, rest without the exp factor, exponent of that exp factor).
    struct Term {
      Number c;
      ExprId rest, u;
      bool used = false;
    };
    std::vector<Term> terms;
    std::vector<ExprId> others;
    for (ExprId t : n.args) {
      auto [c, body] = pool.as_coeff_term(t);
      ExprId u = 0, rest = 0;
      bool found = false;
      if (body != 0) {
        std::vector<ExprId> fs = operands(pool, body, Kind::Mul), keep;
        for (ExprId f : fs) {
          if (!found && is_func(pool, f, Op::Exp)) {
            u = pool.node(f).args[0];
            found = true;
          } else {
            keep.push_back(f);
          }
        }
        rest = pool.mul(keep);
      }
      if (found)
        terms.push_back({c, rest, u});
      else
        others.push_back(t);
    }
    bool changed = false;
    for (std::size_t i = 0; i < terms.size(); ++i) {
      if (terms[i].used) continue;
      for (std::size_t j = i + 1; j < terms.size(); ++j) {
        if (terms[j].used || terms[j].rest != terms[i].rest || pool.neg(terms[i].u) != terms[j].u) continue;
        const bool same = Number::compare(terms[i].c, terms[j].c) == 0;
        const bool opposite = Number::compare(terms[i].c, -terms[j].c) == 0;
        if (!same && !opposite) continue;
        // c*exp(u) + c*exp(-u) = 2c cosh(u); c*exp(u) - c*exp(-u) = 2c sinh(u).
        const ExprId coeff = pool.mul(pool.number(terms[i].c * Number(2L)), terms[i].rest);
        others.push_back(pool.mul(coeff, parity_func(pool, same ? Op::Cosh : Op::Sinh, terms[i].u)));
        terms[i].used = terms[j].used = true;
        changed = true;
        break;
      }
    }
    if (!changed) return id;
    for (const Term& t : terms)
      if (!t.used) others.push_back(pool.mul(pool.number(t.c), pool.mul(t.rest, pool.func(Op::Exp, t.u))));
    return pool.add(others);
  });
}

std::optional<ExprId> try_cancel(ExprPool& pool, ExprId e) {
  try {
    return cancel(pool, e);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}
std::optional<ExprId> try_together(ExprPool& pool, ExprId e) {
  try {
    return together(pool, e);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}
std::optional<ExprId> try_factor(ExprPool& pool, ExprId e) {
  try {
    return factor(pool, e);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}
std::optional<ExprId> try_expand(ExprPool& pool, ExprId e) {
  try {
    return expand(pool, e);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

long node_count(const ExprPool& pool, ExprId e) {
  std::vector<ExprId> stack{e};
  std::unordered_set<ExprId> seen;
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    for (ExprId a : pool.node(id).args) stack.push_back(a);
  }
  return static_cast<long>(seen.size());
}

}  // namespace alkahest::simplify_detail
