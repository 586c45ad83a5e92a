// What the matrix algorithms need to know about one entry: its simplified form (lowest terms by the
// polynomial layer) and a zero test that is never wrong. Internal to src/matrix.
#pragma once
#include "alkahest/matrix.hpp"

namespace alkahest::matrix_detail {

enum class ZeroTest { Zero, Nonzero, Unknown };

/// Whether any float occurs in expr (floats are refused by cancel; such entries are expanded).
bool has_float(const ExprPool& pool, ExprId expr);
/// The entry in lowest terms: cancel (expand when it holds a float).
ExprId simplify_entry(ExprPool& pool, ExprId expr);
/// Zero only when the simplified entry is the number 0; Nonzero only when it is a nonzero number or
/// a nonzero rational function whose generators are all symbols (symbols are independent, so such
/// a function is not identically zero); Unknown otherwise (functions such as sin(x) are generators
/// with relations the polynomial layer does not know: sin(x)**2 + cos(x)**2 - 1 is Unknown).
ZeroTest zero_test(ExprPool& pool, ExprId expr);

/// Row-major mutable entries during elimination.
struct Work {
  std::size_t rows, cols;
  std::vector<ExprId> e;
  ExprId& at(std::size_t i, std::size_t j) { return e[i * cols + j]; }
  void swap_rows(std::size_t a, std::size_t b) {
    for (std::size_t j = 0; j < cols; ++j) std::swap(at(a, j), at(b, j));
  }
};

/// Text naming an undecidable entry in error messages (shortened).
std::string entry_text(const ExprPool& pool, ExprId expr);

void require_square(const Matrix& a, const char* who);

}  // namespace alkahest::matrix_detail
