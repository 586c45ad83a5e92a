// Expr <-> FLINT: generator picking, normalisation and the two conversions (see convert.hpp).
#include "poly/convert.hpp"

#include <math.h>  // lgamma_r
#include <mpfr.h>

#include <algorithm>
#include <array>
#include <bit>
#include <optional>
#include <utility>
#include <cmath>

#include "alkahest/print.hpp"

namespace alkahest::poly_detail {

namespace {

// PolyLimits::max_exponent as a GMP integer, for checks on exponents that are mpz_class.
const mpz_class& max_exponent_z() {
  static const mpz_class limit(static_cast<unsigned long>(PolyLimits::max_exponent));
  return limit;
}

mpq_class qgcd(const mpq_class& a, const mpq_class& b) {
  // gcd(p1/q1, p2/q2) = gcd(p1, p2) / lcm(q1, q2) for reduced fractions.
  mpz_class g, l;
  mpz_gcd(g.get_mpz_t(), a.get_num_mpz_t(), b.get_num_mpz_t());
  mpz_lcm(l.get_mpz_t(), a.get_den_mpz_t(), b.get_den_mpz_t());
  mpq_class r(g, l);
  r.canonicalize();
  return r;
}

double round_to_double(const fmpq_t q) {
  mpq_class v = to_mpq(q);
  mpfr_t f;
  mpfr_init2(f, 53);
  mpfr_set_q(f, v.get_mpq_t(), MPFR_RNDN);
  const double d = mpfr_get_d(f, MPFR_RNDN);
  mpfr_clear(f);
  return d;
}

}  // namespace

Converter::Converter(ExprPool& pool, Mode mode, std::string who, bool deep)
    : pool_(pool), mode_(mode), who_(std::move(who)), deep_(deep) {
  keep_flint_scratch();
}

void Converter::float_error(ExprId id) const {
  throw InvalidArgument(who_ + ": the float " + to_string(pool_, id) +
                        " would make an exact result inexact; exact algorithms refuse floats (write it as an "
                        "exact rational, e.g. pool.rational(1, 2) or 1/2 in parse)");
}

bool Converter::is_structural(ExprId id) const {
  const Node& n = pool_.node(id);
  if (n.kind == Kind::Add || n.kind == Kind::Mul) return true;
  if (n.kind != Kind::Pow) return false;
  const Node& e = pool_.node(n.args[1]);
  if (e.kind != Kind::Number || !e.number.is_integer()) return false;
  return mode_ == Mode::Exact || e.number.sign() >= 0;
}

ExprId Converter::prepare(ExprId id) {
  if (!deep_) return id;
  auto it = prepared_.find(id);
  if (it != prepared_.end()) return it->second;
  const Node& n = pool_.node(id);
  ExprId out = id;
  if (n.kind == Kind::Func) {
    std::vector<ExprId> args;
    for (ExprId a : n.args) args.push_back(alkahest::expand(pool_, a, true));
    out = pool_.func(n.op, args);
  } else if (n.kind == Kind::Pow) {
    out = pool_.pow(alkahest::expand(pool_, n.args[0], true), alkahest::expand(pool_, n.args[1], true));
  } else if (n.kind == Kind::Add || n.kind == Kind::Mul) {
    out = alkahest::expand(pool_, id, true);
  }
  prepared_.emplace(id, out);
  return out;
}

Converter::Occurrence Converter::atom(ExprId id, bool create) {
  id = prepare(id);
  const Node& n = pool_.node(id);
  int kind = 0;
  ExprId base = id;
  mpq_class power = 1;
  if (n.kind == Kind::Func && n.op == Op::Exp) {
    auto [c, u] = pool_.as_coeff_term(n.args[0]);
    if (c.is_exact()) {
      kind = 1;
      base = u;
      power = c.to_mpq();
    }
  } else if (n.kind == Kind::Pow) {
    const Node& e = pool_.node(n.args[1]);
    if (e.kind == Kind::Number) {
      if (!e.number.is_exact()) {
        if (mode_ == Mode::Exact) float_error(n.args[1]);
      } else {
        base = n.args[0];
        power = e.number.to_mpq();
        // Expand mode: a negative integer power of a sum is 1/(the sum's power, expanded), as
        // SymPy's expand writes it: (x + 1)**-2 -> 1/(x**2 + 2*x + 1).
        if (mode_ == Mode::Expand && e.number.is_integer() && pool_.node(base).kind == Kind::Add) {
          base = alkahest::expand(pool_, pool_.pow(base, pool_.number(-e.number)), deep_);
          power = -1;
        }
      }
    }
  }
  if (power == 0) {  // exp(0*u) cannot be formed canonically; guard anyway
    kind = 0;
    base = id;
    power = 1;
  }
  const auto key = std::make_pair(kind, base);
  auto it = by_key_.find(key);
  std::size_t g;
  if (it == by_key_.end()) {
    if (!create)
      throw InvalidArgument(who_ + ": " + to_string(pool_, id) + " is not among the generators");
    Generator gen;
    gen.is_exp = kind == 1;
    gen.base = base;
    // exp(c*u): the step divides every c and 1, so exp(2*u) alone is exp(u)**2 (it factors).
    if (gen.is_exp) gen.step = qgcd(mpq_class(1), abs(power));
    gens_.push_back(gen);
    g = gens_.size() - 1;
    by_key_.emplace(key, g);
  } else {
    g = it->second;
  }
  Generator& gen = gens_[g];
  if (create) {
    if (gen.is_exp) {
      gen.step = qgcd(gen.step, abs(power));
    } else {
      mpz_lcm(gen.den.get_mpz_t(), gen.den.get_mpz_t(), power.get_den_mpz_t());
    }
    (power < 0 ? gen.negative_used : gen.positive_used) = true;
  }
  return {g, power};
}

void Converter::scan(ExprId root) {
  if (built_) throw std::logic_error("Converter::scan after build");
  std::vector<ExprId> stack{root};
  std::unordered_map<ExprId, bool> seen;
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    if (!seen.emplace(id, true).second) continue;
    const Node& n = pool_.node(id);
    if (n.kind == Kind::Number) {
      if (!n.number.is_exact()) {
        if (mode_ == Mode::Exact) float_error(id);
        saw_float_ = true;
      }
      continue;
    }
    if (is_structural(id)) {
      if (n.kind == Kind::Pow)
        stack.push_back(n.args[0]);
      else
        for (ExprId a : n.args) stack.push_back(a);
      continue;
    }
    // Floats inside atoms (sin(0.5*x)) are not coefficients: they are left as they are.
    atom(id, true);
  }
}

