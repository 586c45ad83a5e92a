// Internal interface of the simplify passes (src/simplify/*.cpp): the single rewrites the search in
// trigsimp.cpp and the pipeline in simplify.cpp combine. Each returns an equal expression.
#pragma once
#include <functional>
#include <optional>

#include "alkahest/pool.hpp"

namespace alkahest::simplify_detail {

/// Whether `e` reads as a negative quantity: a negative number, a product with a negative
/// coefficient, a sum whose first non-numeric term does.
bool looks_negative(ExprPool& pool, ExprId e);
/// op(arg) for sin/cos/tan/sinh/cosh/tanh with the sign of the argument taken out (sin(-u) =
/// -sin(u), cos(-u) = cos(u)), so that sin(x - y) and sin(y - x) meet.
ExprId parity_func(ExprPool& pool, Op op, ExprId arg);
/// parity_func applied everywhere.
ExprId parity(ExprPool& pool, ExprId e);

/// Whether `e` holds a function of `ops` (a bit mask of 1 << Op).
bool has_op(const ExprPool& pool, ExprId e, std::uint64_t ops);
/// A bit per function the passes look for (independent of the op table's numbering, which grows).
constexpr std::uint64_t op_bit(Op op) {
  switch (op) {
    case Op::Sin: return 1;
    case Op::Cos: return 2;
    case Op::Tan: return 4;
    case Op::Sinh: return 8;
    case Op::Cosh: return 16;
    case Op::Tanh: return 32;
    case Op::Exp: return 64;
    case Op::Log: return 128;
    case Op::Sec: return 256;
    case Op::Csc: return 512;
    case Op::Cot: return 1024;
    case Op::Sech: return 2048;
    case Op::Csch: return 4096;
    case Op::Coth: return 8192;
    default: return 0;
  }
}
constexpr std::uint64_t kTrigOps = op_bit(Op::Sin) | op_bit(Op::Cos) | op_bit(Op::Tan);
/// sec, csc, cot, sech, csch, coth: trig_search also tries them as 1/cos, ... (trigsimp.cpp).
constexpr std::uint64_t kReciprocalOps = op_bit(Op::Sec) | op_bit(Op::Csc) | op_bit(Op::Cot) | op_bit(Op::Sech) |
                                         op_bit(Op::Csch) | op_bit(Op::Coth);
constexpr std::uint64_t kHypOps = op_bit(Op::Sinh) | op_bit(Op::Cosh) | op_bit(Op::Tanh);

// Trigonometric and hyperbolic rewrites (trig_rules.cpp).
ExprId tan_to_sin_cos(ExprPool& pool, ExprId e);
ExprId sin_cos_to_tan(ExprPool& pool, ExprId e);
/// cos(u)**n -> (1 - sin(u)**2)**(n/2) cos(u)**(n%2) (to_sin), or the converse for sin; likewise
/// cosh**2 = 1 + sinh**2 (to_sin: towards sinh).
ExprId pythagorean(ExprPool& pool, ExprId e, bool to_sin);
/// 1/cos(u)**2 -> 1 + tan(u)**2 (and 1/sin**2, 1/cosh**2, 1/sinh**2 likewise).
ExprId reciprocal_squares(ExprPool& pool, ExprId e);
/// Products and powers of sin/cos (sinh/cosh) turned into sums of single functions (then expanded).
ExprId products_to_sums(ExprPool& pool, ExprId e);
/// Angle sums and integer multiples expanded (sin(x + y), cos(3*x), sinh(2*x), tan(x + y)).
ExprId expand_angles(ExprPool& pool, ExprId e, bool tan_too);
/// sinh, cosh, tanh as exponentials.
ExprId hyperbolic_to_exp(ExprPool& pool, ExprId e);
/// c*exp(u) + c*exp(-u) -> 2*c*cosh(u), c*exp(u) - c*exp(-u) -> 2*c*sinh(u).
ExprId exp_to_hyperbolic(ExprPool& pool, ExprId e);

// Rational algebra that may refuse (floats, limits): nullopt instead of an exception.
std::optional<ExprId> try_cancel(ExprPool& pool, ExprId e);
std::optional<ExprId> try_together(ExprPool& pool, ExprId e);
std::optional<ExprId> try_factor(ExprPool& pool, ExprId e);
std::optional<ExprId> try_expand(ExprPool& pool, ExprId e);

/// Distinct nodes of `e` (the tie-breaker of equal costs).
long node_count(const ExprPool& pool, ExprId e);

/// A candidate form with its cost; ordered cheapest first (then fewer nodes, then id).
struct Scored {
  long cost, nodes;
  ExprId e;
  bool operator<(const Scored& o) const {
    if (cost != o.cost) return cost < o.cost;
    if (nodes != o.nodes) return nodes < o.nodes;
    return e < o.e;
  }
};

/// Whether `e` holds oo, -oo, zoo, nan or an infinite float: the identities of the searches are
/// identities of finite values, and such input is left alone (trigsimp.cpp).
bool has_infinity(const ExprPool& pool, ExprId e);
/// trigsimp's search under a cost (trigsimp.cpp).
ExprId trig_search(ExprPool& pool, ExprId expr, const std::function<long(ExprPool&, ExprId)>& cost, int beam,
                   int depth);

}  // namespace alkahest::simplify_detail
