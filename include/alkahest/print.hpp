// Text forms of expressions. Both printers are iterative, so arbitrarily deep expressions print.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "alkahest/pool.hpp"

namespace alkahest {

/// Text that Python (with alkahest's names in scope), SymPy's `sympify` and `alkahest::parse` read
/// back to the same expression: `x**2 + 3*y/2 - sin(x)`. Powers use `**`; x**(1/2) prints as sqrt(x).
std::string to_string(const ExprPool& pool, ExprId id);
/// LaTeX for notebooks: `\sin{\left(x \right)}^{2} + \frac{x}{2}`.
std::string to_latex(const ExprPool& pool, ExprId id);

/// Texts of expressions printed side by side (a matrix's entries; a polynomial and its
/// generators): symbols of one name with different assumptions are told apart across all of them,
/// as within one expression (`x` and `x{positive}`), so the joint text reads back to the same
/// symbols.
std::vector<std::string> to_strings(const ExprPool& pool, std::span<const ExprId> ids);
/// The same for LaTeX.
std::vector<std::string> to_latex_strings(const ExprPool& pool, std::span<const ExprId> ids);

}  // namespace alkahest
