// Unevaluated objects: one node kind (Kind::Object) for everything the kernel represents but does
// not compute by itself: undefined functions f(x), Derivative, Integral, Sum, Product, Limit,
// Order (O), Subs, relations, boolean connectives, Piecewise, RootOf, RootSum and AccumBounds. A node's `head`
// says which; the printer, parser, hashing, pickling, subs, diff and the SymPy bridge handle them
// all through this header.
//
// Layout of the arguments (Node::args) per head; `name` is Node::name:
//   Function    f(a1, ..., an)           args = a1..an (n >= 1), name = "f"
//   Derivative  d^n e / dv^n ...         args = e, v1, n1, v2, n2, ...  (vi distinct symbols in
//                                        canonical order, ni positive exact integers)
//   Integral    args = e, L1, ..., Lk    each Li a Tuple (x) (indefinite) or (x, a, b) (definite)
//   Sum/Product args = e, L1, ..., Lk    each Li a Tuple (k, a, b)
//   Limit       args = e, x, x0          name = "+", "-" or "+-" (the direction; x0 = oo has "-",
//                                        x0 = -oo has "+")
//   Order       args = e, v1, ..., vk, p (O(e) as v1..vk -> p; p = 0, oo or -oo, one point for all)
//   Subs        args = e, v1, w1, v2, w2, ...  (e with each symbol vi bound to the value wi)
//   Eq, Ne, Lt, Le, Gt, Ge  args = lhs, rhs
//   And, Or     args = the operands (two or more, flattened, distinct, canonical order)
//   Not         args = the operand (not a relation: Not(x < 1) is x >= 1)
//   True, False no args
//   Piecewise   args = e1, c1, e2, c2, ..., en, cn (the first ci that holds picks ei; no ci is
//               False, only the last may be True)
//   RootOf      args = poly, x, k  (the k-th root, 0-based, of the polynomial poly in x)
//   RootSum     args = poly, t, e  (the sum of e(t) over the roots t of poly(t))
//   Tuple       args = the elements (only inside the objects above: integration limits)
//   AccumBounds args = lo, hi (the real interval [lo, hi] where the values of an expression
//               accumulate: limit's answer when an expression oscillates; lo <= hi, inert)
// Booleans (relations, And, Or, Not, True, False) are not numbers: arithmetic on them and a
// boolean argument of a function raise InvalidArgument, as does a number where a condition belongs.
//
// Constructors validate (InvalidArgument naming the problem: wrong arity, a variable that is not a
// symbol, a count that is not a positive integer) and canonicalise; they do not evaluate
// (Integral(x, x) stays an Integral) except where the value is immediate (Derivative of an
// expression free of the variable is 0, Eq(x, x) is True, Piecewise((e, True)) is e).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alkahest/pool.hpp"

