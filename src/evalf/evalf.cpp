// evalf: an expression's value as an Arb complex ball, at a working precision raised until the
// ball is as accurate as asked; and is_zero, which trusts only proofs and certified enclosures.
#include "alkahest/evalf.hpp"
#include "alkahest/objects.hpp"

#include <flint/flint.h>
#if __FLINT_RELEASE >= 30000  // FLINT 3 holds Arb (Debian 13); Debian 12 has it apart (arb.h)
#include <flint/acb.h>
#include <flint/acb_elliptic.h>
#include <flint/acb_hypgeom.h>
#include <flint/arb.h>
#else
#include <acb.h>
#include <acb_elliptic.h>
#include <acb_hypgeom.h>
#include <arb.h>
#endif

#include <flint/fmpq.h>
#include <flint/fmpz.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "alkahest/errors.hpp"
#include "alkahest/print.hpp"
#include "poly/rootof.hpp"

namespace alkahest {

namespace {

// An acb_t with an owner.
struct Ball {
  Ball() { acb_init(v); }
  ~Ball() { acb_clear(v); }
  Ball(const Ball&) = delete;
  Ball& operator=(const Ball&) = delete;
  acb_t v;
};

struct ArbStr {  // a string Arb allocated
  explicit ArbStr(char* s) : p(s) {}
  ~ArbStr() { flint_free(p); }
  ArbStr(const ArbStr&) = delete;
  ArbStr& operator=(const ArbStr&) = delete;
  char* p;
};

void set_mpz(fmpz_t out, const mpz_class& z) { fmpz_set_mpz(out, z.get_mpz_t()); }

void set_number(acb_t out, const Number& n, slong prec) {
  acb_zero(out);
  if (n.is_float()) {
    arb_set_d(acb_realref(out), n.real());  // exact: a double is a dyadic number
    return;
  }
  fmpz_t p, q;
  fmpz_init(p);
  fmpz_init(q);
  if (n.is_integer()) {
    set_mpz(p, n.integer());
    arb_set_fmpz(acb_realref(out), p);
  } else {
    set_mpz(p, n.rational().get_num());
    set_mpz(q, n.rational().get_den());
    arb_fmpz_div_fmpz(acb_realref(out), p, q, prec);
  }
  fmpz_clear(p);
  fmpz_clear(q);
}

[[noreturn]] void fail(const ExprPool& pool, ExprId id, const std::string& why) {
  throw InvalidArgument("evalf: " + why + " (in " + to_string(pool, id) + ")");
}

bool is_real_ball(const acb_t z) { return arb_is_zero(acb_imagref(z)); }

// Functions whose evalf is more than one acb call (the rows with ev = CUSTOM in ops.def).
using EvArgs = const std::vector<const acb_struct*>&;
void ev_atan2(const ExprPool& pool, ExprId id, EvArgs a, acb_t out, slong prec) {
  if (!is_real_ball(a[0]) || !is_real_ball(a[1])) fail(pool, id, "atan2 takes real arguments");
  acb_zero(out);
  arb_atan2(acb_realref(out), acb_realref(a[0]), acb_realref(a[1]), prec);
}
void ev_abs(const ExprPool&, ExprId, EvArgs a, acb_t out, slong prec) {
  acb_zero(out);
  acb_abs(acb_realref(out), a[0], prec);
}
void ev_floor(const ExprPool& pool, ExprId id, EvArgs a, acb_t out, slong prec) {
  if (!is_real_ball(a[0])) fail(pool, id, "floor takes real arguments");
  acb_zero(out);
  arb_floor(acb_realref(out), acb_realref(a[0]), prec);
}
void ev_ceil(const ExprPool& pool, ExprId id, EvArgs a, acb_t out, slong prec) {
  if (!is_real_ball(a[0])) fail(pool, id, "ceiling takes real arguments");
  acb_zero(out);
  arb_ceil(acb_realref(out), acb_realref(a[0]), prec);
}
void ev_polygamma(const ExprPool& pool, ExprId id, EvArgs a, acb_t out, slong prec) {
  // polygamma(n, x) for a non-negative integer n (the order must be exact to be an order).
  const Node& n = pool.node(pool.node(id).args[0]);
  if (n.kind != Kind::Number || !n.number.is_integer() || n.number.sign() < 0 || !n.number.fits_long())
    fail(pool, id, "polygamma's order must be a non-negative integer");
  acb_polygamma(out, a[0], a[1], prec);
}
void ev_re(const ExprPool&, ExprId, EvArgs a, acb_t out, slong) {
  acb_zero(out);
  arb_set(acb_realref(out), acb_realref(a[0]));
}
void ev_im(const ExprPool&, ExprId, EvArgs a, acb_t out, slong) {
  acb_zero(out);
  arb_set(acb_realref(out), acb_imagref(a[0]));
}
void ev_conjugate(const ExprPool&, ExprId, EvArgs a, acb_t out, slong) { acb_conj(out, a[0]); }
void ev_arg(const ExprPool&, ExprId, EvArgs a, acb_t out, slong prec) {
  acb_zero(out);
  acb_arg(acb_realref(out), a[0], prec);
}

void ev_minmax(const ExprPool& pool, ExprId id, EvArgs a, acb_t out, slong prec, bool max) {
  for (const acb_struct* x : a)
    if (!is_real_ball(x)) fail(pool, id, "Min and Max take real arguments");
  acb_zero(out);
  arb_set(acb_realref(out), acb_realref(a[0]));
  for (std::size_t i = 1; i < a.size(); ++i) {
    if (max)
      arb_max(acb_realref(out), acb_realref(out), acb_realref(a[i]), prec);
    else
      arb_min(acb_realref(out), acb_realref(out), acb_realref(a[i]), prec);
  }
}
void ev_min(const ExprPool& pool, ExprId id, EvArgs a, acb_t out, slong prec) { ev_minmax(pool, id, a, out, prec, false); }
void ev_max(const ExprPool& pool, ExprId id, EvArgs a, acb_t out, slong prec) { ev_minmax(pool, id, a, out, prec, true); }

#include "evalf_elementary.inc"
#include "evalf_special.inc"
#include "evalf_integrals.inc"

// op(args) into out; `id` for messages. The row's ev column says how (see alkahest/ops.def).
void apply(const ExprPool& pool, ExprId id, Op op, const std::vector<const acb_struct*>& a, acb_t out,
           slong prec) {
  switch (op) {
#define EV_ACB1(E, fn) \
  case Op::E: fn(out, a[0], prec); return;
#define EV_ACB2(E, fn) \
  case Op::E: fn(out, a[0], a[1], prec); return;
#define EV_CUSTOM(E, fn) \
  case Op::E: fn(pool, id, a, out, prec); return;
#define EV_NONE(E, fn) \
  case Op::E: break;
#define ALKAHEST_OP(E, name, arity, latex, c, cuda, sympy, hlo, jax, vm, vm_fn, vm_lo, vm_hi, ev, ev_fn, ...) \
  EV_##ev(E, ev_fn)
#include "alkahest/ops.def"
#undef ALKAHEST_OP
#undef EV_ACB1
#undef EV_ACB2
#undef EV_CUSTOM
#undef EV_NONE
    case Op::Count_: break;
  }
  fail(pool, id, std::string("no arbitrary-precision evaluation of ") + std::string(op_info(op).name));
}

// The ball of `root` at working precision `prec`.
void evaluate(const ExprPool& pool, ExprId root, slong prec, acb_t result) {
  std::unordered_map<ExprId, std::unique_ptr<Ball>> value;
  std::vector<std::pair<ExprId, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [id, expanded] = stack.back();
    stack.pop_back();
    if (value.count(id)) continue;
    const Node& n = pool.node(id);
    if (n.kind == Kind::Object && n.head == Head::RootOf) {
      // The k-th root in RootOf order, from Calcium's exact algebraic number (src/poly/rootof.cpp).
      // Interning the polynomial's generators is idempotent: the pool's contents do not change.
      auto b = std::make_unique<Ball>();
      const Node& k = pool.node(n.args[2]);
      poly_detail::rootof_acb(const_cast<ExprPool&>(pool), n.args[0], n.args[1], k.number.integer().get_si(), prec, b->v);
      value.emplace(id, std::move(b));
      continue;
    }
    if (n.kind == Kind::Object)
      fail(pool, id, "an unevaluated " + std::string(head_name(n.head)) + " object has no numeric value (call doit() first)");
    if (!expanded && !n.args.empty()) {
      stack.push_back({id, true});
      for (std::size_t i = n.args.size(); i-- > 0;)
        if (!value.count(n.args[i])) stack.push_back({n.args[i], false});
      continue;
    }
    auto b = std::make_unique<Ball>();
    acb_struct* out = b->v;
    std::vector<const acb_struct*> a;
    for (ExprId c : n.args) a.push_back(value.at(c)->v);
    switch (n.kind) {
      case Kind::Number: set_number(out, n.number, prec); break;
      case Kind::Symbol:
        fail(pool, id, "the expression depends on symbol '" + n.name + "'; substitute a value first");
      case Kind::Constant:
        switch (n.constant) {
          case Constant::Pi: acb_const_pi(out, prec); break;
          case Constant::E:
            acb_zero(out);
            arb_const_e(acb_realref(out), prec);
            break;
          case Constant::EulerGamma:
            acb_zero(out);
            arb_const_euler(acb_realref(out), prec);
            break;
          case Constant::I: acb_onei(out); break;
          default: fail(pool, id, std::string(constant_name(n.constant)) + " is not a number");
        }
        break;
      case Kind::Add:
        acb_set(out, a[0]);
        for (std::size_t i = 1; i < a.size(); ++i) acb_add(out, out, a[i], prec);
        break;
      case Kind::Mul:
        acb_set(out, a[0]);
        for (std::size_t i = 1; i < a.size(); ++i) acb_mul(out, out, a[i], prec);
        break;
      case Kind::Pow: {
        const Node& e = pool.node(n.args[1]);
        if (e.kind == Kind::Number && e.number.is_integer()) {
          fmpz_t k;
          fmpz_init(k);
          set_mpz(k, e.number.integer());
          acb_pow_fmpz(out, a[0], k, prec);
          fmpz_clear(k);
        } else if (e.kind == Kind::Number && e.number.is_rational() && e.number.rational() == mpq_class(1, 2)) {
          acb_sqrt(out, a[0], prec);
        } else {
          acb_pow(out, a[0], a[1], prec);  // the principal branch, exp(e*log(b))
        }
        break;
      }
      case Kind::Func: apply(pool, id, n.op, a, out, prec); break;
      case Kind::Object: break;  // refused above
    }
    value.emplace(id, std::move(b));
  }
  acb_set(result, value.at(root)->v);
}

#include "evalf_calcium.inc"

// The midpoint to `digits` digits, and an upper bound of |that decimal - every value in x|: the
// radius plus the decimal rounding, so the reported error stays certified.
std::pair<std::string, std::string> mid_and_error(const arb_t x, slong digits, slong prec) {
  ArbStr mid(arf_get_str(arb_midref(x), digits));
  arb_t d;
  arb_init(d);
  if (arb_set_str(d, mid.p, prec + 64) != 0) arb_set(d, x);  // (Arb reads its own text back)
  arb_sub(d, d, x, prec + 64);
  arf_t u;
  arf_init(u);
  arb_get_abs_ubound_arf(u, d, 64);
  // 5 printed digits round to nearest (relative error < 1e-4): widen by 1e-4 first.
  arf_mul_ui(u, u, 10001, 64, ARF_RND_UP);
  arf_div_ui(u, u, 10000, 64, ARF_RND_UP);
  ArbStr err(arf_get_str(u, 5));
  std::pair<std::string, std::string> out{mid.p, err.p};
  arf_clear(u);
  arb_clear(d);
  return out;
}

}  // namespace

