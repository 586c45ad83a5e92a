// Expr <-> FLINT polynomials over generators picked from the expression. Internal to src/poly.
//
// A generator is either a power of a base, base**(1/den) (symbols, functions, x**y and other atoms
// are den = 1; x**(1/2) and x**(3/2) share x**(1/2) with den = 2), or exp(step*u) for the
// exponentials exp(c*u) with rational c (exp(2*x) and exp(x) share exp(x)). In Expand mode a
// negative power of a generator is a generator of its own (the inverse), so that every expression
// is a polynomial; in Exact mode negative powers make denominators (ratio()).
#pragma once
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alkahest/poly.hpp"
#include "alkahest/print.hpp"
#include "poly/flint_types.hpp"

namespace alkahest::poly_detail {

enum class Mode { Expand, Exact };

/// FLINT's large scratch blocks (a dense product's array) are kept per thread for the next call
/// instead of going back to the kernel and faulting in again (flint_memory.cpp). Idempotent; a
/// no-op when the program has installed FLINT memory functions of its own.
void keep_flint_scratch();

struct Generator {
  bool is_exp = false;
  ExprId base = 0;        ///< the radicand/atom, or u of exp(c*u)
  mpz_class den = 1;      ///< generator = base**(1/den)
  mpq_class step = 0;     ///< generator = exp(step*u)
  bool inverse = false;   ///< Expand mode: the generator stands for the inverse
  bool positive_used = false, negative_used = false;
  ExprId expr = 0;        ///< the generator as an Expr (its inverse's when `inverse`)
};

/// A rational function num/den (den == nullopt means 1).
struct Ratio {
  QPoly num;
  std::optional<QPoly> den;
};

class Converter {
 public:
  /// `who` prefixes error messages ("factor: ...").
  Converter(ExprPool& pool, Mode mode, std::string who, bool deep = false);

  /// Finds the generators of `expr` (call for every input before build()).
  void scan(ExprId expr);
  /// Fixes the generators and creates the FLINT context. With `order`, the generators are exactly
  /// those (each must match a generator found or be a new atom), in that order; any other generator
  /// found is an InvalidArgument naming it, unless `rest_after`: then the other generators follow
  /// those of `order`, in canonical order (Poly's coefficient generators). Otherwise the canonical
  /// order of their Exprs.
  void build(std::span<const ExprId> order = {}, ordering_t ord = ORD_LEX, bool rest_after = false);

  /// `expr` as a polynomial; InvalidArgument when it has a denominator.
  QPoly poly(ExprId expr);
  /// `expr` as num/den; DivisionByZero when a denominator is the zero polynomial.
  Ratio ratio(ExprId expr);
  /// The polynomial as an Expr (coefficients rounded to floats when a float was in the input of
  /// an Expand-mode conversion).
  ExprId expr(const QPoly& p);
  /// gens[v]**k as an Expr.
  ExprId gen_power(std::size_t v, const mpz_class& k);

  const CtxPtr& ctx() const { return ctx_; }
  std::size_t nvars() const { return order_.size(); }
  /// The generator Exprs in FLINT variable order.
  std::vector<ExprId> gen_exprs() const;
  /// The variable index of the generator whose Expr is `e`, or -1.
  long var_of(ExprId e) const;
  bool saw_float() const { return saw_float_; }
  ExprPool& pool() { return pool_; }
  const std::string& who() const { return who_; }
  QPoly zero() const { return QPoly(ctx_); }
  QPoly constant(const mpq_class& c) const;

 private:
  struct Occurrence {
    std::size_t gen;   // index into gens_
    mpq_class power;   // exponent as a multiple of the generator (integral after build)
  };
  // The atom behind `id` (a node that is not +, *, or an integer power in this mode): its
  // generator key and exponent. Creates the generator while scanning.
  Occurrence atom(ExprId id, bool create);
  bool is_structural(ExprId id) const;
  ExprId prepare(ExprId id);  // deep mode: arguments expanded
  [[noreturn]] void float_error(ExprId id) const;
  std::pair<std::size_t, mpz_class> var_power(ExprId id);
  // degrees: a bound of each generator's exponent in p (its degree, or a degree order's total degree)
  ExprId symbol_sum(const QPoly& p, std::span<const slong> degrees);
  std::optional<QPoly> monomial_sum(ExprId root);

