// Polynomial and rational-function algebra on FLINT (docs/algebra.md). Every function takes
// any expression: its generators are picked from it (symbols, and non-polynomial atoms such as
// sin(x) or exp(y) as opaque generators; x**(1/2) and x**(3/2) share the generator x**(1/2),
// exp(2*x) and exp(x) share exp(x)). Results are Exprs of the same pool, built once from the
// FLINT result (intermediate polynomials never become pool nodes).
//
// FLINT cannot be interrupted and aborts when memory runs out, so every call predicts the size of
// what it asks FLINT for (terms, degree, coefficient bits) and throws PolyLimitError before calling
// it when a limit below is exceeded. Exact algorithms refuse floats (InvalidArgument naming the
// float); expand converts floats to the exact rational of their binary value, computes exactly and
// rounds the coefficients of the result back to floats.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "alkahest/errors.hpp"
#include "alkahest/pool.hpp"

namespace alkahest {

/// A predicted size or cost above one of the limits of PolyLimits (Python `AlkahestError`).
class PolyLimitError : public AlkahestError {
 public:
  using AlkahestError::AlkahestError;
};

/// The documented limits (docs/algebra.md, "Limits"); checked before FLINT is called.
struct PolyLimits {
  /// Terms of one polynomial (predicted before a product or power is formed).
  static constexpr std::uint64_t max_terms = 20'000'000;
  /// Memory of one polynomial, predicted from its terms, generators and coefficient bits.
  static constexpr std::uint64_t max_bytes = std::uint64_t(2) << 30;
  /// Exponent of one generator.
  static constexpr std::uint64_t max_exponent = std::uint64_t(1) << 32;
  /// Degree in any generator for factor, sqf, gcd, resultant, apart and the root finders: FLINT's
  /// algorithms cannot be stopped once started, so their cost is bounded by refusing larger input.
  static constexpr long max_algorithm_degree = 2000;
  /// Terms of an input to factor and gcd.
  static constexpr long max_algorithm_terms = 100'000;
  /// Coefficient bits of an input to factor, gcd, resultant and the root finders.
  static constexpr long max_algorithm_bits = 100'000;
  /// Predicted degree of a resultant or discriminant in any remaining generator.
  static constexpr long max_resultant_degree = 20'000;
  /// Buchberger's algorithm (groebner) stops with PolyLimitError past any of these: basis
  /// elements, S-polynomials reduced, and the terms, coefficient bits and total degree of one
  /// element; its inputs have at most 12 generators and total degree 20.
  static constexpr long groebner_max_basis = 500;
  static constexpr long groebner_max_pairs = 20'000;
  static constexpr long groebner_max_terms = 20'000;
  static constexpr long groebner_max_bits = 20'000;
  static constexpr long groebner_max_element_degree = 200;
  static constexpr long groebner_max_gens = 12;
  static constexpr long groebner_max_degree = 20;
  /// Decimal digits nroots certifies.
  static constexpr long max_digits = 10'000;
};

/// Distributes products and integer powers (multinomials through FLINT); with `deep`, inside
/// function arguments and radicands too. The result is canonical: equal polynomials give one Expr.
ExprId expand(ExprPool& pool, ExprId expr, bool deep = false);

/// Greatest common divisor of two polynomials (primitive over Z, positive leading coefficient;
/// of two rational functions: gcd of numerators over lcm of denominators).
ExprId gcd(ExprPool& pool, ExprId a, ExprId b);
/// Least common multiple (primitive over Z, positive leading coefficient).
ExprId lcm(ExprPool& pool, ExprId a, ExprId b);

struct QuoRem {
  ExprId quotient, remainder;
};
/// Division with remainder over Q: f = q*g + r, r reduced with respect to g's leading monomial in
/// lex order of `gens` (all generators of f and g, canonically ordered, when empty).
/// Throws DivisionByZero when g is the zero polynomial.
QuoRem div(ExprPool& pool, ExprId f, ExprId g, std::span<const ExprId> gens = {});
ExprId quo(ExprPool& pool, ExprId f, ExprId g, std::span<const ExprId> gens = {});
ExprId rem(ExprPool& pool, ExprId f, ExprId g, std::span<const ExprId> gens = {});

/// coeff * prod(factor**multiplicity): factors over Z, primitive, leading coefficient positive,
/// sorted canonically; coeff is the rational content with the sign.
struct FactorList {
  Number coeff;
  std::vector<std::pair<ExprId, long>> factors;
};
/// Irreducible factors of a polynomial over Q (FLINT's multivariate factoring).
FactorList factor_list(ExprPool& pool, ExprId poly);
/// Square-free factors (pairwise coprime, each without repeated factors).
FactorList sqf_list(ExprPool& pool, ExprId poly);
/// The product of factor_list, as an Expr; a rational function's numerator and denominator are
/// factored separately.
ExprId factor(ExprPool& pool, ExprId expr);
/// The product of sqf_list, as an Expr (rational functions: numerator and denominator).
ExprId sqf(ExprPool& pool, ExprId expr);

/// Resultant of f and g with respect to the generator x.
ExprId resultant(ExprPool& pool, ExprId f, ExprId g, ExprId x);
/// Discriminant of f with respect to x (SymPy's sign convention).
ExprId discriminant(ExprPool& pool, ExprId f, ExprId x);

/// p/q in lowest terms, p and q expanded with integer coefficients, q's leading coefficient > 0.
ExprId cancel(ExprPool& pool, ExprId expr);
/// One fraction over a common denominator, without cancelling or expanding the denominator's
/// factors: 1/x + 1/y -> (x + y)/(x*y).
ExprId together(ExprPool& pool, ExprId expr);
/// Partial fractions of a rational function of x over Q (repeated and irreducible factors of any
/// degree); every other generator must be absent.
ExprId apart(ExprPool& pool, ExprId expr, ExprId x);
/// Terms grouped by powers of x: sum of coeff_k * x**k (coefficients expanded).
ExprId collect(ExprPool& pool, ExprId expr, ExprId x);
/// Horner form in gens (first outermost; coefficients in the next generators recursively).
ExprId horner(ExprPool& pool, ExprId expr, std::span<const ExprId> gens);

/// An isolating interval [lo, hi] with exact rational (dyadic) endpoints of one real root;
/// lo == hi when the root is that rational. `multiplicity` is the root's multiplicity.
struct RealRootInterval {
  mpq_class lo, hi;
  long multiplicity;
};
/// The distinct real roots of a univariate polynomial over Q in increasing order, each in an
/// interval that contains no other root (Arb's certified root isolation on the square-free part).
std::vector<RealRootInterval> real_roots(ExprPool& pool, ExprId poly, ExprId x);

/// A complex root as decimal text with `digits` correct significant digits (re and im; im is "0"
/// for a real root), plus the nearest doubles.
struct ComplexRoot {
  std::string re, im;
  double re_value, im_value;
  long multiplicity;
};
/// All complex roots of a univariate polynomial over Q (distinct roots with multiplicities):
/// real roots first in increasing order, then complex ones by real then imaginary part.
std::vector<ComplexRoot> nroots(ExprPool& pool, ExprId poly, ExprId x, long digits = 15);

/// RootOf(poly, k): the k-th root (0-based, multiplicities counted) of the univariate polynomial
/// `poly` in x over Q in the fixed order: real roots first in increasing order, then the non-real
/// ones by increasing real part, then increasing imaginary part (all comparisons exact, by
/// Calcium's algebraic numbers). The value to `digits` significant digits.
struct RootOfValue {
  std::string re, im;        ///< decimal texts ("0" for an exact zero part)
  double re_double, im_double;
  bool real;
  long degree;               ///< number of roots, counted with multiplicity
};
RootOfValue rootof_value(ExprPool& pool, ExprId poly, ExprId x, long k, long digits = 17);
/// The number of real roots of `poly` (with multiplicity): RootOf(poly, k) is real iff k < that.
long rootof_real_count(ExprPool& pool, ExprId poly, ExprId x);

/// Monomial orders of groebner.
enum class MonomialOrder { Lex, Grevlex };
/// The reduced Groebner basis over Q of the ideal generated by `polys`, each element monic, sorted
/// by leading monomial (largest first), in the generators `gens` (all generators in canonical order
/// when empty; lex compares gens[0] first). Buchberger's algorithm with the sugar strategy on FLINT
/// polynomials, under the limits of PolyLimits (groebner_*): PolyLimitError when one is reached.
std::vector<ExprId> groebner(ExprPool& pool, std::span<const ExprId> polys, std::span<const ExprId> gens = {},
                             MonomialOrder order = MonomialOrder::Lex);

/// Generators expr would be converted over (canonical order, after normalisation).
std::vector<ExprId> generators(ExprPool& pool, ExprId expr);

/// `expr` as a polynomial in x with coefficients free of x: the coefficients of x**0, x**1, ...,
/// x**d (each an expanded Expr; trailing zero coefficients dropped, so the zero polynomial gives an
/// empty vector), or nullopt when expr is not a polynomial in x (x under a function, in a
/// denominator, to a non-integer or negative power) or its degree is above max_degree. The
/// coefficients may hold anything free of x (other symbols, sin(y), 1/(a + 1), floats: expand's
/// conversion, so floats are rounded back as expand does). For callers that need "a polynomial in
/// x over whatever else" (integration, summation, solving). PolyLimitError as expand.
std::optional<std::vector<ExprId>> coefficients_in(ExprPool& pool, ExprId expr, ExprId x, long max_degree = 64);

/// A polynomial in fixed generators, held as a FLINT polynomial (lex order of gens). Its
/// coefficients are numbers (domain ZZ or QQ) or, when the expression has other generators than
/// gens (a, b, c in a*x**2 + b*x + c as a polynomial in x), polynomials or rational functions in
/// those coefficient generators: ZZ[a,b,c], QQ[a,b,c] or the field QQ(a,b,c). Such a Poly is one
/// FLINT polynomial over gens followed by the coefficient generators (so lex order groups the terms
/// by their monomial in gens), over a common denominator in the coefficient generators alone
/// (1 except in QQ(...); kept in lowest terms, so that equal Polys have equal representations).
class Poly {
 public:
  /// ZZ, QQ: number coefficients. ZZ_poly, QQ_poly: ZZ[coeff_gens], QQ[coeff_gens]. QQ_frac: the
  /// rational functions QQ(coeff_gens) (a field: divmod and gcd work over it).
  enum class Domain { ZZ, QQ, ZZ_poly, QQ_poly, QQ_frac };
  /// `expr` as a polynomial in `gens` (all of its generators, canonically ordered, when empty).
  /// Every other generator of expr becomes a coefficient generator (canonically ordered): the
  /// domain is then ZZ[...], QQ[...] or, with a denominator in them, QQ(...). Throws
  /// InvalidArgument when expr is not a polynomial in gens (a generator in a denominator or under
  /// a coefficient generator such as sin(x)), or when a coefficient is not in `domain` (inferred:
  /// the smallest that holds every coefficient; ZZ or QQ given with coefficient generators present
  /// is an error that names them).
  Poly(ExprPool& pool, ExprId expr, std::vector<ExprId> gens = {}, std::optional<Domain> domain = {});
  /// The same with the coefficient generators given (in this order; a generator of expr outside
  /// gens and coeff_gens is an InvalidArgument). `domain` ZZ_poly, QQ_poly or QQ_frac (inferred when
  /// empty); with coeff_gens empty, as the constructor above.
  Poly(ExprPool& pool, ExprId expr, std::vector<ExprId> gens, std::vector<ExprId> coeff_gens,
       std::optional<Domain> domain);
  Poly(const Poly&);
  Poly(Poly&&) noexcept;
  Poly& operator=(const Poly&);
  Poly& operator=(Poly&&) noexcept;
  ~Poly();