namespace alkahest {

/// The head of an Object node (declared opaque in pool.hpp).
enum class Head : std::uint8_t {
  Function, Derivative, Integral, Sum, Product, Limit, Order, Subs,
  Eq, Ne, Lt, Le, Gt, Ge, And, Or, Not, True, False,
  Piecewise, RootOf, RootSum, Tuple, AccumBounds, Count_
};
inline constexpr std::size_t kHeadCount = static_cast<std::size_t>(Head::Count_);

/// Name of a head as printed and parsed ("Derivative", "O" for Order, "True", ...).
std::string_view head_name(Head h);
/// The head spelled `name` (also "Order", "CRootOf"; "Function" is not a head name), or nullopt.
std::optional<Head> find_head(std::string_view name);

/// Whether `id` is an Object node, and of head `h`.
bool is_object(const ExprPool& pool, ExprId id);
bool is_object(const ExprPool& pool, ExprId id, Head h);
/// Head of an Object node (InvalidArgument for other nodes).
Head head_of(const ExprPool& pool, ExprId id);
/// Relations, And/Or/Not and True/False: values that are conditions, not numbers.
bool is_boolean(const ExprPool& pool, ExprId id);
bool is_relation_head(Head h);

// ---- constructors (canonical; InvalidArgument on bad input) -----------------------------------

/// The object `h` with arguments in the layout above (`name`: the function's name, Limit's
/// direction): the one constructor that the parser, the pickle reader and subs go through.
ExprId make_object(ExprPool& pool, Head h, std::span<const ExprId> args, std::string_view name = {});

/// f(args) for the undefined function named `name` (an identifier that is not an op-table function
/// nor a head name).
ExprId apply_function(ExprPool& pool, std::string_view name, std::span<const ExprId> args);
/// d^n expr / dvar^n (n >= 1); several variables: pairs (var, n).
ExprId derivative(ExprPool& pool, ExprId expr, ExprId var, long n = 1);
ExprId derivative(ExprPool& pool, ExprId expr, std::span<const std::pair<ExprId, long>> vars);
ExprId integral_object(ExprPool& pool, ExprId expr, ExprId var);
ExprId integral_object(ExprPool& pool, ExprId expr, ExprId var, ExprId lower, ExprId upper);
ExprId sum_object(ExprPool& pool, ExprId expr, ExprId index, ExprId lower, ExprId upper);
ExprId product_object(ExprPool& pool, ExprId expr, ExprId index, ExprId lower, ExprId upper);
/// `dir`: "+", "-" or "+-".
ExprId limit_object(ExprPool& pool, ExprId expr, ExprId var, ExprId point, std::string_view dir = "+");
/// O(expr) as var -> point (0, oo or -oo).
ExprId order_object(ExprPool& pool, ExprId expr, ExprId var, ExprId point);
/// O(expr) as every var in `vars` -> point; no vars: the free symbols of expr.
ExprId order_object(ExprPool& pool, ExprId expr, std::span<const ExprId> vars, ExprId point);
/// expr with each symbol vars[i] bound to values[i].
ExprId subs_object(ExprPool& pool, ExprId expr, std::span<const ExprId> vars, std::span<const ExprId> values);
/// Eq, Ne, Lt, Le, Gt or Ge of lhs and rhs: True/False when the kernel's facts decide it.
ExprId relation(ExprPool& pool, Head h, ExprId lhs, ExprId rhs);
ExprId logic_and(ExprPool& pool, std::span<const ExprId> args);
ExprId logic_or(ExprPool& pool, std::span<const ExprId> args);
ExprId logic_not(ExprPool& pool, ExprId arg);
ExprId boolean(ExprPool& pool, bool value);
/// Piecewise((e1, c1), ..., (en, cn)).
ExprId piecewise(ExprPool& pool, std::span<const std::pair<ExprId, ExprId>> branches);
ExprId root_of(ExprPool& pool, ExprId poly, ExprId var, long k);
ExprId root_sum(ExprPool& pool, ExprId poly, ExprId var, ExprId expr);
ExprId tuple(ExprPool& pool, std::span<const ExprId> items);
/// AccumBounds(lo, hi): InvalidArgument when both are real numbers and lo > hi, or a bound is not
/// real; lo itself when lo == hi.
ExprId accum_bounds(ExprPool& pool, ExprId lo, ExprId hi);

// ---- what the kernel does with them -----------------------------------------------------------

/// Evaluates the unevaluated objects of `expr`, innermost first: Derivative by diff, Subs by subs,
/// every other head by the function registered for it (register_doit); an object whose head has
/// none, or whose function returns nullopt, stays as it is.
ExprId doit(ExprPool& pool, ExprId expr);

/// A head's algorithm: given an object node of that head (its arguments already done), its value,
/// or nullopt when it cannot say (then the object stays unevaluated). Must not return a wrong answer.
using DoitFn = std::function<std::optional<ExprId>(ExprPool& pool, ExprId object)>;
/// Plugs `fn` into doit() for `h` (the last registration wins; thread-safe). The integrate, sum,
/// limit and solve modules call it (e.g. from a static initialiser or their Python install step).
void register_doit(Head h, DoitFn fn);
/// Whether a function is registered for `h`.
bool has_doit(Head h);

/// The names of undefined functions used in `expr` (sorted).
std::vector<std::string> function_names(const ExprPool& pool, ExprId expr);

// Hooks of the kernel (pool.cpp, calculus.cpp); not for general use.
namespace objects_detail {
/// Throws InvalidArgument when `id` is a boolean or a Tuple used as a number by `what` ("+", "sin").
void check_numeric_operand(const ExprPool& pool, ExprId id, std::string_view what);
/// A sum with an object among its (flattened) terms: InvalidArgument for a boolean; with Order
/// terms the sum (absorption: O(x**3) + x**4 -> O(x**3)); nullopt otherwise.
std::optional<ExprId> add_objects(ExprPool& pool, std::span<const ExprId> terms);
/// A product with an object among its factors: InvalidArgument for a boolean; with an Order
/// factor the product (c*O(x**3) -> O(x**3), x*O(x) -> O(x**2)); nullopt otherwise.
std::optional<ExprId> mul_objects(ExprPool& pool, std::span<const ExprId> factors);
/// base**exp with an object among them: InvalidArgument for a boolean; O(x)**2 = O(x**2); nullopt otherwise.
std::optional<ExprId> pow_objects(ExprPool& pool, ExprId base, ExprId exp);
/// Symbols an object binds in its arguments (Integral/Sum/Product/Limit variables, RootSum's t,
/// Subs' symbols), with which arguments they are bound in (true = bound there).
std::vector<ExprId> bound_symbols(const ExprPool& pool, ExprId object);
/// Free symbols of an expression with objects that bind symbols (canonical order).
std::vector<ExprId> free_symbols_bound_aware(const ExprPool& pool, ExprId expr);
/// d object / d var, given diff itself for the recursion.
ExprId diff_object(ExprPool& pool, ExprId object, ExprId var,
                   const std::function<ExprId(ExprId, ExprId)>& diff_fn);
/// subs() of an object node: bound variables are not replaced in the parts they bind.
ExprId subs_object_node(ExprPool& pool, ExprId object, const std::unordered_map<ExprId, ExprId>& mapping,
                        const std::function<ExprId(ExprId, const std::unordered_map<ExprId, ExprId>&)>& subs_fn);
}  // namespace objects_detail

}  // namespace alkahest
