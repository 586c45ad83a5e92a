// The zero test of matrix pivots: decided only where a proof is at hand (see entries.hpp).
#include <algorithm>

#include "alkahest/evalf.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/print.hpp"
#include "matrix/entries.hpp"

namespace alkahest::matrix_detail {

bool has_float(const ExprPool& pool, ExprId expr) {
  std::vector<ExprId> stack{expr};
  std::vector<ExprId> seen;
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    const Node& n = pool.node(id);
    if (n.kind == Kind::Number) {
      if (n.number.is_float()) return true;
      continue;
    }
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    seen.push_back(id);
    for (ExprId a : n.args) stack.push_back(a);
  }
  return false;
}

ExprId simplify_entry(ExprPool& pool, ExprId expr) {
  if (pool.is_number(expr) || pool.node(expr).kind == Kind::Symbol) return expr;
  return has_float(pool, expr) ? expand(pool, expr) : cancel(pool, expr);
}

ZeroTest zero_test(ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  if (n.kind == Kind::Number) {
    if (n.number.is_float() && n.number.real() != n.number.real()) return ZeroTest::Unknown;  // NaN
    return n.number.is_zero() ? ZeroTest::Zero : ZeroTest::Nonzero;
  }
  if (n.kind == Kind::Symbol) return ZeroTest::Nonzero;
  // Simplified again, so a caller's unsimplified entry cannot pass as a nonzero polynomial.
  const ExprId s = simplify_entry(pool, e);
  const Node& sn = pool.node(s);
  if (sn.kind == Kind::Number) {
    if (sn.number.is_float() && sn.number.real() != sn.number.real()) return ZeroTest::Unknown;
    return sn.number.is_zero() ? ZeroTest::Zero : ZeroTest::Nonzero;
  }
  bool symbols_only = true;
  for (ExprId g : generators(pool, s)) symbols_only = symbols_only && pool.node(g).kind == Kind::Symbol;
  if (symbols_only) return ZeroTest::Nonzero;
  // The kernel's three-valued test: proofs and certified enclosures (constants such as sqrt(2) - 1).
  const std::optional<bool> z = is_zero(pool, s);
  if (!z) return ZeroTest::Unknown;
  return *z ? ZeroTest::Zero : ZeroTest::Nonzero;
}

std::string entry_text(const ExprPool& pool, ExprId expr) {
  std::string s = to_string(pool, expr);
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

void require_square(const Matrix& a, const char* who) {
  if (!a.is_square())
    throw InvalidArgument(std::string(who) + ": the matrix must be square, got shape (" + std::to_string(a.rows()) +
                          ", " + std::to_string(a.cols()) + ")");
}

}  // namespace alkahest::matrix_detail
