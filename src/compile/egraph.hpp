// An e-graph (equality saturation) over Program instructions: the optimizer behind
// compile_expr(..., optimize=...). E-classes are sets of equal values kept in a union-find; e-nodes
// (an instruction whose operands are e-classes) are hash-consed, so equal instructions are one
// node; rewrite rules are patterns over e-nodes; rebuild() restores congruence (equal operands
// make equal results); extraction picks the cheapest node of every class by program_cost's weights.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alkahest/program.hpp"

namespace alkahest::egraph {

using ClassId = std::uint32_t;
inline constexpr ClassId kNone = 0xFFFFFFFFu;

/// One instruction over e-classes. Input: index is the input; Const: index is the e-graph's
/// constant; Cmp: index is the Cond; Func: op (up to four kids: hyp2f1). Select's kids are
/// (condition, then, else). Kids past n are kNone.
struct ENode {
  PCode code = PCode::Const;
  Op op = Op::Count_;
  std::uint32_t index = 0;
  std::uint8_t n = 0;
  std::array<ClassId, 4> kids{kNone, kNone, kNone, kNone};
  bool operator==(const ENode&) const = default;
};
struct ENodeHash {
  std::size_t operator()(const ENode& n) const;
};

/// The arity of an instruction code (Func: its op's arity).
int arity(PCode code, Op op);

class EGraph {
 public:
  /// The class of `node` (its kids canonicalized); a new class when no equal node exists.
  ClassId add(ENode node);
  ClassId input(std::uint32_t i) { return add({PCode::Input, Op::Count_, i, 0, {kNone, kNone, kNone, kNone}}); }
  /// A constant: its double and its float (each rounded once from the exact value).
  ClassId constant(double d, float f);
  ClassId unary(PCode c, ClassId a) { return add({c, Op::Count_, 0, 1, {a, kNone, kNone, kNone}}); }
  ClassId binary(PCode c, ClassId a, ClassId b) { return add({c, Op::Count_, 0, 2, {a, b, kNone, kNone}}); }

  ClassId find(ClassId a) const;
  /// Unites two classes; true when they were different. Call rebuild() before matching again.
  bool merge(ClassId a, ClassId b);
  /// Restores the invariants after merges: every node canonical, congruent nodes in one class.
  /// Returns the number of merges congruence caused.
  std::size_t rebuild();

  /// Canonical classes (after rebuild()).
  std::vector<ClassId> classes() const;
  const std::vector<ENode>& nodes(ClassId c) const { return nodes_[find(c)]; }
  std::size_t node_count() const { return memo_.size(); }
  std::size_t class_count() const { return n_classes_; }
  /// The constant in class c, if it holds one: (double, float).
  std::optional<std::pair<double, float>> constant_of(ClassId c) const;
  std::pair<double, float> constant_value(std::uint32_t index) const { return consts_[index]; }
  ENode canonical(ENode n) const;