void Converter::build(std::span<const ExprId> order, ordering_t ord, bool rest_after) {
  if (built_) return;
  built_ = true;
  for (Generator& g : gens_) {
    if (g.is_exp) {
      g.expr = pool_.func(Op::Exp, pool_.mul(pool_.number(Number(g.step)), g.base));
    } else {
      g.expr = g.den == 1 ? g.base : pool_.pow(g.base, pool_.number(Number::rational(1, g.den)));
    }
    if (mode_ == Mode::Exact) g.positive_used = true, g.negative_used = false;
  }
  struct Var {
    std::size_t gen;
    bool inverse;
    ExprId expr;
  };
  std::vector<Var> vars;
  for (std::size_t i = 0; i < gens_.size(); ++i) {
    if (gens_[i].positive_used) vars.push_back({i, false, gens_[i].expr});
    if (gens_[i].negative_used) vars.push_back({i, true, pool_.pow(gens_[i].expr, pool_.integer(-1))});
  }
  if (order.empty()) {
    std::sort(vars.begin(), vars.end(), [&](const Var& a, const Var& b) {
      if (a.gen == b.gen) return !a.inverse && b.inverse;
      return pool_.compare(gens_[a.gen].expr, gens_[b.gen].expr) < 0;
    });
  } else {
    std::vector<Var> ordered;
    for (ExprId want : order) {
      auto it = std::find_if(vars.begin(), vars.end(), [&](const Var& v) { return v.expr == want; });
      if (it == vars.end()) {
        // Normalisation may have chosen another generator for this atom (x**(1/2) for x).
        for (const Var& v : vars)
          if (!v.inverse && gens_[v.gen].base == want && gens_[v.gen].den != 1)
            throw InvalidArgument(who_ + ": the generator " + to_string(pool_, want) + " appears as " +
                                  to_string(pool_, v.expr) + " (a root of it); use " + to_string(pool_, v.expr) +
                                  " as the generator");
        throw InvalidArgument(who_ + ": " + to_string(pool_, want) + " cannot be a generator here");
      }
      if (std::find_if(ordered.begin(), ordered.end(), [&](const Var& v) { return v.expr == want; }) != ordered.end())
        throw InvalidArgument(who_ + ": the generator " + to_string(pool_, want) + " is given twice");
      ordered.push_back(*it);
    }
    std::vector<Var> rest;
    for (const Var& v : vars)
      if (std::find_if(ordered.begin(), ordered.end(), [&](const Var& o) { return o.expr == v.expr; }) == ordered.end()) {
        if (!rest_after)
          throw InvalidArgument(who_ + ": the expression is not a polynomial in the given generators: it contains " +
                                to_string(pool_, v.expr) + " (add it to the generators)");
        rest.push_back(v);
      }
    std::sort(rest.begin(), rest.end(), [&](const Var& a, const Var& b) {
      if (a.gen == b.gen) return !a.inverse && b.inverse;
      return pool_.compare(gens_[a.gen].expr, gens_[b.gen].expr) < 0;
    });
    ordered.insert(ordered.end(), rest.begin(), rest.end());
    vars = std::move(ordered);
  }
  pos_var_.assign(gens_.size(), -1);
  neg_var_.assign(gens_.size(), -1);
  for (std::size_t k = 0; k < vars.size(); ++k) {
    order_.push_back(vars[k].gen);
    order_inverse_.push_back(vars[k].inverse);
    (vars[k].inverse ? neg_var_ : pos_var_)[vars[k].gen] = static_cast<long>(k);
  }
  ctx_ = std::make_shared<MpolyCtx>(static_cast<slong>(vars.size()), ord);
}

std::vector<ExprId> Converter::gen_exprs() const {
  std::vector<ExprId> out;
  for (std::size_t k = 0; k < order_.size(); ++k) {
    const ExprId g = gens_[order_[k]].expr;
    out.push_back(order_inverse_[k] ? pool_.pow(g, pool_.integer(-1)) : g);
  }
  return out;
}

long Converter::var_of(ExprId e) const {
  const auto gs = gen_exprs();
  for (std::size_t k = 0; k < gs.size(); ++k)
    if (gs[k] == e) return static_cast<long>(k);
  return -1;
}

QPoly Converter::constant(const mpq_class& c) const {
  QPoly p(ctx_);
  Fmpq q;
  to_fmpq(q.v, c);
  fmpq_mpoly_set_fmpq(p.get(), q.v, ctx_->q());
  return p;
}

std::pair<std::size_t, mpz_class> Converter::var_power(ExprId id) {
  Occurrence o = atom(id, false);
  const Generator& g = gens_[o.gen];
  mpq_class k = g.is_exp ? mpq_class(o.power / g.step) : mpq_class(o.power * g.den);
  k.canonicalize();
  if (k.get_den() != 1) throw std::logic_error("poly: generator exponent is not an integer");
  mpz_class e = k.get_num();
  long var = pos_var_[o.gen];
  if (mode_ == Mode::Expand && e < 0) {
    var = neg_var_[o.gen];
    e = -e;
  }
  if (abs(e) > max_exponent_z())
    throw PolyLimitError(who_ + ": the exponent " + e.get_str() + " of " + to_string(pool_, g.expr) +
                         " is above the limit " + std::to_string(PolyLimits::max_exponent) +
                         " (PolyLimits::max_exponent)");
  return {static_cast<std::size_t>(var), e};
}

namespace {

void add_ratio(Ratio& acc, const Ratio& t, const std::string& who) {
  const auto* ctx = acc.num.ctx();
  if (!acc.den && !t.den) {
    fmpq_mpoly_add(acc.num.get(), acc.num.get(), t.num.get(), ctx);
    return;
  }
  // a/b + c/d = (a*d + c*b)/(b*d), then reduced.
  QPoly one = QPoly(acc.num.ctx_ptr());
  fmpq_mpoly_one(one.get(), ctx);
  const QPoly& b = acc.den ? *acc.den : one;
  const QPoly& d = t.den ? *t.den : one;
  check_product(acc.num, d, who);
  check_product(t.num, b, who);
  check_product(b, d, who);
  QPoly ad(acc.num.ctx_ptr()), cb(acc.num.ctx_ptr()), bd(acc.num.ctx_ptr());
  fmpq_mpoly_mul(ad.get(), acc.num.get(), d.get(), ctx);
  fmpq_mpoly_mul(cb.get(), t.num.get(), b.get(), ctx);
  fmpq_mpoly_mul(bd.get(), b.get(), d.get(), ctx);
  fmpq_mpoly_add(ad.get(), ad.get(), cb.get(), ctx);
  acc.num = std::move(ad);
  acc.den = std::move(bd);
  reduce(acc.num, *acc.den, who);
  if (acc.den->is_one()) acc.den.reset();
}

void mul_ratio(Ratio& acc, const Ratio& t, const std::string& who) {
  const auto* ctx = acc.num.ctx();
  check_product(acc.num, t.num, who);
  fmpq_mpoly_mul(acc.num.get(), acc.num.get(), t.num.get(), ctx);
  if (!t.den) {
    if (acc.den) {
      reduce(acc.num, *acc.den, who);
      if (acc.den->is_one()) acc.den.reset();
    }
    return;
  }
  if (!acc.den) {
    acc.den = *t.den;
  } else {
    check_product(*acc.den, *t.den, who);
    fmpq_mpoly_mul(acc.den->get(), acc.den->get(), t.den->get(), ctx);
  }
  reduce(acc.num, *acc.den, who);
  if (acc.den->is_one()) acc.den.reset();
}

}  // namespace

