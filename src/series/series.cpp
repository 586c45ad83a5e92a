// series(): every node of the expression becomes a truncated power series in the local variable
// (power_series.hpp), children before parents, each shared node once. The working precision
// starts at the requested order and grows when cancellation or poles used up terms.
#include "alkahest/series.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "alkahest/calculus.hpp"
#include "alkahest/evalf.hpp"
#include "alkahest/objects.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/simplify.hpp"
#include "alkahest/walk.hpp"
#include "poly/flint_compat.hpp"
#include "series/asymptotic.hpp"
#include "series/power_series.hpp"
#include <flint/arith.h>

namespace alkahest {

using namespace series_detail;

namespace {

// Ctx::branch_arg set for one power or log (the argument whose branch its expansion checks) and
// cleared on every exit, return or exception.
class BranchArg {
 public:
  BranchArg(Ctx& cx, ExprId arg) : cx_(cx) { cx_.branch_arg = arg; }
  ~BranchArg() { cx_.branch_arg = 0; }
  BranchArg(const BranchArg&) = delete;
  BranchArg& operator=(const BranchArg&) = delete;

 private:
  Ctx& cx_;
};

// The sign of a value free of the variable: facts first, then a certified enclosure for constants.
std::optional<int> sign_of(ExprPool& pool, ExprId c) {
  const Facts& f = pool.node(c).facts;
  if (is_positive(f) == true) return 1;
  if (is_negative(f) == true) return -1;
  if (is_zero(f) == true) return 0;
  if (!free_symbols(pool, c).empty()) return std::nullopt;
  try {
    const Evalf v = evalf(pool, c, 15);
    if (!v.real && std::stod(v.im_radius) < std::abs(v.im_double)) return std::nullopt;  // not real
    if (std::abs(v.re_double) > std::stod(v.re_radius)) return v.re_double > 0 ? 1 : -1;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// A value that is not finite (the function has a pole or is undefined at the point).
bool not_finite(ExprPool& pool, ExprId v) {
  const Node& n = pool.node(v);
  if (n.kind == Kind::Constant)
    return n.constant == Constant::Infinity || n.constant == Constant::NegativeInfinity ||
           n.constant == Constant::ComplexInfinity || n.constant == Constant::NaN;
  return n.facts.within(Facts::Infinite | Facts::NaN);
}

// polygamma(k, c0), with the closed forms at positive integers c0 where they exist:
// psi(c0) = -EulerGamma + H(c0-1); psi(k, c0) = (-1)^(k+1) k! (zeta(k+1) - sum_{j<c0} j^-(k+1))
// for odd k (zeta at even arguments through Bernoulli numbers).
// The Bernoulli number B_n (FLINT's arith).
mpq_class bernoulli(long n) {
  fmpq_t b;
  fmpq_init(b);
  arith_bernoulli_number(b, static_cast<ulong>(n));
  mpq_class r;
  fmpq_get_mpq(r.get_mpq_t(), b);
  fmpq_clear(b);
  return r;
}

ExprId polygamma_at(ExprPool& pool, long k, ExprId c0) {
  const ExprId args[2] = {pool.integer(k), c0};
  const Node& cn = pool.node(c0);
  if (!(cn.kind == Kind::Number && cn.number.is_integer() && cn.number.sign() > 0 && cn.number.fits_long() &&
        cn.number.integer() <= 10000 && k <= 200 && (k == 0 || k % 2 == 1)))
    return pool.func(Op::Polygamma, args);
  const long m = cn.number.integer().get_si();
  mpq_class partial = 0;
  for (long j = 1; j < m; ++j) {
    mpz_class pw;
    mpz_ui_pow_ui(pw.get_mpz_t(), static_cast<unsigned long>(j), static_cast<unsigned long>(k + 1));
    partial += mpq_class(1, pw);
  }
  if (k == 0) return pool.sub(pool.number(Number(partial)), pool.constant(Constant::EulerGamma));
  const long two_m = k + 1;  // even
  const mpq_class bq = bernoulli(two_m);
  mpz_class fac2m, fack, pow2;
  mpz_fac_ui(fac2m.get_mpz_t(), static_cast<unsigned long>(two_m));
  mpz_fac_ui(fack.get_mpz_t(), static_cast<unsigned long>(k));
  mpz_ui_pow_ui(pow2.get_mpz_t(), 2, static_cast<unsigned long>(two_m));
  // zeta(2m) = (-1)^(m+1) B_2m (2 pi)^2m / (2 (2m)!)
  mpq_class zc = bq * mpq_class(pow2) / mpq_class(2 * fac2m);
  if ((two_m / 2) % 2 == 0) zc = -zc;
  zc.canonicalize();
  const ExprId zeta = pool.mul(pool.number(Number(zc)), pool.pow(pool.constant(Constant::Pi), pool.integer(two_m)));
  const ExprId v = pool.sub(zeta, pool.number(Number(partial)));
  return pool.mul(pool.number(Number(mpz_class(fack))), v);  // (-1)^(k+1) = 1 for odd k
}

class Expander {
 public:
  Expander(Ctx& cx, std::unordered_map<ExprId, PSeries> bound) : cx_(cx), bound_(std::move(bound)) {}

  PSeries run(ExprId root) {
    std::vector<std::pair<ExprId, bool>> stack{{root, false}};
    while (!stack.empty()) {
      auto [id, expanded] = stack.back();
      stack.pop_back();
      if (memo_.count(id) || konst_.count(id)) continue;
      const Node& n = cx_.pool.node(id);
      if (!expanded && !n.args.empty() && !bound_.count(id)) {
        stack.push_back({id, true});
        for (std::size_t i = n.args.size(); i-- > 0;)
          if (!memo_.count(n.args[i]) && !konst_.count(n.args[i])) stack.push_back({n.args[i], false});
        continue;
      }
      visit(id);
    }
    return get(root);
  }

 private:
  Ctx& cx_;
  std::unordered_map<ExprId, PSeries> bound_;
  std::unordered_map<ExprId, PSeries> memo_;
  std::unordered_map<ExprId, bool> konst_;  // nodes free of the bound symbols

  bool is_const(ExprId id) const { return konst_.count(id) > 0; }
  PSeries get(ExprId id) {
    if (is_const(id)) {
      check_finite(id);
      return constant(cx_, id);
    }
    return memo_.at(id);
  }
  void check_finite(ExprId id) {
    const Node& n = cx_.pool.node(id);
    if (n.kind == Kind::Constant && n.constant != Constant::Pi && n.constant != Constant::E &&
        n.constant != Constant::EulerGamma && n.constant != Constant::I)
      throw SeriesError("series: the expression contains " + std::string(constant_name(n.constant)));
    if (n.facts.within(Facts::Infinite | Facts::NaN))
      throw SeriesError("series: the expression contains " + Expr(cx_.pool, id).str() + ", which is not finite");
  }

  void visit(ExprId id) {
    if (auto it = bound_.find(id); it != bound_.end()) {
      memo_[id] = it->second;
      return;
    }
    const Node& n = cx_.pool.node(id);
    bool dep = false;
    for (ExprId a : n.args)
      if (!is_const(a)) dep = true;
    if (!dep) {
      check_finite(id);
      konst_[id] = true;
      return;
    }
    memo_[id] = compute(id);
  }

  PSeries compute(ExprId id) {
    const Node n = cx_.pool.node(id);  // copy: the pool may grow
    switch (n.kind) {
      case Kind::Add: {
        PSeries s = get(n.args[0]);
        for (std::size_t i = 1; i < n.args.size(); ++i) s = add(cx_, s, get(n.args[i]));
        return s;
      }
      case Kind::Mul: {
        // Constant factors first (one scale), then the series factors.
        std::vector<ExprId> ks;
        std::vector<ExprId> ss;
        for (ExprId a : n.args) (is_const(a) ? ks : ss).push_back(a);
        PSeries s = get(ss[0]);
        for (std::size_t i = 1; i < ss.size(); ++i) s = mul(cx_, s, get(ss[i]));
        if (!ks.empty()) s = scale(cx_, s, cx_.norm(cx_.pool.mul(ks)));
        return s;
      }
      case Kind::Pow: {
        const ExprId b = n.args[0], e = n.args[1];
        if (is_const(e)) {
          PSeries gb = get(b);
          set_arg_real(b);
          const BranchArg branch(cx_, b);
          return pow_const(cx_, std::move(gb), e);
        }
        set_arg_real(b);
        if (is_const(b)) {  // b**E = exp(E log b)
          check_finite(b);
          return series_detail::exp(cx_, scale(cx_, get(e), cx_.norm(cx_.pool.func(Op::Log, b))));
        }
        return series_detail::exp(cx_, mul(cx_, get(e), series_detail::log(cx_, get(b))));
      }
      case Kind::Func:
        return function(n);
      case Kind::Object:
        if (aux_kind(cx_.pool, id) != Aux::None && cx_.log_t_value != 0) return auxiliary(id);
        throw SeriesError("series: unexpected node");
      default:
        throw SeriesError("series: unexpected node");
    }
  }

  void set_arg_real(ExprId arg) {
    cx_.arg_real = cx_.point_real && !cx_.pool.node(arg).facts.may(Facts::NonReal);
  }

  // Whether c0 lies where `name` is analytic, off its branch cuts, for sure.
  bool off_cut(std::string_view name, ExprId c0) {
    auto& p = cx_.pool;
    if (name == "erf" || name == "erfc" || name == "erfi") return true;
    const bool real = is_real(p.node(c0).facts) == true;
    if (name == "atan" || name == "asinh") return real;
    // The cuts of the others lie on the real axis.
    if (p.node(c0).facts.within(Facts::NonReal) && name != "acot") return true;
    if (name == "acot" || name == "acoth") {  // discontinuous at 0 on the real line
      auto s0 = real ? sign_of(p, c0) : std::nullopt;
      if (!s0 || *s0 == 0) return false;
      if (name == "acot") return true;
    }
    if (!real) return false;
    if (name == "acosh") {
      auto s = sign_of(p, p.sub(c0, p.integer(1)));
      return s && *s > 0;
    }
    auto s = sign_of(p, p.sub(p.integer(1), p.pow(c0, p.integer(2))));  // asin, acos, atanh, acoth
    if (name == "acoth") return s && *s < 0;
    return s && *s > 0;
  }

  // f(A) = f(c0) + integral of f'(A) A' (f analytic on the path). A non-real path must start off
  // the branch cuts; a real one may start on a cut or at a branch point (the values along it are
  // the principal ones from that side when the integrand is real there).
  // value: f(c0) written another way (asec(2) rather than acos(1/2) for asec's expansion through acos).
  PSeries by_integral(Op op, const PSeries& a, const PSeries& df, const char* name, ExprId value = 0) {
    const bool arg_real = cx_.arg_real;
    const ExprId c0 = constant_term(cx_, a, name);
    // acot and acoth jump at 0 even along the real line (acoth(0+) = -I*pi/2, acoth(0-) = I*pi/2).
    const std::string_view nm(name);
    bool real_jump = false;
    if (arg_real && (nm == "acot" || nm == "acoth")) {
      auto s0 = is_real(cx_.pool.node(c0).facts) == true ? sign_of(cx_.pool, c0) : std::nullopt;
      real_jump = !s0 || *s0 == 0;
    }
    ExprId f0 = 0;
    if (real_jump || (!arg_real && !off_cut(name, c0))) {
      const auto v = cut_value(nm, op, a, c0);
      if (!v)
        throw SeriesError(std::string("series: ") + name + " of a non-real argument at a point on or near its " +
                          "branch cut; not expanded");
      f0 = cx_.norm(*v);
    } else {
      f0 = cx_.norm(value != 0 ? value : cx_.pool.func(op, c0));
    }
    if (not_finite(cx_.pool, f0))
      throw SeriesError(std::string("series: ") + name + " is not finite at the point");
    // f'(A) may live on a finer grid (Puiseux): differentiate and integrate in the same u.
    const long d = std::lcm(a.den, df.den);
    PSeries g = mul(cx_, regrid(cx_, df, d), derivative(cx_, regrid(cx_, a, d)));
    PSeries dfs = df;
    strip(cx_, dfs);
    if (!dfs.c.empty() && dfs.val < 0 && !(arg_real && all_real(cx_, dfs)))
      throw SeriesError(std::string("series: ") + name +
                        " at a branch point with a non-real expansion; not expanded");
    return add(cx_, integral(cx_, g), constant(cx_, f0));
  }

  // The limit of f(A) where A tends to a point c0 of f's branch cut (not a branch point) from one
  // side, off the cut. The principal value f(c0) is the limit from one side (counter-clockwise
  // continuity, as SymPy and Arb evaluate): asin, acos, atanh from below on (1, oo) and from above
  // on (-oo, -1); acosh from above on (-oo, 1); acoth from above on (0, 1) and from below on
  // (-1, 0); atan and asinh from the right on (i, i*oo) and from the left on (-i*oo, -i); acot
  // from the left on (0, i), from the right on (-i, 0] (acot(0) = pi/2). From the other side the
  // value is the mirror image: f(conj z) = conj f(z) gives conj f(c0) across the real axis, and
  // f(-conj z) = -conj f(z) (odd functions) gives -conj f(c0) across the imaginary axis; written
  // with the known real part Re f(c0) as 2 Re f(c0) - f(c0) or f(c0) - 2 Re f(c0). nullopt when c0
  // is not such a point or the side is not decided.
  std::optional<ExprId> cut_value(std::string_view name, Op op, const PSeries& a, ExprId c0) {
    auto& p = cx_.pool;
    if (!free_symbols(p, c0).empty()) return std::nullopt;
    const ExprId pi = p.constant(Constant::Pi);
    const ExprId f0 = p.func(op, c0);
    auto cmp = [&](ExprId u, long k) { return sign_of(p, p.sub(u, p.integer(k))); };  // sign(u - k)
    const bool real_cut = name == "asin" || name == "acos" || name == "atanh" || name == "acosh" || name == "acoth";
    const bool imag_cut = name == "atan" || name == "asinh" || name == "acot";
    if (real_cut) {
      if (is_real(p.node(c0).facts) != true) {
        try {
          if (!evalf(p, c0, 15).real) return std::nullopt;
        } catch (const std::exception&) {
          return std::nullopt;
        }
      }
      const int side = approach_side(cx_, a, 0);
      if (side == 2) throw NeedMoreTerms{1};
      if (side == 0) return std::nullopt;
      const auto gt1 = cmp(c0, 1), ltm1 = cmp(c0, -1), s0 = sign_of(p, c0);
      if (!gt1 || !ltm1 || !s0 || *gt1 == 0 || *ltm1 == 0) return std::nullopt;  // a branch point or undecided
      int cont = 0;
      ExprId re = 0;  // Re f(c0)
      if (name == "asin" || name == "acos" || name == "atanh") {
        if (*gt1 > 0) cont = -1;
        else if (*ltm1 < 0) cont = 1;
        else return std::nullopt;  // (-1, 1): not on the cut
        if (name == "asin") re = p.mul(p.number(Number::rational(*gt1 > 0 ? 1 : -1, 2)), pi);
        else if (name == "acos") re = *gt1 > 0 ? p.integer(0) : pi;
        else re = p.func(Op::Atanh, p.pow(c0, p.integer(-1)));  // atanh(c) = atanh(1/c) +- i pi/2
      } else if (name == "acosh") {
        if (*gt1 > 0) return std::nullopt;
        cont = 1;
        // (-1, 1): acosh(c) = i acos(c); (-oo, -1): acosh(c) = acosh(-c) + i pi
        re = *ltm1 > 0 ? p.integer(0) : p.func(Op::Acosh, p.neg(c0));
      } else {  // acoth on (-1, 0) and (0, 1)
        if (*gt1 > 0 || *ltm1 < 0 || *s0 == 0) return std::nullopt;
        cont = *s0 > 0 ? 1 : -1;
        re = p.func(Op::Atanh, c0);  // acoth(c) = atanh(c) -+ i pi/2 there
      }
      if (side == cont) return f0;
      return p.sub(p.mul(p.integer(2), re), f0);
    }
    if (imag_cut) {
      // c0 = i*b with b real
      if (auto z = alkahest::is_zero(p, p.func(Op::Re, c0)); !z || !*z) return std::nullopt;
      const ExprId b = p.func(Op::Im, c0);
      const int side = approach_side(cx_, a, 1);
      if (side == 2) throw NeedMoreTerms{1};
      if (side == 0) return std::nullopt;
      const auto gt1 = cmp(b, 1), ltm1 = cmp(b, -1), sb = sign_of(p, b);
      if (!gt1 || !ltm1 || !sb || *gt1 == 0 || *ltm1 == 0) return std::nullopt;
      int cont = 0;
      ExprId re = 0;
      if (name == "atan" || name == "asinh") {
        if (*gt1 > 0) cont = 1;
        else if (*ltm1 < 0) cont = -1;
        else return std::nullopt;  // (-i, i): not on the cut
        const int sg = *gt1 > 0 ? 1 : -1;
        re = name == "atan" ? p.mul(p.number(Number::rational(sg, 2)), pi)
                            : p.mul(p.integer(sg), p.func(Op::Acosh, p.mul(p.integer(sg), b)));  // asinh(ib) = sg*acosh(|b|) + i sg pi/2
      } else {  // acot on (-i, i)
        if (*gt1 > 0 || *ltm1 < 0) return std::nullopt;
        cont = *sb > 0 ? -1 : 1;
        re = p.mul(p.number(Number::rational(*sb > 0 ? -1 : 1, 2)), pi);  // acot(ib), 0 < b < 1: -pi/2 + ...
      }
      if (side == cont) return f0;
      return p.sub(f0, p.mul(p.integer(2), re));
    }
    return std::nullopt;
  }

  PSeries one_plus_sq(const PSeries& a, int sign_one, int sign_sq) {
    PSeries sq = mul(cx_, a, a);
    if (sign_sq < 0) sq = neg(cx_, sq);
    return add(cx_, constant(cx_, cx_.pool.integer(sign_one)), sq);
  }

  ExprId half() { return cx_.pool.number(Number::rational(1, 2)); }
  ExprId minus_half() { return cx_.pool.number(Number::rational(-1, 2)); }

  // Terms of a composition sum p_k h^k needed for h of positive valuation.
  long terms_for(const PSeries& h) {
    if (h.c.empty()) return 1;
    return std::max(1L, cx_.cap(h.den) / std::max(1L, h.val) + 1);
  }

  PSeries gamma(const PSeries& a) {
    const ExprId c0 = constant_term(cx_, a, "gamma");
    const Node& cn = cx_.pool.node(c0);
    if (cn.kind == Kind::Number && cn.number.is_integer() && cn.number.sign() <= 0) {
      if (!cn.number.fits_long() || cn.number.integer() < -1000) throw SeriesError("series: gamma pole too far out");
      const long m = -cn.number.integer().get_si();
      // gamma(A) = gamma(A + m + 1) / (A (A+1) ... (A+m))
      PSeries shifted = add(cx_, a, constant(cx_, cx_.pool.integer(m + 1)));
      PSeries den = constant(cx_, cx_.one());
      for (long i = 0; i <= m; ++i) den = mul(cx_, den, add(cx_, a, constant(cx_, cx_.pool.integer(i))));
      return div(cx_, gamma(shifted), den);
    }
    const ExprId g0 = cx_.norm(cx_.pool.func(Op::Gamma, c0));
    if (not_finite(cx_.pool, g0)) throw SeriesError("series: gamma is not finite at the point");
    PSeries h = without_constant(cx_, a);
    if (h.c.empty()) {
      PSeries r = constant(cx_, g0);
      r.prec = a.prec;
      return r;
    }
    // log gamma(c0 + h) = log gamma(c0) + sum_{k>=1} polygamma(k-1, c0) h^k / k!
    const long nt = terms_for(h);
    std::vector<ExprId> p(static_cast<std::size_t>(nt), cx_.zero());
    mpz_class fact = 1;
    for (long k = 1; k < nt; ++k) {
      fact *= k;
      p[static_cast<std::size_t>(k)] =
          cx_.norm(cx_.pool.mul(cx_.pool.number(Number::rational(1, fact)), polygamma_at(cx_.pool, k - 1, c0)));
    }
    return scale(cx_, series_detail::exp(cx_, compose(cx_, p, h)), g0);
  }

  // Asymptotic (Stirling) expansions for an argument A -> +oo (real expansion, leading
  // coefficient > 0), z = 1/A (valuation v > 0):
  //   loggamma(A) = (A - 1/2) log(A) - A + log(2 pi)/2 + sum_{k>=1} B_2k/(2k(2k-1)) z**(2k-1),
  //   polygamma(0, A) = log(A) - z/2 - sum_{k>=1} B_2k/(2k) z**(2k),
  //   polygamma(m, A) = (-1)**(m+1) [(m-1)! z**m + m!/2 z**(m+1) + sum_{k>=1} B_2k (2k+m-1)!/(2k)! z**(2k+m)]
  // (m >= 1). Each is asymptotic: the error after the last term kept is of the order of the first
  // term left out; the sums run past the working precision, so every term kept is exact.
  // kind = -1 for loggamma, m >= 0 for polygamma(m, .). nullopt when A has a finite limit.
  std::optional<PSeries> stirling(long kind, const PSeries& a) {
    auto& p = cx_.pool;
    PSeries b = a;
    strip(cx_, b);
    if (b.c.empty() || b.val >= 0 || cx_.coeff_zero(b.c[0])) return std::nullopt;
    const char* who = kind < 0 ? "loggamma" : "polygamma";
    if (leading_sign(b, who) < 0)
      throw SeriesError(std::string("series: ") + who + " of an argument that tends to -oo; not expanded");
    if (kind > 200) throw SeriesError("series: polygamma order too large at infinity");
    const PSeries z = inv(cx_, b);
    const long nt = terms_for(z) + 2;  // powers of z that reach the working precision
    const long kmax = nt / 2 + 2;
    if (kmax > 400) throw SeriesError("series: Stirling expansion needs too many terms");
    auto bern = [](long n) { return bernoulli(n); };
    auto fac = [](long n) {
      mpz_class f;
      mpz_fac_ui(f.get_mpz_t(), static_cast<unsigned long>(n));
      return f;
    };
    auto num = [&](mpq_class q) {
      q.canonicalize();
      return p.number(Number(q));
    };
    const PSeries z2 = mul(cx_, z, z);
    PSeries r;
    PSeries zp;  // the running power of z
    if (kind < 0) {
      r = add(cx_, mul(cx_, add(cx_, b, constant(cx_, minus_half())), series_detail::log(cx_, b)), neg(cx_, b));
      r = add(cx_, r, constant(cx_, p.mul(half(), p.func(Op::Log, p.mul(p.integer(2), p.constant(Constant::Pi))))));
      zp = z;
      for (long k = 1; k <= kmax; ++k) {
        const mpq_class c = bern(2 * k) / mpq_class(2 * k * (2 * k - 1));
        r = add(cx_, r, scale(cx_, zp, num(c)));
        zp = mul(cx_, zp, z2);
      }
      return r;
    }
    if (kind == 0) {
      r = add(cx_, series_detail::log(cx_, b), scale(cx_, z, minus_half()));
      zp = z2;
      for (long k = 1; k <= kmax; ++k) {
        const mpq_class c = -bern(2 * k) / mpq_class(2 * k);
        r = add(cx_, r, scale(cx_, zp, num(c)));
        zp = mul(cx_, zp, z2);
      }
      return r;
    }
    const long m = kind;
    PSeries zm = constant(cx_, p.integer(1));
    for (long i = 0; i < m; ++i) zm = mul(cx_, zm, z);
    r = add(cx_, scale(cx_, zm, num(mpq_class(fac(m - 1)))), scale(cx_, mul(cx_, zm, z), num(mpq_class(fac(m), 2))));
    zp = mul(cx_, zm, z2);
    for (long k = 1; k <= kmax; ++k) {
      const mpq_class c = bern(2 * k) * mpq_class(fac(2 * k + m - 1), fac(2 * k));
      r = add(cx_, r, scale(cx_, zp, num(c)));
      zp = mul(cx_, zp, z2);
    }
    return m % 2 == 1 ? r : neg(cx_, r);  // (-1)**(m+1)
  }

  PSeries polygamma(ExprId order, const PSeries& a) {
    const Node& on = cx_.pool.node(order);
    if (!(on.kind == Kind::Number && on.number.is_integer() && on.number.sign() >= 0 && on.number.fits_long() &&
          on.number.integer() <= 1000))
      throw SeriesError("series: polygamma needs a constant nonnegative integer order");
    const long nord = on.number.integer().get_si();
    if (auto r = stirling(nord, a)) return *r;
    const ExprId c0 = constant_term(cx_, a, "polygamma");
    const Node& cn = cx_.pool.node(c0);
    if (cn.kind == Kind::Number && cn.number.is_integer() && cn.number.sign() <= 0) {
      if (!cn.number.fits_long() || cn.number.integer() < -1000) throw SeriesError("series: polygamma pole too far out");
      const long m = -cn.number.integer().get_si();
      // polygamma(n, z) = polygamma(n, z + m + 1) - sum_{i=0..m} (-1)^n n! / (z + i)^(n+1)
      PSeries r = polygamma(order, add(cx_, a, constant(cx_, cx_.pool.integer(m + 1))));
      mpz_class f;
      mpz_fac_ui(f.get_mpz_t(), static_cast<unsigned long>(nord));
      const ExprId k = cx_.pool.number(Number(nord % 2 == 0 ? mpz_class(-f) : f));
      for (long i = 0; i <= m; ++i)
        r = add(cx_, r, scale(cx_, pow_int(cx_, add(cx_, a, constant(cx_, cx_.pool.integer(i))), -(nord + 1)), k));
      return r;
    }
    PSeries h = without_constant(cx_, a);
    const long nt = h.c.empty() ? 1 : terms_for(h);
    std::vector<ExprId> p(static_cast<std::size_t>(nt));
    mpz_class fact = 1;
    for (long k = 0; k < nt; ++k) {
      if (k > 0) fact *= k;
      const ExprId v = polygamma_at(cx_.pool, nord + k, c0);
      if (not_finite(cx_.pool, v)) throw SeriesError("series: polygamma is not finite at the point");
      p[static_cast<std::size_t>(k)] = cx_.norm(cx_.pool.mul(cx_.pool.number(Number::rational(1, fact)), v));
    }
    PSeries r = compose(cx_, p, h);
    if (h.c.empty()) r.prec = a.prec;
    return r;
  }

  // Leading coefficient's sign of a real series (SeriesError when it is not decided).
  int leading_sign(PSeries a, const char* name) {
    if (!normalize(cx_, a)) return 0;
    if (!all_real(cx_, a)) throw SeriesError(std::string("series: ") + name + " of a non-real expansion");
    auto s = sign_of(cx_.pool, a.c[0]);
    if (!s && cx_.sign_hint && !free_symbols(cx_.pool, a.c[0]).empty()) s = (*cx_.sign_hint)(a.c[0]);
    if (!s) throw SeriesError(std::string("series: ") + name + ": the sign of the leading coefficient " +
                              "is not known");
    return *s;
  }

  PSeries exact_constant(ExprId v) {
    PSeries r = constant(cx_, v);
    r.prec = kExact;
    return r;
  }

  PSeries floor_ceil(const PSeries& a, bool floor) {
    const ExprId c0 = constant_term(cx_, a, floor ? "floor" : "ceiling");
    const Node& cn = cx_.pool.node(c0);
    // a value known (by its facts) to be a finite real integer, such as n for an integer symbol n:
    // floor and ceiling step there, on the side the argument leaves it (as at an integer number)
    const bool int_value = cn.kind != Kind::Number && is_integer(cn.facts) == true && is_real(cn.facts) == true;
    if (!int_value && !(cn.kind == Kind::Number && cn.number.is_exact())) {
      // a constant strictly between two integers (certified): floor and ceiling are constant there
      if (free_symbols(cx_.pool, c0).empty()) {
        try {
          const Evalf v = evalf(cx_.pool, c0, 30);
          const double rad = std::stod(v.re_radius);
          if (v.real && std::isfinite(v.re_double) && std::abs(v.re_double) < 1e15) {
            const double fl = std::floor(v.re_double);
            if (v.re_double - rad > fl + 1e-9 && v.re_double + rad < fl + 1 - 1e-9)
              return exact_constant(cx_.pool.integer(static_cast<long>(floor ? fl : fl + 1)));
          }
        } catch (const std::exception&) {
        }
      }
      throw SeriesError("series: floor/ceiling of an argument whose value at the point is not a known number");
    }
    if (!int_value && !cn.number.is_integer()) return exact_constant(cx_.pool.func(floor ? Op::Floor : Op::Ceil, c0));
    PSeries h = without_constant(cx_, a);
    const int s = h.c.empty() && h.exact() ? 0 : leading_sign(h, floor ? "floor" : "ceiling");
    long d = 0;
    if (floor && s < 0) d = -1;
    if (!floor && s > 0) d = 1;
    return exact_constant(cx_.pool.add(c0, cx_.pool.integer(d)));
  }

  PSeries taylor_fallback(const Node& n, const PSeries& a) {
    const OpInfo& info = op_info(n.op);
    if (info.arity != 1 || info.partial == nullptr)
      throw SeriesError("series: no expansion rule for " + std::string(info.name));
    const ExprId c0 = constant_term(cx_, a, std::string(info.name).c_str());
    PSeries h = without_constant(cx_, a);
    const long nt = h.c.empty() ? 1 : terms_for(h);
    if (nt > 60) throw SeriesError("series: " + std::string(info.name) + " is expanded by derivatives, at most 60 terms");
    const ExprId y = cx_.pool.symbol("series_y_");
    ExprId d = cx_.pool.func(n.op, y);
    std::vector<ExprId> p(static_cast<std::size_t>(nt));
    mpz_class fact = 1;
    for (long k = 0; k < nt; ++k) {
      if (k > 0) {
        fact *= k;
        d = diff(cx_.pool, d, y);
      }
      cx_.step(8);
      ExprId v;
      try {
        v = cx_.norm(subs(cx_.pool, d, {{y, c0}}));
      } catch (const DivisionByZero&) {  // a derivative's formula with a removable 0/0 there
        throw SeriesError("series: the derivatives of " + std::string(info.name) +
                          " are not defined by their formula at the point");
      }
      if (not_finite(cx_.pool, v))
        throw SeriesError("series: " + std::string(info.name) + " is not analytic at the point");
      p[static_cast<std::size_t>(k)] = cx_.norm(cx_.pool.mul(cx_.pool.number(Number::rational(1, fact)), v));
    }
    PSeries r = compose(cx_, p, h);
    if (h.c.empty()) r.prec = a.prec;
    return r;
  }

  PSeries function(const Node& n) {
    const OpInfo& info = op_info(n.op);
    const std::string_view name = info.name;
    if (name == "polygamma") {
      if (!is_const(n.args[0])) throw SeriesError("series: polygamma with an order depending on the variable");
      return polygamma(n.args[0], get(n.args[1]));
    }
    if (n.op == Op::LambertW && n.args.size() == 2 && is_const(n.args[1]) &&
        cx_.pool.node(n.args[1]).kind == Kind::Number && cx_.pool.node(n.args[1]).number.is_zero())
      return lambertw(get(n.args[0]));
    if ((n.op == Op::BesselJ || n.op == Op::BesselI) && is_const(n.args[0]))
      if (auto r = bessel_at_zero(n.op == Op::BesselJ, n.args[0], get(n.args[1]))) return *r;
    if (info.arity != 1) throw SeriesError("series: no expansion rule for " + std::string(name));
    const PSeries a = get(n.args[0]);
    set_arg_real(n.args[0]);
    auto& p = cx_.pool;
    if (name == "exp") return series_detail::exp(cx_, a);
    if (name == "log") {
      const BranchArg branch(cx_, n.args[0]);
      return series_detail::log(cx_, a);
    }
    if (name == "sin") return sin_or_cos(cx_, a, false, false);
    if (name == "cos") return sin_or_cos(cx_, a, true, false);
    if (name == "tan") return tan_or_tanh(cx_, a, false);
    if (name == "tanh") return tan_or_tanh(cx_, a, true);
    if (name == "tan" || name == "cot" || name == "sec" || name == "csc") {
      auto [s, c] = sin_cos(cx_, a);
      if (name == "tan") return div(cx_, s, c);
      if (name == "cot") return div(cx_, c, s);
      return inv(cx_, name == "sec" ? c : s);
    }
    if (name == "sinh") return sin_or_cos(cx_, a, false, true);
    if (name == "cosh") return sin_or_cos(cx_, a, true, true);
    if (name == "tanh" || name == "coth" || name == "sech" || name == "csch") {
      auto [s, c] = sinh_cosh(cx_, a);
      if (name == "tanh") return div(cx_, s, c);
      if (name == "coth") return div(cx_, c, s);
      return inv(cx_, name == "sech" ? c : s);
    }
    if (name == "atan" || name == "acot") {
      PSeries b = a;
      strip(cx_, b);
      if (!b.c.empty() && b.val < 0 && !cx_.coeff_zero(b.c[0])) {
        // The argument tends to +-oo: atan(A) = +-pi/2 - atan(1/A); acot(A) = atan(1/A).
        const int s = leading_sign(b, name == "atan" ? "atan" : "acot");
        PSeries r = (*this).function_atan(inv(cx_, b));
        if (name == "acot") return r;
        const ExprId hp = p.mul(p.number(Number::rational(s, 2)), p.constant(Constant::Pi));
        return add(cx_, constant(cx_, hp), neg(cx_, r));
      }
      PSeries df = inv(cx_, one_plus_sq(a, 1, 1));
      if (name == "acot") df = neg(cx_, df);
      return by_integral(n.op, a, df, name == "atan" ? "atan" : "acot");
    }
    if ((name == "asin" || name == "acos" || name == "atanh") && cx_.arg_real)
      if (auto r = real_cut_at_infinity(name, a)) return *r;
    if (name == "asin" || name == "acos" || name == "atanh" || name == "acosh" || name == "acoth")
      if (auto r = real_branch_point(name, a)) return *r;
    if (name == "asin" || name == "acos") {
      PSeries df = pow_const(cx_, one_plus_sq(a, 1, -1), minus_half());
      if (name == "acos") df = neg(cx_, df);
      return by_integral(n.op, a, df, name == "asin" ? "asin" : "acos");
    }
    if (name == "asinh" || name == "acosh" || name == "acoth")
      if (auto r = at_infinity(name, a)) return *r;
    if (name == "asinh") return by_integral(n.op, a, pow_const(cx_, one_plus_sq(a, 1, 1), minus_half()), "asinh");
    if (name == "acosh") {
      PSeries am = add(cx_, a, constant(cx_, p.integer(-1))), ap = add(cx_, a, constant(cx_, p.integer(1)));
      return by_integral(n.op, a, mul(cx_, pow_const(cx_, am, minus_half()), pow_const(cx_, ap, minus_half())),
                         "acosh");
    }
    // The reciprocal rows are defined through the principal branches: asec(z) = acos(1/z),
    // acsc(z) = asin(1/z), asech(z) = acosh(1/z), acsch(z) = asinh(1/z). Expanded as such, so that
    // the branch-cut checks of by_integral apply at 1/z (a Taylor expansion of asec itself at a
    // point of its cut would give the value from the wrong side).
    if (name == "asec" || name == "acsc" || name == "asech" || name == "acsch") {
      const PSeries r = inv(cx_, a);
      if (name != "acsch") {  // acos(1/z), asin(1/z), acosh(1/z) where 1/z runs along a cut
        const std::string_view via = name == "asec" ? "acos" : name == "acsc" ? "asin" : "acosh";
        if (via != "acosh" && cx_.arg_real)
          if (auto v = real_cut_at_infinity(via, r)) return *v;
        if (auto v = real_branch_point(via, r)) return *v;
      }
      if (name == "asech" || name == "acsch")
        if (auto v = at_infinity(name == "asech" ? "acosh" : "asinh", r)) return *v;
      ExprId value = 0;  // f(c0) by its own name; none when the argument tends to infinity
      try {
        value = p.func(n.op, constant_term(cx_, a, std::string(name).c_str()));
      } catch (const SeriesError&) {
      }
      if (name == "asec" || name == "acsc") {
        PSeries df = pow_const(cx_, one_plus_sq(r, 1, -1), minus_half());
        if (name == "asec") df = neg(cx_, df);
        return by_integral(name == "asec" ? Op::Acos : Op::Asin, r, df, name == "asec" ? "acos" : "asin", value);
      }
      if (name == "acsch")
        return by_integral(Op::Asinh, r, pow_const(cx_, one_plus_sq(r, 1, 1), minus_half()), "asinh", value);
      PSeries am = add(cx_, r, constant(cx_, p.integer(-1))), ap = add(cx_, r, constant(cx_, p.integer(1)));
      return by_integral(Op::Acosh, r, mul(cx_, pow_const(cx_, am, minus_half()), pow_const(cx_, ap, minus_half())),
                         "acosh", value);
    }
    if (name == "acoth" && cx_.arg_real) {
      // a real A -> 0: acoth(A) = atanh(1/A) with 1/A -> +-oo along the cut (its principal values)
      PSeries b = a;
      strip(cx_, b);
      if (!b.c.empty() && b.val > 0 && all_real(cx_, b))
        if (auto r = real_cut_at_infinity("atanh", inv(cx_, b))) return *r;
    }
    if (name == "atanh" || name == "acoth") return by_integral(n.op, a, inv(cx_, one_plus_sq(a, 1, -1)), name == "atanh" ? "atanh" : "acoth");
    if (name == "erf" || name == "erfc" || name == "erfi") {
      PSeries sq = mul(cx_, a, a);
      if (name != "erfi") sq = neg(cx_, sq);
      const ExprId k = p.mul(p.integer(name == "erfc" ? -2 : 2),
                             p.pow(p.constant(Constant::Pi), minus_half()));
      return by_integral(n.op, a, scale(cx_, series_detail::exp(cx_, sq), k), std::string(name).c_str());
    }
    if (name == "Ei")
      if (auto r = ei_at_zero(a)) return *r;
    if (name == "elliptic_k" || name == "elliptic_e")
      if (auto r = elliptic_at_zero(name == "elliptic_e", a)) return *r;
    if (name == "gamma") return gamma(a);
    if (name == "loggamma")
      if (auto r = stirling(-1, a)) return *r;
    if (name == "digamma")
      if (auto r = stirling(0, a)) return *r;
    if (name == "abs") {
      const int s = leading_sign(a, "abs");
      return s >= 0 ? a : neg(cx_, a);
    }
    if (name == "sign") return exact_constant(p.integer(leading_sign(a, "sign")));
    if (name == "Heaviside")  // (sign + 1)/2 of the leading term: 0, 1/2 (an argument that is 0) or 1
      return exact_constant(p.number(Number::rational(leading_sign(a, "Heaviside") + 1, 2)));
    if (name == "floor") return floor_ceil(a, true);
    if (name == "ceiling") return floor_ceil(a, false);
    if (name == "re" || name == "im" || name == "conjugate") {
      PSeries r = a;  // t > 0 is real: the parts act on the coefficients
      for (ExprId& c : r.c) c = cx_.norm(p.func(n.op, c));
      strip(cx_, r);
      return r;
    }
    if (name == "arg") {
      PSeries b = a;
      if (!normalize(cx_, b)) throw SeriesError("series: arg(0)");
      PSeries u = b;
      for (std::size_t i = 1; i < u.c.size(); ++i)
        if (is_real(p.node(p.div(u.c[i], u.c[0])).facts) != true)
          throw SeriesError("series: arg of an expansion whose terms are not all of one direction");
      PSeries r = exact_constant(p.func(Op::Arg, b.c[0]));
      r.prec = b.exact() ? kExact : b.prec - b.val;
      return r;
    }
    return taylor_fallback(n, a);
  }

  // asinh, acosh, acoth of a real argument A tending to +-oo (leading_sign requires a real
  // expansion): asinh(A) = log(A) + log(1 + sqrt(1 + A**-2)) and acosh(A) = log(A) +
  // log(1 + sqrt(1 - A**-2)) for A > 1 (log(A + sqrt(A**2 +- 1)) with A factored out); asinh is
  // odd; acosh(A) for A -> -oo lies on its cut (not expanded); acoth(A) = atanh(1/A) for real
  // |A| > 1. nullopt when A has a finite limit.
  std::optional<PSeries> at_infinity(std::string_view name, const PSeries& a) {
    auto& p = cx_.pool;
    PSeries b = a;
    strip(cx_, b);
    if (b.c.empty() || b.val >= 0 || cx_.coeff_zero(b.c[0])) return std::nullopt;
    const int s = leading_sign(b, std::string(name).c_str());
    if (name == "acoth") {
      const PSeries r = inv(cx_, b);
      return by_integral(Op::Atanh, r, inv(cx_, one_plus_sq(r, 1, -1)), "atanh");
    }
    if (name == "acosh" && s < 0) {
      // along the real line: acosh(A) = acosh(-A) + i pi for A < -1 (the principal value, as evaluated)
      if (cx_.arg_real) {
        const PSeries r = *at_infinity("acosh", neg(cx_, b));
        return add(cx_, r, constant(cx_, p.mul(p.constant(Constant::I), p.constant(Constant::Pi))));
      }
      throw SeriesError("series: acosh of an argument that tends to -oo (its branch cut)");
    }
    const PSeries A = s > 0 ? b : neg(cx_, b);
    const PSeries r2 = inv(cx_, mul(cx_, A, A));
    const PSeries one = constant(cx_, p.integer(1));
    const PSeries root = pow_const(cx_, add(cx_, one, name == "asinh" ? r2 : neg(cx_, r2)), half());
    const PSeries r = add(cx_, series_detail::log(cx_, A), series_detail::log(cx_, add(cx_, one, root)));
    return s > 0 ? r : neg(cx_, r);
  }

  // asin, acos, atanh of a real argument A tending to +-oo: A runs along the branch cut, where the
  // values are the principal ones (as evaluated, counter-clockwise continuity): for A > 1
  // asin(A) = pi/2 - i acosh(A), acos(A) = i acosh(A), atanh(A) = atanh(1/A) - i pi/2; for A < -1
  // asin(A) = -pi/2 + i acosh(-A), acos(A) = pi - i acosh(-A), atanh(A) = atanh(1/A) + i pi/2.
  std::optional<PSeries> real_cut_at_infinity(std::string_view name, const PSeries& a) {
    auto& p = cx_.pool;
    PSeries b = a;
    strip(cx_, b);
    if (b.c.empty() || b.val >= 0 || cx_.coeff_zero(b.c[0])) return std::nullopt;
    if (!all_real(cx_, b)) return std::nullopt;
    const int s = leading_sign(b, std::string(name).c_str());
    const ExprId i = p.constant(Constant::I), pi = p.constant(Constant::Pi);
    if (name == "atanh") {
      const PSeries r = inv(cx_, b);
      const PSeries at = by_integral(Op::Atanh, r, inv(cx_, one_plus_sq(r, 1, -1)), "atanh");
      return add(cx_, at, constant(cx_, p.mul(std::vector<ExprId>{p.number(Number::rational(-s, 2)), i, pi})));
    }
    const PSeries ach = *at_infinity("acosh", s > 0 ? b : neg(cx_, b));
    const PSeries iach = scale(cx_, ach, i);
    if (name == "asin") {
      const PSeries r = add(cx_, constant(cx_, p.mul(half(), pi)), neg(cx_, iach));
      return s > 0 ? r : neg(cx_, r);
    }
    return s > 0 ? iach : add(cx_, constant(cx_, pi), neg(cx_, iach));
  }

  // log(B + sqrt(B**2 - 1)) = acosh(B) for a real B -> 1 from above.
  PSeries acosh_near_one(const PSeries& b) {
    const PSeries one = constant(cx_, cx_.one());
    const PSeries root = pow_const(cx_, add(cx_, mul(cx_, b, b), neg(cx_, one)), half());
    return series_detail::log(cx_, add(cx_, b, root));
  }

  // asin, acos, acosh, atanh, acoth of a real argument A tending to a branch point c0 = +-1 (the
  // integral of f' is not real there from the side of the cut): the principal values along the
  // real line, as evaluated: for A > 1 acos(A) = i acosh(A), asin(A) = pi/2 - i acosh(A), for
  // A < -1 acos(A) = pi - i acosh(-A), asin(A) = -pi/2 + i acosh(-A), acosh(A) = acosh(-A) + i pi,
  // for -1 < A < 1 acosh(A) = i acos(A) (acosh(A) = log(A + sqrt(A**2 - 1)) for A > 1);
  // atanh(A) = (log(1 + A) - log(1 - A))/2 and acoth(A) = atanh(1/A) on either side (principal
  // logs, whose cuts are atanh's). nullopt when A is not real or does not tend to +-1 (or is +-1).
  std::optional<PSeries> real_branch_point(std::string_view name, const PSeries& a) {
    auto& p = cx_.pool;
    if (!cx_.arg_real || !all_real(cx_, a)) return std::nullopt;
    PSeries b = a;
    strip(cx_, b);
    if (b.c.empty() || b.val < 0) return std::nullopt;
    const ExprId c0 = constant_term(cx_, b, std::string(name).c_str());
    const Node& cn = p.node(c0);
    if (!(cn.kind == Kind::Number && cn.number.is_integer() && (cn.number.integer() == 1 || cn.number.integer() == -1)))
      return std::nullopt;
    const int pm = cn.number.integer() == 1 ? 1 : -1;
    PSeries h = without_constant(cx_, b);
    strip(cx_, h);
    if (h.c.empty()) return std::nullopt;
    const PSeries one = constant(cx_, cx_.one());
    if (name == "atanh" || name == "acoth") {
      const PSeries z = name == "atanh" ? b : inv(cx_, b);
      return scale(cx_, add(cx_, series_detail::log(cx_, add(cx_, one, z)),
                            neg(cx_, series_detail::log(cx_, add(cx_, one, neg(cx_, z))))), half());
    }
    const int side = leading_sign(h, std::string(name).c_str());  // the sign of A - c0
    const bool outside = side == pm;
    const ExprId i = p.constant(Constant::I), pi = p.constant(Constant::Pi);
    if (!outside) {
      if (name != "acosh") return std::nullopt;  // real on (-1, 1): by_integral
      return scale(cx_, by_integral(Op::Acos, b, neg(cx_, pow_const(cx_, one_plus_sq(b, 1, -1), minus_half())), "acos"), i);
    }
    const PSeries ach = acosh_near_one(pm > 0 ? b : neg(cx_, b));
    if (name == "acosh") return pm > 0 ? ach : add(cx_, ach, constant(cx_, p.mul(i, pi)));
    const PSeries iach = scale(cx_, ach, i);
    if (name == "acos") return pm > 0 ? iach : add(cx_, constant(cx_, pi), neg(cx_, iach));
    const PSeries r = add(cx_, constant(cx_, p.mul(half(), pi)), neg(cx_, iach));  // asin
    return pm > 0 ? r : neg(cx_, r);
  }

  // Ei(A) for a real A -> 0 (either side): EulerGamma + log|A| + sum_{k>=1} A**k/(k k!) (Ei is
  // real on the real line off 0, as evaluated: Ei(-1) = -0.2193...). nullopt when A does not tend
  // to 0.
  // The complete elliptic integrals at modulus m -> 0 (DLMF 19.5.1, 19.5.2; convergent for |m| < 1,
  // no branch point near 0):
  //   K(m) = pi/2 sum_n c_n m**n,  E(m) = pi/2 sum_n c_n m**n/(1 - 2n),  c_n = ((2n)!/(4**n n!**2))**2.
  // nullopt when m does not tend to 0 (the derivatives then expand a regular point).
  std::optional<PSeries> elliptic_at_zero(bool second_kind, const PSeries& a) {
    auto& p = cx_.pool;
    PSeries b = a;
    strip(cx_, b);
    const ExprId half_pi = p.mul(half(), p.constant(Constant::Pi));
    if (b.c.empty() && !b.exact()) throw NeedMoreTerms{1};  // O(t**prec): more terms decide
    if (b.c.empty()) return constant(cx_, half_pi);           // K(0) = E(0) = pi/2
    if (b.val <= 0) return std::nullopt;
    const long nt = terms_for(b);
    std::vector<ExprId> c(static_cast<std::size_t>(nt), cx_.zero());
    mpq_class r = 1;  // (2n)!/(4**n n!**2) = prod_{k=1..n} (2k - 1)/(2k)
    for (long k = 0; k < nt; ++k) {
      if (k > 0) r *= mpq_class(2 * k - 1, 2 * k);
      mpq_class ck = r * r;
      if (second_kind) ck /= mpq_class(1 - 2 * k);
      ck.canonicalize();
      c[static_cast<std::size_t>(k)] = p.number(Number::rational(ck.get_num(), ck.get_den()));
    }
    return scale(cx_, compose(cx_, c, b), half_pi);
  }

  std::optional<PSeries> ei_at_zero(const PSeries& a) {
    auto& p = cx_.pool;
    PSeries b = a;
    strip(cx_, b);
    if (b.c.empty() && !b.exact()) throw NeedMoreTerms{1};  // O(t**prec): more terms decide
    if (b.c.empty() || b.val <= 0) return std::nullopt;
    if (!cx_.arg_real || !all_real(cx_, b)) return std::nullopt;
    const int s = leading_sign(b, "Ei");
    const long nt = terms_for(b);
    std::vector<ExprId> c(static_cast<std::size_t>(nt), cx_.zero());
    mpz_class fact = 1;
    for (long k = 1; k < nt; ++k) {
      fact *= k;
      mpz_class d = fact * k;
      c[static_cast<std::size_t>(k)] = p.number(Number::rational(mpz_class(1), d));
    }
    PSeries r = series_detail::log(cx_, s > 0 ? b : neg(cx_, b));
    r = add(cx_, r, constant(cx_, p.constant(Constant::EulerGamma)));
    return add(cx_, r, compose(cx_, c, b));
  }

  // sum_{k>=0} coef(k) * z**(k0 + step*k) for z of positive valuation: every term below the working
  // precision, and the error term O(u**cap) after them (the series are asymptotic: the error is of
  // the order of the first term left out, whose valuation is at least the cap), never exact.
  template <class F>
  PSeries asymptotic_sum(const PSeries& z, long k0, long step, F&& coef) {
    PSeries zp = pow_int(cx_, z, k0);
    const PSeries zs = pow_int(cx_, z, step);
    PSeries r = constant(cx_, cx_.zero());
    for (long k = 0;; ++k) {
      PSeries t = zp;
      strip(cx_, t);
      if (t.c.empty() || t.val >= cx_.cap(t.den)) break;
      if (k > 4000) throw SeriesError("series: asymptotic expansion needs too many terms");
      r = add(cx_, r, scale(cx_, zp, cx_.norm(coef(k))));
      zp = mul(cx_, zp, zs);
    }
    r.prec = std::min(r.prec, cx_.cap(r.den));
    truncate(cx_, r);
    return r;
  }

  // The auxiliary functions of Gruntz's rewrite at infinity (asymptotic.hpp): their asymptotic
  // expansions where the argument tends to infinity, and (erfcx, erfix, eix) their Taylor
  // expansions at a finite point of the argument's expansion (a function of slower terms) through
  // the linear differential equation aux' = alpha(y) aux + beta(y) each one satisfies.
  PSeries auxiliary(ExprId id) {
    auto& p = cx_.pool;
    const Node n = p.node(id);
    const Aux kind = aux_kind(p, id);
    const std::string name(aux_name(kind));
    const bool bessel = kind == Aux::BesselIx || kind == Aux::BesselKx || kind == Aux::BesselP || kind == Aux::BesselQ;
    const bool two_args = bessel || kind == Aux::LowerGammax;
    if (n.args.size() != (two_args ? 2u : 1u)) throw SeriesError("series: unexpected node");
    ExprId nu = 0;
    if (two_args) {
      if (!is_const(n.args[0])) throw SeriesError("series: " + name + " with an order depending on the variable");
      nu = n.args[0];
    }
    const PSeries a = get(n.args.back());
    PSeries b = a;
    strip(cx_, b);
    if (b.c.empty() && !b.exact()) throw NeedMoreTerms{1};
    if (b.c.empty() || b.val >= 0 || cx_.coeff_zero(b.c[0])) return auxiliary_taylor(kind, a);
    const int s = leading_sign(b, name.c_str());
    if (s < 0 && kind != Aux::Erfix && kind != Aux::Eix)
      throw SeriesError("series: " + name + " of an argument that tends to -oo");
    const PSeries z = inv(cx_, b);
    const ExprId pi = p.constant(Constant::Pi);
    auto q = [&](const mpz_class& num, const mpz_class& den) {
      mpq_class v(num, den);
      v.canonicalize();
      return p.number(Number(v));
    };
    auto dfact = [](long n) {  // n!! (1 for n <= 0)
      mpz_class f = 1;
      for (long i = n; i > 1; i -= 2) f *= i;
      return f;
    };
    auto fact = [](long n) {
      mpz_class f;
      mpz_fac_ui(f.get_mpz_t(), static_cast<unsigned long>(n));
      return f;
    };
    auto pow2 = [](long n) {
      mpz_class f;
      mpz_ui_pow_ui(f.get_mpz_t(), 2, static_cast<unsigned long>(n));
      return f;
    };
    const ExprId rsqpi = p.pow(pi, minus_half());
    switch (kind) {
      case Aux::Erfcx:  // (1/sqrt(pi)) sum (-1)^n (2n-1)!!/2^n z^(2n+1)
      case Aux::Erfix: {
        const bool alt = kind == Aux::Erfcx;
        return asymptotic_sum(z, 1, 2, [&](long k) {
          const mpz_class c = alt && k % 2 == 1 ? mpz_class(-dfact(2 * k - 1)) : dfact(2 * k - 1);
          return p.mul(q(c, pow2(k)), rsqpi);
        });
      }
      case Aux::Eix:  // sum n! z^(n+1)
        return asymptotic_sum(z, 1, 1, [&](long k) { return p.number(Number(fact(k))); });
      case Aux::BesselIx:
      case Aux::BesselKx:
      case Aux::BesselP:
      case Aux::BesselQ: {
        // a_k(nu) = prod_{j=1..k} (4 nu^2 - (2j-1)^2) / (k! 8^k), built incrementally
        const ExprId four_nu2 = cx_.norm(p.mul(p.integer(4), p.pow(nu, p.integer(2))));
        std::vector<ExprId> ak{p.integer(1)};
        auto a_k = [&](long k) {
          while (static_cast<long>(ak.size()) <= k) {
            const long j = static_cast<long>(ak.size());
            const ExprId f = p.mul(p.sub(four_nu2, p.integer((2 * j - 1) * (2 * j - 1))), p.number(Number::rational(1, 8 * j)));
            ak.push_back(cx_.norm(p.mul(ak.back(), f)));
          }
          return ak[static_cast<std::size_t>(k)];
        };
        if (kind == Aux::BesselIx)
          return asymptotic_sum(z, 0, 1, [&](long k) { return k % 2 == 1 ? p.neg(a_k(k)) : a_k(k); });
        if (kind == Aux::BesselKx) return asymptotic_sum(z, 0, 1, [&](long k) { return a_k(k); });
        if (kind == Aux::BesselP)
          return asymptotic_sum(z, 0, 2, [&](long k) { return k % 2 == 1 ? p.neg(a_k(2 * k)) : a_k(2 * k); });
        return asymptotic_sum(z, 1, 2, [&](long k) { return k % 2 == 1 ? p.neg(a_k(2 * k + 1)) : a_k(2 * k + 1); });
      }
      case Aux::FresnelF:
      case Aux::FresnelG: {
        // f = sum (-1)^m (4m-1)!! pi^(-2m-1) z^(4m+1), g = sum (-1)^m (4m+1)!! pi^(-2m-2) z^(4m+3)
        const bool f = kind == Aux::FresnelF;
        return asymptotic_sum(z, f ? 1 : 3, 4, [&](long m) {
          const mpz_class d = dfact(f ? 4 * m - 1 : 4 * m + 1);
          return p.mul(p.number(Number(m % 2 == 1 ? mpz_class(-d) : d)),
                       p.pow(pi, p.integer(f ? -2 * m - 1 : -2 * m - 2)));
        });
      }
      case Aux::LowerGammax: {
        // sum_n c_n(z) / y**n, c_n(z) = sum_{k<=n} (-1)**(n-k) S(n, k) z**k: the coefficient of 1/y**n in
        // sum_k z**k/((y+1)...(y+k)), since 1/prod_{j<=k} (1 + j/y) = sum_m (-1)**m S(k + m, k)/y**m
        std::vector<mpz_class> row{1};  // S(n, 0..n), n = 0
        long at = 0;
        return asymptotic_sum(z, 0, 1, [&](long m) {
          while (at < m) {
            ++at;
            std::vector<mpz_class> next(static_cast<std::size_t>(at + 1), 0);
            for (long k = 1; k <= at; ++k)
              next[static_cast<std::size_t>(k)] = k * (k < at ? row[static_cast<std::size_t>(k)] : mpz_class(0)) +
                                                  row[static_cast<std::size_t>(k - 1)];
            row = std::move(next);
          }
          std::vector<ExprId> terms;
          for (long k = 0; k <= m; ++k) {
            const mpz_class& st = row[static_cast<std::size_t>(k)];
            if (st == 0) continue;
            terms.push_back(p.mul(p.number(Number((m - k) % 2 == 0 ? mpz_class(st) : mpz_class(-st))), p.pow(nu, p.integer(k))));
          }
          return cx_.norm(p.add(terms));
        });
      }
      default:
        throw SeriesError("series: unexpected node");
    }
  }

  // aux(c0 + h) = sum_k aux^(k)(c0) h^k / k!, with aux^(k) = P_k aux + Q_k (P_0 = 1, Q_0 = 0;
  // P_{k+1} = P_k' + alpha P_k, Q_{k+1} = Q_k' + beta P_k).
  PSeries auxiliary_taylor(Aux kind, const PSeries& a) {
    auto& p = cx_.pool;
    const std::string name(aux_name(kind));
    if (kind != Aux::Erfcx && kind != Aux::Erfix && kind != Aux::Eix)
      throw SeriesError("series: " + name + " at a finite point; not expanded");
    const ExprId c0 = constant_term(cx_, a, name.c_str());
    const ExprId y = p.symbol("series_y_");
    const ExprId two_rsqpi = p.mul(p.integer(2), p.pow(p.constant(Constant::Pi), minus_half()));
    ExprId alpha, beta;
    if (kind == Aux::Erfcx) {
      alpha = p.mul(p.integer(2), y);
      beta = p.neg(two_rsqpi);
    } else if (kind == Aux::Erfix) {
      alpha = p.mul(p.integer(-2), y);
      beta = two_rsqpi;
    } else {
      alpha = p.integer(-1);
      beta = p.pow(y, p.integer(-1));
    }
    const ExprId f0 = apply_function(p, name, std::vector<ExprId>{c0});
    PSeries h = without_constant(cx_, a);
    const long nt = h.c.empty() ? 1 : terms_for(h);
    if (nt > 60) throw SeriesError("series: " + name + " is expanded by derivatives, at most 60 terms");
    std::vector<ExprId> coef(static_cast<std::size_t>(nt));
    ExprId P = p.integer(1), Q = p.integer(0);
    mpz_class fct = 1;
    for (long k = 0; k < nt; ++k) {
      if (k > 0) {
        fct *= k;
        const ExprId P1 = cx_.norm(p.add(diff(p, P, y), p.mul(alpha, P)));
        const ExprId Q1 = cx_.norm(p.add(diff(p, Q, y), p.mul(beta, P)));
        P = P1;
        Q = Q1;
      }
      cx_.step(8);
      ExprId v;
      try {
        v = cx_.norm(p.add(p.mul(subs(p, P, {{y, c0}}), f0), subs(p, Q, {{y, c0}})));
      } catch (const DivisionByZero&) {
        throw SeriesError("series: " + name + " is not analytic at the point");
      }
      if (not_finite(p, v)) throw SeriesError("series: " + name + " is not analytic at the point");
      coef[static_cast<std::size_t>(k)] = cx_.norm(p.mul(p.number(Number::rational(1, fct)), v));
    }
    PSeries r = compose(cx_, coef, h);
    if (h.c.empty()) r.prec = a.prec;
    return r;
  }

  // The principal branch W = LambertW(A, 0): at A -> 0, W = sum_{n>=1} (-n)**(n-1)/n! A**n; at
  // another point c0 Taylor's series from the derivatives (W' = W/(z (1 + W))), where c0 is not on
  // the branch cut (-oo, -1/e] (a parameter is taken generic, as everywhere in the series module).
  PSeries lambertw(const PSeries& a) {
    auto& p = cx_.pool;
    const ExprId c0 = constant_term(cx_, a, "LambertW");
    PSeries h = without_constant(cx_, a);
    const long nt = h.c.empty() ? 1 : terms_for(h);
    std::vector<ExprId> c(static_cast<std::size_t>(nt), cx_.zero());
    const Node& cn = p.node(c0);
    if (cn.kind == Kind::Number && cn.number.is_zero()) {
      if (nt > 400) throw SeriesError("series: LambertW expansion needs too many terms");
      mpz_class fct = 1;
      for (long k = 1; k < nt; ++k) {
        fct *= k;
        mpz_class num;
        mpz_ui_pow_ui(num.get_mpz_t(), static_cast<unsigned long>(k), static_cast<unsigned long>(k - 1));
        if ((k - 1) % 2 == 1) num = -num;
        c[static_cast<std::size_t>(k)] = p.number(Number::rational(num, fct));
      }
    } else {
      if (nt > 60) throw SeriesError("series: LambertW is expanded by derivatives, at most 60 terms");
      // off the cut: non-real, or real above -1/e (certified)
      if (free_symbols(p, c0).empty() && !p.node(c0).facts.within(Facts::NonReal)) {
        bool ok = false;
        try {
          const Evalf v = evalf(p, p.add(c0, p.func(Op::Exp, p.integer(-1))), 15);
          ok = !v.real || (v.re_double > 0 && std::abs(v.re_double) > std::stod(v.re_radius));
        } catch (const std::exception&) {
        }
        if (!ok) throw SeriesError("series: LambertW at a point on or near its branch cut; not expanded");
      }
      const ExprId y = p.symbol("series_y_");
      ExprId d = p.func(Op::LambertW, std::vector<ExprId>{y, p.integer(0)});
      mpz_class fct = 1;
      for (long k = 0; k < nt; ++k) {
        if (k > 0) {
          fct *= k;
          d = diff(p, d, y);
        }
        cx_.step(8);
        ExprId v;
        try {
          v = cx_.norm(subs(p, d, {{y, c0}}));
        } catch (const DivisionByZero&) {
          throw SeriesError("series: LambertW is not analytic at the point");
        }
        if (not_finite(p, v)) throw SeriesError("series: LambertW is not analytic at the point");
        c[static_cast<std::size_t>(k)] = cx_.norm(p.mul(p.number(Number::rational(1, fct)), v));
      }
    }
    PSeries r = compose(cx_, c, h);
    if (h.c.empty()) r.prec = a.prec;
    return r;
  }

  // besselj(v, A) and besseli(v, A) for A -> 0 and a rational order v (not a negative integer:
  // J_-n = (-1)**n J_n, I_-n = I_n first): (A/2)**v sum_k (-+A**2/4)**k / (k! gamma(v + k + 1)),
  // the power on its principal branch (pow_const). nullopt when A does not tend to 0.
  std::optional<PSeries> bessel_at_zero(bool j, ExprId order, const PSeries& a) {
    auto& p = cx_.pool;
    PSeries b = a;
    strip(cx_, b);
    if (b.c.empty() && !b.exact()) throw NeedMoreTerms{1};
    if (b.c.empty() || b.val <= 0) return std::nullopt;
    const Node& on = p.node(order);
    if (on.kind != Kind::Number || !on.number.is_exact()) return std::nullopt;
    mpq_class v = on.number.to_mpq();
    bool negate = false;
    if (v < 0 && v.get_den() == 1) {
      v = -v;
      negate = j && v.get_num() % 2 != 0;
    }
    const ExprId vq = p.number(Number(v));
    const PSeries half_a = scale(cx_, b, half());
    const PSeries h = scale(cx_, mul(cx_, half_a, half_a), p.integer(j ? -1 : 1));
    const long nt = terms_for(h);
    if (nt > 2000) throw SeriesError("series: Bessel expansion needs too many terms");
    std::vector<ExprId> c(static_cast<std::size_t>(nt));
    mpz_class fct = 1;
    for (long k = 0; k < nt; ++k) {
      if (k > 0) fct *= k;
      const ExprId g = p.func(Op::Gamma, p.add(vq, p.integer(k + 1)));
      c[static_cast<std::size_t>(k)] = cx_.norm(p.div(p.number(Number::rational(1, fct)), g));
    }
    PSeries r = mul(cx_, pow_const(cx_, half_a, vq), compose(cx_, c, h));
    return negate ? neg(cx_, r) : r;
  }

  PSeries function_atan(const PSeries& a) {
    PSeries df = inv(cx_, one_plus_sq(a, 1, 1));
    return by_integral(Op::Atan, a, df, "atan");
  }
};

// A symbol named like `base` that occurs nowhere in `expr`.
ExprId fresh_symbol(ExprPool& pool, ExprId expr, const std::string& base, Facts facts) {
  const std::vector<ExprId> fs = free_symbols(pool, expr);
  for (int i = 0;; ++i) {
    const std::string name = i == 0 ? base : base + std::to_string(i);
    bool used = false;
    for (ExprId s : fs)
      if (pool.node(s).name == name) used = true;
    if (!used) return pool.symbol(name, facts);
  }
}

// Pseudo-random parameter values that respect a symbol's assumptions.
ExprId sample_value(ExprPool& pool, ExprId sym, int i, int point) {
  const Facts& f = pool.node(sym).facts;
  const bool integer = f.integer == Facts::MayInt;
  const bool neg = f.within(Facts::Neg | Facts::NInf);
  const bool nonneg = f.within(Facts::Pos | Facts::Zero | Facts::PInf);
  long num = 7 + 13 * i + 29 * point, den = 5 + 2 * point + (i % 3);
  if (integer) {
    num = 2 + i + 3 * point;
    den = 1;
  }
  if (!neg && !nonneg && (i + point) % 2 == 1) num = -num;
  if (neg) num = -num;
  return pool.number(Number::rational(num, den));
}

}  // namespace

namespace series_detail {

ExprId aux_definitions(ExprPool& p, ExprId e) {
  std::unordered_map<ExprId, ExprId> repl;
  std::vector<ExprId> found;
  any_node(p, e, [&](ExprId id, const Node&) {
    if (aux_kind(p, id) != Aux::None) found.push_back(id);
    return false;
  });
  for (ExprId id : found) {
    const std::vector<ExprId> args = p.node(id).args;
    const Aux a = aux_kind(p, id);
    const ExprId y = args.back(), nu = args.front();
    const ExprId pi = p.constant(Constant::Pi), half = p.number(Number::rational(1, 2));
    auto ex = [&](ExprId v) { return p.func(Op::Exp, v); };
    const ExprId y2 = p.pow(y, p.integer(2));
    const ExprId c = p.sub(y, p.mul(p.add(p.mul(nu, half), p.number(Number::rational(1, 4))), pi));
    const ExprId ph = p.mul(std::vector<ExprId>{pi, y2, half});
    auto two = [&](Op op) { return p.func(op, std::vector<ExprId>{nu, y}); };
    ExprId d = id;
    switch (a) {
      case Aux::Erfcx: d = p.mul(p.func(Op::Erfc, y), ex(y2)); break;
      case Aux::Erfix: d = p.mul(p.func(Op::Erfi, y), ex(p.neg(y2))); break;
      case Aux::Eix: d = p.mul(p.func(Op::Ei, y), ex(p.neg(y))); break;
      case Aux::BesselIx:
        d = p.mul(std::vector<ExprId>{two(Op::BesselI), ex(p.neg(y)), p.pow(p.mul(std::vector<ExprId>{p.integer(2), pi, y}), half)});
        break;
      case Aux::BesselKx:
        d = p.mul(std::vector<ExprId>{two(Op::BesselK), ex(y), p.pow(p.div(p.mul(p.integer(2), y), pi), half)});
        break;
      case Aux::BesselP:
      case Aux::BesselQ: {
        const ExprId J = two(Op::BesselJ), Y = two(Op::BesselY), cs = p.func(Op::Cos, c), sn = p.func(Op::Sin, c);
        const ExprId amp = p.pow(p.mul(std::vector<ExprId>{pi, y, half}), half);
        d = p.mul(amp, a == Aux::BesselP ? p.add(p.mul(J, cs), p.mul(Y, sn)) : p.sub(p.mul(Y, cs), p.mul(J, sn)));
        break;
      }
      case Aux::FresnelF:
      case Aux::FresnelG: {
        const ExprId s1 = p.sub(half, p.func(Op::FresnelS, y)), c1 = p.sub(p.func(Op::FresnelC, y), half);
        const ExprId cs = p.func(Op::Cos, ph), sn = p.func(Op::Sin, ph);
        d = a == Aux::FresnelF ? p.add(p.mul(s1, cs), p.mul(c1, sn)) : p.sub(p.mul(s1, sn), p.mul(c1, cs));
        break;
      }
      case Aux::LowerGammax:
        d = p.mul(std::vector<ExprId>{p.func(Op::LowerGamma, std::vector<ExprId>{y, nu}), y, ex(nu), p.pow(nu, p.neg(y))});
        break;
      default: break;
    }
    repl[id] = d;
  }
  return repl.empty() ? e : subs(p, e, repl);
}

}  // namespace series_detail

bool series_coeff_is_zero(ExprPool& pool, ExprId c0) {
  // the auxiliary functions of Gruntz's rewrite evaluate through their definitions
  const ExprId c = series_detail::aux_definitions(pool, c0);
  const Node& n = pool.node(c);
  if (n.kind == Kind::Number) return n.number.is_zero();
  if (is_zero(n.facts) == true) return true;
  if (!n.facts.may(Facts::Zero)) return false;
  std::vector<ExprId> fs = free_symbols(pool, c);
  ExprId simplified = c;
  try {
    simplified = cancel(pool, c);
  } catch (const std::exception&) {
  }
  if (pool.node(simplified).kind == Kind::Number && pool.node(simplified).number.is_zero()) return true;
  // The simplifier's normal form (trigonometric identities, radicals of parameters with signs):
  // an exact proof of zero when it comes out 0; tried only when the quick tests do not decide.
  auto simplifies_to_zero = [&]() {
    try {
      const Node& sn = pool.node(simplify(pool, c));
      return sn.kind == Kind::Number && sn.number.is_zero();
    } catch (const std::exception&) {
      return false;
    }
  };
  if (fs.empty()) {
    if (auto z = alkahest::is_zero(pool, c)) return *z;
    if (simplifies_to_zero()) return true;
    throw SeriesError("series: cannot decide whether the coefficient " + Expr(pool, c).str() + " is zero");
  }
  // sqrt(q**2) of a parameter polynomial q of known sign is |q| = +-q (a - sqrt(a**2 + 2*a + 1) + 1
  // for a > 0, from x*(a + 1) - sqrt(x**2*(a + 1)**2 + ...) at oo): an exact zero after that
  auto square_roots_to_zero = [&]() {
    std::vector<ExprId> roots;  // collected first: factor() below adds nodes to the pool
    const Number half = Number::rational(1, 2), two(2L);
    any_node(pool, c, [&](ExprId id, const Node& m) {
      if (m.kind == Kind::Pow && pool.node(m.args[1]).kind == Kind::Number &&
          pool.node(m.args[1]).number.is_exact() && Number::compare(pool.node(m.args[1]).number, half) == 0)
        roots.push_back(id);
      return false;
    });
    std::unordered_map<ExprId, ExprId> repl;
    for (ExprId id : roots) {
      try {
        const ExprId f = factor(pool, pool.node(id).args[0]);
        if (pool.node(f).kind != Kind::Pow) continue;
        const ExprId q = pool.node(f).args[0], k = pool.node(f).args[1];
        if (!(pool.node(k).kind == Kind::Number && pool.node(k).number.is_integer() &&
              Number::compare(pool.node(k).number, two) == 0))
          continue;
        if (is_positive(pool.node(q).facts) == true) repl[id] = q;
        else if (is_negative(pool.node(q).facts) == true) repl[id] = pool.neg(q);
      } catch (const std::exception&) {
      }
    }
    if (repl.empty()) return false;
    try {
      const Node& zn = pool.node(cancel(pool, subs(pool, c, repl)));
      return zn.kind == Kind::Number && zn.number.is_zero();
    } catch (const std::exception&) {
      return false;
    }
  };
  if (square_roots_to_zero()) return true;
  for (int point = 0; point < 4; ++point) {
    std::unordered_map<ExprId, ExprId> values;
    for (std::size_t i = 0; i < fs.size(); ++i) values[fs[i]] = sample_value(pool, fs[i], static_cast<int>(i), point);
    try {
      const ExprId v = subs(pool, simplified, values);
      if (auto z = alkahest::is_zero(pool, v); z && !*z) return false;  // nonzero for generic values
    } catch (const std::exception&) {
    }
  }
  if (simplifies_to_zero()) return true;
  throw SeriesError("series: cannot decide whether the coefficient " + Expr(pool, c).str() + " is zero");
}

namespace {

struct Setup {
  PSeries xs;      // x as a series in t
  ExprId local;    // what t stands for
  ExprId log_local;  // log(t) as an expression in x
};

Setup setup(ExprPool& pool, ExprId x, ExprId x0, int dir) {
  Setup s;
  const ExprId one = pool.integer(1);
  if (pool.is_constant(x0, Constant::Infinity) || pool.is_constant(x0, Constant::NegativeInfinity)) {
    const bool pos = pool.is_constant(x0, Constant::Infinity);
    s.xs.val = -1;
    s.xs.c = {pool.integer(pos ? 1 : -1)};
    s.local = pos ? pool.pow(x, pool.integer(-1)) : pool.neg(pool.pow(x, pool.integer(-1)));
    s.log_local = pos ? pool.neg(pool.func(Op::Log, x)) : pool.neg(pool.func(Op::Log, pool.neg(x)));
    return s;
  }
  const bool zero = pool.node(x0).kind == Kind::Number && pool.node(x0).number.is_zero();
  if (zero) {
    s.xs.val = 1;
    s.xs.c = {pool.integer(dir)};
  } else {
    s.xs.val = 0;
    s.xs.c = {x0, pool.integer(dir)};
  }
  s.local = dir > 0 ? (zero && pool.node(x0).number.is_exact() ? x : pool.sub(x, x0)) : pool.sub(x0, x);
  s.log_local = 0;  // log(local), built when a coefficient needs it (series_terms)
  (void)one;
  return s;
}

// The series of expr with x bound to xs, to absolute order n in t (retrying with more working
// terms when cancellation used some up).
PSeries expand_to(ExprPool& pool, ExprId expr, ExprId x, const PSeries& xs, long n, ExprId log_t, bool& reached) {
  long work = std::max(n, 1L);
  const long max_work = n + 2 * std::max(n, 8L) + 16;
  PSeries best;
  bool have = false;
  long steps = 0;
  for (int attempt = 0; attempt < 10; ++attempt) {
    Ctx cx(pool, work, log_t);
    cx.steps = steps;
    try {
      Expander ex(cx, {{x, xs}});
      PSeries s = ex.run(expr);
      steps = cx.steps;
      best = s;
      have = true;
      const bool ok = s.exact() || s.prec >= n * s.den;
      if (ok) {
        reached = true;
        return s;
      }
      const long shortfall = n - s.prec / s.den;
      work += std::max(shortfall, 1L) + attempt;
    } catch (const NeedMoreTerms& m) {
      steps = cx.steps;
      work += std::max(m.more, 1L) + 1 + attempt * 2;
    }
    if (work > max_work) break;
  }
  reached = false;
  if (!have)
    throw SeriesError("series: the expansion needs more terms than the limit allows (the expression may be 0 "
                      "to every order computed)");
  return best;
}


// series() with the terms list only when with_terms; where the sum is built directly (x0 = 0,
// dir +, rational coefficients) and direct_args is given, its terms go there in canonical order
// and out.sum stays 0 (series_whole adds the order term before interning the sum once).
Series series_terms(ExprPool& pool, ExprId expr, ExprId x, ExprId x0, long n, int dir, bool with_terms,
                    std::vector<ExprId>* direct_args) {
  if (pool.node(x).kind != Kind::Symbol) throw InvalidArgument("series: the variable must be a symbol");
  if (n < 0) throw InvalidArgument("series: the order n must be >= 0");
  if (n > SeriesLimits::max_order)
    throw SeriesError("series: order " + std::to_string(n) + " is above the limit of " +
                      std::to_string(SeriesLimits::max_order) + " terms");
  if (dir != 1 && dir != -1) throw InvalidArgument("series: dir must be '+' or '-'");
  {
    const Node& pn = pool.node(x0);
    if (pn.kind != Kind::Number && pn.kind != Kind::Constant) {
      const std::vector<ExprId> fs = free_symbols(pool, x0);
      if (std::find(fs.begin(), fs.end(), x) != fs.end())
        throw InvalidArgument("series: the point x0 must not contain the variable");
    }
    if (pn.kind == Kind::Constant &&
        (pn.constant == Constant::ComplexInfinity || pn.constant == Constant::NaN))
      throw InvalidArgument("series: the point must be finite, oo or -oo");
  }
  const ExprId log_t = fresh_symbol(pool, expr, "series_log_t_", Facts::real());
  Setup st = setup(pool, x, x0, dir);
  bool reached = false;
  PSeries s = expand_to(pool, expr, x, st.xs, n, log_t, reached);

  Series out;
  out.local = st.local;
  std::unordered_map<ExprId, ExprId> back;  // log_t -> log(local), made when first needed
  const auto log_back = [&]() -> const std::unordered_map<ExprId, ExprId>& {
    if (back.empty()) back.emplace(log_t, st.log_local != 0 ? st.log_local : pool.func(Op::Log, st.local));
    return back;
  };
  std::vector<ExprId> parts;
  parts.reserve(s.c.size());
  const mpq_class nq(n);
  bool truncated = !s.exact();
  // Where t is x itself (x0 = 0, dir +) a term with a rational coefficient c is the node c*x**e as
  // mul() would build it (c first, then the power); the terms come in increasing exponent, which is
  // the canonical order of a sum after its constant (checked below), so the sum is interned at once
  // instead of going through add()'s collection and sorting: most of the time of a long series.
  const bool plain_local = pool.node(st.local).kind == Kind::Symbol;
  bool direct = plain_local;
  ExprId constant_term = 0;
  bool has_constant = false;
  if (with_terms) out.terms.reserve(s.c.size());
  for (std::size_t i = 0; i < s.c.size(); ++i) {
    const Node& cn = pool.node(s.c[i]);
    if (cn.kind == Kind::Number && cn.number.is_zero()) continue;
    const long num = s.val + static_cast<long>(i);
    if ((s.den == 1 ? num >= n : mpq_class(num, s.den) >= nq) || (!s.exact() && num >= s.prec)) {
      truncated = true;
      continue;
    }
    const bool rational_c = cn.kind == Kind::Number && cn.number.is_exact();
    const ExprId c = cn.kind == Kind::Number ? s.c[i] : subs(pool, s.c[i], log_back());
    ExprId eid;
    if (s.den == 1) {
      if (with_terms) out.terms.push_back({mpq_class(num), c});
      eid = pool.integer(num);
    } else {
      mpq_class e(num, s.den);
      e.canonicalize();
      eid = pool.number(Number::from_lowest_terms(e));
      if (with_terms) out.terms.push_back({std::move(e), c});
    }
    const bool integer_exponent = num % s.den == 0;
    if (plain_local && rational_c) {
      if (num == 0) {
        constant_term = c;
        has_constant = true;
        continue;
      }
      const ExprId power = pool.pow(st.local, eid);
      if (pool.node(c).number.is_one()) {
        parts.push_back(power);
      } else {
        Node m(Kind::Mul);
        m.args = {c, power};
        parts.push_back(pool.intern(std::move(m)));
      }
      continue;
    }
    direct = false;
    ExprId power;
    if (dir < 0 && integer_exponent && !pool.is_constant(x0, Constant::Infinity) &&
        !pool.is_constant(x0, Constant::NegativeInfinity)) {
      // (x0 - x)**k = (-1)**k (x - x0)**k
      power = pool.pow(pool.sub(x, x0), eid);
      if ((num / s.den) % 2 != 0) power = pool.neg(power);
    } else {
      power = pool.pow(st.local, eid);
    }
    parts.push_back(pool.mul(c, power));
  }
  if (truncated) {
    mpq_class ord = nq;
    if (!s.exact() && mpq_class(s.prec, s.den) < ord) ord = mpq_class(s.prec, s.den);
    out.order = ord;
  }
  // The direct terms c * t**e (t a symbol, c a number) have distinct exponents in increasing
  // order, and compare() orders such terms by exponent alone (a Mul is compared by its factors
  // first, here the single power t**e, and powers of one base by exponent): the parts are in
  // canonical order by construction. Debug builds check it.
#ifndef NDEBUG
  if (direct && !std::is_sorted(parts.begin(), parts.end(), [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; }))
    throw AlkahestError("series: internal error: the terms of the sum are not in canonical order");
#endif
  if (has_constant && !direct) parts.insert(parts.begin(), constant_term);
  if (!direct || parts.empty() || (parts.size() == 1 && !has_constant)) {
    out.sum = parts.empty() ? (has_constant ? constant_term : pool.integer(0))
                            : (parts.size() == 1 ? parts[0] : pool.add(parts));
    return out;
  }
  Node sum(Kind::Add);
  sum.args.reserve(parts.size() + 1);
  if (has_constant) sum.args.push_back(constant_term);
  sum.args.insert(sum.args.end(), parts.begin(), parts.end());
  if (direct_args != nullptr) {
    *direct_args = std::move(sum.args);
    return out;
  }
  out.sum = pool.intern(std::move(sum));
  return out;
}

// The sum with terms `args` (canonical order, exponents below the order's) plus O(order): every
// term has an exponent below the order's (series() keeps only those), so the order term absorbs
// none of them: it joins the terms at its place in the canonical order, the sum add() builds after
// checking each term (which costs as much as the series itself).
ExprId with_order_term(ExprPool& pool, std::vector<ExprId> args, ExprId order) {
  auto first = args.begin();
  if (pool.node(*first).kind == Kind::Number) ++first;
  const auto at = std::lower_bound(first, args.end(), order, [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; });
  args.insert(at, order);
  Node n(Kind::Add);
  n.args = std::move(args);
  return pool.intern(std::move(n));
}

ExprId order_term(ExprPool& pool, const mpq_class& order, ExprId x, ExprId x0, bool inf) {
  const ExprId k = pool.number(Number(inf ? mpq_class(-order) : order));
  return order_object(pool, pool.pow(x, k), x, x0);
}

}  // namespace

Series series(ExprPool& pool, ExprId expr, ExprId x, ExprId x0, long n, int dir) {
  return series_terms(pool, expr, x, x0, n, dir, true, nullptr);
}

std::optional<ExprId> series_expr(ExprPool& pool, const Series& s, ExprId x, ExprId x0) {
  if (!s.order) return s.sum;
  const bool inf = pool.is_constant(x0, Constant::Infinity) || pool.is_constant(x0, Constant::NegativeInfinity);
  const Node& pn = pool.node(x0);
  if (!inf && !(pn.kind == Kind::Number && pn.number.is_exact() && pn.number.is_zero())) return std::nullopt;
  const ExprId order = order_term(pool, *s.order, x, x0, inf);
  const Node& sn = pool.node(s.sum);
  if (sn.kind == Kind::Number && sn.number.is_exact() && sn.number.is_zero()) return order;
  return with_order_term(pool, sn.kind == Kind::Add ? sn.args : ArgVector{s.sum}, order);
}

std::optional<ExprId> series_whole(ExprPool& pool, ExprId expr, ExprId x, ExprId x0, long n, int dir, Series& s) {
  std::vector<ExprId> args;
  s = series_terms(pool, expr, x, x0, n, dir, false, &args);
  if (args.empty()) return series_expr(pool, s, x, x0);
  // The sum was built directly (t = x): intern it once, with its order term.
  const Node& pn = pool.node(x0);
  if (s.order && pn.kind == Kind::Number && pn.number.is_exact() && pn.number.is_zero()) {
    // Every term is a number or c * x**e (x a symbol), and the order term O(x**k, x, 0) (an
    // object; an object's rank is above a symbol's) comes after all of them in canonical order.
    args.push_back(order_term(pool, *s.order, x, x0, false));
#ifndef NDEBUG
    if (!std::is_sorted(args.begin(), args.end(), [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; }))
      throw AlkahestError("series: internal error: the order term is not last in canonical order");
#endif
    Node sum(Kind::Add);
    sum.args = std::move(args);
    return pool.intern(std::move(sum));
  }
  Node sum(Kind::Add);
  sum.args = std::move(args);
  s.sum = pool.intern(std::move(sum));
  return series_expr(pool, s, x, x0);
}

std::optional<LeadingTerm> leading_term(ExprPool& pool, ExprId expr, ExprId w, ExprId logw, bool* exact_zero,
                                        ExprId logw_value,
                                        const std::function<std::optional<int>(ExprId)>* sign_hint) {
  if (exact_zero) *exact_zero = false;
  PSeries ws;
  ws.val = 1;
  ws.c = {pool.integer(1)};
  long work = 1;
  long steps = 0;
  for (int attempt = 0; attempt < 12; ++attempt) {
    Ctx cx(pool, work, logw);
    cx.log_t_value = logw_value;
    cx.sign_hint = sign_hint;
    cx.steps = steps;
    try {
      Expander ex(cx, {{w, ws}});
      PSeries s = ex.run(expr);
      steps = cx.steps;
      if (normalize(cx, s)) return LeadingTerm{s.c[0], mpq_class(s.val, s.den)};
      if (exact_zero) *exact_zero = true;
      return std::nullopt;  // exactly zero
    } catch (const NeedMoreTerms& m) {
      steps = cx.steps;
      work += std::max(m.more, 1L) + work;
    }
    if (work > 256) break;
  }
  return std::nullopt;
}

}  // namespace alkahest
