// Gruntz's algorithm for lim_{x -> oo} of exp-log expressions (with other functions of arguments
// that the series module can expand). Outline (Gruntz 1996, ch. 3):
//   limitinf(e):  (c0, e0) = leading term of e in the most rapidly varying class;
//                 e0 > 0 -> 0, e0 < 0 -> sign(c0)*oo, e0 = 0 -> limitinf(c0).
//   mrv(e):       the set of most rapidly varying subexpressions (x, or exp(u) with u -> +-oo),
//                 compared by lim log(f)/log(g).
//   rewrite:      every f = exp(u) of the set as exp(u - c*v) * w**(-+c) where g = exp(v) is
//                 the simplest element and w = exp(-|v|) -> 0+; log(w) = -+v.
// Everything that cannot be decided (a sign, a zero test, a series) makes the whole computation
// give up (nullopt), never guess.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <unordered_map>

#include "alkahest/rebuild.hpp"
#include "alkahest/calculus.hpp"
#include "alkahest/evalf.hpp"
#include "alkahest/limit.hpp"
#include "alkahest/objects.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/series.hpp"
#include "alkahest/walk.hpp"
#include "kernel/depth_scope.hpp"
#include "series/asymptotic.hpp"
#include "series/power_series.hpp"

namespace alkahest {

namespace {

struct GiveUp {};

// ALKAHEST_LIMIT_DEBUG=1: where Gruntz's algorithm gave up, on stderr (a development aid).
bool debug_on() {
  static const bool on = std::getenv("ALKAHEST_LIMIT_DEBUG") != nullptr;
  return on;
}
std::string& last_reason() {
  static thread_local std::string r;
  return r;
}
#define GIVE_UP(why)                                                            \
  do {                                                                          \
    if (debug_on()) last_reason() = std::string(why) + " @" + std::to_string(__LINE__); \
    throw GiveUp{};                                                             \
  } while (0)

ExprId fresh(ExprPool& pool, ExprId expr, const std::string& base, Facts facts) {
  const std::vector<ExprId> fs = free_symbols(pool, expr);
  for (int i = 0;; ++i) {
    const std::string name = i == 0 ? base : base + std::to_string(i);
    bool used = false;
    for (ExprId s : fs)
      if (pool.node(s).name == name) used = true;
    if (!used) return pool.symbol(name, facts);
  }
}

Facts positive_facts() { return Facts::only(Facts::Pos); }

std::optional<ExprId> rational_limit(ExprPool& p, ExprId e, ExprId x);

class Gruntz {
 public:
  Gruntz(ExprPool& pool, ExprId x) : p_(pool), x_(x) {
    wsym_ = p_.symbol("gruntz_w_", positive_facts());
    logw_ = p_.symbol("gruntz_logw_", Facts::real());
  }

  ExprId limitinf(ExprId e) {
    if (!has_x(e)) return e;
    if (e == x_) return p_.constant(Constant::Infinity);
    if (auto r = rational_limit(p_, e, x_)) return *r;  // a coefficient x**1000/(x + 1)**1000: no series
    Guard g(*this);
    auto [c0, e0] = leadterm(e);
    if (sym_exp_ != 0) {
      // a leading exponent with a parameter (x**n): its sign from the assumptions, or no answer
      const ExprId total = sym_exp_;
      sym_exp_ = 0;
      const auto t = const_sign(total);
      if (!t) GIVE_UP("sign of the leading exponent: " + Expr(p_, total).str());
      if (*t > 0) return p_.integer(0);
      if (*t < 0) return infinity_of(c0);
      return limitinf(c0);
    }
    if (e0 > 0) return p_.integer(0);
    if (e0 < 0) return infinity_of(c0);
    return limitinf(c0);
  }

  // lim c0 * w**e0 for e0 < 0: infinity in the direction of c0. The factors of c0 with x (through
  // log(w)) must have a decided eventual sign (sign() decides only real ones); the rest P is a constant: a real one of
  // decided sign, i*r with r real, or an expression in parameters (the answer is oo*sign(P) for
  // P != 0, SymPy's form; a parameter of unknown sign or a complex parameter).
  ExprId infinity_of(ExprId c0) {
    const Node& cn = p_.node(c0);
    const std::vector<ExprId> fs = cn.kind == Kind::Mul ? cn.args : ArgVector{c0};
    std::vector<ExprId> pf;
    int s = 1;
    for (ExprId f : fs) {
      if (!has_x(f)) {
        pf.push_back(f);
        continue;
      }
      const auto t = sign(f);
      if (!t || *t == 0) GIVE_UP("sign of c0 depends on x: " + Expr(p_, c0).str());
      s *= *t;
    }
    const ExprId P = p_.mul(pf);
    const ExprId oo = p_.constant(Constant::Infinity);
    if (free_symbols(p_, P).empty()) {
      bool real = is_real(p_.node(P).facts) == true;
      if (!real) {
        try {
          const Evalf v = evalf(p_, P, 15);
          real = v.real;
        } catch (const std::exception&) {
        }
      }
      if (!real) {
        // i*r: the real part is exactly 0 and r = im(P) has a decided sign
        const ExprId re = p_.func(Op::Re, P);
        const auto z = alkahest::is_zero(p_, re);
        if (z && *z) {
          const auto t = const_sign(p_.func(Op::Im, P));
          if (!t || *t == 0) GIVE_UP("c0 zero");
          return p_.mul(p_.integer(s * *t), p_.mul(p_.constant(Constant::I), oo));
        }
        // another non-real constant ((-1)**(1/3)): its modulus times a positive quantity tends to
        // oo, so the limit is the infinity in the direction sign(P) = P/|P| (SymPy's
        // oo*sign((-1)**(-pi))); P != 0 certified by an enclosure that excludes 0
        bool nonzero = false;
        try {
          const Evalf v = evalf(p_, P, 30);
          nonzero = !v.real && std::abs(v.im_double) > 2 * std::stod(v.im_radius);
        } catch (const std::exception&) {
        }
        if (!nonzero) GIVE_UP("complex leading coefficient: " + Expr(p_, P).str());
        return p_.mul(p_.integer(s), p_.mul(p_.func(Op::Sign, P), oo));
      }
      const auto t = const_sign(P);
      if (!t || *t == 0) GIVE_UP("c0 zero");
      return p_.constant(s * *t > 0 ? Constant::Infinity : Constant::NegativeInfinity);
    }
    if (const auto t = const_sign(P)) {
      if (*t == 0) GIVE_UP("c0 zero");
      return p_.constant(s * *t > 0 ? Constant::Infinity : Constant::NegativeInfinity);
    }
    // oo*sign(P) stands for "P != 0" only when P, not identically 0, is built from the parameters
    // by + * integer powers, powers of constants and single-valued analytic functions (sin, cos,
    // tan, their hyperbolic twins, exp): then it vanishes on a set of measure zero only, as SymPy's oo*sign(a) assumes.
    // A radical, log, abs, ... of the parameters can vanish on a whole range (a + 1 -
    // sqrt((a + 1)**2) for a > -1; log(a**2) - 2*log(a) for a > 0): no answer then.
    {
      const bool multivalued = any_node(p_, P, [&](ExprId, const Node& m) {
        switch (m.kind) {
          case Kind::Pow: {  // c**n with a constant base is exp(n*log(c)): entire in n
            const Node& e = p_.node(m.args[1]);
            return !(e.kind == Kind::Number && e.number.is_integer()) && !free_symbols(p_, m.args[0]).empty();
          }
          case Kind::Func:
            return !(m.op == Op::Sin || m.op == Op::Cos || m.op == Op::Tan || m.op == Op::Sinh ||
                     m.op == Op::Cosh || m.op == Op::Tanh || m.op == Op::Exp);
          case Kind::Object: return true;
          case Kind::Constant: return m.constant >= Constant::Infinity;
          default: return false;
        }
      });
      bool zero = true;
      try {
        const ExprId c = cancel(p_, P);
        zero = p_.node(c).kind == Kind::Number && p_.node(c).number.is_zero();
      } catch (const std::exception&) {
      }
      if (multivalued || zero)
        GIVE_UP("leading coefficient may vanish for a range of the parameters: " + Expr(p_, P).str());
    }
    if (any_node(p_, P, [](ExprId, const Node& m) { return m.kind == Kind::Constant && m.constant == Constant::I; })) {
      // a complex parameter expression (I*y): the infinity in the direction sign(P) = P/|P| for
      // P != 0, as oo*sign(a) for a real parameter (SymPy's oo*I*y); real constant factors of
      // known sign come out of sign() (3*sinh(1)*I*y: sign(I*y))
      std::vector<ExprId> rest;
      const Node& pn = p_.node(P);
      for (ExprId f : pn.kind == Kind::Mul ? pn.args : ArgVector{P}) {
        if (free_symbols(p_, f).empty() && is_real(p_.node(f).facts) == true) {
          if (const auto t = const_sign(f); t && *t != 0) {
            s *= *t;
            continue;
          }
        }
        rest.push_back(f);
      }
      return p_.mul(p_.integer(s), p_.mul(p_.func(Op::Sign, p_.mul(rest)), oo));
    }
    // sign(-P) = -sign(P): a negative numeric factor comes out (SymPy's -oo*sign(a))
    ExprId q = P;
    if (const Node& qn = p_.node(P); qn.kind == Kind::Mul && p_.node(qn.args[0]).kind == Kind::Number &&
                                     p_.node(qn.args[0]).number.sign() < 0) {
      s = -s;
      q = p_.neg(P);
    }
    return p_.mul(p_.integer(s), p_.mul(p_.func(Op::Sign, q), oo));  // a parameter's sign
  }

  // Eventual sign of e as x -> oo (nullopt: depends on a parameter).
  std::optional<int> sign(ExprId e) {
    if (!has_x(e)) return const_sign(e);
    if (e == x_) return 1;
    const Node& n = p_.node(e);
    if (n.kind == Kind::Mul) {
      int s = 1;
      for (ExprId a : std::vector<ExprId>(n.args)) {
        auto t = sign(a);
        if (!t) return std::nullopt;
        s *= *t;
      }
      return s;
    }
    if (n.kind == Kind::Func && n.op == Op::Exp && is_real(p_.node(n.args[0]).facts) == true) return 1;
    if (n.kind == Kind::Pow) {
      const ExprId b = n.args[0];
      auto sb = sign(b);
      if (sb && *sb > 0) return 1;
    }
    Guard g(*this);
    auto [c0, e0] = leadterm(e);
    (void)e0;
    sym_exp_ = 0;  // w**E > 0: the sign is c0's
    return sign(c0);
  }

 private:
  ExprPool& p_;
  ExprId x_;
  ExprId wsym_, logw_;
  // Set by leadterm when the leading exponent is not a rational number: the exponent (e0 is then
  // unused); read and cleared by the caller.
  ExprId sym_exp_ = 0;
  // The series module's question for a coefficient's sign (a function of x, slower than w): its
  // eventual sign by this algorithm, nullopt where it gives up. The coefficient must be real.
  std::function<std::optional<int>(ExprId)> sign_hint_ = [this](ExprId c) -> std::optional<int> {
    if (const Node& cn = p_.node(c); cn.kind == Kind::Func && cn.op == Op::Log && cn.args.size() == 1 && has_x(c)) {
      // log(A) with A eventually positive: the sign of A - 1 (log(x - log(4/3)) > 0 eventually)
      const ExprId a = cn.args[0];
      if (const auto sa = sign_hint_(a); sa && *sa > 0) return sign_hint_(expand(p_, p_.sub(a, p_.integer(1))));
      return std::nullopt;
    }
    if (!has_x(c) || is_real(p_.node(c).facts) != true) return std::nullopt;
    const ExprId saved = sym_exp_;
    try {
      const auto s = sign(c);
      sym_exp_ = saved;
      return s;
    } catch (const GiveUp&) {
      sym_exp_ = saved;
      return std::nullopt;
    } catch (const std::exception&) {  // a series or poly error inside: no sign
      sym_exp_ = saved;
      return std::nullopt;
    }
  };
  long calls_ = 0, depth_ = 0;
  std::unordered_map<ExprId, bool> has_x_memo_;
  std::unordered_map<ExprId, ExprId> limit_memo_;

  struct Guard {
    explicit Guard(Gruntz& g) : g(g) {
      if (++g.calls_ > LimitLimits::max_calls || ++g.depth_ > LimitLimits::max_depth) {
        --g.depth_;
        GIVE_UP("budget");
      }
    }
    ~Guard() { --g.depth_; }
    Gruntz& g;
  };

  // A limit value that is a finite constant: free of x and of oo, -oo, zoo, nan.
  bool finite_const(ExprId l) {
    if (has_x(l)) return false;
    return !any_node(p_, l, [](ExprId, const Node& m) {
      return m.kind == Kind::Constant && m.constant != Constant::Pi && m.constant != Constant::E &&
             m.constant != Constant::EulerGamma && m.constant != Constant::I;
    });
  }

  bool has_x(ExprId e) {
    auto it = has_x_memo_.find(e);
    if (it != has_x_memo_.end()) return it->second;
    const std::vector<ExprId> fs = free_symbols(p_, e);
    const bool h = std::find(fs.begin(), fs.end(), x_) != fs.end();
    has_x_memo_[e] = h;
    return h;
  }

  // The sign of an expression in parameters beyond the facts: products factor by factor, powers
  // of positive bases, log(A) of a positive A by the sign of A - 1 (log(c + 1) > 0 for c > 0).
  std::optional<int> parameter_sign(ExprId c, int depth) {
    const Node n = p_.node(c);
    if (is_positive(n.facts) == true) return 1;
    if (is_negative(n.facts) == true) return -1;
    if (is_zero(n.facts) == true) return 0;
    if (depth > 6) return std::nullopt;
    if (n.kind == Kind::Number) return n.number.sign();
    if (n.kind == Kind::Mul) {
      int s = 1;
      for (ExprId a : n.args) {
        const auto t = parameter_sign(a, depth + 1);
        if (!t) return std::nullopt;
        s *= *t;
      }
      return s;
    }
    if (n.kind == Kind::Pow && is_positive(p_.node(n.args[0]).facts) == true &&
        is_real(p_.node(n.args[1]).facts) == true)
      return 1;
    if (n.kind == Kind::Func && n.op == Op::Log && n.args.size() == 1 && is_positive(p_.node(n.args[0]).facts) == true)
      return parameter_sign(expand(p_, p_.sub(n.args[0], p_.integer(1))), depth + 1);
    return std::nullopt;
  }