// A sum of monomials (numbers times positive powers of generators: an expanded polynomial) read
// term by term into FLINT: no polynomial per node and no pairwise additions. nullopt for anything
// else (denominators, floats, nested sums), which the general walk handles.
std::optional<QPoly> Converter::monomial_sum(ExprId root) {
  const Node& n = pool_.node(root);
  if (deep_ || n.kind != Kind::Add || n.args.size() < 8) return std::nullopt;
  const auto* ctx = ctx_->q();
  QPoly out(ctx_);
  fmpq_mpoly_fit_length(out.get(), static_cast<slong>(n.args.size()), ctx);
  std::vector<ulong> exps(static_cast<std::size_t>(ctx_->flint_nvars()));
  Fmpq c;
  for (ExprId t : n.args) {
    std::fill(exps.begin(), exps.end(), 0);
    fmpq_one(c.v);
    const Node& tn = pool_.node(t);
    const std::span<const ExprId> factors = tn.kind == Kind::Mul ? std::span<const ExprId>(tn.args) : std::span<const ExprId>(&t, 1);
    for (ExprId f : factors) {
      const Node& fn = pool_.node(f);
      if (fn.kind == Kind::Number) {
        if (!fn.number.is_exact()) return std::nullopt;
        const mpq_class q = fn.number.to_mpq();
        Fmpq fq;
        fmpq_set_mpq(fq.v, q.get_mpq_t());
        fmpq_mul(c.v, c.v, fq.v);
        continue;
      }
      ExprId atom = f;
      mpz_class mult = 1;
      if (is_structural(f)) {
        if (fn.kind != Kind::Pow || is_structural(fn.args[0])) return std::nullopt;
        mult = pool_.node(fn.args[1]).number.integer();
        if (mult <= 0) return std::nullopt;
        atom = fn.args[0];
      }
      auto [var, k] = var_power(atom);
      k *= mult;
      if (k <= 0 || k + exps[var] > max_exponent_z()) return std::nullopt;
      exps[var] += k.get_ui();
    }
    fmpq_mpoly_push_term_fmpq_ui(out.get(), c.v, exps.data(), ctx);
  }
  fmpq_mpoly_sort_terms(out.get(), ctx);
  fmpq_mpoly_combine_like_terms(out.get(), ctx);
  return out;
}

Ratio Converter::ratio(ExprId root) {
  if (!built_) throw std::logic_error("Converter::ratio before build");
  if (std::optional<QPoly> p = monomial_sum(root)) return Ratio{std::move(*p), std::nullopt};
  std::unordered_map<ExprId, Ratio> memo;
  std::vector<std::pair<ExprId, bool>> stack{{root, false}};
  const auto* ctx = ctx_->q();
  while (!stack.empty()) {
    auto [id, ready] = stack.back();
    stack.pop_back();
    if (memo.count(id)) continue;
    const Node& n = pool_.node(id);
    const bool structural = is_structural(id);
    if (!ready && structural) {
      stack.push_back({id, true});
      if (n.kind == Kind::Pow) {
        stack.push_back({n.args[0], false});
      } else {
        for (ExprId a : n.args) stack.push_back({a, false});
      }
      continue;
    }
    Ratio r{QPoly(ctx_), std::nullopt};
    if (n.kind == Kind::Number) {
      if (!n.number.is_exact()) {
        if (mode_ == Mode::Exact) float_error(id);
        saw_float_ = true;
        if (!std::isfinite(n.number.real()))
          throw InvalidArgument(who_ + ": " + to_string(pool_, id) + " is not a finite number");
      }
      r.num = constant(n.number.is_exact() ? n.number.to_mpq() : mpq_class(n.number.real()));
    } else if (!structural) {
      auto [var, k] = var_power(id);
      std::vector<ulong> exps(static_cast<std::size_t>(ctx_->flint_nvars()), 0);
      exps[var] = static_cast<ulong>(mpz_class(abs(k)).get_ui());
      QPoly mono(ctx_);
      Fmpq one;
      fmpq_one(one.v);
      fmpq_mpoly_set_coeff_fmpq_ui(mono.get(), one.v, exps.data(), ctx);
      if (k < 0) {
        fmpq_mpoly_one(r.num.get(), ctx);
        r.den = std::move(mono);
      } else {
        r.num = std::move(mono);
      }
    } else if (n.kind == Kind::Add &&
               std::none_of(n.args.begin(), n.args.end(), [&](ExprId a) { return memo.at(a).den.has_value(); })) {
      // A sum of polynomials, added in pairs (a balanced tree): folding left to right copied the
      // growing sum once per operand, quadratic in the terms (0.65 s for a 6,272-term sum).
      std::vector<QPoly> parts;
      parts.reserve(n.args.size());
      for (ExprId a : n.args) parts.push_back(memo.at(a).num);
      while (parts.size() > 1) {
        std::vector<QPoly> next;
        next.reserve(parts.size() / 2 + 1);
        for (std::size_t k = 0; k + 1 < parts.size(); k += 2) {
          QPoly s(ctx_);
          fmpq_mpoly_add(s.get(), parts[k].get(), parts[k + 1].get(), ctx);
          next.push_back(std::move(s));
        }
        if (parts.size() % 2 == 1) next.push_back(std::move(parts.back()));
        parts = std::move(next);
      }
      r.num = std::move(parts.front());
    } else if (n.kind == Kind::Add || n.kind == Kind::Mul) {
      // A sum with denominators or a product of the operands' ratios, folded left to right.
      bool first = true;
      for (ExprId a : n.args) {
        const Ratio& t = memo.at(a);
        if (first) {
          r.num = t.num;
          if (t.den) r.den = *t.den;
          first = false;
        } else if (n.kind == Kind::Add) {
          add_ratio(r, t, who_);
        } else {
          mul_ratio(r, t, who_);
        }
      }
    } else {  // Pow with an integer exponent
      const Ratio& b = memo.at(n.args[0]);
      const mpz_class e = pool_.node(n.args[1]).number.integer();
      if (e < 0 && b.num.is_zero())
        throw DivisionByZero(who_ + ": division by zero: the base of " + to_string(pool_, id) + " is zero");
      const QPoly& top = e < 0 ? (b.den ? *b.den : constant(1)) : b.num;
      const mpz_class m = abs(e);
      check_power(top, m, who_);
      fmpq_mpoly_pow_ui(r.num.get(), top.get(), m.get_ui(), ctx);
      const bool has_bottom = e < 0 || b.den;
      if (has_bottom) {
        const QPoly& bottom = e < 0 ? b.num : *b.den;
        check_power(bottom, m, who_);
        QPoly d(ctx_);
        fmpq_mpoly_pow_ui(d.get(), bottom.get(), m.get_ui(), ctx);
        if (d.is_constant()) {
          fmpq_mpoly_div(r.num.get(), r.num.get(), d.get(), ctx);
        } else {
          r.den = std::move(d);
        }
      }
    }
    memo.emplace(id, std::move(r));
  }
  Ratio out = std::move(memo.at(root));
  return out;
}