Evalf evalf(const ExprPool& pool, ExprId expr, long digits, long max_bits) {
  if (digits < 1 || digits > 1000000)
    throw InvalidArgument("evalf: digits must be between 1 and 1000000, got " + std::to_string(digits));
  const slong target = static_cast<slong>(std::ceil(static_cast<double>(digits) * 3.3219280948873623)) + 4;
  const slong cap = max_bits > 0 ? static_cast<slong>(max_bits) : std::max<slong>(8 * target, 4096);
  Ball z;
  slong prec = target + 32;
  bool accurate = false;
  while (true) {
    evaluate(pool, expr, prec, z.v);
    if (!acb_is_finite(z.v))
      fail(pool, expr, "no finite enclosure (a pole, or outside the function's domain)");
    accurate = acb_rel_accuracy_bits(z.v) >= target;
    if (accurate || prec >= cap) break;
    prec = std::min<slong>(2 * prec, cap);
  }
  Evalf r;
  r.real = is_real_ball(z.v);
  r.accurate = accurate;
  std::tie(r.re_mid, r.re_radius) = mid_and_error(acb_realref(z.v), digits, prec);
  std::tie(r.im_mid, r.im_radius) = mid_and_error(acb_imagref(z.v), digits, prec);
  r.re_double = arf_get_d(arb_midref(acb_realref(z.v)), ARF_RND_NEAR);
  r.im_double = arf_get_d(arb_midref(acb_imagref(z.v)), ARF_RND_NEAR);
  ArbStr re(arb_get_str(acb_realref(z.v), digits, ARB_STR_NO_RADIUS));
  if (r.real) {
    r.text = re.p;
  } else {
    ArbStr im(arb_get_str(acb_imagref(z.v), digits, ARB_STR_NO_RADIUS));
    const std::string ims = im.p;
    if (arb_is_zero(acb_realref(z.v)))
      r.text = ims + "*I";
    else if (!ims.empty() && ims[0] == '-')
      r.text = std::string(re.p) + " - " + ims.substr(1) + "*I";
    else
      r.text = std::string(re.p) + " + " + ims + "*I";
  }
  return r;
}