  std::optional<int> const_sign(ExprId c) {
    const Facts& f = p_.node(c).facts;
    if (is_positive(f) == true) return 1;
    if (is_negative(f) == true) return -1;
    if (is_zero(f) == true) return 0;
    if (f.within(Facts::PInf)) return 1;
    if (f.within(Facts::NInf)) return -1;
    if (!free_symbols(p_, c).empty()) return parameter_sign(c, 0);
    try {
      if (auto z = alkahest::is_zero(p_, c); z && *z) return 0;
      const Evalf v = evalf(p_, c, 15);
      if (!v.real && std::abs(v.im_double) > 0) GIVE_UP("const_sign non-real: " + Expr(p_, c).str());
      if (std::abs(v.re_double) > std::stod(v.re_radius)) return v.re_double > 0 ? 1 : -1;
    } catch (const GiveUp&) {
      throw;
    } catch (const std::exception&) {
    }
    GIVE_UP("const_sign undecided: " + Expr(p_, c).str());
  }

  void require_positive(ExprId b) {
    if (is_positive(p_.node(b).facts) == true) return;
    if (!has_x(b)) GIVE_UP("require_positive of constant: " + Expr(p_, b).str());
    auto s = sign(b);
    if (!s || *s <= 0) GIVE_UP("not eventually positive: " + Expr(p_, b).str());
  }

  ExprId log_of(ExprId f) {  // log of an mrv element (exp(u) -> u, x -> log(x))
    const Node& n = p_.node(f);
    if (n.kind == Kind::Func && n.op == Op::Exp) return n.args[0];
    return p_.func(Op::Log, f);
  }

  // +1: a varies faster than b, -1: slower, 0: same class.
  int compare(ExprId a, ExprId b) {
    const ExprId r = limitinf(p_.div(log_of(a), log_of(b)));
    const Node& n = p_.node(r);
    if (n.kind == Kind::Number && n.number.is_zero()) return -1;
    if (n.kind == Kind::Constant &&
        (n.constant == Constant::Infinity || n.constant == Constant::NegativeInfinity))
      return 1;
    if (!finite_const(r)) GIVE_UP("compare: " + Expr(p_, r).str());
    return 0;
  }

  std::vector<ExprId> mrv_max(std::vector<ExprId> f, std::vector<ExprId> g) {
    if (f.empty()) return g;
    if (g.empty()) return f;
    for (ExprId a : f)
      if (std::find(g.begin(), g.end(), a) != g.end()) return unite(f, g);
    const int c = compare(f[0], g[0]);
    if (c > 0) return f;
    if (c < 0) return g;
    return unite(f, g);
  }
  static std::vector<ExprId> unite(std::vector<ExprId> f, const std::vector<ExprId>& g) {
    for (ExprId a : g)
      if (std::find(f.begin(), f.end(), a) == f.end()) f.push_back(a);
    return f;
  }

  std::vector<ExprId> mrv(ExprId e) {
    if (!has_x(e)) return {};
    if (e == x_) return {x_};
    const Node n = p_.node(e);
    switch (n.kind) {
      case Kind::Add:
      case Kind::Mul: {
        std::vector<ExprId> r;
        for (ExprId a : n.args) r = mrv_max(r, mrv(a));
        return r;
      }
      case Kind::Pow: {
        if (has_x(n.args[1])) GIVE_UP("pow with x in exponent");
        // The algorithm works in a field of real functions: a non-integer power needs a base that
        // is eventually positive (otherwise the value is complex and may turn).
        const Node& en = p_.node(n.args[1]);
        if (!(en.kind == Kind::Number && en.number.is_integer())) require_positive(n.args[0]);
        return mrv(n.args[0]);
      }
      case Kind::Func: {
        if (n.op == Op::Exp) {
          const ExprId l = limitinf(n.args[0]);
          if (p_.is_constant(l, Constant::Infinity) || p_.is_constant(l, Constant::NegativeInfinity))
            return mrv_max({e}, mrv(n.args[0]));
          // oo*sign(a) (a parameter of unknown sign) is neither class: give up
          if (!finite_const(l)) GIVE_UP("exp arg limit: " + Expr(p_, l).str());
          return mrv(n.args[0]);
        }
        if (n.op == Op::Log) {
          try {
            require_positive(n.args[0]);
          } catch (const GiveUp&) {
            // log(A) with A -> L, a constant right of the imaginary axis (log(1 + I/x)): analytic
            // there, the series expands it
            const ExprId l = limitinf(n.args[0]);
            if (!finite_const(l) || !free_symbols(p_, l).empty()) throw;
            bool right = false;
            try {
              const Evalf v = evalf(p_, l, 15);
              right = v.re_double > 0 && std::abs(v.re_double) > std::stod(v.re_radius);
            } catch (const std::exception&) {
            }
            if (!right) throw;
          }
          return mrv(n.args[0]);
        }
        // Other functions: their growth is that of their argument only where the argument has a
        // finite limit (the function is then expanded there) or for the tame ones below; gamma(x)
        // or erfc(x) would be taken for slower than they are.
        const std::string_view name = op_info(n.op).name;
        const bool tame = name == "atan" || name == "acot" || name == "asinh" || name == "acosh" ||
                          name == "acoth" || name == "loggamma" || name == "digamma" || name == "asin" ||
                          name == "acos" || name == "atanh" || name == "asec" || name == "acsc" || name == "asech" ||
                          name == "acsch" ||
                          name == "polygamma" || name == "sin" || name == "cos" || name == "abs" || name == "sign" ||
                          name == "floor" || name == "ceiling";
        std::vector<ExprId> r;
        for (ExprId a : n.args) {
          if (!tame && has_x(a)) {
            const ExprId l = limitinf(a);
            if (!finite_const(l)) GIVE_UP("non-tame function " + std::string(name) + " with limit " + Expr(p_, l).str());
          }
          r = mrv_max(r, mrv(a));
        }
        return r;
      }
      case Kind::Object: {
        // an auxiliary function of the rewrite at infinity (asymptotic.hpp): it varies as its
        // argument (its expansion is a power series in 1/argument, or a Taylor series)
        if (series_detail::aux_kind(p_, e) == series_detail::Aux::None) GIVE_UP("mrv of node " + Expr(p_, e).str());
        std::vector<ExprId> r;
        for (ExprId a : n.args) r = mrv_max(r, mrv(a));
        return r;
      }
      default:
        GIVE_UP("mrv of node " + Expr(p_, e).str());
    }
  }

  // The leading term (c0, e0) of e in the mrv class: e ~ c0 * w**e0.
  std::pair<ExprId, mpq_class> leadterm(ExprId e) {
    std::vector<ExprId> omega = mrv(e);
    if (omega.empty()) GIVE_UP("empty mrv");
    if (std::find(omega.begin(), omega.end(), x_) != omega.end()) {
      // Move up one level: x -> exp(x) (the limit is the same).
      // The set moves up with it (x itself becomes exp(x)); it is not computed again.
      const std::unordered_map<ExprId, ExprId> up{{x_, p_.func(Op::Exp, x_)}};
      e = subs(p_, e, up);
      for (ExprId& el : omega) el = subs(p_, el, up);
      for (ExprId el : omega)
        if (!(p_.node(el).kind == Kind::Func && p_.node(el).op == Op::Exp)) GIVE_UP("up-move not exp");
    }
    // g: the simplest element; w = exp(-v) when v -> +oo, exp(v) when v -> -oo.
    std::sort(omega.begin(), omega.end(), [&](ExprId a, ExprId b) {
      const auto da = p_.node(a).depth, db = p_.node(b).depth;
      return da != db ? da > db : p_.compare(a, b) < 0;
    });
    const ExprId g = omega.back();
    const ExprId v = p_.node(g).args[0];
    const ExprId lv = limitinf(v);
    int s;
    if (p_.is_constant(lv, Constant::Infinity)) s = 1;
    else if (p_.is_constant(lv, Constant::NegativeInfinity)) s = -1;
    else GIVE_UP("g arg limit");
    ExprId f = e;
    for (ExprId el : omega) {
      const ExprId u = p_.node(el).args[0];
      const ExprId c = limitinf(p_.div(u, v));
      if (!finite_const(c)) GIVE_UP("rewrite ratio: " + Expr(p_, c).str());
      const ExprId rest = expand(p_, p_.sub(u, p_.mul(c, v)));
      const ExprId wpow = p_.pow(wsym_, s > 0 ? p_.neg(c) : c);
      f = subs(p_, f, {{el, p_.mul(p_.func(Op::Exp, rest), wpow)}});
    }
    has_x_memo_.clear();
    const ExprId logw_value = s > 0 ? p_.neg(v) : v;
    sym_exp_ = 0;
    if (any_node(p_, f, [&](ExprId, const Node& m) {
          return m.kind == Kind::Pow && !exact_rational(m.args[1]) && has_w(m.args[0]);
        }))
      return symbolic_leadterm(f, logw_value);
    return series_leadterm(f, logw_value);
  }

  bool has_w(ExprId e) {
    return any_node(p_, e, [&](ExprId id, const Node&) { return id == wsym_; });
  }
  // A rational number, or a float that is a dyadic fraction with a small denominator (as the
  // series module reads float exponents).
  std::optional<mpq_class> rational_value(ExprId e) {
    const Node& n = p_.node(e);
    if (n.kind != Kind::Number) return std::nullopt;
    if (n.number.is_exact()) return n.number.to_mpq();
    if (std::isfinite(n.number.real())) {
      const mpq_class q(n.number.real());
      if (q.get_den() <= 64) return q;
    }
    return std::nullopt;
  }
  bool exact_rational(ExprId e) { return rational_value(e).has_value(); }
  // Real by the facts, or a constant whose value evaluates real (log(3)/log(5)).
  bool real_exponent(ExprId k) {
    if (is_real(p_.node(k).facts) == true) return true;
    if (!free_symbols(p_, k).empty()) return false;
    try {
      return evalf(p_, k, 15).real;
    } catch (const std::exception&) {
      return false;
    }
  }
  bool is_zero_num(ExprId e) {
    const Node& n = p_.node(e);
    return n.kind == Kind::Number && n.number.is_zero();
  }

  // e = w**E * rest, where E is 0 or a real constant with a parameter and rest has rational
  // powers of w only (w > 0, so that (w**E * R)**k = w**(E k) R**k and log(w**E R) = E log(w) +
  // log(R) on the principal branches). A power b**k with k not rational takes the leading
  // exponent q of b out: b**k = w**(q k) (b w**-q)**k, b w**-q with a nonzero constant term.
  struct Split {
    ExprId E;
    ExprId rest;
  };
  Split split(ExprId e, ExprId logw_value, std::unordered_map<ExprId, Split>& memo) {
    const ExprId zero = p_.integer(0);
    if (!has_w(e)) return {zero, e};
    if (auto it = memo.find(e); it != memo.end()) return it->second;
    const Node n = p_.node(e);
    Split r{zero, e};
    switch (n.kind) {
      case Kind::Mul: {
        std::vector<ExprId> es, rs;
        for (ExprId a : n.args) {
          const Split t = split(a, logw_value, memo);
          es.push_back(t.E);
          rs.push_back(t.rest);
        }
        r = {expand(p_, p_.add(es)), p_.mul(rs)};
        break;
      }
      case Kind::Add: {
        std::vector<Split> ts;
        for (ExprId a : n.args) ts.push_back(split(a, logw_value, memo));
        std::vector<ExprId> rs;
        for (const Split& t : ts) {
          const ExprId d = expand(p_, p_.sub(t.E, ts[0].E));
          if (!exact_rational(d)) throw DifferentClasses{};
          rs.push_back(is_zero_num(d) ? t.rest : p_.mul(t.rest, p_.pow(wsym_, p_.number(Number(*rational_value(d))))));
        }
        r = {ts[0].E, p_.add(rs)};
        break;
      }
      case Kind::Pow: {
        const ExprId k = n.args[1];
        const Split b = split(n.args[0], logw_value, memo);
        if (has_w(k)) {
          if (!is_zero_num(b.E)) GIVE_UP("power with w in the exponent of a symbolic power of w");
          r = {zero, p_.pow(b.rest, k)};
          break;
        }
        if (auto q = rational_value(k)) {
          const ExprId kq = p_.number(Number(*q));
          r = {expand(p_, p_.mul(b.E, kq)), p_.pow(b.rest, kq)};
          break;
        }
        std::optional<LeadingTerm> lt;
        try {
          lt = leading_term(p_, b.rest, wsym_, logw_, nullptr, logw_value, &sign_hint_);
        } catch (const SeriesError& ex) {
          GIVE_UP(std::string("series: ") + ex.what());
        }
        if (!lt) GIVE_UP("no leading term of a power's base");
        const ExprId q = p_.number(Number(lt->exponent));
        if (is_zero_num(q) && is_zero_num(b.E)) {
          r = {zero, p_.pow(b.rest, k)};
          break;
        }
        if (!real_exponent(k)) GIVE_UP("a power of w with a complex exponent: " + Expr(p_, e).str());
        r = {expand(p_, p_.mul(p_.add(b.E, q), k)), p_.pow(p_.mul(b.rest, p_.pow(wsym_, p_.neg(q))), k)};
        break;
      }
      case Kind::Func: {
        std::vector<ExprId> rs;
        bool e_nonzero = false;
        for (ExprId a : n.args) {
          const Split t = split(a, logw_value, memo);
          if (!is_zero_num(t.E)) e_nonzero = true;
          rs.push_back(t.rest);
        }
        if (e_nonzero) {
          if (n.op == Op::Exp) throw DifferentClasses{};  // exp(w**E*R) with E > 0: lead_of
          if (n.op != Op::Log || n.args.size() != 1) GIVE_UP("symbolic power of w inside a function");
          const Split t = split(n.args[0], logw_value, memo);
          if (!real_exponent(t.E)) GIVE_UP("a power of w with a complex exponent");
          r = {zero, p_.add(p_.mul(t.E, logw_), p_.func(Op::Log, t.rest))};
          break;
        }
        r = {zero, p_.func(n.op, rs)};
        break;
      }
      default:
        for (ExprId a : n.args)
          if (!is_zero_num(split(a, logw_value, memo).E)) GIVE_UP("symbolic power of w inside an object");
        break;
    }
    memo[e] = r;
    return r;
  }
  struct DifferentClasses {};

  // The leading term of f with powers of w whose exponents have parameters: f = w**E * rest
  // (split), then c0 w**(E + e0) from rest's leading term c0 w**e0. Where the powers of a sum
  // differ by more than rationals (x**n - x**(n - k - 1), 3**x + exp(x)), the sum is taken term by
  // term: terms of one class form a group (its series decides cancellations), and the group or
  // term of least exponent wins when every difference of exponents has a decided sign (strictly
  // positive); products and powers multiply the leading terms (a non-integer power only of a
  // coefficient of eventual sign +1, so that the principal branch goes through).
  std::pair<ExprId, mpq_class> symbolic_leadterm(ExprId f, ExprId logw_value) {
    std::unordered_map<ExprId, Split> memo;
    const auto [c0, T] = lead_of(f, logw_value, memo);
    if (auto q = rational_value(T)) {
      sym_exp_ = 0;
      return {c0, *q};
    }
    sym_exp_ = T;
    return {c0, mpq_class(0)};
  }

