// Decisions the solvers rely on, never wrong: a sign, realness or zero is reported only when proved
// (exact numbers, the kernel's facts, or a certified Arb enclosure of a constant expression).
#include <algorithm>
#include <unordered_set>

#include "alkahest/calculus.hpp"
#include "alkahest/evalf.hpp"
#include "alkahest/objects.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/print.hpp"
#include "poly/convert.hpp"
#include "solve/solve_detail.hpp"

namespace alkahest {

SolveDomain domain_of(const ExprPool& pool, ExprId x) {
  return is_real(pool.node(x).facts) == std::optional<bool>(true) ? SolveDomain::Real : SolveDomain::Complex;
}

namespace solve_detail {

namespace {

bool is_rootof(const Node& n) { return n.kind == Kind::Object && n.head == Head::RootOf; }

bool is_constant_expr(const ExprPool& pool, ExprId e) {
  std::vector<ExprId> stack{e};
  std::unordered_set<ExprId> seen{e};
  while (!stack.empty()) {
    const Node& n = pool.node(stack.back());
    stack.pop_back();
    if (n.kind == Kind::Symbol) return false;
    if (n.kind == Kind::Constant && n.constant >= Constant::Infinity) return false;
    if (n.kind == Kind::Number && n.number.is_float()) return false;
    if (is_rootof(n)) continue;  // a number; its variable is bound
    for (ExprId a : n.args)
      if (seen.insert(a).second) stack.push_back(a);
  }
  return true;
}

}  // namespace

std::string text(const ExprPool& pool, ExprId e) {
  std::string s = to_string(pool, e);
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

bool has(const ExprPool& pool, ExprId expr, ExprId x) {
  if (expr == x) return true;
  std::vector<ExprId> stack{expr};
  std::unordered_set<ExprId> seen{expr};
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    if (id == x) return true;
    if (is_rootof(pool.node(id))) continue;  // its variable is bound: RootOf is a number
    for (ExprId a : pool.node(id).args)
      if (seen.insert(a).second) stack.push_back(a);
  }
  return false;
}

std::optional<bool> zero(ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  if (n.kind == Kind::Number) return n.number.is_zero();
  if (auto k = is_zero(n.facts)) return k;
  if (!is_constant_expr(pool, e)) return std::nullopt;
  try {
    return is_zero(pool, e);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<int> sign_of(ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  if (n.kind == Kind::Number) {
    if (n.number.is_float() && n.number.real() != n.number.real()) return std::nullopt;
    return n.number.sign();
  }
  if (is_zero(n.facts) == std::optional<bool>(true)) return 0;
  if (is_positive(n.facts) == std::optional<bool>(true)) return 1;
  if (is_negative(n.facts) == std::optional<bool>(true)) return -1;
  if (!is_constant_expr(pool, e)) return std::nullopt;
  try {
    if (is_zero(pool, e) != std::optional<bool>(false)) return std::nullopt;
    const Evalf v = evalf(pool, e, 15);
    if (!v.real) return std::nullopt;
    // The enclosure excludes 0 and is real: its midpoint has the value's sign.
    return v.re_double > 0 ? 1 : (v.re_double < 0 ? -1 : std::optional<int>());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<bool> is_real_value(ExprPool& pool, ExprId e) {
  const Facts f = pool.node(e).facts;
  if (auto r = is_real(f); r && *r) return true;
  if (f.within(Facts::NonReal)) return false;
  if (!is_constant_expr(pool, e)) return std::nullopt;
  try {
    const Evalf v = evalf(pool, e, 15);
    if (v.real) return true;
    const std::optional<bool> im_zero = is_zero(pool, pool.func(Op::Im, e));
    if (im_zero) return *im_zero;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

bool add_condition(ExprPool& pool, std::vector<Condition>& conds, ExprId expr, Condition::Rel rel) {
  ExprId e = expr;
  try {
    e = cancel(pool, expr);
  } catch (const std::exception&) {
  }
  using R = Condition::Rel;
  if (rel == R::Eq || rel == R::Ne) {
    const std::optional<bool> z = zero(pool, e);
    if (z) return (*z) == (rel == R::Eq);
    if (rel == R::Ne) {
      // A nonzero numerator makes the condition about it alone (p/q != 0 iff p != 0).
      auto [num, den] = numer_denom(pool, e);
      (void)den;
      e = num;
      if (pool.node(e).kind == Kind::Mul) {
        // Each factor must be nonzero: one condition per factor the facts cannot settle.
        bool ok = true;
        for (ExprId f : std::vector<ExprId>(pool.node(e).args)) {
          const ExprId base = pool.as_base_exp(f).first;
          ok = add_condition(pool, conds, base, R::Ne) && ok;
        }
        return ok;
      }
    }
  } else {
    if (is_real_value(pool, e) == std::optional<bool>(false)) return false;  // not real: not >= 0
    const std::optional<int> s = sign_of(pool, e);
    if (s) return rel == R::Gt ? *s > 0 : *s >= 0;
  }
  // A positive numeric factor says nothing (8*a >= 0 is a >= 0); for = and != neither does a
  // negative one. A negative factor of > or >= stays (it would flip the relation).
  if (pool.node(e).kind == Kind::Mul) {
    for (ExprId f : pool.node(e).args) {
      const Node& fn = pool.node(f);
      if (fn.kind != Kind::Number || fn.number.is_float() || fn.number.is_zero()) continue;
      if (rel == R::Eq || rel == R::Ne || fn.number.sign() > 0) e = pool.div(e, f);
      break;
    }
  }
  const Condition c{e, rel};
  if (std::find(conds.begin(), conds.end(), c) == conds.end()) conds.push_back(c);
  return true;
}

std::pair<ExprId, ExprId> numer_denom(ExprPool& pool, ExprId expr) {
  using namespace poly_detail;
  Converter c(pool, Mode::Exact, "solve");
  c.scan(expr);
  c.build();
  Ratio r = c.ratio(expr);
  QPoly den = r.den ? *r.den : c.constant(1);
  reduce(r.num, den, "solve");
  return {c.expr(r.num), c.expr(den)};
}

std::vector<ExprId> generators_with(ExprPool& pool, ExprId expr, ExprId x) {
  std::vector<ExprId> out;
  for (ExprId g : generators(pool, expr))
    if (has(pool, g, x)) out.push_back(g);
  return out;
}

std::optional<PolyIn> poly_in(ExprPool& pool, ExprId expr, ExprId g, ExprId x) {
  using namespace poly_detail;
  Converter c(pool, Mode::Exact, "solve");
  c.scan(expr);
  c.scan(g);
  c.build();
  const long v = c.var_of(g);
  if (v < 0) return std::nullopt;
  const auto gens = c.gen_exprs();
  for (std::size_t k = 0; k < gens.size(); ++k)
    if (static_cast<long>(k) != v && has(pool, gens[k], x)) return std::nullopt;
  Ratio r = c.ratio(expr);
  QPoly den = r.den ? *r.den : c.constant(1);
  reduce(r.num, den, "solve");
  PolyIn out;
  out.den = c.expr(den);
  const slong nv = c.ctx()->flint_nvars();
  std::vector<ulong> exps(static_cast<std::size_t>(nv));
  std::vector<std::vector<ExprId>> terms;
  Fmpq q;
  for (slong i = 0; i < r.num.length(); ++i) {
    fmpq_mpoly_get_term_coeff_fmpq(q.v, r.num.get(), i, r.num.ctx());
    fmpq_mpoly_get_term_exp_ui(exps.data(), r.num.get(), i, r.num.ctx());
    const std::size_t d = static_cast<std::size_t>(exps[static_cast<std::size_t>(v)]);
    if (terms.size() <= d) terms.resize(d + 1);
    std::vector<ExprId> fs{pool.number(to_number(q.v))};
    for (slong j = 0; j < static_cast<slong>(c.nvars()); ++j)
      if (j != v && exps[static_cast<std::size_t>(j)] != 0)
        fs.push_back(c.gen_power(static_cast<std::size_t>(j), mpz_class(static_cast<unsigned long>(exps[static_cast<std::size_t>(j)]))));
    terms[d].push_back(pool.mul(fs));
  }
  for (auto& t : terms) out.coeffs.push_back(t.empty() ? pool.integer(0) : pool.add(t));
  if (out.coeffs.empty()) out.coeffs.push_back(pool.integer(0));
  return out;
}

ExprId integer_parameter(ExprPool& pool, const std::vector<ExprId>& avoid) {
  std::vector<std::string> names;
  for (ExprId a : avoid)
    for (ExprId s : free_symbols(pool, a)) names.push_back(pool.node(s).name);
  static const std::pair<std::string, bool> kInteger[] = {{"integer", true}};
  const Facts f = facts_from_assumptions(kInteger);
  for (int k = 0;; ++k) {
    const std::string name = k == 0 ? "n" : "n" + std::to_string(k);
    if (std::find(names.begin(), names.end(), name) == names.end()) return pool.symbol(name, f);
  }
}

}  // namespace solve_detail
}  // namespace alkahest