 private:
  mutable std::vector<ClassId> parent_;
  std::vector<std::vector<ENode>> nodes_;  // per class id; meaningful for roots only
  std::unordered_map<ENode, ClassId, ENodeHash> memo_;
  std::vector<std::pair<double, float>> consts_;
  struct BitsHash {
    std::size_t operator()(const std::pair<std::uint64_t, std::uint32_t>& b) const;
  };
  std::unordered_map<std::pair<std::uint64_t, std::uint32_t>, std::uint32_t, BitsHash> const_index_;
  std::size_t n_classes_ = 0;
};

/// A pattern over e-nodes, written as an s-expression: `(add ?a (neg ?b))`, `(mul ?x 1)`,
/// `(sin ?u)`. Heads: add sub mul div neg sqrt pow select, lt le gt ge eq ne (Cmp), and any op
/// name of the table (a Func). A number is a constant whose double and float are that number.
struct Pattern {
  enum class Kind : std::uint8_t { Var, Node, Literal } kind = Kind::Var;
  int var = -1;
  PCode code = PCode::Const;
  Op op = Op::Count_;
  std::uint32_t index = 0;
  double literal = 0;
  std::vector<Pattern> kids;
};
/// Parses `text`; variable names are looked up in (and added to) `vars`. Throws on bad syntax.
Pattern parse_pattern(std::string_view text, std::vector<std::string>& vars);

/// A substitution: the class of each pattern variable (kNone: unbound).
using Subst = std::vector<ClassId>;

/// Every substitution under which `p` matches some node of class `c` (at most `limit`).
std::vector<Subst> match(const EGraph& g, const Pattern& p, ClassId c, std::size_t n_vars, std::size_t limit);
/// Adds the nodes of `p` under `s`; returns the class of its root.
ClassId instantiate(EGraph& g, const Pattern& p, const Subst& s);

/// A rewrite rule: lhs => rhs (a pattern), or lhs => apply(...) for rules that compute (constant
/// folding); apply returns the class to unite with the match, or nothing.
struct Rule {
  std::string name;
  Pattern lhs;
  std::optional<Pattern> rhs;
  std::function<std::optional<ClassId>(EGraph&, ClassId, const Subst&)> apply;
  std::size_t n_vars = 0;
  bool bit_identical = true;  ///< false: the result may differ from the matched form's (counted)
};
Rule rule(std::string name, std::string_view lhs, std::string_view rhs, bool bit_identical = true);
Rule rule(std::string name, std::string_view lhs,
          std::function<std::optional<ClassId>(EGraph&, ClassId, const Subst&)> apply, bool bit_identical = true);

struct RunLimits {
  std::size_t max_nodes = 20000;
  std::size_t max_iterations = 30;
  double max_seconds = 0.5;
  std::size_t match_limit = 2000;  ///< matches of one rule per round before it is banned a while
  /// With roots: stop ("converged") after this many rounds in a row in which the cheapest
  /// extraction of the roots (summed tree cost) did not get cheaper by a fraction min_gain, or
  /// after one such round that took more than a quarter of max_seconds.
  std::size_t patience = 3;
  double min_gain = 0.005;
};
struct RunReport {
  std::size_t iterations = 0;
  std::string stop;  ///< "saturated", "converged", "nodes", "iterations" or "time"
  std::size_t value_changing = 0;
};
/// Applies `rules` round by round until nothing changes, a budget is spent, or (when `roots` are
/// given) the cheapest form of the roots stopped improving.
RunReport run(EGraph& g, const std::vector<Rule>& rules, const RunLimits& limits,
              std::span<const ClassId> roots = {});
/// The summed tree cost of the cheapest forms of `roots` (what extract minimizes).
double best_cost(const EGraph& g, std::span<const ClassId> roots);

/// The rule sets of the two modes (Fast includes Exact's).
std::vector<Rule> exact_rules();
std::vector<Rule> fast_rules();

/// Cost of one e-node (program_cost's weights).
double node_cost(const ENode& n);

/// The cheapest node of every class (by tree cost; equal costs: the shorter critical path) and
/// the Program they make for `outputs`. With `depth_bound` (indexed by class id; +inf: none),
/// a class takes the cheapest node whose critical path is within its bound, or the node with the
/// shortest path when none is. With `position` (indexed by class id; kNone: none), the classes
/// that have one are computed in that order (each after the operands it needs), the others just
/// before their first use: the order of the Program the graph was built from. Returns nullopt when
/// some output has no finite-cost form (cannot happen for a graph built from a Program) or the
/// choice is cyclic.
std::optional<Program> extract(const EGraph& g, std::span<const ClassId> outputs, std::uint32_t n_inputs,
                               const std::vector<double>* depth_bound = nullptr,
                               const std::vector<std::uint32_t>* position = nullptr);

/// Adds a Program's instructions; returns the classes of its outputs. With `depths`, appends
/// (class, critical path of the instruction's value) for every instruction.
std::vector<ClassId> add_program(EGraph& g, const Program& prog,
                                 std::vector<std::pair<ClassId, double>>* depths = nullptr);

}  // namespace alkahest::egraph