  // (c0, T): f ~ c0 w**T (T an expression); c0 = 0 when f is 0.
  std::pair<ExprId, ExprId> lead_of(ExprId f, ExprId logw_value, std::unordered_map<ExprId, Split>& memo) {
    auto of_split = [&](const Split& sp) -> std::pair<ExprId, ExprId> {
      auto [c0, e0] = series_leadterm(sp.rest, logw_value);
      return {c0, expand(p_, p_.add(sp.E, p_.number(Number(e0))))};
    };
    try {
      return of_split(split(f, logw_value, memo));
    } catch (const DifferentClasses&) {
    }
    const Node fn = p_.node(f);
    if (fn.kind == Kind::Mul) {
      std::vector<ExprId> cs, ts;
      for (ExprId a : fn.args) {
        const auto [c, t] = lead_of(a, logw_value, memo);
        if (is_zero_num(c)) return {p_.integer(0), p_.integer(0)};
        cs.push_back(c);
        ts.push_back(t);
      }
      return {p_.mul(cs), expand(p_, p_.add(ts))};
    }
    if (fn.kind == Kind::Pow && !has_w(fn.args[1])) {
      const ExprId k = fn.args[1];
      const auto [c, t] = lead_of(fn.args[0], logw_value, memo);
      if (is_zero_num(c)) GIVE_UP("power of a zero leading term");
      const Node& kn = p_.node(k);
      if (!(kn.kind == Kind::Number && kn.number.is_integer())) {
        if (!real_exponent(k)) GIVE_UP("complex power of a sum of different classes");
        const auto sc = sign(c);
        if (!sc || *sc <= 0) GIVE_UP("power of a leading coefficient not eventually positive");
      }
      return {p_.pow(c, k), expand(p_, p_.mul(t, k))};
    }
    if (fn.kind == Kind::Func && fn.op == Op::Exp) {
      // exp(A) with A ~ c w**T: T > 0 (A -> 0): exp(A) = 1 + o(1), leading term 1; T = 0 (A = c +
      // o(1), c of slower terms): exp(c) (1 + o(1)). Only as a whole factor or term: a sum that
      // cancels the leading term is then undecided, never wrong.
      const auto [c, t] = lead_of(fn.args[0], logw_value, memo);
      if (is_zero_num(c)) return {p_.integer(1), p_.integer(0)};
      const auto st = const_sign(t);
      if (!st || *st < 0) GIVE_UP("exp of a symbolic power of w that does not tend to 0");
      return {*st == 0 ? p_.func(Op::Exp, c) : p_.integer(1), p_.integer(0)};
    }
    if (fn.kind == Kind::Func && fn.op == Op::Log && fn.args.size() == 1) {
      // log(B) with B ~ c w**T (c eventually positive, T real): T log(w) + log(c) + o(1), with
      // log(w) the slower -v; that sum must not tend to 0 (then the o(1) could matter)
      const auto [c, t] = lead_of(fn.args[0], logw_value, memo);
      if (is_zero_num(c) || !real_exponent(t)) GIVE_UP("log of a sum of different classes");
      const auto sc = sign(c);
      if (!sc || *sc <= 0) GIVE_UP("log of a sum of different classes with a coefficient not eventually positive");
      const ExprId v = expand(p_, p_.add(p_.mul(t, logw_value), p_.func(Op::Log, c)));
      const ExprId lv = limitinf(v);
      if (is_zero_num(lv)) {
        // B -> 1: log(B) = log(1 + U) = U (1 + O(U)) with U = B - 1 -> 0, so log(B)'s leading term is
        // U's ((1/y)**log(3) + 1 at y = oo)
        const auto [cu, tu] = lead_of(expand(p_, p_.sub(fn.args[0], p_.integer(1))), logw_value, memo);
        const auto su = const_sign(tu);
        if (is_zero_num(cu) || !real_exponent(tu) || !su || *su < 0 || (*su == 0 && !is_zero_num(limitinf(cu))))
          GIVE_UP("log of a sum of different classes that tends to 1");
        return {cu, tu};
      }
      if (!(finite_const(lv) || p_.is_constant(lv, Constant::Infinity) || p_.is_constant(lv, Constant::NegativeInfinity)))
        GIVE_UP("log of a sum of different classes that tends to 1");
      return {v, p_.integer(0)};
    }
    if (fn.kind != Kind::Add) GIVE_UP("symbolic powers of w of different classes");
    std::vector<std::pair<ExprId, std::vector<ExprId>>> groups;  // (E, terms w**(E_i - E) rest_i)
    std::vector<std::pair<ExprId, ExprId>> leads;                // (c0, total exponent)
    for (ExprId a : fn.args) {
      Split t{0, 0};
      try {
        t = split(a, logw_value, memo);
      } catch (const DifferentClasses&) {
        const auto l = lead_of(a, logw_value, memo);  // a term of its own
        if (!is_zero_num(l.first)) leads.push_back(l);
        continue;
      }
      bool placed = false;
      for (auto& [E, terms] : groups) {
        const ExprId d = expand(p_, p_.sub(t.E, E));
        if (auto q = rational_value(d)) {
          terms.push_back(p_.mul(t.rest, p_.pow(wsym_, p_.number(Number(*q)))));
          placed = true;
          break;
        }
      }
      if (!placed) groups.push_back({t.E, {t.rest}});
    }
    for (auto& [E, terms] : groups) {
      const auto l = of_split({E, p_.add(terms)});
      if (!is_zero_num(l.first)) leads.push_back(l);
    }
    if (leads.empty()) return {p_.integer(0), p_.integer(0)};
    {
      // leads of one exponent (the same expression: e/2 and -exp(-1)/2 at w**0) add up: c1 w**T (1 +
      // O(w**d)) + c2 w**T (1 + O(w**d)) = (c1 + c2) w**T (1 + O(w**d)) when c1 + c2 != 0, the
      // coefficients being of slower classes; a sum not certainly nonzero is undecided
      // (exponents with a float are not merged: equal floats may stand for exponents that differ)
      auto has_float = [&](ExprId v) {
        return any_node(p_, v, [](ExprId, const Node& m) { return m.kind == Kind::Number && m.number.is_float(); });
      };
      std::vector<std::pair<ExprId, ExprId>> merged;
      std::vector<int> count;
      for (const auto& l : leads) {
        auto it = has_float(l.second) ? merged.end()
                                      : std::find_if(merged.begin(), merged.end(), [&](const auto& m) { return m.second == l.second; });
        if (it == merged.end()) {
          merged.push_back(l);
          count.push_back(1);
        } else {
          it->first = p_.add(it->first, l.first);
          ++count[static_cast<std::size_t>(it - merged.begin())];
        }
      }
      if (merged.size() < leads.size()) {
        for (std::size_t k = 0; k < merged.size(); ++k) {
          auto& m = merged[k];
          if (count[k] == 1) continue;
          m.first = expand(p_, m.first);
          bool nonzero = !is_zero_num(m.first) && is_zero(p_, m.first) == false;
          if (!nonzero && !is_zero_num(m.first) && has_x(m.first)) {
            // a function of slower terms: nonzero when its limit is (oo, -oo or a nonzero constant)
            const ExprId l = limitinf(m.first);
            nonzero = p_.is_constant(l, Constant::Infinity) || p_.is_constant(l, Constant::NegativeInfinity) ||
                      (finite_const(l) && is_zero(p_, l) == false);
          }
          if (!nonzero) GIVE_UP("leads of one exponent that may cancel");
        }
        leads = std::move(merged);
      }
    }
    // the sign of a difference of exponents; a float difference must stand clear of the rounding
    // of the float arithmetic that made the exponents
    auto order = [&](ExprId a, ExprId b) -> std::optional<int> {
      const ExprId d = expand(p_, p_.sub(a, b));
      const Node& dn = p_.node(d);
      if (dn.kind == Kind::Number && dn.number.is_float()) {
        double scale = 1;
        try {
          if (free_symbols(p_, a).empty()) scale = std::max(1.0, std::abs(evalf(p_, a, 15).re_double));
        } catch (const std::exception&) {
          return std::nullopt;
        }
        if (!(std::abs(dn.number.real()) > 1e-9 * scale)) return std::nullopt;
      }
      return const_sign(d);
    };
    std::size_t best = 0;
    for (std::size_t i = 1; i < leads.size(); ++i) {
      const auto t = order(leads[i].second, leads[best].second);
      if (!t || *t == 0) GIVE_UP("order of symbolic powers of w");
      if (*t < 0) best = i;
    }
    for (std::size_t i = 0; i < leads.size(); ++i) {
      if (i == best) continue;
      const auto t = order(leads[i].second, leads[best].second);
      if (!t || *t <= 0) GIVE_UP("order of symbolic powers of w");
    }
    return leads[best];
  }