QPoly Converter::poly(ExprId expr) {
  Ratio r = ratio(expr);
  if (r.den && !r.den->is_constant())
    throw InvalidArgument(who_ + ": " + to_string(pool_, expr) + " is not a polynomial (it has the denominator " +
                          to_string(pool_, this->expr(*r.den)) + ")");
  if (r.den) fmpq_mpoly_div(r.num.get(), r.num.get(), r.den->get(), ctx_->q());
  return std::move(r.num);
}

ExprId Converter::gen_power(std::size_t v, const mpz_class& k) {
  const Generator& g = gens_[order_[v]];
  const mpz_class e = order_inverse_[v] ? mpz_class(-k) : k;
  if (g.is_exp) {
    return pool_.func(Op::Exp, pool_.mul(pool_.number(Number(mpq_class(g.step * e))), g.base));
  }
  if (g.den == 1) return pool_.pow(g.base, pool_.number(Number(e)));
  return pool_.pow(g.base, pool_.number(Number::rational(e, g.den)));
}

namespace {

// Node ids by a 64-bit key (a coefficient's value or the hash of its limbs): open addressing with
// linear probing, at most half full. symbol_sum looks a coefficient up per term, and
// std::unordered_map's node per key cost a tenth of an expansion's conversion.
class IdsByKey {
 public:
  std::optional<ExprId> find(std::uint64_t key) const {
    for (std::size_t i = home(key);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].id1 == 0) return std::nullopt;
      if (slots_[i].key == key) return slots_[i].id1 - 1;
    }
  }
  void insert(std::uint64_t key, ExprId id) {  // key not present
    if (2 * (used_ + 1) > slots_.size()) {
      std::vector<Slot> old(slots_.size() * 2);
      old.swap(slots_);
      --shift_;
      for (const Slot& e : old)
        if (e.id1 != 0) place(e);
    }
    place(Slot{key, id + 1});
    ++used_;
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    ExprId id1 = 0;  // id + 1; 0: empty
  };
  std::vector<Slot> slots_ = std::vector<Slot>(64);
  std::size_t used_ = 0;
  unsigned shift_ = 58;  // 64 - log2(slots_.size())
  std::size_t home(std::uint64_t key) const { return static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ull) >> shift_); }
  void place(const Slot& e) {
    std::size_t i = home(e.key);
    while (slots_[i].id1 != 0) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = e;
  }
};

// Sorts words by their bits from `low` up (the bits below ride along: a payload), one byte at a
// time from the least significant, skipping the bytes in which no two words differ: a few passes
// over a few thousand terms, where a comparison sort costs a log factor of row compares. The
// histograms of all bytes come from one pass.
void radix_sort(std::vector<std::uint64_t>& v, unsigned low) {
  if (v.empty() || low >= 64) return;
  const unsigned bytes = (64 - low + 7) / 8;
  auto digit = [low](std::uint64_t e, unsigned b) { return static_cast<std::size_t>((e >> (low + 8 * b)) & 0xff); };
  std::uint64_t differ = 0;
  for (const std::uint64_t e : v) differ |= (e ^ v.front()) >> low;
  std::vector<std::array<std::uint32_t, 256>> count(bytes, std::array<std::uint32_t, 256>{});
  for (const std::uint64_t e : v)
    for (unsigned b = 0; b < bytes; ++b) ++count[b][digit(e, b)];
  std::vector<std::uint64_t> tmp(v.size());
  for (unsigned b = 0; b < bytes; ++b) {
    if (((differ >> (8 * b)) & 0xff) == 0) continue;
    std::uint32_t at = 0;
    for (std::uint32_t& c : count[b]) at += std::exchange(c, at);
    for (const std::uint64_t e : v) tmp[count[b][digit(e, b)]++] = e;
    v.swap(tmp);
  }
}

}  // namespace