  ExprPool& pool_;
  Mode mode_;
  std::string who_;
  bool deep_;
  bool saw_float_ = false;
  bool built_ = false;
  std::vector<Generator> gens_;
  std::map<std::pair<int, ExprId>, std::size_t> by_key_;      // (0 root / 1 exp, base) -> gens_
  std::unordered_map<ExprId, ExprId> prepared_;
  std::vector<std::size_t> order_;       // FLINT variable -> gens_ index (positive part)
  std::vector<bool> order_inverse_;      // whether that variable is the inverse generator
  std::vector<long> pos_var_, neg_var_;  // gens_ index -> FLINT variable (or -1)
  CtxPtr ctx_;
};

/// Size checks before FLINT is asked for a product or power (PolyLimitError).
void check_product(const QPoly& a, const QPoly& b, const std::string& who);
void check_power(const QPoly& a, const mpz_class& n, const std::string& who);
/// Bounds the inputs of a FLINT algorithm that cannot be stopped (degree, terms, bits).
void check_algorithm_input(const QPoly& a, const std::string& who, const char* what);
/// Coefficient bits of a (content and integer part together).
long coefficient_bits(const QPoly& a);
/// Degrees of a in each variable (all fit: exponents are bounded at conversion).
std::vector<long> degrees(const QPoly& a);

/// Generators of several expressions in one context, e.g. for gcd(a, b).
struct Converted {
  explicit Converted(ExprPool& pool, Mode mode, std::string who) : conv(pool, mode, std::move(who)) {}
  Converter conv;
};

/// num/den as an Expr: num * den**-1, both with integer coefficients, den's leading coeff > 0.
ExprId ratio_expr(Converter& c, const QPoly& num, const QPoly& den);
/// Cancels common factors and normalises den (primitive integer, positive leading coefficient).
void reduce(QPoly& num, QPoly& den, const std::string& who);

/// A rational function num/den kept reduced (reduce(): gcd cancelled, den normalised), and its
/// arithmetic: the checked product of two polynomials, a + sign*b, a*b.
struct Frac {
  QPoly num, den;
};
QPoly qmul(const QPoly& a, const QPoly& b, const char* who);
Frac frac_add(const Frac& a, const Frac& b, int sign, const char* who);
Frac frac_mul(const Frac& a, const Frac& b, const char* who);

/// gcd of two polynomials (gcd.cpp): primitive over Z with positive leading coefficient, times the
/// gcd of the integer contents when both have integer coefficients (SymPy's gcd over ZZ).
QPoly poly_gcd(const QPoly& a, const QPoly& b, const std::string& who);
/// lcm of two polynomials, with the lcm of the integer contents.
QPoly poly_lcm(const QPoly& a, const QPoly& b, const std::string& who);

/// p := its primitive integer part with positive leading coefficient; returns c with old p = c*p
/// (0 for the zero polynomial, which stays zero).
mpq_class make_primitive(QPoly& p);
/// The integer content of p when every coefficient is an integer, else nullopt.
std::optional<mpz_class> integer_content(const QPoly& p);

/// A univariate polynomial (one variable of its context, index `var`) as an fmpq_poly / back.
void to_fmpq_poly(fmpq_poly_t out, const QPoly& p, slong var);
QPoly from_fmpq_poly(const fmpq_poly_t in, const CtxPtr& ctx, slong var);
/// The single generator `x` (or the only generator when x is 0) of a univariate conversion; throws
/// InvalidArgument naming an extra generator.
slong univariate_var(Converter& c, ExprId x);

/// Factors of a polynomial (factor.cpp): irreducible ones, or square-free ones (sqf.cpp) with the
/// factors of equal multiplicity multiplied together. Each factor primitive over Z with positive
/// leading coefficient; `coeff` the rational rest.
struct PolyFactors {
  mpq_class coeff;
  std::vector<std::pair<QPoly, long>> factors;
};
PolyFactors factor_poly(const QPoly& p, bool squarefree, const std::string& who);
/// coeff * prod(f**k) as an Expr; `sign` -1 puts the factors in a denominator.
FactorList factor_list_of(Converter& c, const PolyFactors& f);
ExprId factors_expr(Converter& c, const PolyFactors& num, const PolyFactors* den);

}  // namespace alkahest::poly_detail
