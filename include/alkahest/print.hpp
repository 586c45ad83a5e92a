// Text forms of expressions. Both printers are iterative, so arbitrarily deep expressions print.
#pragma once
#include <string>

#include "alkahest/pool.hpp"

namespace alkahest {

/// Text that Python (with alkahest's names in scope), SymPy's `sympify` and `alkahest::parse` read
/// back to the same expression: `x**2 + 3*y/2 - sin(x)`. Powers use `**`; x**(1/2) prints as sqrt(x).
std::string to_string(const ExprPool& pool, ExprId id);
/// LaTeX for notebooks: `\sin{\left(x \right)}^{2} + \frac{x}{2}`.
std::string to_latex(const ExprPool& pool, ExprId id);

}  // namespace alkahest