// The result when every generator is a symbol and the coefficients are exact: nodes are interned
// directly in canonical form (ExprPool::add/mul would sort what is already known here). The order
// is the kernel's (ExprPool::compare): a monomial is the sequence of its factors x_v**e_v in
// generator order, the kernel's order of the generators (by_rank); sequences compare factor by factor,
// by generator then exponent; a prefix comes first. Terms are distinct monomials, so the
// coefficients never decide. Checked against ExprPool::add in the tests (expand == parse of SymPy).
ExprId Converter::symbol_sum(const QPoly& p, std::span<const slong> deg) {
  const auto* ctx = ctx_->q();
  const slong len = p.length();
  const std::size_t nv = order_.size();
  // The variables in the kernel's order (the FLINT order may be the caller's, e.g. groebner's gens):
  // factors are listed and compared by rank.
  std::vector<std::uint32_t> by_rank(nv);
  for (std::size_t v = 0; v < nv; ++v) by_rank[v] = static_cast<std::uint32_t>(v);
  std::sort(by_rank.begin(), by_rank.end(), [&](std::uint32_t a, std::uint32_t b) {
    return pool_.compare(gens_[order_[a]].expr, gens_[order_[b]].expr) < 0;
  });
  std::vector<ulong> exps(static_cast<std::size_t>(ctx_->flint_nvars()));
  // A factor's code is (rank + 1, exponent); a term is the sequence of its factors' codes in rank
  // order, padded with zeros, and terms compare as these sequences do (a prefix comes first).
  // Packed into one word (the first factor highest) when the codes fit: rank + 1 in rb bits,
  // the exponent in eb bits; else each term keeps a row of nv words, compared lexicographically.
  ulong max_deg = 1;
  for (slong d : deg) max_deg = std::max<ulong>(max_deg, static_cast<ulong>(std::max<slong>(d, 0)));
  const unsigned rb = static_cast<unsigned>(std::bit_width(nv)), eb = static_cast<unsigned>(std::bit_width(max_deg));
  const unsigned fw = rb + eb;
  const bool packed = static_cast<std::size_t>(fw) * nv <= 64;
  // A packed key leaves its low bits zero: the term's index fits there in most calls, and the
  // words then sort alone (keys are distinct).
  const unsigned index_bits = static_cast<unsigned>(std::bit_width(static_cast<std::uint64_t>(len)));
  const bool indexed = packed && fw * nv + index_bits <= 64;
  std::vector<std::uint64_t> keys;  // packed: one per term (with its index when indexed)
  std::vector<std::uint64_t> rows;  // unpacked: nv per term
  if (packed) keys.reserve(static_cast<std::size_t>(len)); else rows.reserve(static_cast<std::size_t>(len) * nv);
  std::uint32_t nterms = 0;  // non-constant terms so far
  constexpr ExprId kOne = static_cast<ExprId>(-1);
  // Coefficients repeat (multinomial coefficients, by symmetry): word-sized integers are
  // interned once per call. With content 1 (an integer polynomial) they are read in place.
  IdsByKey small;
  auto small_node = [&](slong v) -> ExprId {
    if (v == 1) return kOne;
    const auto key = static_cast<std::uint64_t>(v);
    if (const auto id = small.find(key)) return *id;
    const ExprId id = pool_.number(Number(static_cast<long>(v)));
    small.insert(key, id);
    return id;
  };
  // Big integers repeat as well: looked up by a hash of their limbs (a collision only costs the
  // interning below).
  IdsByKey big;
  auto big_node = [&](const __mpz_struct* z) -> ExprId {
    std::uint64_t h = static_cast<std::uint64_t>(z->_mp_size);
    const std::size_t nl = static_cast<std::size_t>(std::abs(z->_mp_size));
    for (std::size_t l = 0; l < nl; ++l) h = (h ^ z->_mp_d[l]) * 0x9e3779b97f4a7c15ull + (h >> 29);
    const auto seen = big.find(h);
    if (seen && mpz_cmp(pool_.node(*seen).number.integer().get_mpz_t(), z) == 0) return *seen;
    const ExprId id = pool_.number(Number(mpz_class(z)));
    if (!seen) big.insert(h, id);
    return id;
  };
  const bool integral = fmpq_is_one(p.get()->content);
  const fmpz* zc = p.get()->zpoly->coeffs;
  std::optional<ExprId> constant;
  Fmpq c;
  auto coeff_node = [&](slong i) -> ExprId {
    if (integral) {
      if (!COEFF_IS_MPZ(zc[i])) return small_node(zc[i]);
      return big_node(COEFF_TO_PTR(zc[i]));
    }
    fmpq_mpoly_get_term_coeff_fmpq(c.v, p.get(), i, ctx);
    if (fmpz_is_one(fmpq_denref(c.v)) && !COEFF_IS_MPZ(*fmpq_numref(c.v))) return small_node(*fmpq_numref(c.v));
    return pool_.number(to_number(c.v));
  };
  std::vector<ExprId> powers(nv * 64, kOne);  // small exponents; larger ones go through the map
  std::unordered_map<std::uint64_t, ExprId> big_powers;
  auto power = [&](std::uint32_t r, ulong e) {  // (variable of rank r)**e
    ExprId* slot = e < 64 ? &powers[r * 64 + e] : nullptr;
    if (slot && *slot != kOne) return *slot;
    const std::uint64_t code = (std::uint64_t{r} << 32) | e;
    if (!slot) {
      auto it = big_powers.find(code);
      if (it != big_powers.end()) return it->second;
    }
    const ExprId id = gen_power(by_rank[r], mpz_class(static_cast<unsigned long>(e)));
    if (slot) *slot = id; else big_powers.emplace(code, id);
    return id;
  };
  // Two passes. The first reads each term's exponents into its key (or row), with the term's
  // index; the keys are sorted; the second builds each term's product in the sum's order, its
  // factors decoded from the key: the products are then interned in the order the sum lists
  // them, so hashing the sum reads them in the order they lie in memory (a large sum's nodes do
  // not fit in the cache), and no table of all terms' factors is kept.
  const fmpz_mpoly_struct* zp = p.get()->zpoly;
  const mpoly_ctx_struct* mctx = ctx->zctx->minfo;
  const bool unpack = zp->bits <= FLINT_BITS;
  const slong words = unpack ? mpoly_words_per_exp_sp(zp->bits, mctx) : 0;
  constexpr slong kUnpack = 64;
  std::vector<ulong> fields(unpack ? static_cast<std::size_t>(kUnpack * mctx->nfields) : 0);
  // The exponent of the variable of rank r is ex[at[r]]: FLINT's field of variable v is v or
  // nvars - 1 - v (as its own mpoly_get_monomial_ui reads it), exponents unpacked kUnpack terms
  // at a time when they are packed in words; else a term at a time.
  std::vector<std::size_t> at(nv);
  for (std::uint32_t r = 0; r < nv; ++r)
    at[r] = unpack ? static_cast<std::size_t>(mctx->rev ? by_rank[r] : mctx->nvars - 1 - by_rank[r]) : by_rank[r];
  std::vector<std::uint32_t> source;  // unless indexed: each non-constant term's index in p
  if (!indexed) source.reserve(static_cast<std::size_t>(len));
  // Term i's coefficient node, read in the first pass (in p's order: a big coefficient is a
  // chain of reads, which the second pass would take in scattered order).
  std::vector<ExprId> coefficient(static_cast<std::size_t>(len));
  const ulong* ex = exps.data();
  for (slong i = 0; i < len; ++i) {
    if (!unpack) {
      fmpq_mpoly_get_term_exp_ui(exps.data(), p.get(), i, ctx);
    } else {
      if (i % kUnpack == 0)
        mpoly_unpack_vec_ui(fields.data(), zp->exps + words * i, zp->bits, mctx->nfields, std::min(kUnpack, len - i));
      ex = fields.data() + (i % kUnpack) * mctx->nfields;
    }
    std::uint64_t key = 0;
    unsigned k = 0;
    const std::size_t row = rows.size();
    if (!packed) rows.resize(row + nv, 0);
    for (std::uint32_t r = 0; r < nv; ++r) {
      const ulong e = ex[at[r]];
      if (e == 0) continue;
      if (packed) key |= ((std::uint64_t{r + 1} << eb) | e) << (64 - fw * ++k);
      else rows[row + k++] = (static_cast<std::uint64_t>(r + 1) << 32) | e;
    }
    if (k == 0) {  // the constant term
      if (!packed) rows.resize(row);
      const ExprId id = coeff_node(i);
      constant = id == kOne ? pool_.integer(1) : id;
      continue;
    }
    ++nterms;
    coefficient[static_cast<std::size_t>(i)] = coeff_node(i);
    if (packed) keys.push_back(indexed ? key | static_cast<std::uint64_t>(i) : key);
    if (!indexed) source.push_back(static_cast<std::uint32_t>(i));
  }
  std::vector<std::uint32_t> order;  // unless indexed: the terms in the sum's order
  if (indexed) {
    radix_sort(keys, 64 - fw * static_cast<unsigned>(nv));
  } else {
    order.resize(nterms);
    for (std::uint32_t t = 0; t < nterms; ++t) order[t] = t;
    auto row_less = [&](std::uint32_t a, std::uint32_t b) {
      if (packed) return keys[a] < keys[b];
      const std::uint64_t* ka = rows.data() + static_cast<std::size_t>(a) * nv;
      const std::uint64_t* kb = rows.data() + static_cast<std::size_t>(b) * nv;
      return std::lexicographical_compare(ka, ka + nv, kb, kb + nv);
    };
    if (!std::is_sorted(order.begin(), order.end(), row_less)) std::sort(order.begin(), order.end(), row_less);
  }
  // The sum: the constant first, then the products, interned a batch of rows at a time (a row:
  // the coefficient's node (kOne for 1), then the factors' nodes in rank order, kOne after them).
  const std::size_t lead = constant ? 1 : 0;
  std::vector<ExprId> terms(lead + nterms);
  if (constant) terms[0] = *constant;
  const std::size_t width = nv + 1;
  constexpr std::size_t kBatch = 64;
  std::vector<ExprId> batch(kBatch * width);
  const std::uint64_t index_mask = (std::uint64_t{1} << index_bits) - 1, code_mask = (std::uint64_t{1} << fw) - 1;
  const std::uint64_t exp_mask = (std::uint64_t{1} << eb) - 1;
  pool_.reserve(static_cast<std::size_t>(nterms) + 1);
  for (std::size_t begin = 0; begin < nterms; begin += kBatch) {
    const std::size_t end = std::min<std::size_t>(nterms, begin + kBatch);
    for (std::size_t t = begin; t < end; ++t) {
      ExprId* ids = batch.data() + (t - begin) * width;
      std::fill(ids + 1, ids + width, kOne);
      if (packed) {
        const std::uint64_t key = indexed ? keys[t] : keys[order[t]];
        for (std::uint32_t j = 0; j < nv; ++j) {
          const std::uint64_t code = (key >> (64 - fw * (j + 1))) & code_mask;
          if (code == 0) break;
          ids[1 + j] = power(static_cast<std::uint32_t>((code >> eb) - 1), code & exp_mask);
        }
        ids[0] = coefficient[indexed ? static_cast<std::size_t>(key & index_mask) : source[order[t]]];
      } else {
        const std::uint64_t* codes = rows.data() + static_cast<std::size_t>(order[t]) * nv;
        for (std::uint32_t j = 0; j < nv && codes[j] != 0; ++j)
          ids[1 + j] = power(static_cast<std::uint32_t>((codes[j] >> 32) - 1), codes[j] & 0xffffffffu);
        ids[0] = coefficient[source[order[t]]];
      }
    }
    pool_.intern_products(std::span<const ExprId>(batch.data(), (end - begin) * width), width, kOne,
                          std::span<ExprId>(terms.data() + lead + begin, end - begin));
  }
  if (terms.empty()) return pool_.integer(0);
  return terms.size() == 1 ? terms[0] : pool_.intern_compound(Kind::Add, terms);
}