std::optional<bool> is_zero(const ExprPool& pool, ExprId expr) {
  const Node& n = pool.node(expr);
  if (n.kind == Kind::Number) {
    if (n.number.is_float() && !std::isfinite(n.number.real())) return false;
    return n.number.is_zero();
  }
  if (auto known = is_zero(n.facts)) return known;  // proved from the structure (or assumptions)
  // A constant expression: a certified enclosure that excludes 0 proves it non-zero. An
  // enclosure that keeps containing 0 proves nothing (the value may be 0, or tiny).
  std::vector<ExprId> stack{expr};
  std::unordered_set<ExprId> seen{expr};
  while (!stack.empty()) {
    const Node& m = pool.node(stack.back());
    stack.pop_back();
    if (m.kind == Kind::Symbol) return std::nullopt;
    if (m.kind == Kind::Constant && m.constant >= Constant::Infinity) return std::nullopt;
    if (m.kind == Kind::Object && m.head == Head::RootOf) continue;  // a number (its x is bound)
    for (ExprId a : m.args)
      if (seen.insert(a).second) stack.push_back(a);
  }
  Ball z;
  for (slong prec = 64; prec <= 4096; prec *= 4) {
    try {
      evaluate(pool, expr, prec, z.v);
    } catch (const InvalidArgument&) {
      return std::nullopt;  // no enclosure: cannot tell
    }
    if (acb_is_finite(z.v) && !acb_contains_zero(z.v)) return false;
  }
  // Zero, or too close to 0 for the enclosures: an exact test (Calcium) where the expression is
  // one of its numbers (rationals, algebraic operations, pi, E, I, exp, log, trigonometric ...).
  return calcium_is_zero(pool, expr);
}

}  // namespace alkahest