  std::pair<ExprId, mpq_class> series_leadterm(ExprId f, ExprId logw_value) {
    std::optional<LeadingTerm> lt;
    bool exact_zero = false;
    try {
      lt = leading_term(p_, f, wsym_, logw_, &exact_zero, logw_value, &sign_hint_);
    } catch (const SeriesError& ex) {
      GIVE_UP(std::string("series: ") + ex.what() + " in " + Expr(p_, f).str());
    } catch (const PolyLimitError&) {
      GIVE_UP("polylimit");
    }
    if (!lt && exact_zero) return {p_.integer(0), mpq_class(0)};  // e = 0 for all small w > 0
    if (!lt) GIVE_UP("no leading term of " + Expr(p_, f).str());
    const ExprId c0 = subs(p_, lt->coeff, {{logw_, logw_value}});
    const std::vector<ExprId> fs = free_symbols(p_, c0);
    if (std::find(fs.begin(), fs.end(), wsym_) != fs.end()) GIVE_UP("w in c0");
    return {c0, lt->exponent};
  }
};

// log(r) for a positive rational r = (a/b)**k with k > 1 as k*log(a/b) (k largest): logs of
// powers of one base then cancel (27**(log(x)/log(3)) = exp(3*log(3)*log(x)/log(3)) = x**3).
ExprId log_of_power(ExprPool& p, ExprId r) {
  const Node& n = p.node(r);
  if (!(n.kind == Kind::Number && n.number.is_exact() && n.number.sign() > 0)) return p.func(Op::Log, r);
  const mpq_class q = n.number.to_mpq();
  const mpz_class num = q.get_num(), den = q.get_den();
  const size_t bits = std::max(mpz_sizeinbase(num.get_mpz_t(), 2), mpz_sizeinbase(den.get_mpz_t(), 2));
  for (unsigned long k = bits; k >= 2; --k) {
    mpz_class rn, rd;
    if (mpz_root(rn.get_mpz_t(), num.get_mpz_t(), k) == 0) continue;
    if (mpz_root(rd.get_mpz_t(), den.get_mpz_t(), k) == 0) continue;
    return p.mul(p.integer(static_cast<long>(k)), p.func(Op::Log, p.number(Number(mpq_class(rn, rd)))));
  }
  return p.func(Op::Log, r);
}

// Exponentials and logs for what Gruntz's algorithm reads: b**u with u depending on x as
// exp(u*log(b)), the hyperbolic functions through exp.
ExprId tractable(ExprPool& p, ExprId e, ExprId x) {
  std::unordered_map<ExprId, ExprId> memo;
  std::unordered_map<ExprId, bool> dep;
  std::vector<std::pair<ExprId, bool>> stack{{e, false}};
  while (!stack.empty()) {
    auto [id, expanded] = stack.back();
    stack.pop_back();
    if (memo.count(id)) continue;
    const Node& n = p.node(id);
    if (!expanded && !n.args.empty()) {
      stack.push_back({id, true});
      for (ExprId a : n.args)
        if (!memo.count(a)) stack.push_back({a, false});
      continue;
    }
    bool d = id == x;
    std::vector<ExprId> args;
    for (ExprId a : n.args) {
      args.push_back(memo.at(a));
      d = d || dep.at(a);
    }
    dep[id] = d;
    ExprId r = id;
    if (d && !n.args.empty()) {
      switch (n.kind) {
        case Kind::Add: r = p.add(args); break;
        case Kind::Mul: r = p.mul(args); break;
        case Kind::Pow:
          if (dep.at(n.args[1])) {
            // b**u with b < 0 a constant: exp(u*log(-b)) * exp(i*pi*u) (principal log(b) =
            // log(-b) + i*pi); the second factor has modulus 1 for real u
            const Node& bn = p.node(args[0]);
            if (bn.kind == Kind::Number && bn.number.is_exact() && bn.number.sign() < 0)
              r = p.mul(p.func(Op::Exp, p.mul(args[1], log_of_power(p, p.neg(args[0])))),
                        p.func(Op::Exp, p.mul(std::vector<ExprId>{p.constant(Constant::I), p.constant(Constant::Pi), args[1]})));
            else
              r = p.func(Op::Exp, p.mul(args[1], log_of_power(p, args[0])));
          }
          else r = p.pow(args[0], args[1]);
          break;
        case Kind::Func: {
          const std::string_view name = op_info(n.op).name;
          const ExprId u = args.empty() ? 0 : args[0];
          auto ex = [&](ExprId a) { return p.func(Op::Exp, a); };
          if (name == "sinh") r = p.mul(p.number(Number::rational(1, 2)), p.sub(ex(u), ex(p.neg(u))));
          else if (name == "cosh") r = p.mul(p.number(Number::rational(1, 2)), p.add(ex(u), ex(p.neg(u))));
          else if (name == "tanh") r = p.div(p.sub(ex(u), ex(p.neg(u))), p.add(ex(u), ex(p.neg(u))));
          else if (name == "abs" && p.node(n.args[0]).kind == Kind::Pow &&
                   dep.at(p.node(n.args[0]).args[1]) && is_real(p.node(p.node(n.args[0]).args[1]).facts) == true) {
            // |b**u| = |b|**u for real u (|exp(u*log(b))| = exp(u*Re(log(b))) = exp(u*log|b|))
            const ExprId b = memo.at(p.node(n.args[0]).args[0]), e = memo.at(p.node(n.args[0]).args[1]);
            r = p.func(Op::Exp, p.mul(e, p.func(Op::Log, p.func(Op::Abs, b))));
          }
          else if (name == "coth") r = p.div(p.add(ex(u), ex(p.neg(u))), p.sub(ex(u), ex(p.neg(u))));
          else if (name == "sech") r = p.div(p.integer(2), p.add(ex(u), ex(p.neg(u))));
          else if (name == "csch") r = p.div(p.integer(2), p.sub(ex(u), ex(p.neg(u))));
          else r = p.func(n.op, args);
          break;
        }
        default: r = id;
      }
    }
    memo[id] = r;
  }
  return memo.at(e);
}

// exp(k*log(r)) = r**k for a positive rational r and a rational k (the answer of
// 27**(log(x)/log(3) + 1)/x**3 is 27, not exp(3*log(3))).
ExprId tidy(ExprPool& p, ExprId e) {
  std::vector<std::pair<ExprId, std::pair<ExprId, ExprId>>> found;  // exp node, (r, k)
  any_node(p, e, [&](ExprId id, const Node& n) {  // no new nodes during the walk
    if (n.kind != Kind::Func || n.op != Op::Exp) return false;
    const Node& a = p.node(n.args[0]);
    ExprId k = 0, lg = n.args[0];
    if (a.kind == Kind::Mul && a.args.size() == 2 && p.node(a.args[0]).kind == Kind::Number &&
        p.node(a.args[0]).number.is_exact()) {
      k = a.args[0];
      lg = a.args[1];
    }
    const Node& l = p.node(lg);
    if (l.kind == Kind::Func && l.op == Op::Log && p.node(l.args[0]).kind == Kind::Number &&
        p.node(l.args[0]).number.is_exact() && p.node(l.args[0]).number.sign() > 0)
      found.push_back({id, {l.args[0], k}});
    return false;
  });
  if (found.empty()) return e;
  std::unordered_map<ExprId, ExprId> repl;
  for (const auto& [id, rk] : found) repl[id] = p.pow(rk.first, rk.second == 0 ? p.integer(1) : rk.second);
  return subs(p, e, repl);
}

std::optional<ExprId> gruntz_limit(ExprPool& pool, ExprId e, ExprId x);
bool finite_real_value(ExprPool& p, ExprId v);

// gamma(u) = exp(loggamma(u)) and factorial(u) = exp(loggamma(u + 1)) where u -> +oo (there
// gamma(u) > 0): Gruntz's algorithm then sees the growth in the exponential, and the series
// module expands loggamma by Stirling's series. Other gamma and factorial nodes stay.
ExprId gamma_as_exp(ExprPool& p, ExprId e, ExprId x, std::unordered_map<ExprId, ExprId>& memo) {
  if (auto it = memo.find(e); it != memo.end()) return it->second;
  const Node n = p.node(e);
  ExprId r = e;
  if (!n.args.empty() && any_node(p, e, [&](ExprId id, const Node&) { return id == x; })) {
    std::vector<ExprId> args;
    for (ExprId a : n.args) args.push_back(gamma_as_exp(p, a, x, memo));
    if (args != n.args) r = with_args(p, n.kind, n.op, e, args);
    if (n.kind == Kind::Func && n.op == Op::Binomial) {
      // binomial(a, b) = gamma(a + 1)/(gamma(b + 1) gamma(a - b + 1)) (SymPy's definition off the
      // integers, and its value there where the gammas are finite)
      const ExprId a = args[0], b = args[1], one = p.integer(1);
      const ExprId g = p.div(p.func(Op::Gamma, p.add(a, one)),
                             p.mul(p.func(Op::Gamma, p.add(b, one)), p.func(Op::Gamma, p.add(p.sub(a, b), one))));
      r = gamma_as_exp(p, g, x, memo);
    } else if (n.kind == Kind::Func && (n.op == Op::Gamma || n.op == Op::Factorial)) {
      const ExprId u = n.op == Op::Gamma ? args[0] : p.add(args[0], p.integer(1));
      const auto l = gruntz_limit(p, u, x);
      if (l && p.is_constant(*l, Constant::Infinity)) r = p.func(Op::Exp, p.func(Op::Loggamma, u));
    } else if (n.kind == Kind::Func && (n.op == Op::LowerGamma || n.op == Op::UpperGamma) && args.size() == 2) {
      // lowergamma(s, z) = z**s exp(-z) sum_k z**k/(s (s+1)...(s+k)) (DLMF 8.7.1) for s -> +oo real and z
      // a positive constant: exp(s log(z) - z)/s times lowergammax(z, s) (asymptotic.hpp), whose
      // series in 1/s the series module knows; uppergamma(s, z) = gamma(s) - lowergamma(s, z)
      const ExprId sv = args[0], z = args[1];
      bool z_pos = free_symbols(p, z).empty() ? false : is_positive(p.node(z).facts) == true;
      if (!z_pos && free_symbols(p, z).empty() && !any_node(p, z, [&](ExprId id, const Node&) { return id == x; })) {
        try {
          const Evalf v = evalf(p, z, 15);
          z_pos = v.real && v.re_double > 0 && v.re_double > std::stod(v.re_radius);
        } catch (const std::exception&) {
        }
      }
      if (z_pos && !any_node(p, z, [&](ExprId id, const Node&) { return id == x; }) && is_real(p.node(sv).facts) == true) {
        const auto l = gruntz_limit(p, sv, x);
        if (l && p.is_constant(*l, Constant::Infinity)) {
          const ExprId aux = apply_function(p, series_detail::aux_name(series_detail::Aux::LowerGammax), std::vector<ExprId>{z, sv});
          const ExprId low = p.mul(std::vector<ExprId>{p.func(Op::Exp, p.sub(p.mul(sv, p.func(Op::Log, z)), z)),
                                                       p.pow(sv, p.integer(-1)), aux});
          r = n.op == Op::LowerGamma ? low : p.sub(p.func(Op::Exp, p.func(Op::Loggamma, sv)), low);
        }
      }
    }
  }
  memo[e] = r;
  return r;
}

// Special functions whose argument u tends to +-oo (u real), written through the auxiliary
// functions of series/asymptotic.hpp as exponentials, powers and (Bessel J and Y, Fresnel)
// bounded oscillating factors times functions with asymptotic power series in 1/u:
//   erf(u)  = 1 - exp(-u**2) erfcx(u) (u -> +oo),  -1 + exp(-u**2) erfcx(-u) (u -> -oo)
//   erfc(u) = exp(-u**2) erfcx(u) (+oo),  2 - exp(-u**2) erfcx(-u) (-oo)
//   erfi(u) = exp(u**2) erfix(u),  Ei(u) = exp(u) eix(u) (+-oo),  li(u) = u eix(log(u)) (+oo: li = Ei(log u))
//   besseli(v, u) = exp(u) besselix(v, u)/sqrt(2 pi u),  besselk(v, u) = exp(-u) sqrt(pi/(2u)) besselkx(v, u),
//   besselj(v, u) = sqrt(2/(pi u)) (P cos(c) - Q sin(c)),  bessely(v, u) = sqrt(2/(pi u)) (P sin(c) + Q cos(c)),
//     c = u - v pi/2 - pi/4 (u -> +oo, v a real constant);
//   fresnels(u) = 1/2 - f cos(pi u**2/2) - g sin(pi u**2/2), fresnelc(u) = 1/2 + f sin(...) - g cos(...) (+oo).
// For u -> -oo the Bessel functions of integer order n reflect (principal values at -y, y > 0):
// I_n(-y) = (-1)**n I_n(y), J_n(-y) = (-1)**n J_n(y), K_n(-y) = (-1)**n K_n(y) - i pi I_n(y),
// Y_n(-y) = (-1)**n (Y_n(y) + 2 i J_n(y)); the Fresnel integrals are odd.
ExprId special_at_infinity(ExprPool& p, ExprId e, ExprId x, std::unordered_map<ExprId, ExprId>& memo) {
  using series_detail::Aux;
  if (auto it = memo.find(e); it != memo.end()) return it->second;
  const Node n = p.node(e);
  ExprId r = e;
  auto dep = [&](ExprId v) { return any_node(p, v, [&](ExprId id, const Node&) { return id == x; }); };
  if (!n.args.empty() && dep(e)) {
    std::vector<ExprId> args;
    for (ExprId a : n.args) args.push_back(special_at_infinity(p, a, x, memo));
    if (args != n.args) r = with_args(p, n.kind, n.op, e, args);
    const Op op = n.op;
    const bool one = op == Op::Erf || op == Op::Erfc || op == Op::Erfi || op == Op::Ei || op == Op::Li ||
                     op == Op::FresnelS || op == Op::FresnelC;
    const bool bessel = op == Op::BesselI || op == Op::BesselK || op == Op::BesselJ || op == Op::BesselY;
    if (n.kind == Kind::Func && (one || bessel)) {
      const ExprId u = args.back();
      const ExprId nu = bessel ? args[0] : 0;
      int s = 0;
      if (dep(u) && is_real(p.node(u).facts) == true && (!bessel || (!dep(nu) && is_real(p.node(nu).facts) == true))) {
        if (const auto l = gruntz_limit(p, u, x)) {
          if (p.is_constant(*l, Constant::Infinity)) s = 1;
          if (p.is_constant(*l, Constant::NegativeInfinity)) s = -1;
        }
      }
      const bool integer_order = bessel && p.node(nu).kind == Kind::Number && p.node(nu).number.is_integer() &&
                                 p.node(nu).number.fits_long();
      if (s != 0 && (s > 0 || one || integer_order) && !(op == Op::Li && s < 0)) {
        const ExprId pi = p.constant(Constant::Pi), i = p.constant(Constant::I), one_ = p.integer(1);
        const ExprId half = p.number(Number::rational(1, 2));
        auto aux = [&](Aux a, ExprId arg) {
          std::vector<ExprId> as;
          if (a == Aux::BesselIx || a == Aux::BesselKx || a == Aux::BesselP || a == Aux::BesselQ) as.push_back(nu);
          as.push_back(arg);
          return apply_function(p, series_detail::aux_name(a), as);
        };
        auto ex = [&](ExprId v) { return p.func(Op::Exp, v); };
        const ExprId y = s > 0 ? u : p.neg(u);  // y -> +oo
        const ExprId u2 = p.pow(u, p.integer(2));
        // the functions of y -> +oo
        auto I_of = [&] { return p.mul(std::vector<ExprId>{ex(y), p.pow(p.mul(std::vector<ExprId>{p.integer(2), pi, y}), p.number(Number::rational(-1, 2))),
                                        aux(Aux::BesselIx, y)}); };
        auto K_of = [&] { return p.mul(std::vector<ExprId>{ex(p.neg(y)), p.pow(p.div(pi, p.mul(p.integer(2), y)), half),
                                        aux(Aux::BesselKx, y)}); };
        const ExprId c = p.sub(y, p.mul(p.add(p.mul(nu == 0 ? p.integer(0) : nu, half), p.number(Number::rational(1, 4))), pi));
        const ExprId amp = p.pow(p.div(p.integer(2), p.mul(pi, y)), half);
        auto J_of = [&] { return p.mul(amp, p.sub(p.mul(aux(Aux::BesselP, y), p.func(Op::Cos, c)),
                                                  p.mul(aux(Aux::BesselQ, y), p.func(Op::Sin, c)))); };
        auto Y_of = [&] { return p.mul(amp, p.add(p.mul(aux(Aux::BesselP, y), p.func(Op::Sin, c)),
                                                  p.mul(aux(Aux::BesselQ, y), p.func(Op::Cos, c)))); };
        const ExprId ph = p.mul(std::vector<ExprId>{pi, p.pow(y, p.integer(2)), half});
        auto S_of = [&] { return p.sub(half, p.add(p.mul(aux(Aux::FresnelF, y), p.func(Op::Cos, ph)),
                                                   p.mul(aux(Aux::FresnelG, y), p.func(Op::Sin, ph)))); };
        auto C_of = [&] { return p.add(half, p.sub(p.mul(aux(Aux::FresnelF, y), p.func(Op::Sin, ph)),
                                                   p.mul(aux(Aux::FresnelG, y), p.func(Op::Cos, ph)))); };
        const ExprId sgn = s < 0 && integer_order && p.node(nu).number.integer() % 2 != 0 ? p.integer(-1) : one_;  // (-1)**n
        switch (op) {
          case Op::Erf:
            r = s > 0 ? p.sub(one_, p.mul(ex(p.neg(u2)), aux(Aux::Erfcx, y)))
                      : p.add(p.integer(-1), p.mul(ex(p.neg(u2)), aux(Aux::Erfcx, y)));
            break;
          case Op::Erfc:
            r = s > 0 ? p.mul(ex(p.neg(u2)), aux(Aux::Erfcx, y))
                      : p.sub(p.integer(2), p.mul(ex(p.neg(u2)), aux(Aux::Erfcx, y)));
            break;
          case Op::Erfi: r = p.mul(ex(u2), aux(Aux::Erfix, u)); break;
          case Op::Ei: r = p.mul(ex(u), aux(Aux::Eix, u)); break;
          case Op::Li: r = p.mul(u, aux(Aux::Eix, p.func(Op::Log, u))); break;
          case Op::FresnelS: r = s > 0 ? S_of() : p.neg(S_of()); break;
          case Op::FresnelC: r = s > 0 ? C_of() : p.neg(C_of()); break;
          case Op::BesselI: r = p.mul(sgn, I_of()); break;
          case Op::BesselJ: r = p.mul(sgn, J_of()); break;
          case Op::BesselK: r = s > 0 ? K_of() : p.sub(p.mul(sgn, K_of()), p.mul(std::vector<ExprId>{i, pi, I_of()})); break;
          case Op::BesselY: r = s > 0 ? Y_of() : p.mul(sgn, p.add(Y_of(), p.mul(std::vector<ExprId>{p.integer(2), i, J_of()}))); break;
          default: break;
        }
      }
    }
  }
  memo[e] = r;
  return r;
}

// b**r (r constant, not an integer) and log(b) where b is eventually negative (b -> -oo, b -> c < 0,
// or b -> 0 with 1/b -> -oo): (-1)**r * (-b)**r and log(-b) + i*pi, the principal values for
// b < 0 (log(b) = log|b| + i*pi). Gruntz's algorithm then sees positive bases.
// Real and imaginary parts of a sum, product or integer power of I and of values real by their
// facts ((y - I)/(-y - I) = (1 - y**2)/(y**2 + 1) + I*(-2*y)/(y**2 + 1) for real y); nullopt for
// anything else. A reciprocal multiplies by the conjugate over the squared modulus.
// With a variable x given, a part free of x that is not known real is split as re(part), im(part)
// (constants of the limit: |y + 1/z| = sqrt((re(y) + 1/z)**2 + im(y)**2)).
std::optional<std::pair<ExprId, ExprId>> real_imag(ExprPool& p, ExprId e, int depth = 0, ExprId x = 0) {
  using Parts = std::pair<ExprId, ExprId>;
  if (depth > 12) return std::nullopt;
  const Node& n = p.node(e);
  if (n.kind == Kind::Constant && n.constant == Constant::I) return Parts{p.integer(0), p.integer(1)};
  if (is_real(n.facts) == true) return Parts{e, p.integer(0)};
  if (x != 0 && is_finite(n.facts) == true && !any_node(p, e, [&](ExprId id, const Node&) { return id == x; }))
    return Parts{p.func(Op::Re, e), p.func(Op::Im, e)};
  if (n.kind == Kind::Add || n.kind == Kind::Mul) {
    const std::vector<ExprId> args = n.args;
    std::optional<Parts> acc;
    for (ExprId a : args) {
      const auto t = real_imag(p, a, depth + 1, x);
      if (!t) return std::nullopt;
      if (!acc) {
        acc = t;
      } else if (n.kind == Kind::Add) {
        acc = Parts{p.add(acc->first, t->first), p.add(acc->second, t->second)};
      } else {
        acc = Parts{p.sub(p.mul(acc->first, t->first), p.mul(acc->second, t->second)),
                    p.add(p.mul(acc->first, t->second), p.mul(acc->second, t->first))};
      }
    }
    return acc;
  }
  if (n.kind == Kind::Pow && p.node(n.args[1]).kind == Kind::Number && p.node(n.args[1]).number.is_integer() &&
      p.node(n.args[1]).number.fits_long()) {
    const long k = p.node(n.args[1]).number.integer().get_si();
    if (k == 0 || k > 4 || k < -4) return std::nullopt;
    const ExprId base = n.args[0];
    auto t = real_imag(p, base, depth + 1, x);
    if (!t) return std::nullopt;
    Parts r = *t;
    for (long j = 1; j < std::abs(k); ++j)
      r = Parts{p.sub(p.mul(r.first, t->first), p.mul(r.second, t->second)),
                p.add(p.mul(r.first, t->second), p.mul(r.second, t->first))};
    if (k > 0) return r;
    const ExprId m2 = p.add(p.pow(r.first, p.integer(2)), p.pow(r.second, p.integer(2)));
    return Parts{p.div(r.first, m2), p.div(p.neg(r.second), m2)};
  }
  return std::nullopt;
}

// abs(A) with A depending on x and not known real, where A splits into real and imaginary parts
// (real_imag, constants of the limit as re(c), im(c)): sqrt(re(A)**2 + im(A)**2), which holds for
// every complex A; Gruntz's algorithm then sees real parts only.
ExprId abs_parts(ExprPool& p, ExprId e, ExprId x, std::unordered_map<ExprId, ExprId>& memo) {
  if (auto it = memo.find(e); it != memo.end()) return it->second;
  const Node n = p.node(e);
  ExprId r = e;
  if (!n.args.empty() && any_node(p, e, [&](ExprId id, const Node&) { return id == x; })) {
    std::vector<ExprId> args;
    for (ExprId a : n.args) args.push_back(abs_parts(p, a, x, memo));
    if (args != n.args) r = with_args(p, n.kind, n.op, e, args);
    if (n.kind == Kind::Func && n.op == Op::Abs && args.size() == 1 && is_real(p.node(args[0]).facts) != true)
      if (const auto ri = real_imag(p, args[0], 0, x); ri && is_real(p.node(ri->first).facts) == true &&
                                                         is_real(p.node(ri->second).facts) == true) {
        const ExprId two = p.integer(2);
        r = p.pow(p.add(p.pow(ri->first, two), p.pow(ri->second, two)), p.number(Number::rational(1, 2)));
      }
  }
  memo.emplace(e, r);
  return r;
}

// Whether c is a constant certified real and < 0 (an enclosure left of 0).
bool negative_constant(ExprPool& p, ExprId c) {
  if (!free_symbols(p, c).empty() || !finite_real_value(p, c)) return false;
  try {
    const Evalf v = evalf(p, c, 15);
    return v.real && v.re_double < 0 && std::abs(v.re_double) > std::stod(v.re_radius);
  } catch (const std::exception&) {
    return false;
  }
}

ExprId negative_bases(ExprPool& p, ExprId e, ExprId x, std::unordered_map<ExprId, ExprId>& memo) {
  if (auto it = memo.find(e); it != memo.end()) return it->second;
  const Node n = p.node(e);
  ExprId r = e;
  if (!n.args.empty() && any_node(p, e, [&](ExprId id, const Node&) { return id == x; })) {
    std::vector<ExprId> args;
    for (ExprId a : n.args) args.push_back(negative_bases(p, a, x, memo));
    if (args != n.args) r = with_args(p, n.kind, n.op, e, args);
    const Node& rn = p.node(r);
    ExprId b = 0;
    if (rn.kind == Kind::Pow && !any_node(p, rn.args[1], [&](ExprId id, const Node&) { return id == x; }) &&
        !(p.node(rn.args[1]).kind == Kind::Number && p.node(rn.args[1]).number.is_integer()))
      b = rn.args[0];
    if (rn.kind == Kind::Func && rn.op == Op::Log) b = rn.args[0];
    if (rn.kind == Kind::Func && rn.op == Op::Log && is_real(p.node(b).facts) != true &&
        any_node(p, b, [&](ExprId id, const Node&) { return id == x; })) {
      // log(b) with b = re + I*im not real: b = re*(1 + I*im/re), where 1 + I*t lies right of the
      // imaginary axis (principal log(re*(1 + I*t)) = log(re) + log(1 + I*t) for re > 0); for
      // re < 0, -(1 + I*t) lies across the cut from the side of the sign of im:
      // log(b) = log(-re) + log(1 + I*t) + I*pi*sign(im). Decided when re -> +-oo (and, for -oo,
      // im has a limit of decided sign).
      ExprId re = p.func(Op::Re, b), im = p.func(Op::Im, b);
      if (const auto ri = real_imag(p, b)) {  // a rational function of I and reals: split it here
        re = ri->first;
        im = ri->second;
      }
      const bool parts = !any_node(p, p.add(re, im), [](ExprId, const Node& m) {
        return m.kind == Kind::Func && (m.op == Op::Re || m.op == Op::Im);
      });
      if (parts && is_real(p.node(re).facts) == true && is_real(p.node(im).facts) == true &&
          !(p.node(im).kind == Kind::Number && p.node(im).number.is_zero())) {
        const auto lr = gruntz_limit(p, re, x);
        const ExprId i = p.constant(Constant::I);
        const ExprId unit = p.func(Op::Log, p.add(p.integer(1), p.mul(i, p.div(im, re))));
        if (lr && p.is_constant(*lr, Constant::Infinity)) {
          r = p.add(p.func(Op::Log, re), unit);
        } else if (lr && (p.is_constant(*lr, Constant::NegativeInfinity) || negative_constant(p, *lr))) {
          // re -> -oo, or re -> L < 0 (log((x - I)/(-x - I)) at oo: b -> -1 from above the cut)
          int s = 0;
          if (const auto li = gruntz_limit(p, im, x)) {
            if (p.is_constant(*li, Constant::Infinity)) s = 1;
            else if (p.is_constant(*li, Constant::NegativeInfinity)) s = -1;
            else if (p.node(*li).kind == Kind::Number && p.node(*li).number.is_zero()) {
              // im -> 0: the side of the cut b approaches from, by the sign 1/im tends to
              if (const auto lv = gruntz_limit(p, p.pow(im, p.integer(-1)), x)) {
                if (p.is_constant(*lv, Constant::Infinity)) s = 1;
                if (p.is_constant(*lv, Constant::NegativeInfinity)) s = -1;
              }
            } else if (free_symbols(p, *li).empty() && finite_real_value(p, *li)) {
              try {
                const Evalf v = evalf(p, *li, 15);
                if (v.real && std::abs(v.re_double) > std::stod(v.re_radius)) s = v.re_double > 0 ? 1 : -1;
              } catch (const std::exception&) {
              }
            }
          }
          if (s != 0)
            r = p.add(std::vector<ExprId>{p.func(Op::Log, p.neg(re)), unit,
                                          p.mul(std::vector<ExprId>{p.integer(s), i, p.constant(Constant::Pi)})});
        }
      }
      memo[e] = r;
      return r;
    }
    if (b != 0 && is_positive(p.node(b).facts) != true && is_real(p.node(b).facts) == true &&
        any_node(p, b, [&](ExprId id, const Node&) { return id == x; })) {
      bool negative = false;
      if (const auto l = gruntz_limit(p, b, x)) {
        if (p.is_constant(*l, Constant::NegativeInfinity)) {
          negative = true;
        } else if (free_symbols(p, *l).empty() && finite_real_value(p, *l)) {
          const bool zero = p.node(*l).kind == Kind::Number && p.node(*l).number.is_zero();
          if (zero) {
            const auto li = gruntz_limit(p, p.pow(b, p.integer(-1)), x);
            negative = li && p.is_constant(*li, Constant::NegativeInfinity);
          } else {
            try {
              const Evalf v = evalf(p, *l, 15);
              negative = v.real && v.re_double < 0 && std::abs(v.re_double) > std::stod(v.re_radius);
            } catch (const std::exception&) {
            }
          }
        }
      }
      if (negative) {
        const ExprId mb = p.neg(b);
        if (rn.kind == Kind::Func && rn.op == Op::Log)
          r = p.add(p.func(Op::Log, mb), p.mul(p.constant(Constant::I), p.constant(Constant::Pi)));
        else
          r = p.mul(p.pow(p.integer(-1), rn.args[1]), p.pow(mb, rn.args[1]));
      }
    }
  }
  memo[e] = r;
  return r;
}

// A rational function of x with rational coefficients, x -> +oo: p/q in lowest terms (the poly
// layer, FLINT), and the degrees and leading coefficients decide (x**1885/(x**1885 + 1) without a
// series of 1885 terms). nullopt when e is not such a function.
std::optional<ExprId> rational_limit(ExprPool& p, ExprId e, ExprId x) {
  if (const std::vector<ExprId>& bs = series_detail::bounded_symbols(); !bs.empty()) {
    // a bounded oscillating term as a parameter: a leading coefficient may vanish for some of its
    // values (dominated_oscillation_limit); the series module decides with that in view
    if (any_node(p, e, [&](ExprId id, const Node&) { return std::find(bs.begin(), bs.end(), id) != bs.end(); }))
      return std::nullopt;
  }
  const bool rational = !any_node(p, e, [&](ExprId id, const Node& m) {
    if (m.kind == Kind::Symbol) return id != x;
    if (m.kind == Kind::Number) return !m.number.is_exact();
    if (m.kind == Kind::Add || m.kind == Kind::Mul) return false;
    if (m.kind == Kind::Pow) return !(p.node(m.args[1]).kind == Kind::Number && p.node(m.args[1]).number.is_integer());
    return true;
  });
  if (!rational) return std::nullopt;
  try {
    const ExprId c = cancel(p, e);
    const Node& cn = p.node(c);
    std::vector<ExprId> num, den;
    for (ExprId f : cn.kind == Kind::Mul ? cn.args : ArgVector{c}) {
      const Node& fn = p.node(f);
      if (fn.kind == Kind::Pow && p.node(fn.args[1]).kind == Kind::Number && p.node(fn.args[1]).number.sign() < 0)
        den.push_back(p.pow(fn.args[0], p.neg(fn.args[1])));
      else
        num.push_back(f);
    }
    const Poly P(p, p.mul(num), {x}), Q(p, p.mul(den), {x});
    if (P.is_zero()) return p.integer(0);
    if (P.domain() != Poly::Domain::ZZ && P.domain() != Poly::Domain::QQ) return std::nullopt;
    if (Q.domain() != Poly::Domain::ZZ && Q.domain() != Poly::Domain::QQ) return std::nullopt;
    const Number r = P.leading_coeff() / Q.leading_coeff();
    const long d = P.degree() - Q.degree();
    if (d < 0) return p.integer(0);
    if (d == 0) return p.number(r);
    return p.constant(r.sign() > 0 ? Constant::Infinity : Constant::NegativeInfinity);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The limit by Gruntz's algorithm alone: nullopt when it gives up.
std::optional<ExprId> gruntz_limit(ExprPool& pool, ExprId e, ExprId x) {
  if (auto r = rational_limit(pool, e, x)) return r;
  try {
    std::unordered_map<ExprId, ExprId> memo;
    const ExprId e1 = any_node(pool, e, [](ExprId, const Node& m) {
                        return m.kind == Kind::Func &&
                               (m.op == Op::Gamma || m.op == Op::Factorial || m.op == Op::Binomial ||
                                m.op == Op::LowerGamma || m.op == Op::UpperGamma);
                      })
                          ? gamma_as_exp(pool, e, x, memo)
                          : e;
    std::unordered_map<ExprId, ExprId> memo2, memo3, memo4;
    const ExprId e2 = negative_bases(pool, abs_parts(pool, e1, x, memo4), x, memo2);
    const ExprId e3 = special_at_infinity(pool, tractable(pool, e2, x), x, memo3);
    Gruntz g(pool, x);
    return tidy(pool, g.limitinf(e3));
  } catch (const GiveUp&) {
    if (debug_on()) std::cerr << "gruntz gave up on " << Expr(pool, e).str() << ": " << last_reason() << "\n";
    return std::nullopt;
  } catch (const SeriesError& ex) {
    if (debug_on()) std::cerr << "gruntz series error on " << Expr(pool, e).str() << ": " << ex.what() << "\n";
    return std::nullopt;
  } catch (const PolyLimitError&) {
    return std::nullopt;
  } catch (const DivisionByZero&) {  // a rewrite met an exact 0**(-k): no answer, not an error
    return std::nullopt;
  }
}

// A finite real limit value: no infinity, nan or object (such as AccumBounds) inside.
bool finite_real_value(ExprPool& p, ExprId v) {
  const Node& n = p.node(v);
  if (n.facts.may(Facts::Infinite | Facts::NaN) || is_real(n.facts) != true) return false;
  return !any_node(p, v, [](ExprId, const Node& m) {
    if (m.kind == Kind::Object) return true;
    return m.kind == Kind::Constant && m.constant != Constant::Pi && m.constant != Constant::E &&
           m.constant != Constant::EulerGamma && m.constant != Constant::I;
  });
}

// Limits that do not exist because the expression oscillates (Gruntz's algorithm gives up on
// them): e = r + b*f(u) with f = sin or cos, u real and tending to +-oo, r -> A and b -> B finite
// and real. f(u) runs through all of [-1, 1] on every tail x > X, so the values of e accumulate on
// exactly [A - |B|, A + |B|]: the answer is AccumBounds(A - |B|, A + |B|) (SymPy's form), and A
// when B = 0 (|b*f(u)| <= |b| -> 0). nullopt when the expression is not of this form or a part's
// limit is not decided.
std::optional<ExprId> oscillating_limit(ExprPool& p, ExprId e, ExprId x) {
  const Node& en = p.node(e);
  // tan, cot, sec, csc of a real u -> +-oo: on every tail u runs through whole periods, where tan
  // and cot take every real value and sec, csc every value of (-oo, -1] and [1, oo) (poles
  // between): AccumBounds(-oo, oo) (the interval that holds them, SymPy's answer)
  if (en.kind == Kind::Func && (en.op == Op::Tan || en.op == Op::Cot || en.op == Op::Sec || en.op == Op::Csc) &&
      is_real(p.node(en.args[0]).facts) == true) {
    const auto lu = gruntz_limit(p, en.args[0], x);
    if (lu && (p.is_constant(*lu, Constant::Infinity) || p.is_constant(*lu, Constant::NegativeInfinity)))
      return accum_bounds(p, p.constant(Constant::NegativeInfinity), p.constant(Constant::Infinity));
    return std::nullopt;
  }
  const std::vector<ExprId> terms = en.kind == Kind::Add ? en.args : ArgVector{e};
  auto factors_of = [&](ExprId t) {
    const Node& tn = p.node(t);
    return tn.kind == Kind::Mul ? tn.args : ArgVector{t};
  };
  auto depends = [&](ExprId v) {
    return any_node(p, v, [&](ExprId id, const Node&) { return id == x; });
  };
  ExprId osc = 0;
  for (ExprId t : terms) {
    for (ExprId f : factors_of(t)) {
      const Node& fn = p.node(f);
      if (fn.kind == Kind::Func && (fn.op == Op::Sin || fn.op == Op::Cos) && depends(fn.args[0])) {
        osc = f;
        break;
      }
    }
    if (osc != 0) break;
  }
  if (osc == 0) return std::nullopt;
  const ExprId u = p.node(osc).args[0];
  if (is_real(p.node(u).facts) != true) return std::nullopt;  // sin(x + I*log(x)) grows
  const auto lu = gruntz_limit(p, u, x);
  if (!lu || !(p.is_constant(*lu, Constant::Infinity) || p.is_constant(*lu, Constant::NegativeInfinity)))
    return std::nullopt;
  std::vector<ExprId> b_terms, r_terms;
  for (ExprId t : terms) {
    std::vector<ExprId> fs = factors_of(t);
    const auto it = std::find(fs.begin(), fs.end(), osc);
    if (it == fs.end()) {
      r_terms.push_back(t);
      continue;
    }
    fs.erase(it);
    b_terms.push_back(p.mul(fs));
  }
  const ExprId b = p.add(b_terms), r = p.add(r_terms);
  const auto lb = gruntz_limit(p, b, x);
  if (!lb || !finite_real_value(p, *lb)) return std::nullopt;
  const auto la = depends(r) ? gruntz_limit(p, r, x) : std::optional<ExprId>(r);
  if (!la || !finite_real_value(p, *la)) return std::nullopt;
  if (is_zero(p.node(*lb).facts) == true) return *la;
  const ExprId half_width = p.func(Op::Abs, *lb);
  return accum_bounds(p, p.sub(*la, half_width), p.add(*la, half_width));
}

// Bounded oscillating factors: e = A + sum_j B_j*s_j (e expanded) where each s_j is a product of
// powers sin(u)**k, cos(u)**k, exp(i*u)**k with u real (|s_j| <= 1) and A, B_j are free of them. Then
// |e - A| <= sum_j |B_j|: when A -> L finite and every B_j -> 0, e -> L; when A -> +-oo and every
// B_j/A -> 0, e = A (1 + o(1)) -> +-oo. nullopt otherwise.
std::optional<ExprId> bounded_limit(ExprPool& p, ExprId e0, ExprId x) {
  // b**u with b < 0 brings its factor exp(i*pi*u); Bessel J and Y and the Fresnel integrals at
  // infinity bring theirs (special_at_infinity)
  std::unordered_map<ExprId, ExprId> memo;
  ExprId e = special_at_infinity(p, tractable(p, e0, x), x, memo);
  auto depends = [&](ExprId v) { return any_node(p, v, [&](ExprId id, const Node&) { return id == x; }); };
  // floor(u) = u - t and ceiling(u) = u + t with 0 <= t < 1 (u real): where u -> +-oo (no series
  // expands them) t is one more bounded factor, a fresh symbol that must end up only in the
  // factors s_j (never in A or a B_j, where it would be taken for a constant).
  std::vector<ExprId> thetas;
  {
    std::vector<ExprId> found;
    any_node(p, e, [&](ExprId id, const Node& m) {
      if (m.kind == Kind::Func && (m.op == Op::Floor || m.op == Op::Ceil) && m.args.size() == 1) found.push_back(id);
      return false;
    });
    std::unordered_map<ExprId, ExprId> repl;
    for (ExprId id : found) {
      const ExprId u = p.node(id).args[0];
      const bool floor = p.node(id).op == Op::Floor;
      if (!depends(u) || is_real(p.node(u).facts) != true) continue;
      const auto l = gruntz_limit(p, u, x);
      if (!l || !(p.is_constant(*l, Constant::Infinity) || p.is_constant(*l, Constant::NegativeInfinity))) continue;
      const ExprId t = fresh(p, p.add(e, p.add(thetas)), "limit_theta_" + std::to_string(thetas.size()) + "_", Facts::real());
      thetas.push_back(t);
      repl[id] = floor ? p.sub(u, t) : p.add(u, t);
    }
    if (!repl.empty()) e = subs(p, e, repl);
  }
  auto has_theta = [&](ExprId v) {
    return !thetas.empty() && any_node(p, v, [&](ExprId id, const Node&) {
      return std::find(thetas.begin(), thetas.end(), id) != thetas.end();
    });
  };
  auto is_osc = [&](ExprId f) {
    const Node& fn = p.node(f);
    ExprId base = f;
    bool integer_power = true;
    if (fn.kind == Kind::Pow) {
      // a positive power: |s**r| = |s|**r <= 1 for |s| <= 1 (principal powers, r > 0 real)
      const Node& en = p.node(fn.args[1]);
      if (!(en.kind == Kind::Number && en.number.is_exact() && en.number.sign() > 0)) return false;
      integer_power = en.number.is_integer();
      base = fn.args[0];
    }
    if (std::find(thetas.begin(), thetas.end(), base) != thetas.end()) return integer_power;  // 0 <= t < 1
    const Node& bn = p.node(base);
    if (bn.kind == Kind::Func && bn.op == Op::Exp && depends(bn.args[0])) {  // exp(i*v), v real
      const ExprId v = p.div(bn.args[0], p.constant(Constant::I));
      return integer_power && is_real(p.node(v).facts) == true;
    }
    return bn.kind == Kind::Func && (bn.op == Op::Sin || bn.op == Op::Cos) && depends(bn.args[0]) &&
           is_real(p.node(bn.args[0]).facts) == true;
  };
  auto has_trig = [&](ExprId v) {
    return any_node(p, v, [&](ExprId, const Node& m) {
      return m.kind == Kind::Func && (m.op == Op::Sin || m.op == Op::Cos || m.op == Op::Exp);
    });
  };
  if (!has_trig(e) && thetas.empty()) return std::nullopt;
  ExprId ex = e;
  try {
    ex = expand(p, e);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const Node& en = p.node(ex);
  const std::vector<ExprId> terms = en.kind == Kind::Add ? en.args : ArgVector{ex};
  std::vector<ExprId> a_terms, bs;
  for (ExprId t : terms) {
    const Node& tn = p.node(t);
    const std::vector<ExprId> fs = tn.kind == Kind::Mul ? tn.args : ArgVector{t};
    std::vector<ExprId> rest;
    bool osc = false;
    for (ExprId f : fs) {
      if (is_osc(f)) osc = true;
      else rest.push_back(f);
    }
    if (!osc) {
      a_terms.push_back(t);
      continue;
    }
    const ExprId b = p.mul(rest);
    if (has_trig(b) && depends(b)) {
      // other trig factors must be bounded ones too (handled above); anything else: no rule
      bool ok = true;
      any_node(p, b, [&](ExprId id, const Node& m) {
        if (m.kind == Kind::Func && (m.op == Op::Sin || m.op == Op::Cos) && depends(m.args[0])) ok = false;
        if (m.kind == Kind::Func && m.op == Op::Exp && depends(m.args[0]) && is_osc(id)) ok = false;
        return !ok;
      });
      if (!ok) return std::nullopt;
    }
    bs.push_back(b);
  }
  if (bs.empty()) return std::nullopt;
  const ExprId A = p.add(a_terms);
  if (has_theta(A)) return std::nullopt;
  for (ExprId b : bs)
    if (has_theta(b)) return std::nullopt;
  const auto la = depends(A) ? gruntz_limit(p, A, x) : std::optional<ExprId>(A);
  if (!la) return std::nullopt;
  const bool inf = p.is_constant(*la, Constant::Infinity) || p.is_constant(*la, Constant::NegativeInfinity);
  if (!inf && !finite_real_value(p, *la)) return std::nullopt;
  for (ExprId b : bs) {
    const ExprId q = inf ? p.div(b, A) : b;
    const auto lb = depends(q) ? gruntz_limit(p, q, x) : std::optional<ExprId>(q);
    if (!lb || !(p.node(*lb).kind == Kind::Number && p.node(*lb).number.is_zero())) return std::nullopt;
  }
  return la;
}

// Complex infinity: e = prod of real factors and powers b**u with b real and eventually negative
// and u real tending to +-oo. Each such power is exp(u*log(-b)) * exp(i*pi*u): when the modulus M
// (the real factors times the exp(u*log(-b))) tends to +-oo and the phase pi*sum(u) to +-oo, e
// tends to infinity turning around 0 without a direction: zoo ((-x)**x at oo). nullopt otherwise.
std::optional<ExprId> complex_infinity_limit(ExprPool& p, ExprId e, ExprId x) {
  auto depends = [&](ExprId v) { return any_node(p, v, [&](ExprId id, const Node&) { return id == x; }); };
  const Node& en = p.node(e);
  const std::vector<ExprId> fs = en.kind == Kind::Mul ? en.args : ArgVector{e};
  std::vector<ExprId> moduli, phases;
  for (ExprId f : fs) {
    const Node& fn = p.node(f);
    if (fn.kind == Kind::Pow && depends(fn.args[1])) {
      const ExprId b = fn.args[0], u = fn.args[1];
      if (is_real(p.node(b).facts) != true || is_real(p.node(u).facts) != true) return std::nullopt;
      const auto lb = gruntz_limit(p, b, x);
      bool negative = lb && p.is_constant(*lb, Constant::NegativeInfinity);
      if (lb && !negative && free_symbols(p, *lb).empty() && finite_real_value(p, *lb)) {
        try {
          const Evalf v = evalf(p, *lb, 15);
          negative = v.real && v.re_double < 0 && std::abs(v.re_double) > std::stod(v.re_radius);
        } catch (const std::exception&) {
        }
      }
      if (!negative) return std::nullopt;
      moduli.push_back(p.func(Op::Exp, p.mul(u, p.func(Op::Log, p.neg(b)))));
      phases.push_back(u);
      continue;
    }
    if (is_real(fn.facts) != true) return std::nullopt;
    moduli.push_back(f);
  }
  if (phases.empty()) return std::nullopt;
  const auto lm = gruntz_limit(p, p.mul(moduli), x);
  const auto lt = gruntz_limit(p, p.add(phases), x);
  auto infinite = [&](const std::optional<ExprId>& l) {
    return l && (p.is_constant(*l, Constant::Infinity) || p.is_constant(*l, Constant::NegativeInfinity));
  };
  if (infinite(lm) && infinite(lt)) return p.constant(Constant::ComplexInfinity);
  return std::nullopt;
}

// Powers b**u of an oscillating base between positive constants (b = A + sum_j B_j*s_j with A,
// B_j real constants and s_j = sin(v)**k or cos(v)**k, v real, so A - sum|B_j| <= b <= A + sum|B_j|,
// the lower bound certified > 0) and an exponent u -> 0: |u*log(b)| <= |u|*max|log(bound)| -> 0, so
// b**u -> 1 and e = b**u * R has R's limit ((cos(x) + 2)**(1/x) at oo is 1). nullopt otherwise.
std::optional<ExprId> bounded_base_limit(ExprPool& p, ExprId e, ExprId x) {
  auto depends = [&](ExprId v) { return any_node(p, v, [&](ExprId id, const Node&) { return id == x; }); };
  const Node& en = p.node(e);
  const std::vector<ExprId> fs = en.kind == Kind::Mul ? en.args : ArgVector{e};
  std::vector<ExprId> rest;
  bool found = false;
  for (ExprId f : fs) {
    const Node fn = p.node(f);
    if (fn.kind != Kind::Pow || !depends(fn.args[0])) {
      rest.push_back(f);
      continue;
    }
    ExprId b = fn.args[0];
    try {
      b = expand(p, b);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    const Node& bn = p.node(b);
    const std::vector<ExprId> terms = bn.kind == Kind::Add ? bn.args : ArgVector{b};
    std::vector<ExprId> lower;
    bool ok = true, osc = false;
    for (ExprId t : terms) {
      if (!depends(t)) {
        lower.push_back(t);
        continue;
      }
      const Node& tn = p.node(t);
      const std::vector<ExprId> tf = tn.kind == Kind::Mul ? tn.args : ArgVector{t};
      std::vector<ExprId> coeff;
      int trig = 0;
      for (ExprId g : tf) {
        const Node& gn = p.node(g);
        ExprId base = g;
        if (gn.kind == Kind::Pow && p.node(gn.args[1]).kind == Kind::Number && p.node(gn.args[1]).number.is_integer() &&
            p.node(gn.args[1]).number.sign() > 0)
          base = gn.args[0];
        const Node& sn = p.node(base);
        if (sn.kind == Kind::Func && (sn.op == Op::Sin || sn.op == Op::Cos) && depends(sn.args[0]) &&
            is_real(p.node(sn.args[0]).facts) == true) {
          ++trig;
        } else if (!depends(g)) {
          coeff.push_back(g);
        } else {
          ok = false;
        }
      }
      if (!ok || trig == 0) {
        ok = false;
        break;
      }
      osc = true;
      lower.push_back(p.neg(p.func(Op::Abs, p.mul(coeff))));
    }
    if (!ok || !osc) {
      rest.push_back(f);
      continue;
    }
    const ExprId lo = p.add(lower);
    if (!free_symbols(p, lo).empty() || is_real(p.node(lo).facts) != true) return std::nullopt;
    bool positive = false;
    try {
      const Evalf v = evalf(p, lo, 30);
      positive = v.real && v.re_double > 0 && v.re_double > 2 * std::stod(v.re_radius);
    } catch (const std::exception&) {
    }
    if (!positive) return std::nullopt;
    const auto lu = gruntz_limit(p, fn.args[1], x);
    if (!lu || !(p.node(*lu).kind == Kind::Number && p.node(*lu).number.is_zero())) return std::nullopt;
    found = true;  // b**u -> 1
  }
  if (!found) return std::nullopt;
  const ExprId r = p.mul(rest);
  if (!depends(r)) return r;
  return gruntz_limit(p, r, x);
}

// Bounded oscillating terms dominated in their sums: every occurrence of s = sin(u) or cos(u) (u
// real, u -> +-oo) is a factor of terms B*s**k of a sum A + sum B*s**k with B/A -> 0 for each term
// (n + sin(n), x**2 + cos(x)). Then s is replaced by a real symbol t that stands for any value in
// [-1, 1] along the path, and Gruntz's algorithm runs with t as a parameter while the series module
// refuses to invert, take the log or power of, or evaluate a function at a coefficient that has t
// (series_detail::bounded_symbols: such a coefficient may vanish or be singular for some t in
// [-1, 1]). Every coefficient that has t is then a polynomial-like, entire combination of t,
// bounded on [-1, 1], and the expansion in w holds uniformly in t: an answer free of t is the limit
// whatever values s takes. (x/(n + sin(n)) + 1)**n at oo is exp(x).
bool dominated_occurrences(ExprPool& p, ExprId e, ExprId s, ExprId x, std::unordered_map<ExprId, bool>& memo) {
  if (e == s) return false;  // s outside a sum (or a term with s alone, checked by the caller)
  if (auto it = memo.find(e); it != memo.end()) return it->second;
  auto has_s = [&](ExprId v) { return any_node(p, v, [&](ExprId id, const Node&) { return id == s; }); };
  bool ok = true;
  const Node n = p.node(e);
  if (!has_s(e)) {
    ok = true;
  } else if (n.kind == Kind::Add) {
    // the terms B*s**k (s a direct factor, B free of s) against the sum A of the others
    auto is_power_of_s = [&](ExprId f) {
      const Node& fn = p.node(f);
      return f == s || (fn.kind == Kind::Pow && fn.args[0] == s && p.node(fn.args[1]).kind == Kind::Number &&
                        p.node(fn.args[1]).number.is_integer() && !p.node(fn.args[1]).number.is_negative());
    };
    std::vector<ExprId> rest, bounds;
    for (ExprId a : n.args) {
      const Node& an = p.node(a);
      const std::vector<ExprId> fs = an.kind == Kind::Mul ? an.args : ArgVector{a};
      if (std::none_of(fs.begin(), fs.end(), is_power_of_s)) {
        rest.push_back(a);
        continue;
      }
      std::vector<ExprId> bs;
      for (ExprId f : fs) {
        if (is_power_of_s(f)) continue;
        if (has_s(f)) return memo[e] = false;
        bs.push_back(f);
      }
      bounds.push_back(p.mul(bs));
    }
    if (!bounds.empty()) {
      const ExprId A = p.add(rest);
      if (rest.empty() || has_s(A)) return memo[e] = false;
      for (ExprId b : bounds) {
        const auto l = gruntz_limit(p, p.div(b, A), x);
        if (!l || !(p.node(*l).kind == Kind::Number && p.node(*l).number.is_zero())) return memo[e] = false;
      }
    }
    for (ExprId a : rest)
      if (!dominated_occurrences(p, a, s, x, memo)) return memo[e] = false;
  } else {
    for (ExprId a : n.args)
      if (!dominated_occurrences(p, a, s, x, memo)) {
        ok = false;
        break;
      }
  }
  memo[e] = ok;
  return ok;
}

std::optional<ExprId> dominated_oscillation_limit(ExprPool& p, ExprId e, ExprId x) {
  std::vector<ExprId> osc;
  any_node(p, e, [&](ExprId id, const Node& m) {
    if (m.kind == Kind::Func && (m.op == Op::Sin || m.op == Op::Cos) && m.args.size() == 1 &&
        std::find(osc.begin(), osc.end(), id) == osc.end() &&
        any_node(p, m.args[0], [&](ExprId v, const Node&) { return v == x; }) && is_real(p.node(m.args[0]).facts) == true)
      osc.push_back(id);
    return false;
  });
  if (osc.empty() || osc.size() > 3 || !series_detail::bounded_symbols().empty()) return std::nullopt;
  std::unordered_map<ExprId, ExprId> to_t;
  std::vector<ExprId> ts;
  for (ExprId s : osc) {
    const auto l = gruntz_limit(p, p.node(s).args[0], x);
    if (!l || !(p.is_constant(*l, Constant::Infinity) || p.is_constant(*l, Constant::NegativeInfinity))) return std::nullopt;
    std::unordered_map<ExprId, bool> memo;
    if (!dominated_occurrences(p, e, s, x, memo)) return std::nullopt;
    const ExprId t = fresh(p, e, "limit_bounded_" + std::to_string(ts.size()) + "_", Facts::real());
    to_t[s] = t;
    ts.push_back(t);
  }
  std::optional<ExprId> r;
  {
    std::vector<ExprId>& bounded = series_detail::bounded_symbols();
    bounded = ts;
    try {
      r = gruntz_limit(p, subs(p, e, to_t), x);
    } catch (...) {
      bounded.clear();
      throw;
    }
    bounded.clear();
  }
  if (!r) return std::nullopt;
  const std::vector<ExprId> fs = free_symbols(p, *r);
  for (ExprId t : ts)
    if (std::find(fs.begin(), fs.end(), t) != fs.end()) return std::nullopt;
  return r;
}

std::optional<ExprId> limit_at_infinity(ExprPool& pool, ExprId e, ExprId x) {
  if (auto r = gruntz_limit(pool, e, x)) return r;
  if (auto r = bounded_limit(pool, e, x)) return r;
  if (auto r = complex_infinity_limit(pool, e, x)) return r;
  if (auto r = bounded_base_limit(pool, e, x)) return r;
  if (const Node& n = pool.node(e); n.kind == Kind::Func && (n.op == Op::Erf || n.op == Op::Erfc) && n.args.size() == 1) {
    // erf(c + v), erfc(c + v) with c a finite constant (complex: erf(a - x) for complex a) and v
    // real tending to +-oo: z = c + v has Re(z**2) -> oo and arg(+-z) -> 0, where erfc(+-z) ~
    // exp(-z**2)/(+-z*sqrt(pi)) -> 0: erf -> +-1, erfc -> 0 or 2
    const Op op = n.op;
    ExprId a = n.args[0];
    try {
      a = expand(pool, a);
    } catch (const std::exception&) {
    }
    const Node& an = pool.node(a);
    std::vector<ExprId> cs, vs;
    for (ExprId t : an.kind == Kind::Add ? an.args : ArgVector{a}) {
      if (any_node(pool, t, [&](ExprId id, const Node&) { return id == x; })) vs.push_back(t);
      else cs.push_back(t);
    }
    const ExprId v = pool.add(vs), c = pool.add(cs);
    if (!vs.empty() && is_real(pool.node(v).facts) == true && is_finite(pool.node(c).facts) == true) {
      if (const auto l = gruntz_limit(pool, v, x)) {
        int s = 0;
        if (pool.is_constant(*l, Constant::Infinity)) s = 1;
        if (pool.is_constant(*l, Constant::NegativeInfinity)) s = -1;
        if (s != 0) return op == Op::Erf ? pool.integer(s) : pool.integer(s > 0 ? 0 : 2);
      }
    }
  }
  if (const Node& n = pool.node(e); n.kind == Kind::Func && (n.op == Op::Log || n.op == Op::Exp) && n.args.size() == 1) {
    // exp and log are continuous at a finite limit L of their argument (log: L > 0 certified),
    // whichever rule found L (log(sqrt(sin(y))*sqrt(atan(1/y)) + 2) at oo: log(2))
    const Op op = n.op;
    if (const auto l = limit_at_infinity(pool, n.args[0], x); l && free_symbols(pool, *l).empty() && finite_real_value(pool, *l)) {
      if (op == Op::Exp) return pool.func(Op::Exp, *l);
      try {
        const Evalf v = evalf(pool, *l, 30);
        if (v.real && v.re_double > 0 && v.re_double > 2 * std::stod(v.re_radius)) return pool.func(Op::Log, *l);
      } catch (const std::exception&) {
      }
    }
  }
  if (auto r = dominated_oscillation_limit(pool, e, x)) return r;
  return oscillating_limit(pool, e, x);
}

bool is_inf(ExprPool& p, ExprId e, Constant c) { return p.is_constant(e, c); }

// Whether oo, -oo, zoo or nan occurs in e.
bool has_infinity(ExprPool& p, ExprId e) {
  std::vector<ExprId> stack{e};
  std::unordered_map<ExprId, bool> seen;
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    if (seen[id]) continue;
    seen[id] = true;
    const Node& n = p.node(id);
    if (n.kind == Kind::Constant && n.constant != Constant::Pi && n.constant != Constant::E &&
        n.constant != Constant::EulerGamma && n.constant != Constant::I)
      return true;
    for (ExprId a : n.args) stack.push_back(a);
  }
  return false;
}

// Whether the condition c holds on a whole one-sided neighbourhood of x0 (of +-oo): a relation
// a < b (<=, >, >=) by the limit of b - a (a nonzero limit, or limit 0 and the eventual sign of
// b - a from sign()'s limit; b - a = 0 identically decides <= and >=); And, Or, Not, True,
// False. nullopt when not decided (Eq and Ne included).
std::optional<bool> eventually(ExprPool& p, ExprId c, ExprId x, ExprId x0, std::string_view dir, int depth) {
  if (!is_object(p, c) || depth > 8) return std::nullopt;
  const Head h = head_of(p, c);
  const std::vector<ExprId> args = p.node(c).args;
  switch (h) {
    case Head::True: return true;
    case Head::False: return false;
    case Head::Not: {
      const auto t = eventually(p, args[0], x, x0, dir, depth + 1);
      if (!t) return std::nullopt;
      return !*t;
    }
    case Head::And:
    case Head::Or: {
      bool undecided = false;
      for (ExprId a : args) {
        const auto t = eventually(p, a, x, x0, dir, depth + 1);
        if (!t) undecided = true;
        else if (*t == (h == Head::Or)) return *t;  // a false operand of And, a true one of Or
      }
      if (undecided) return std::nullopt;
      return h == Head::And;
    }
    case Head::Lt:
    case Head::Le:
    case Head::Gt:
    case Head::Ge: {
      const bool strict = h == Head::Lt || h == Head::Gt;
      const ExprId d = h == Head::Lt || h == Head::Le ? p.sub(args[1], args[0]) : p.sub(args[0], args[1]);
      if (auto z = alkahest::is_zero(p, d); z && *z) return !strict;  // d = 0 identically
      const auto l = limit(p, d, x, x0, dir);
      if (!l) return std::nullopt;
      if (p.is_constant(*l, Constant::Infinity)) return true;
      if (p.is_constant(*l, Constant::NegativeInfinity)) return false;
      if (!free_symbols(p, *l).empty() || !finite_real_value(p, *l)) return std::nullopt;
      int sg = 0;
      if (auto z = alkahest::is_zero(p, *l); z && *z) {
        const auto sl = limit(p, p.func(Op::Sign, d), x, x0, dir);  // the side d tends to 0 from
        if (!sl) return std::nullopt;
        if (*sl == p.integer(1)) sg = 1;
        if (*sl == p.integer(-1)) sg = -1;
      } else {
        try {
          const Evalf v = evalf(p, *l, 15);
          if (v.real && std::abs(v.re_double) > std::stod(v.re_radius)) sg = v.re_double > 0 ? 1 : -1;
        } catch (const std::exception&) {
        }
      }
      if (sg == 0) return std::nullopt;
      return sg > 0;
    }
    default:
      return std::nullopt;
  }
}

// Every Piecewise with the variable replaced by the piece that holds on the one-sided
// neighbourhood of the point (the first whose condition holds there, the earlier ones failing
// there); one whose conditions are not decided stays.
std::optional<ExprId> resolve_piecewise(ExprPool& p, ExprId e, ExprId x, ExprId x0, std::string_view dir) {
  auto depends = [&](ExprId v) { return any_node(p, v, [&](ExprId id, const Node&) { return id == x; }); };
  for (int round = 0; round < 8; ++round) {
    std::vector<ExprId> found;
    any_node(p, e, [&](ExprId id, const Node& m) {
      if (m.kind == Kind::Object && is_object(p, id, Head::Piecewise)) found.push_back(id);
      return false;
    });
    std::unordered_map<ExprId, ExprId> repl;
    for (ExprId pw : found) {
      if (!depends(pw)) continue;
      const std::vector<ExprId> args = p.node(pw).args;
      std::optional<ExprId> piece;
      for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        const auto t = eventually(p, args[i + 1], x, x0, dir, 0);
        if (!t) break;  // undecided here: the Piecewise stays as it is (the series may decide it)
        if (*t) {
          piece = args[i];
          break;
        }
      }
      if (piece) repl[pw] = *piece;
    }
    if (repl.empty()) return e;
    e = subs(p, e, repl);
  }
  return std::nullopt;
}

// One-sided limit at a finite point: series fast path, then Gruntz on x = x0 + dir/y.
std::optional<ExprId> one_sided(ExprPool& pool, ExprId e0, ExprId x, ExprId x0, int dir) {
  const auto resolved = resolve_piecewise(pool, e0, x, x0, dir > 0 ? "+" : "-");
  if (!resolved) return std::nullopt;
  const ExprId e = *resolved;
  const ExprId t = fresh(pool, e, "limit_t_", positive_facts());
  const ExprId logt = fresh(pool, e, "limit_logt_", Facts::real());
  const ExprId shifted = subs(pool, e, {{x, pool.add(x0, pool.mul(pool.integer(dir), t))}});
  try {
    bool exact_zero = false;
    auto lt = leading_term(pool, shifted, t, logt, &exact_zero);
    if (!lt && exact_zero) return pool.integer(0);  // e = 0 on a one-sided neighbourhood
    if (lt) {
      const std::vector<ExprId> fs = free_symbols(pool, lt->coeff);
      const bool has_log = std::find(fs.begin(), fs.end(), logt) != fs.end();
      if (lt->exponent > 0) return pool.integer(0);
      if (!has_log && lt->exponent == 0) return lt->coeff;
      if (!has_log && lt->exponent < 0) {
        const Facts& f = pool.node(lt->coeff).facts;
        if (is_positive(f) == true) return pool.constant(Constant::Infinity);
        if (is_negative(f) == true) return pool.constant(Constant::NegativeInfinity);
      }
    }
  } catch (const SeriesError& ex) {
    if (debug_on()) std::cerr << "series fast path: " << ex.what() << "\n";
  } catch (const PolyLimitError&) {
  } catch (const DivisionByZero&) {
  }
  const ExprId y = fresh(pool, e, "limit_y_", positive_facts());
  const ExprId at = subs(pool, e, {{x, pool.add(x0, pool.div(pool.integer(dir), y))}});
  return limit_at_infinity(pool, at, y);
}

}  // namespace

namespace {

// x0 = I*oo or -I*oo: the sign s of the ray x = s*I*y, y -> +oo (SymPy's convention for these
// points: the limit along the imaginary axis); 0 for any other point.
int imaginary_ray(ExprPool& p, ExprId x0) {
  const Node& n = p.node(x0);
  if (n.kind != Kind::Mul) return 0;
  int s = 1;
  bool i = false, inf = false;
  for (ExprId a : n.args) {
    const Node& m = p.node(a);
    if (m.kind == Kind::Constant && m.constant == Constant::I && !i) {
      i = true;
    } else if (m.kind == Kind::Constant && (m.constant == Constant::Infinity || m.constant == Constant::NegativeInfinity) &&
               !inf) {
      inf = true;
      if (m.constant == Constant::NegativeInfinity) s = -s;
    } else if (m.kind == Kind::Number && m.number.is_integer() && m.number.sign() != 0) {
      if (m.number.sign() < 0) s = -s;  // a positive scale of the ray does not move its direction
    } else {
      return 0;
    }
  }
  return i && inf ? s : 0;
}

// The Bessel functions of an argument s*I*u (s = +-1, u > 0 by its facts, the order v real) as
// functions of u (principal branches, DLMF 10.27.6, 10.27.8, 10.27.11 with ph(s*I*u) = s*pi/2):
//   besselj(v, s*I*u) = e^(s*v*pi*I/2) besseli(v, u),   besseli(v, s*I*u) = e^(s*v*pi*I/2) besselj(v, u),
//   besselk(v, s*I*u) = -s*(pi/2)*I*e^(-s*v*pi*I/2) (besselj(v, u) - s*I*bessely(v, u)),
//   bessely(v, s*I*u) = e^(s*(v + 1)*pi*I/2) besseli(v, u) - (2/pi) e^(-s*v*pi*I/2) besselk(v, u).
ExprId mul_all(ExprPool& p, std::vector<ExprId> fs) { return p.mul(fs); }

ExprId bessel_on_imaginary_axis(ExprPool& p, ExprId e, std::unordered_map<ExprId, ExprId>& memo) {
  if (auto it = memo.find(e); it != memo.end()) return it->second;
  const Node n = p.node(e);
  ExprId r = e;
  if (!n.args.empty()) {
    std::vector<ExprId> args;
    for (ExprId a : n.args) args.push_back(bessel_on_imaginary_axis(p, a, memo));
    if (args != n.args) r = with_args(p, n.kind, n.op, e, args);
    const Node rn = p.node(r);
    const bool bessel = rn.kind == Kind::Func && (rn.op == Op::BesselJ || rn.op == Op::BesselY ||
                                                  rn.op == Op::BesselI || rn.op == Op::BesselK);
    if (bessel && is_real(p.node(rn.args[0]).facts) == true && p.node(rn.args[1]).kind == Kind::Mul) {
      const ExprId v = rn.args[0];
      std::vector<ExprId> rest;
      bool i = false;
      for (ExprId a : p.node(rn.args[1]).args) {
        const Node& m = p.node(a);
        if (m.kind == Kind::Constant && m.constant == Constant::I && !i)
          i = true;
        else
          rest.push_back(a);
      }
      ExprId u = p.mul(rest);
      int s = 0;
      if (i && is_positive(p.node(u).facts) == true) s = 1;
      if (i && is_negative(p.node(u).facts) == true) {
        s = -1;
        u = p.neg(u);
      }
      if (s != 0) {
        const ExprId I = p.constant(Constant::I), pi = p.constant(Constant::Pi);
        const auto phase = [&](ExprId k) {  // e^(k*pi*I/2)
          return p.func(Op::Exp, p.div(mul_all(p, {k, pi, I}), p.integer(2)));
        };
        const ExprId sv = p.mul(p.integer(s), v);
        const auto f = [&](Op op) { return p.func(op, std::vector<ExprId>{v, u}); };
        switch (rn.op) {
          case Op::BesselJ: r = p.mul(phase(sv), f(Op::BesselI)); break;
          case Op::BesselI: r = p.mul(phase(sv), f(Op::BesselJ)); break;
          case Op::BesselK:
            r = mul_all(p, {p.integer(-s), p.div(pi, p.integer(2)), I, phase(p.neg(sv)),
                           p.sub(f(Op::BesselJ), mul_all(p, {p.integer(s), I, f(Op::BesselY)}))});
            break;
          default:  // BesselY
            r = p.sub(p.mul(phase(p.mul(p.integer(s), p.add(v, p.integer(1)))), f(Op::BesselI)),
                      mul_all(p, {p.div(p.integer(2), pi), phase(p.neg(sv)), f(Op::BesselK)}));
        }
      }
    }
  }
  memo.emplace(e, r);
  return r;
}

}  // namespace

namespace {
std::optional<ExprId> limit_once(ExprPool& pool, ExprId expr, ExprId x, ExprId x0, std::string_view dir);
thread_local int limit_depth = 0;

// Every float (an IEEE double, an exact binary fraction) whose value is a fraction with a
// denominator of at most 64 (as the series reads float exponents) replaced by that rational (0.5 by
// 1/2, 16.5 by 33/2, 0.375 by 3/8): the same function, on which the algorithm compares exponents
// exactly; `any` is set when there was one. Other floats stay (0.03 is
// 1080863910568919/36028797018963968: a series on that grid is out of reach).
ExprId exact_floats(ExprPool& p, ExprId e, bool& any, std::unordered_map<ExprId, ExprId>& memo) {
  if (auto it = memo.find(e); it != memo.end()) return it->second;
  const Node n = p.node(e);
  ExprId r = e;
  if (n.kind == Kind::Number && n.number.is_float() && std::isfinite(n.number.real())) {
    const mpq_class q(n.number.real());
    if (q.get_den() <= 64) {
      r = p.number(Number(q));
      any = true;
    }
  } else if (!n.args.empty()) {
    std::vector<ExprId> args;
    for (ExprId a : n.args) args.push_back(exact_floats(p, a, any, memo));
    if (args != n.args) r = with_args(p, n.kind, n.op, e, args);
  }
  memo.emplace(e, r);
  return r;
}

// A limit found for the exact values of an expression's floats, given back with its rationals of
// more than 32 bits (those the floats brought, and their products) as the nearest floats: the
// answer holds to the floats' rounding, as the input does (an answer free of them stays exact).
ExprId float_back(ExprPool& p, ExprId e, std::unordered_map<ExprId, ExprId>& memo) {
  if (auto it = memo.find(e); it != memo.end()) return it->second;
  const Node n = p.node(e);
  ExprId r = e;
  if (n.kind == Kind::Number && n.number.is_rational()) {
    const mpq_class& q = n.number.rational();
    if (mpz_sizeinbase(q.get_num().get_mpz_t(), 2) > 32 || mpz_sizeinbase(q.get_den().get_mpz_t(), 2) > 32)
      r = p.number(Number(q.get_d()));
  } else if (!n.args.empty()) {
    std::vector<ExprId> args;
    for (ExprId a : n.args) args.push_back(float_back(p, a, memo));
    if (args != n.args) r = with_args(p, n.kind, n.op, e, args);
  }
  memo.emplace(e, r);
  return r;
}
}  // namespace

// The limit; where it is not decided and a positive parameter s occurs, the three cases s > 1,
// s < 1, s = 1 (s = exp(t), s = exp(-t) with t > 0, s = 1) are tried: when all three give the same
// value free of s, that is the limit for every s > 0 (lamda**k*exp(-lamda)/factorial(k) at k = oo:
// the sign of log(lamda) is needed by the algorithm, not by the answer 0). Outermost call only.
std::optional<ExprId> limit(ExprPool& pool, ExprId expr, ExprId x, ExprId x0, std::string_view dir) {
  const DepthScope depth(limit_depth);
  auto r = limit_once(pool, expr, x, x0, dir);
  if (r || depth.depth() > 1) return r;
  // floats the algorithm could not compare (tanh(0.03*x) at oo): their exact values, here and in
  // the parameter cases below
  bool floats = false;
  {
    std::unordered_map<ExprId, ExprId> memo;
    const ExprId exact = exact_floats(pool, expr, floats, memo);
    const ExprId exact_x0 = exact_floats(pool, x0, floats, memo);
    if (floats) {
      expr = exact;
      x0 = exact_x0;
      try {
        r = limit_once(pool, expr, x, x0, dir);
      } catch (const std::exception&) {
        r = std::nullopt;
      }
      std::unordered_map<ExprId, ExprId> back;
      if (r) return float_back(pool, *r, back);
    }
  }
  std::vector<ExprId> params;
  for (ExprId part : {expr, x0})  // (not of expr + x0: that is oo for x0 = oo)
    for (ExprId v : free_symbols(pool, part))
      if (v != x && is_positive(pool.node(v).facts) == true && std::find(params.begin(), params.end(), v) == params.end())
        params.push_back(v);
  if (params.empty() || params.size() > 2) return r;
  for (ExprId sp : params) {
    const ExprId t = fresh(pool, pool.add(expr, pool.node(x0).kind == Kind::Constant ? pool.integer(0) : x0), "limit_case_",
                           positive_facts());
    const ExprId one = pool.integer(1);
    const ExprId cases[3] = {pool.func(Op::Exp, t), pool.func(Op::Exp, pool.neg(t)), one};
    std::optional<ExprId> common;
    bool same = true;
    for (ExprId value : cases) {
      const std::unordered_map<ExprId, ExprId> m{{sp, value}};
      std::optional<ExprId> c;
      try {
        c = limit_once(pool, subs(pool, expr, m), x, subs(pool, x0, m), dir);
      } catch (const std::exception&) {
        c = std::nullopt;
      }
      if (!c) {
        same = false;
        break;
      }
      const std::vector<ExprId> fs = free_symbols(pool, *c);
      if (std::find(fs.begin(), fs.end(), t) != fs.end() || std::find(fs.begin(), fs.end(), sp) != fs.end()) {
        same = false;
        break;
      }
      if (common && *common != *c && is_zero(pool, pool.sub(*common, *c)) != true) {
        same = false;
        break;
      }
      if (!common) common = c;
    }
    if (same && common) {
      std::unordered_map<ExprId, ExprId> back;
      return floats ? float_back(pool, *common, back) : *common;
    }
  }
  return r;
}

namespace {
std::optional<ExprId> limit_once(ExprPool& pool, ExprId expr, ExprId x, ExprId x0, std::string_view dir) {
  if (pool.node(x).kind != Kind::Symbol) throw InvalidArgument("limit: the variable must be a symbol");
  if (dir != "+" && dir != "-" && dir != "+-") throw InvalidArgument("limit: dir must be '+', '-' or '+-'");
  {
    const std::vector<ExprId> fs = free_symbols(pool, x0);
    if (std::find(fs.begin(), fs.end(), x) != fs.end())
      throw InvalidArgument("limit: the point must not contain the variable");
    const Node& pn = pool.node(x0);
    if (pn.kind == Kind::Constant && (pn.constant == Constant::ComplexInfinity || pn.constant == Constant::NaN))
      throw InvalidArgument("limit: the point must be finite, oo or -oo");
  }
  const std::vector<ExprId> fs = free_symbols(pool, expr);
  if (std::find(fs.begin(), fs.end(), x) == fs.end()) return expr;
  if (has_infinity(pool, expr)) return std::nullopt;
  // the names of the auxiliary functions are the algorithm's own (asymptotic.hpp)
  if (any_node(pool, expr, [&](ExprId id, const Node&) { return series_detail::aux_kind(pool, id) != series_detail::Aux::None; }))
    return std::nullopt;  // x - oo with x complex: left unevaluated
  if (const int s = imaginary_ray(pool, x0)) {
    // along the imaginary axis, x = s*I*y with y -> +oo (SymPy's convention for I*oo, -I*oo); the
    // Bessel functions of s*I*y become functions of y, whose expansions at oo are known
    const ExprId y = fresh(pool, expr, "limit_y_", positive_facts());
    std::unordered_map<ExprId, ExprId> memo;
    const ExprId on_ray = subs(pool, expr, {{x, mul_all(pool, {pool.integer(s), pool.constant(Constant::I), y})}});
    return limit(pool, bessel_on_imaginary_axis(pool, on_ray, memo), y, pool.constant(Constant::Infinity), "-");
  }
  if (is_inf(pool, x0, Constant::Infinity) || is_inf(pool, x0, Constant::NegativeInfinity)) {
    const int s = is_inf(pool, x0, Constant::Infinity) ? 1 : -1;
    const auto resolved = resolve_piecewise(pool, expr, x, x0, s > 0 ? "-" : "+");
    if (!resolved) return std::nullopt;
    const ExprId y = fresh(pool, *resolved, "limit_y_", positive_facts());
    return limit_at_infinity(pool, subs(pool, *resolved, {{x, pool.mul(pool.integer(s), y)}}), y);
  }
  if (dir == "+") return one_sided(pool, expr, x, x0, 1);
  if (dir == "-") return one_sided(pool, expr, x, x0, -1);
  auto r = one_sided(pool, expr, x, x0, 1);
  auto l = one_sided(pool, expr, x, x0, -1);
  if (!r || !l) return std::nullopt;
  if (*r == *l) return r;
  const bool ri = is_inf(pool, *r, Constant::Infinity) || is_inf(pool, *r, Constant::NegativeInfinity);
  const bool li = is_inf(pool, *l, Constant::Infinity) || is_inf(pool, *l, Constant::NegativeInfinity);
  if (ri && li) return pool.constant(Constant::ComplexInfinity);  // oo on one side, -oo on the other
  if (is_zero(pool, pool.sub(*r, *l)) == true) return r;
  return std::nullopt;  // the one-sided limits differ: no limit
}

}  // namespace

}  // namespace alkahest