ExprId Converter::expr(const QPoly& p) {
  const auto* ctx = ctx_->q();
  const slong len = p.length();
  if (len == 0) return saw_float_ ? pool_.number(Number(0.0)) : pool_.integer(0);
  bool symbols_only = !saw_float_;
  for (std::size_t v = 0; v < order_.size() && symbols_only; ++v) {
    const Generator& g = gens_[order_[v]];
    symbols_only = !g.is_exp && g.den == 1 && !order_inverse_[v] && pool_.node(g.base).kind == Kind::Symbol;
  }
  if (symbols_only && len > 1) {  // symbol_sum packs an exponent in 32 bits
    std::vector<slong> deg(static_cast<std::size_t>(ctx_->flint_nvars()));
    const fmpz_mpoly_struct* z = p.get()->zpoly;
    if (ctx->zctx->minfo->ord != ORD_LEX && z->bits <= FLINT_BITS) {
      // A degree order: the first term has the greatest total degree, a bound of every exponent
      // (reading one term instead of all of them).
      std::vector<ulong> first(deg.size());
      fmpq_mpoly_get_term_exp_ui(first.data(), p.get(), 0, ctx);
      ulong total = 0;
      bool fits = true;
      for (const ulong e : first) fits = fits && !__builtin_add_overflow(total, e, &total);
      if (fits && total < (ulong{1} << 32)) {
        std::fill(deg.begin(), deg.end(), static_cast<slong>(total));
        return symbol_sum(p, deg);
      }
    } else if (fmpq_mpoly_degrees_fit_si(p.get(), ctx)) {
      fmpq_mpoly_degrees_si(deg.data(), p.get(), ctx);
      if (std::all_of(deg.begin(), deg.end(), [](slong d) { return d < (slong{1} << 32); })) return symbol_sum(p, deg);
    }
  }
  const std::size_t nv = static_cast<std::size_t>(ctx_->flint_nvars());
  std::vector<ulong> exps(nv);
  std::vector<ExprId> terms;
  terms.reserve(static_cast<std::size_t>(len));
  std::unordered_map<std::uint64_t, ExprId> powers;
  Fmpq c;
  std::vector<ExprId> factors;
  for (slong i = 0; i < len; ++i) {
    fmpq_mpoly_get_term_coeff_fmpq(c.v, p.get(), i, ctx);
    fmpq_mpoly_get_term_exp_ui(exps.data(), p.get(), i, ctx);
    factors.clear();
    factors.push_back(pool_.number(saw_float_ ? Number(round_to_double(c.v)) : to_number(c.v)));
    for (std::size_t v = 0; v < order_.size(); ++v) {
      if (exps[v] == 0) continue;
      const std::uint64_t key = (static_cast<std::uint64_t>(exps[v]) << 16) ^ v;
      auto it = powers.find(key);
      if (it == powers.end()) it = powers.emplace(key, gen_power(v, mpz_class(static_cast<unsigned long>(exps[v])))).first;
      factors.push_back(it->second);
    }
    terms.push_back(factors.size() == 1 ? factors[0] : pool_.mul(factors));
  }
  return terms.size() == 1 ? terms[0] : pool_.add(terms);
}

// ---- sizes -------------------------------------------------------------------------------------

long coefficient_bits(const QPoly& a) {
  const fmpq_mpoly_struct* p = a.get();
  const slong zb = fmpz_mpoly_max_bits(p->zpoly);
  return static_cast<long>((zb < 0 ? -zb : zb) + fmpz_bits(fmpq_numref(p->content)) +
                           fmpz_bits(fmpq_denref(p->content)));
}

