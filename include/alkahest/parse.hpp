// Reading expressions from text.
#pragma once
#include <string>
#include <string_view>
#include <unordered_map>

#include "alkahest/pool.hpp"

namespace alkahest {

/// Parses `source` into `pool`. Grammar: numbers (`3`, `2.5`, `1e-3`, `inf`, `nan`), identifiers
/// (symbols), function calls from the op table plus `sqrt`, `+ - * /`, `**` and `^` (both
/// right-associative power), unary `+`/`-`, parentheses. Integer literals stay exact; `a/b` of
/// integers is an exact rational. Names found in `symbols` map to the given expression instead of a
/// new symbol. Throws ParseError with the byte span of the offending text. Iterative: deep nesting
/// does not overflow the C stack.
ExprId parse(ExprPool& pool, std::string_view source,
             const std::unordered_map<std::string, ExprId>* symbols = nullptr);

}  // namespace alkahest
