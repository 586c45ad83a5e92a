// The op table. One row per elementary function; see include/alkahest/ops.hpp.
#include "alkahest/ops.hpp"

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/polygamma.hpp>
#include <cmath>
#include <limits>
#include <numbers>

#include "alkahest/errors.hpp"
#include "alkahest/pool.hpp"

namespace alkahest {

namespace {

using Args = std::span<const ExprId>;
using Exact = std::optional<ExprId>;

const Number* as_number(ExprPool& p, ExprId id) {
  const Node& n = p.node(id);
  return n.kind == Kind::Number ? &n.number : nullptr;
}
bool is_exact_value(ExprPool& p, ExprId id, long v) {
  const Number* n = as_number(p, id);
  return n != nullptr && n->is_integer() && n->integer() == v;
}
ExprId num(ExprPool& p, long v) { return p.integer(v); }
ExprId sq(ExprPool& p, ExprId a) { return p.pow(a, p.integer(2)); }

// Exact value rules -----------------------------------------------------------------------------

template <long At, long Value>
Exact value_at(ExprPool& p, Args a) {
  if (is_exact_value(p, a[0], At)) return num(p, Value);
  return std::nullopt;
}

Exact exact_atan2(ExprPool& p, Args a) {
  const Number* y = as_number(p, a[0]);
  const Number* x = as_number(p, a[1]);
  if (y && x && y->is_exact() && x->is_exact() && y->is_zero() && x->sign() > 0) return num(p, 0);
  return std::nullopt;
}

Exact exact_abs(ExprPool& p, Args a) {
  if (const Number* n = as_number(p, a[0])) return p.number(n->abs());
  const Node& n = p.node(a[0]);
  if (n.kind == Kind::Func && n.op == Op::Abs) return a[0];  // |(|x|)| = |x|
  if (n.kind == Kind::Mul && p.node(n.args[0]).kind == Kind::Number &&
      p.node(n.args[0]).number.is_negative())  // |-2*x| = |2*x|
    return p.func(Op::Abs, p.neg(a[0]));
  return std::nullopt;
}

Exact exact_sign(ExprPool& p, Args a) {
  const Number* n = as_number(p, a[0]);
  if (n == nullptr || (n->is_float() && std::isnan(n->real()))) return std::nullopt;
  return num(p, n->sign());
}

Exact exact_floor_ceil(ExprPool& p, Args a, bool floor) {
  const Number* n = as_number(p, a[0]);
  if (n == nullptr || !n->is_exact()) return std::nullopt;
  if (n->is_integer()) return a[0];
  mpz_class r;
  if (floor)
    mpz_fdiv_q(r.get_mpz_t(), n->rational().get_num_mpz_t(), n->rational().get_den_mpz_t());
  else
    mpz_cdiv_q(r.get_mpz_t(), n->rational().get_num_mpz_t(), n->rational().get_den_mpz_t());
  return p.number(Number(r));
}
Exact exact_floor(ExprPool& p, Args a) { return exact_floor_ceil(p, a, true); }
Exact exact_ceil(ExprPool& p, Args a) { return exact_floor_ceil(p, a, false); }

Exact exact_gamma(ExprPool& p, Args a) {
  const Number* n = as_number(p, a[0]);
  if (n == nullptr || !n->is_integer() || n->sign() <= 0 || !n->fits_long() || n->integer() > 1000)
    return std::nullopt;
  mpz_class f;
  mpz_fac_ui(f.get_mpz_t(), n->integer().get_ui() - 1);  // gamma(n) = (n-1)!
  return p.number(Number(f));
}

// Partial derivatives ---------------------------------------------------------------------------

ExprId d_sin(ExprPool& p, Args a, int) { return p.func(Op::Cos, a[0]); }
ExprId d_cos(ExprPool& p, Args a, int) { return p.neg(p.func(Op::Sin, a[0])); }
ExprId d_tan(ExprPool& p, Args a, int) { return p.add(num(p, 1), sq(p, p.func(Op::Tan, a[0]))); }
ExprId d_sinh(ExprPool& p, Args a, int) { return p.func(Op::Cosh, a[0]); }
ExprId d_cosh(ExprPool& p, Args a, int) { return p.func(Op::Sinh, a[0]); }
ExprId d_tanh(ExprPool& p, Args a, int) { return p.sub(num(p, 1), sq(p, p.func(Op::Tanh, a[0]))); }
ExprId inv_sqrt_one_minus_sq(ExprPool& p, ExprId x) {
  return p.pow(p.sub(num(p, 1), sq(p, x)), p.number(Number::rational(-1, 2)));
}
ExprId d_asin(ExprPool& p, Args a, int) { return inv_sqrt_one_minus_sq(p, a[0]); }
ExprId d_acos(ExprPool& p, Args a, int) { return p.neg(inv_sqrt_one_minus_sq(p, a[0])); }
ExprId d_atan(ExprPool& p, Args a, int) { return p.pow(p.add(num(p, 1), sq(p, a[0])), num(p, -1)); }
ExprId d_atan2(ExprPool& p, Args a, int which) {
  // atan2(y, x): d/dy = x/(x**2 + y**2), d/dx = -y/(x**2 + y**2)
  const ExprId r2 = p.add(sq(p, a[0]), sq(p, a[1]));
  return which == 0 ? p.div(a[1], r2) : p.neg(p.div(a[0], r2));
}
ExprId d_exp(ExprPool& p, Args a, int) { return p.func(Op::Exp, a[0]); }
ExprId d_log(ExprPool& p, Args a, int) { return p.pow(a[0], num(p, -1)); }
ExprId d_abs(ExprPool& p, Args a, int) { return p.func(Op::Sign, a[0]); }
ExprId d_zero(ExprPool& p, Args, int) { return num(p, 0); }  // piecewise constant: 0 almost everywhere
ExprId two_over_sqrt_pi_gauss(ExprPool& p, ExprId x) {
  const ExprId c = p.number(Number(2.0 / std::sqrt(std::numbers::pi)));
  return p.mul(c, p.func(Op::Exp, p.neg(sq(p, x))));
}
ExprId d_erf(ExprPool& p, Args a, int) { return two_over_sqrt_pi_gauss(p, a[0]); }
ExprId d_erfc(ExprPool& p, Args a, int) { return p.neg(two_over_sqrt_pi_gauss(p, a[0])); }
ExprId d_gamma(ExprPool& p, Args a, int) {
  ExprId pg[2] = {num(p, 0), a[0]};
  return p.mul(p.func(Op::Gamma, a[0]), p.func(Op::Polygamma, pg));
}
ExprId d_polygamma(ExprPool& p, Args a, int which) {
  if (which == 0)
    throw InvalidArgument("polygamma(n, x) is not differentiable in its order n");
  ExprId pg[2] = {p.add(a[0], num(p, 1)), a[1]};
  return p.func(Op::Polygamma, pg);
}

// Numeric values --------------------------------------------------------------------------------

double polygamma_value(const double* x) {
  using namespace boost::math::policies;
  using quiet = policy<domain_error<ignore_error>, pole_error<ignore_error>, overflow_error<ignore_error>,
                       evaluation_error<ignore_error>, rounding_error<ignore_error>>;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double n = x[0];
  if (!(n >= 0) || std::floor(n) != n || n > 1000) return nan;
  if (std::isnan(x[1])) return x[1];
  if (std::isinf(x[1])) {  // limits: digamma(+inf) = +inf, higher orders -> 0; -inf has none
    if (x[1] < 0) return nan;
    return n == 0 ? x[1] : 0.0;
  }
  // Poles at x = 0, -1, -2, ...: psi(n, x) ~ -(-1)^n n! / (x - pole)^(n+1), so odd orders tend to
  // +inf from both sides and even orders have no limit (NaN), whatever Boost's policy returns there.
  // Below -2**52 every double is a pole and no neighbourhood is left: NaN.
  if (x[1] <= 0 && std::floor(x[1]) == x[1])
    return x[1] > -0x1p52 && std::fmod(n, 2.0) == 1.0 ? HUGE_VAL : nan;
  try {
    return boost::math::polygamma(static_cast<int>(n), x[1], quiet());
  } catch (const std::exception&) {  // any error Boost still raises means "no value here"
    return nan;
  }
}
double sign_value(const double* x) {
  if (std::isnan(x[0])) return x[0];
  return x[0] > 0 ? 1.0 : (x[0] < 0 ? -1.0 : 0.0);
}

#define UNARY(fn) [](const double* x) { return fn(x[0]); }

const OpInfo kTable[] = {
    {Op::Sin, "sin", 1, "\\sin", "sin", UNARY(std::sin), value_at<0, 0>, d_sin},
    {Op::Cos, "cos", 1, "\\cos", "cos", UNARY(std::cos), value_at<0, 1>, d_cos},
    {Op::Tan, "tan", 1, "\\tan", "tan", UNARY(std::tan), value_at<0, 0>, d_tan},
    {Op::Sinh, "sinh", 1, "\\sinh", "sinh", UNARY(std::sinh), value_at<0, 0>, d_sinh},
    {Op::Cosh, "cosh", 1, "\\cosh", "cosh", UNARY(std::cosh), value_at<0, 1>, d_cosh},
    {Op::Tanh, "tanh", 1, "\\tanh", "tanh", UNARY(std::tanh), value_at<0, 0>, d_tanh},
    {Op::Asin, "asin", 1, "\\operatorname{asin}", "asin", UNARY(std::asin), value_at<0, 0>, d_asin},
    {Op::Acos, "acos", 1, "\\operatorname{acos}", "acos", UNARY(std::acos), value_at<1, 0>, d_acos},
    {Op::Atan, "atan", 1, "\\operatorname{atan}", "atan", UNARY(std::atan), value_at<0, 0>, d_atan},
    {Op::Atan2, "atan2", 2, "\\operatorname{atan_{2}}", "atan2",
     [](const double* x) { return std::atan2(x[0], x[1]); }, exact_atan2, d_atan2},
    {Op::Exp, "exp", 1, "\\exp", "exp", UNARY(std::exp), value_at<0, 1>, d_exp},
    {Op::Log, "log", 1, "\\log", "log", UNARY(std::log), value_at<1, 0>, d_log},
    {Op::Abs, "abs", 1, "", "fabs", UNARY(std::fabs), exact_abs, d_abs},
    {Op::Sign, "sign", 1, "\\operatorname{sign}", "", sign_value, exact_sign, d_zero},
    {Op::Floor, "floor", 1, "", "floor", UNARY(std::floor), exact_floor, d_zero},
    {Op::Ceil, "ceiling", 1, "", "ceil", UNARY(std::ceil), exact_ceil, d_zero},
    {Op::Erf, "erf", 1, "\\operatorname{erf}", "erf", UNARY(std::erf), value_at<0, 0>, d_erf},
    {Op::Erfc, "erfc", 1, "\\operatorname{erfc}", "erfc", UNARY(std::erfc), value_at<0, 1>, d_erfc},
    {Op::Gamma, "gamma", 1, "\\Gamma", "tgamma", UNARY(std::tgamma), exact_gamma, d_gamma},
    {Op::Polygamma, "polygamma", 2, "\\operatorname{polygamma}", "", polygamma_value, nullptr,
     d_polygamma},
};
#undef UNARY

static_assert(sizeof(kTable) / sizeof(kTable[0]) == kOpCount, "one row per Op");

}  // namespace

const OpInfo& op_info(Op op) { return kTable[static_cast<std::size_t>(op)]; }

const OpInfo* find_op(std::string_view name) {
  for (const OpInfo& row : kTable)
    if (row.name == name) return &row;
  return nullptr;
}

}  // namespace alkahest