std::vector<long> degrees(const QPoly& a) {
  const slong n = a.ctx_ptr()->flint_nvars();
  std::vector<slong> d(static_cast<std::size_t>(n));
  if (!fmpq_mpoly_degrees_fit_si(a.get(), a.ctx()))
    throw PolyLimitError("poly: a degree does not fit a machine word");
  fmpq_mpoly_degrees_si(d.data(), a.get(), a.ctx());
  return std::vector<long>(d.begin(), d.end());
}

namespace {

[[noreturn]] void too_large(const std::string& who, const std::string& what, double terms, double bits) {
  char buf[256];
  std::snprintf(buf, sizeof buf, " (predicted %.3g terms with up to %.3g coefficient bits; limits: %llu terms, %llu bytes)",
                terms, bits, static_cast<unsigned long long>(PolyLimits::max_terms),
                static_cast<unsigned long long>(PolyLimits::max_bytes));
  throw PolyLimitError(who + ": " + what + " would be too large" + buf + "; nothing was computed");
}

void check_size(double terms, double bits, slong nvars, const std::string& who, const std::string& what) {
  const double bytes = terms * (static_cast<double>(nvars) * 2.0 + 16.0 + bits / 8.0);
  if (terms > static_cast<double>(PolyLimits::max_terms) || bytes > static_cast<double>(PolyLimits::max_bytes))
    too_large(who, what, terms, bits);
}

}  // namespace

void check_product(const QPoly& a, const QPoly& b, const std::string& who) {
  const double ta = static_cast<double>(a.length()), tb = static_cast<double>(b.length());
  if (ta <= 1 && tb <= 1) {
    // A monomial product: only the exponents can grow.
  }
  const auto da = degrees(a), db = degrees(b);
  double dense = 1;
  for (std::size_t v = 0; v < da.size(); ++v) {
    const double d = static_cast<double>(std::max(da[v], 0L) + std::max(db[v], 0L));
    if (d > static_cast<double>(PolyLimits::max_exponent))
      throw PolyLimitError(who + ": a product would have degree " + std::to_string(static_cast<long long>(d)) +
                           " in one generator, above the limit " + std::to_string(PolyLimits::max_exponent));
    dense *= d + 1;
  }
  const double terms = std::min(ta * tb, dense);
  const double bits = static_cast<double>(coefficient_bits(a) + coefficient_bits(b)) +
                      std::log2(std::max(1.0, std::min(ta, tb))) + 1;
  check_size(terms, bits, a.ctx_ptr()->flint_nvars(), who, "a product");
}

void check_power(const QPoly& a, const mpz_class& n, const std::string& who) {
  if (n <= 1) return;
  const double t = static_cast<double>(a.length());
  const double nd = n.get_d();
  const auto da = degrees(a);
  double dense = 1;
  for (long d : da) {
    const double deg = nd * static_cast<double>(std::max(d, 0L));
    if (deg > static_cast<double>(PolyLimits::max_exponent))
      throw PolyLimitError(who + ": a power would have degree " + std::to_string(static_cast<long long>(deg)) +
                           " in one generator, above the limit " + std::to_string(PolyLimits::max_exponent));
    dense *= deg + 1;
  }
  if (t <= 1) return;  // a monomial: one term
  // Terms of a multinomial power: at most C(n + t - 1, t - 1) and at most the dense count.
  // lgamma_r: std::lgamma writes the global `signgam`, a data race between threads (TSan).
  auto log_gamma = [](double x) {
    int sign = 0;
    return ::lgamma_r(x, &sign);
  };
  const double log_binom = log_gamma(nd + t) - log_gamma(nd + 1) - log_gamma(t);
  const double terms = std::min(std::exp(std::min(log_binom, 700.0)), dense);
  const double bits = nd * (static_cast<double>(coefficient_bits(a)) + std::log2(t)) + 1;
  check_size(terms, bits, a.ctx_ptr()->flint_nvars(), who, "a power");
}

void check_algorithm_input(const QPoly& a, const std::string& who, const char* what) {
  for (long d : degrees(a))
    if (d > PolyLimits::max_algorithm_degree)
      throw PolyLimitError(who + ": " + what + " has degree " + std::to_string(d) +
                           " in a generator, above the limit " + std::to_string(PolyLimits::max_algorithm_degree) +
                           " (PolyLimits::max_algorithm_degree: FLINT cannot be stopped once started)");
  if (a.length() > PolyLimits::max_algorithm_terms)
    throw PolyLimitError(who + ": " + what + " has " + std::to_string(a.length()) + " terms, above the limit " +
                         std::to_string(PolyLimits::max_algorithm_terms) + " (PolyLimits::max_algorithm_terms)");
  const long bits = coefficient_bits(a);
  if (bits > PolyLimits::max_algorithm_bits)
    throw PolyLimitError(who + ": " + what + " has " + std::to_string(bits) + "-bit coefficients, above the limit " +
                         std::to_string(PolyLimits::max_algorithm_bits) + " (PolyLimits::max_algorithm_bits)");
}

// ---- rational functions ------------------------------------------------------------------------

void reduce(QPoly& num, QPoly& den, const std::string& who) {
  const auto* ctx = num.ctx();
  if (den.is_zero()) throw DivisionByZero(who + ": division by the zero polynomial");
  if (!den.is_constant() && !num.is_zero()) {
    check_algorithm_input(num, who, "a numerator");
    check_algorithm_input(den, who, "a denominator");
    QPoly g(num.ctx_ptr());
    if (!fmpq_mpoly_gcd(g.get(), num.get(), den.get(), ctx))
      throw PolyLimitError(who + ": FLINT could not compute a gcd (exponents too large)");
    if (!g.is_constant()) {
      fmpq_mpoly_div(num.get(), num.get(), g.get(), ctx);
      fmpq_mpoly_div(den.get(), den.get(), g.get(), ctx);
    }
  } else if (num.is_zero()) {
    fmpq_mpoly_one(den.get(), ctx);
  }
  if (den.is_constant()) {
    fmpq_mpoly_div(num.get(), num.get(), den.get(), ctx);
    fmpq_mpoly_one(den.get(), ctx);
    return;
  }
  // den := its primitive integer part with positive leading coefficient; num takes the rest.
  Fmpq c;
  fmpq_mpoly_get_term_coeff_fmpq(c.v, den.get(), 0, ctx);
  QPoly monic(den.ctx_ptr());
  fmpq_mpoly_make_monic(monic.get(), den.get(), ctx);
  // den = lc * monic; primitive integer part p = monic * k for the k making it integral.
  Fmpq k;
  fmpq_inv(k.v, monic.get()->content);  // monic = content * zpoly, zpoly primitive: p = zpoly
  fmpq_mpoly_scalar_mul_fmpq(monic.get(), monic.get(), k.v, ctx);
  if (fmpz_sgn(monic.get()->zpoly->coeffs + 0) < 0) fmpq_mpoly_neg(monic.get(), monic.get(), ctx);
  // num/den = num / (lc * p / k') where den = lc * (p * content): so num := num * p / den.
  Fmpq scale;
  fmpq_mpoly_get_term_coeff_fmpq(scale.v, monic.get(), 0, ctx);  // leading coeff of p
  fmpq_div(scale.v, scale.v, c.v);                                // p_lc / den_lc
  fmpq_mpoly_scalar_mul_fmpq(num.get(), num.get(), scale.v, ctx);
  den = std::move(monic);
}