  ExprPool& pool() const;
  const std::vector<ExprId>& gens() const;
  /// The coefficient generators (empty for ZZ and QQ).
  const std::vector<ExprId>& coeff_gens() const;
  Domain domain() const;
  /// "ZZ", "QQ", "ZZ[a,b]", "QQ[a,b]" or "QQ(a,b)".
  std::string domain_str() const;
  ExprId as_expr() const;
  bool is_zero() const;
  /// Degree in gens()[i]; -1 for the zero polynomial.
  long degree(std::size_t i = 0) const;
  std::vector<long> degree_list() const;
  long total_degree() const;
  /// Terms in lex order of gens, leading term first: (exponents, coefficient). Domains ZZ and QQ
  /// only (InvalidArgument with coefficient generators: use coeff_terms).
  std::vector<std::pair<std::vector<long>, Number>> terms() const;
  /// Terms with their coefficients as Exprs (any domain; in QQ(...) each coefficient in lowest terms).
  std::vector<std::pair<std::vector<long>, ExprId>> coeff_terms() const;
  /// Leading coefficient (0 for the zero polynomial; ZZ and QQ only) and leading monomial exponents.
  Number leading_coeff() const;
  /// Leading coefficient as an Expr (any domain).
  ExprId LC() const;
  std::vector<long> leading_monom() const;
  /// The polynomial with gens()[i] replaced by `value` (an Expr of the pool, e.g. a number or an
  /// expression in the coefficient generators), as an Expr.
  ExprId eval(std::size_t i, ExprId value) const;