QPoly qmul(const QPoly& a, const QPoly& b, const char* who) {
  check_product(a, b, who);
  QPoly r(a.ctx_ptr());
  fmpq_mpoly_mul(r.get(), a.get(), b.get(), a.ctx());
  return r;
}

Frac frac_add(const Frac& a, const Frac& b, int sign, const char* who) {
  Frac r{QPoly(a.num.ctx_ptr()), QPoly(a.num.ctx_ptr())};
  if (a.den == b.den) {
    (sign > 0 ? fmpq_mpoly_add : fmpq_mpoly_sub)(r.num.get(), a.num.get(), b.num.get(), a.num.ctx());
    r.den = a.den;
  } else {
    QPoly ad = qmul(a.num, b.den, who), bc = qmul(b.num, a.den, who);
    (sign > 0 ? fmpq_mpoly_add : fmpq_mpoly_sub)(r.num.get(), ad.get(), bc.get(), a.num.ctx());
    r.den = qmul(a.den, b.den, who);
  }
  reduce(r.num, r.den, who);
  return r;
}

Frac frac_mul(const Frac& a, const Frac& b, const char* who) {
  Frac r{qmul(a.num, b.num, who), qmul(a.den, b.den, who)};
  reduce(r.num, r.den, who);
  return r;
}

ExprId ratio_expr(Converter& c, const QPoly& num, const QPoly& den0) {
  QPoly n = num, d = den0;
  reduce(n, d, c.who());
  if (d.is_one()) return c.expr(n);
  // Integer numerator and denominator: the denominator of n's content moves to d.
  Fmpz b;
  fmpz_set(b.v, fmpq_denref(n.get()->content));
  if (!fmpz_is_one(b.v)) {
    fmpq_mpoly_scalar_mul_fmpz(n.get(), n.get(), b.v, n.ctx());
    fmpq_mpoly_scalar_mul_fmpz(d.get(), d.get(), b.v, d.ctx());
  }
  ExprPool& pool = c.pool();
  return pool.mul(c.expr(n), pool.pow(c.expr(d), pool.integer(-1)));
}

mpq_class make_primitive(QPoly& p) {
  if (p.is_zero()) return 0;
  const auto* ctx = p.ctx();
  fmpz_mpoly_struct* z = p.get()->zpoly;
  Fmpz g;
  _fmpz_vec_content(g.v, z->coeffs, z->length);
  Fmpq c;
  fmpq_set(c.v, p.get()->content);
  fmpq_mul_fmpz(c.v, c.v, g.v);
  Fmpq lc;
  fmpq_mpoly_get_term_coeff_fmpq(lc.v, p.get(), 0, ctx);
  if (fmpq_sgn(lc.v) < 0) fmpq_neg(c.v, c.v);
  Fmpq inv;
  fmpq_inv(inv.v, c.v);
  fmpq_mpoly_scalar_mul_fmpq(p.get(), p.get(), inv.v, ctx);
  return to_mpq(c.v);
}

std::optional<mpz_class> integer_content(const QPoly& p) {
  if (!fmpz_is_one(fmpq_denref(p.get()->content))) return std::nullopt;
  const fmpz_mpoly_struct* z = p.get()->zpoly;
  Fmpz g;
  _fmpz_vec_content(g.v, z->coeffs, z->length);
  fmpz_mul(g.v, g.v, fmpq_numref(p.get()->content));
  fmpz_abs(g.v, g.v);
  return to_mpz(g.v);
}

void to_fmpq_poly(fmpq_poly_t out, const QPoly& p, slong var) {
  const auto* ctx = p.ctx();
  fmpq_poly_zero(out);
  std::vector<ulong> exps(static_cast<std::size_t>(p.ctx_ptr()->flint_nvars()));
  Fmpq c;
  for (slong i = 0; i < p.length(); ++i) {
    fmpq_mpoly_get_term_coeff_fmpq(c.v, p.get(), i, ctx);
    fmpq_mpoly_get_term_exp_ui(exps.data(), p.get(), i, ctx);
    fmpq_poly_set_coeff_fmpq(out, static_cast<slong>(exps[static_cast<std::size_t>(var)]), c.v);
  }
}

QPoly from_fmpq_poly(const fmpq_poly_t in, const CtxPtr& ctx, slong var) {
  QPoly p(ctx);
  std::vector<ulong> exps(static_cast<std::size_t>(ctx->flint_nvars()), 0);
  Fmpq c;
  for (slong k = fmpq_poly_degree(in); k >= 0; --k) {
    fmpq_poly_get_coeff_fmpq(c.v, in, k);
    if (fmpq_is_zero(c.v)) continue;
    exps[static_cast<std::size_t>(var)] = static_cast<ulong>(k);
    fmpq_mpoly_set_coeff_fmpq_ui(p.get(), c.v, exps.data(), ctx->q());
  }
  return p;
}

slong univariate_var(Converter& c, ExprId x) {
  const auto gens = c.gen_exprs();
  if (x == 0) {
    if (gens.size() > 1)
      throw InvalidArgument(c.who() + ": the expression has several generators (" + to_string(c.pool(), gens[0]) +
                            ", " + to_string(c.pool(), gens[1]) + ", ...); say which one is the variable");
    return 0;
  }
  slong var = -1;
  for (std::size_t k = 0; k < gens.size(); ++k) {
    if (gens[k] == x) {
      var = static_cast<slong>(k);
    } else {
      throw InvalidArgument(c.who() + ": only univariate polynomials over Q are supported: the expression contains " +
                            to_string(c.pool(), gens[k]) + " besides " + to_string(c.pool(), x));
    }
  }
  return var < 0 ? 0 : var;
}

std::vector<ExprId> generators_of(ExprPool& pool, ExprId expr) {
  Converter c(pool, Mode::Exact, "generators");
  c.scan(expr);
  c.build();
  return c.gen_exprs();
}

}  // namespace alkahest::poly_detail

namespace alkahest {
std::vector<ExprId> generators(ExprPool& pool, ExprId expr) { return poly_detail::generators_of(pool, expr); }
}  // namespace alkahest