  Poly operator+(const Poly& o) const;
  Poly operator-(const Poly& o) const;
  Poly operator*(const Poly& o) const;
  Poly operator-() const;
  Poly pow(unsigned long n) const;
  /// Quotient and remainder over the field (Q, or Q(coeff_gens)): f = q*o + r, by the leading term
  /// in lex order of gens. DivisionByZero when o is zero.
  std::pair<Poly, Poly> divmod(const Poly& o) const;
  /// Greatest common divisor: over ZZ and ZZ[...] primitive with a positive leading coefficient
  /// times the gcd of the integer contents (as gcd()); over QQ and QQ[...] monic; over QQ(...)
  /// monic in gens (the content in the coefficient generators is a unit there).
  Poly gcd(const Poly& o) const;
  /// Same generators and the same polynomial (the domain does not matter, as in SymPy). Polys whose
  /// coefficient generators differ are brought to the union of them by the binary operations.
  bool operator==(const Poly& o) const;
  std::string str() const;

  struct Impl;
  explicit Poly(std::unique_ptr<Impl> impl);

 private:
  // The operations on two Polys of the same generators and coefficient generators.
  Poly add(const Poly& o) const;
  Poly mul(const Poly& o) const;
  std::pair<Poly, Poly> divmod_same(const Poly& o) const;
  Poly gcd_same(const Poly& o) const;

  std::unique_ptr<Impl> impl_;
};

}  // namespace alkahest
