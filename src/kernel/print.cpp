// Text and LaTeX printers. Both walk the expression with an explicit work stack (no recursion), so
// an expression nested a million levels deep prints as easily as a shallow one.
//
// The text form is what Python (with alkahest's names in scope), SymPy's `sympify` and
// `alkahest::parse` read back to the same canonical expression. Known Python caveat: a bare
// rational prints as `1/2` and a rational exponent as `x**(3/2)`; plain Python evaluates those
// divisions of two ints to a float, while SymPy and `parse` read them exactly. Coefficients are
// arranged so that Python stays exact: `3*x/2` is `(3*x)/2`, never `3/2*x`.
#include "alkahest/print.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "alkahest/facts.hpp"
#include "alkahest/objects.hpp"
#include "alkahest/walk.hpp"

namespace alkahest {

namespace {

// Binding strength of the text a node prints to, weakest first. A node is wrapped in parentheses
// when its precedence is below what its position needs.
enum Prec : int { kTop = 0, kAdd = 1, kMul = 2, kUnary = 3, kPow = 4, kAtom = 5 };

// Whether the number's text starts with a minus sign (floats by sign bit: -0.0 and -inf too).
bool prints_negative(const Number& n) {
  if (n.is_float()) return !std::isnan(n.real()) && std::signbit(n.real());
  return n.sign() < 0;
}

bool is_half(const Number& n) { return n.is_rational() && n.rational() == mpq_class(1, 2); }

// Exponent that makes a factor go below the fraction bar: an exact negative number.
bool is_exact_negative(const Number& n) { return n.is_exact() && n.sign() < 0; }

// LaTeX for a float: `2.5`, `1.5 \cdot 10^{-7}`, `\infty`, `\text{NaN}`.
std::string latex_float(double v) {
  if (std::isnan(v)) return "\\text{NaN}";
  if (std::isinf(v)) return v < 0 ? "- \\infty" : "\\infty";
  std::string s = format_double(v);
  const auto e = s.find('e');
  if (e == std::string::npos) return s;
  std::string mant = s.substr(0, e);
  std::string ex = s.substr(e + 1);
  bool neg = false;
  if (!ex.empty() && (ex[0] == '+' || ex[0] == '-')) {
    neg = ex[0] == '-';
    ex.erase(0, 1);
  }
  while (ex.size() > 1 && ex[0] == '0') ex.erase(0, 1);
  return mant + " \\cdot 10^{" + (neg ? "-" : "") + ex + "}";
}

bool is_greek(std::string_view s) {
  static constexpr std::string_view kGreek[] = {
      "alpha", "beta",  "gamma", "delta",   "epsilon", "zeta",    "eta",   "theta",
      "iota",  "kappa", "lambda", "mu",     "nu",      "xi",      "pi",    "rho",
      "sigma", "tau",   "upsilon", "phi",   "chi",     "psi",     "omega", "Gamma",
      "Delta", "Theta", "Lambda", "Xi",     "Pi",      "Sigma",   "Upsilon", "Phi",
      "Psi",   "Omega"};
  for (std::string_view g : kGreek)
    if (s == g) return true;
  return false;
}

std::string latex_name_part(std::string_view s) {
  if (is_greek(s)) return "\\" + std::string(s);
  std::string out;
  for (char c : s) {
    if (c == '_') out += "\\_";
    else out += c;
  }
  return out;
}

// `x_1` -> `x_{1}`, `alpha_i_j` -> `\alpha_{i j}`, `beta` -> `\beta`.
std::string latex_symbol(std::string_view name) {
  const auto u = name.find('_');
  if (u == std::string_view::npos || u == 0 || u + 1 == name.size()) return latex_name_part(name);
  std::string out = latex_name_part(name.substr(0, u)) + "_{";
  std::string_view rest = name.substr(u + 1);
  bool first = true;
  while (true) {
    const auto v = rest.find('_');
    std::string_view part = rest.substr(0, v);
    if (!part.empty()) {
      if (!first) out += ' ';
      out += latex_name_part(part);
      first = false;
    }
    if (v == std::string_view::npos) break;
    rest = rest.substr(v + 1);
  }
  return out + "}";
}

class Printer {
 public:
  Printer(const ExprPool& pool, bool latex) : pool_(pool), latex_(latex) {}

  // `marked`: the symbols to print with their assumptions, when the expression is printed beside
  // others (see to_strings); else decided here, from this expression's symbols.
  std::string run(ExprId root, const std::unordered_set<ExprId>* marked = nullptr) {
    if (marked)
      marked_ = *marked;
    else
      mark_clashing_symbols({&root, 1});
    stack_.push_back(node_item(root, kTop, false));
    while (!stack_.empty()) {
      Item item = std::move(stack_.back());
      stack_.pop_back();
      if (item.tag == Tag::Text) {
        out_ += item.text;
        continue;
      }
      pieces_.clear();
      if (item.tag == Tag::Node)
        expand_node(item.id, item.need, item.negate);
      else
        expand_den_pow(item.id, item.need);
      for (auto it = pieces_.rbegin(); it != pieces_.rend(); ++it) stack_.push_back(std::move(*it));
    }
    return std::move(out_);
  }

  // The symbols that print with their assumptions in expressions printed side by side.
  std::unordered_set<ExprId> clashing_symbols(std::span<const ExprId> roots) { return mark_clashing_symbols(roots); }

 private:
  enum class Tag : std::uint8_t { Text, Node, DenPow };
  // One unit of pending work: text to append, a node to print (`negate`: print its negation, used
  // for terms whose sign the enclosing sum already printed), or a denominator factor: the Pow node
  // `id` = b**e with e < 0, printed as b**(-e).
  struct Item {
    Tag tag = Tag::Text;
    bool negate = false;
    int need = kTop;  ///< least precedence that prints here without parentheses
    ExprId id = 0;
    std::string text;
  };

  static Item node_item(ExprId id, int need, bool negate) {
    Item it;
    it.tag = Tag::Node;
    it.id = id;
    it.need = need;
    it.negate = negate;
    return it;
  }

  const Node& N(ExprId id) const { return pool_.node(id); }

  // Symbols that share their name with a different symbol (other assumptions) in the expression
  // print with their assumptions, `x{positive}`, so that `x + x{positive}` is not read as 2*x;
  // the default (real) symbol keeps its plain name. parse() reads the braces back.
  const std::unordered_set<ExprId>& mark_clashing_symbols(std::span<const ExprId> roots) {
    std::unordered_map<std::string_view, std::vector<ExprId>> by_name;
    bool clash = false;
    for (ExprId root : roots)
      any_node(pool_, root, [&](ExprId id, const Node& n) {
        if (n.kind == Kind::Symbol) {
          auto& ids = by_name[n.name];
          if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
          clash = clash || ids.size() > 1;
        }
        return false;
      });
    if (!clash) return marked_;
    for (const auto& [name, ids] : by_name)
      if (ids.size() > 1)
        for (ExprId id : ids)
          if (!(N(id).facts == Facts::real())) marked_.insert(id);
    return marked_;
  }

  std::string symbol_text(ExprId id, const Node& n) const {
    std::string base = latex_ ? latex_symbol(n.name) : n.name;
    if (!marked_.count(id)) return base;
    std::string list;
    for (const auto& [key, value] : assumption_pairs(n.facts)) {
      if (!list.empty()) list += latex_ ? ",\\," : ", ";
      list += latex_ ? "\\mathrm{" + key + "}" : key;
      if (!value) list += latex_ ? "{=}\\mathrm{False}" : "=False";
    }
    if (latex_) return "{" + base + "}_{\\left[" + list + "\\right]}";
    return base + "{" + list + "}";
  }

  void text(std::string s) {
    Item it;
    it.text = std::move(s);
    pieces_.push_back(std::move(it));
  }
  void node(ExprId id, int need, bool negate = false) {
    pieces_.push_back(node_item(id, need, negate));
  }
  void den_pow(ExprId id, int need) {
    Item it = node_item(id, need, false);
    it.tag = Tag::DenPow;
    pieces_.push_back(std::move(it));
  }
  void open_paren() { text(latex_ ? "\\left(" : "("); }
  void close_paren() { text(latex_ ? "\\right)" : ")"); }

  // Precedence of the text a number prints to (after negation when `negate`).
  int number_prec(const Number& n, bool negate) const {
    if (n.is_rational()) return kMul;  // `1/2`, `\frac{1}{2}`
    if (prints_negative(n) && !negate) return kUnary;
    if (latex_ && n.is_float() && std::isfinite(n.real()) &&
        format_double(n.real()).find('e') != std::string::npos)
      return kMul;  // `1 \cdot 10^{300}`
    return kAtom;
  }

  int prec(ExprId id, bool negate) const {
    const Node& n = N(id);
    switch (n.kind) {
      case Kind::Number: return number_prec(n.number, negate);
      case Kind::Symbol:
      case Kind::Func: return kAtom;
      case Kind::Object:
        // In LaTeX, sums, integrals, limits and derivatives extend to the right: parenthesised as factors.
        if (latex_ && (n.head == Head::Sum || n.head == Head::Product || n.head == Head::Integral ||
                       n.head == Head::Limit || n.head == Head::Derivative))
          return kMul;
        return kAtom;
      case Kind::Constant:
        return n.constant == Constant::NegativeInfinity && !negate ? kUnary : kAtom;
      case Kind::Add: return kAdd;
      case Kind::Mul: return kMul;
      case Kind::Pow: {
        const Node& e = N(n.args[1]);
        if (e.kind == Kind::Number) {
          if (is_half(e.number)) return kAtom;  // sqrt(b)
          if (is_exact_negative(e.number)) return kMul;  // 1/b**k
        }
        return kPow;
      }
    }
    return kAtom;
  }

  std::string number_text(const Number& value, bool negate) const {
    const Number v = negate ? -value : value;
    if (!latex_) return v.str();
    if (v.is_float()) return latex_float(v.real());
    if (v.is_integer()) return v.str();
    const mpq_class& q = v.rational();
    const bool neg = q < 0;
    mpz_class p = q.get_num();
    if (neg) p = -p;
    return std::string(neg ? "- " : "") + "\\frac{" + p.get_str() + "}{" + q.get_den().get_str() +
           "}";
  }

  void expand_node(ExprId id, int need, bool negate) {
    const bool paren = prec(id, negate) < need;
    if (paren) open_paren();
    const Node& n = N(id);
    switch (n.kind) {
      case Kind::Number: text(number_text(n.number, negate)); break;
      case Kind::Symbol: text(symbol_text(id, n)); break;
      case Kind::Add: expand_add(n); break;
      case Kind::Mul: expand_mul(n, negate); break;
      case Kind::Pow: expand_pow(id, n); break;
      case Kind::Func: latex_ ? expand_func_latex(n) : expand_func_text(n); break;
      case Kind::Constant: text(constant_text(n.constant, negate)); break;
      case Kind::Object: latex_ ? expand_object_latex(n) : expand_object_text(n); break;
    }
    if (paren) close_paren();
  }

  // ---- unevaluated objects (objects.hpp); the text is what parse() and SymPy read back ----

  void list_from(const Node& n, std::size_t from, std::size_t step = 1) {
    for (std::size_t i = from; i < n.args.size(); i += step) {
      if (i > from) text(", ");
      node(n.args[i], kTop);
    }
  }

  // Symbols of an expression in canonical order (what O(e) without variables takes).
  std::vector<ExprId> symbols_of(ExprId e) const {
    std::vector<ExprId> out, stack{e};
    std::unordered_set<ExprId> seen;
    while (!stack.empty()) {
      const ExprId id = stack.back();
      stack.pop_back();
      if (!seen.insert(id).second) continue;
      if (N(id).kind == Kind::Symbol) out.push_back(id);
      for (ExprId a : N(id).args) stack.push_back(a);
    }
    std::sort(out.begin(), out.end(), [&](ExprId a, ExprId b) { return pool_.compare(a, b) < 0; });
    return out;
  }

  void expand_object_text(const Node& n) {
    const auto& a = n.args;
    switch (n.head) {
      case Head::Function:
        text(n.name + "(");
        args_list(n);
        text(")");
        return;
      case Head::True:
      case Head::False: text(std::string(head_name(n.head))); return;
      case Head::Tuple:
        text("(");
        args_list(n);
        text(a.size() == 1 ? ",)" : ")");
        return;
      case Head::Derivative:
        text("Derivative(");
        node(a[0], kTop);
        for (std::size_t i = 1; i < a.size(); i += 2) {
          text(", ");
          if (N(a[i + 1]).number.is_one()) {
            node(a[i], kTop);
          } else {
            text("(");
            node(a[i], kTop);
            text(", " + N(a[i + 1]).number.str() + ")");
          }
        }
        text(")");
        return;
      case Head::Integral:
      case Head::Sum:
      case Head::Product:
        text(std::string(head_name(n.head)) + "(");
        node(a[0], kTop);
        for (std::size_t i = 1; i < a.size(); ++i) {
          text(", ");
          const auto& lim = N(a[i]).args;
          if (lim.size() == 1) node(lim[0], kTop);
          else node(a[i], kTop);
        }
        text(")");
        return;
      case Head::Limit:
        text("Limit(");
        list_from(n, 0);
        text(", dir='" + n.name + "')");
        return;
      case Head::Order: {
        text("O(");
        node(a[0], kTop);
        const std::vector<ExprId> vars(a.begin() + 1, a.end() - 1);
        const Node& p = N(a.back());
        const bool at_zero = p.kind == Kind::Number && p.number.is_exact() && p.number.is_zero();
        if (at_zero && vars != symbols_of(a[0])) {
          for (ExprId v : vars) {
            text(", ");
            node(v, kTop);
          }
        } else if (!at_zero) {
          for (ExprId v : vars) {
            text(", (");
            node(v, kTop);
            text(", ");
            node(a.back(), kTop);
            text(")");
          }
        }
        text(")");
        return;
      }
      case Head::Subs:
        text("Subs(");
        node(a[0], kTop);
        if (a.size() == 3) {
          text(", ");
          node(a[1], kTop);
          text(", ");
          node(a[2], kTop);
        } else {
          text(", (");
          list_from(n, 1, 2);
          text("), (");
          list_from(n, 2, 2);
          text(")");
        }
        text(")");
        return;
      case Head::Piecewise:
        text("Piecewise(");
        for (std::size_t i = 0; i < a.size(); i += 2) {
          text(i ? ", (" : "(");
          node(a[i], kTop);
          text(", ");
          node(a[i + 1], kTop);
          text(")");
        }
        text(")");
        return;
      case Head::RootSum:
        text("RootSum(");
        node(a[0], kTop);
        text(", Lambda(");
        node(a[1], kTop);
        text(", ");
        node(a[2], kTop);
        text("))");
        return;
      default:  // relations, And, Or, Not, RootOf: Head(args)
        text(std::string(head_name(n.head)) + "(");
        args_list(n);
        text(")");
        return;
    }
  }

  void latex_limit_var(ExprId var, ExprId a, ExprId b) {
    (void)var;
    text("_{");
    node(a, kTop);
    text("}^{");
    node(b, kTop);
    text("}");
  }

  void expand_object_latex(const Node& n) {
    const auto& a = n.args;
    switch (n.head) {
      case Head::Function:
        text(latex_symbol(n.name) + "{\\left(");
        args_list(n);
        text(" \\right)}");
        return;
      case Head::True: text("\\text{True}"); return;
      case Head::False: text("\\text{False}"); return;
      case Head::Tuple:
        text("\\left(");
        args_list(n);
        text("\\right)");
        return;
      case Head::Derivative: {
        long total = 0;
        for (std::size_t i = 2; i < a.size(); i += 2) total += N(a[i]).number.integer().get_si();
        const bool ordinary = a.size() == 3;
        const std::string d = ordinary ? "d" : "\\partial";
        text("\\frac{" + d + (total > 1 ? "^{" + std::to_string(total) + "}" : "") + "}{");
        for (std::size_t i = 1; i < a.size(); i += 2) {
          text(i > 1 ? " " + d + " " : d + " ");
          node(a[i], kAtom);
          const long k = N(a[i + 1]).number.integer().get_si();
          if (k > 1) text("^{" + std::to_string(k) + "}");
        }
        text("} ");
        node(a[0], kMul);
        return;
      }
      case Head::Integral:
        for (std::size_t i = a.size(); i-- > 1;) {
          const auto& lim = N(a[i]).args;
          if (lim.size() == 3) {
            text("\\int\\limits");
            latex_limit_var(lim[0], lim[1], lim[2]);
            text(" ");
          } else {
            text("\\int ");
          }
        }
        node(a[0], kMul);
        for (std::size_t i = 1; i < a.size(); ++i) {
          text("\\, d");
          node(N(a[i]).args[0], kAtom);
        }
        return;
      case Head::Sum:
      case Head::Product:
        for (std::size_t i = a.size(); i-- > 1;) {
          const auto& lim = N(a[i]).args;
          text(n.head == Head::Sum ? "\\sum_{" : "\\prod_{");
          node(lim[0], kTop);
          text("=");
          node(lim[1], kTop);
          text("}^{");
          node(lim[2], kTop);
          text("} ");
        }
        node(a[0], kMul);
        return;
      case Head::Limit:
        text("\\lim_{");
        node(a[1], kTop);
        text(" \\to ");
        node(a[2], kTop);
        if (n.name == "+" && !pool_.is_constant(a[2], Constant::NegativeInfinity)) text("^+");
        if (n.name == "-" && !pool_.is_constant(a[2], Constant::Infinity)) text("^-");
        text("} ");
        node(a[0], kMul);
        return;
      case Head::Order: {
        text("O\\left(");
        node(a[0], kTop);
        const Node& p = N(a.back());
        if (!(p.kind == Kind::Number && p.number.is_zero())) {
          text("; ");
          if (a.size() == 3) {
            node(a[1], kTop);
          } else {
            text("\\left(");
            for (std::size_t i = 1; i + 1 < a.size(); ++i) {
              if (i > 1) text(", ");
              node(a[i], kTop);
            }
            text("\\right)");
          }
          text("\\rightarrow ");
          node(a.back(), kTop);
        }
        text("\\right)");
        return;
      }
      case Head::Subs:
        text("\\left. ");
        node(a[0], kTop);
        text(" \\right|_{\\substack{ ");
        for (std::size_t i = 1; i < a.size(); i += 2) {
          if (i > 1) text(", ");
          node(a[i], kTop);
          text("=");
          node(a[i + 1], kTop);
        }
        text(" }}");
        return;
      case Head::Eq:
      case Head::Ne:
      case Head::Lt:
      case Head::Le:
      case Head::Gt:
      case Head::Ge: {
        static constexpr const char* ops[] = {" = ", " \\neq ", " < ", " \\leq ", " > ", " \\geq "};
        node(a[0], kAdd);
        text(ops[static_cast<int>(n.head) - static_cast<int>(Head::Eq)]);
        node(a[1], kAdd);
        return;
      }
      case Head::And:
      case Head::Or:
        for (std::size_t i = 0; i < a.size(); ++i) {
          if (i) text(n.head == Head::And ? " \\wedge " : " \\vee ");
          const bool group = is_object(pool_, a[i], Head::And) || is_object(pool_, a[i], Head::Or);
          if (group) open_paren();
          node(a[i], kTop);
          if (group) close_paren();
        }
        return;
      case Head::Not:
        text("\\neg \\left(");
        node(a[0], kTop);
        text("\\right)");
        return;
      case Head::Piecewise:
        text("\\begin{cases} ");
        for (std::size_t i = 0; i < a.size(); i += 2) {
          if (i) text(" \\\\ ");
          node(a[i], kTop);
          if (is_object(pool_, a[i + 1], Head::True)) {
            text(" & \\text{otherwise}");
          } else {
            text(" & \\text{for}\\: ");
            node(a[i + 1], kTop);
          }
        }
        text(" \\end{cases}");
        return;
      case Head::RootOf:
        text("\\operatorname{CRootOf} {\\left(");
        node(a[0], kTop);
        text(", ");
        node(a[2], kTop);
        text("\\right)}");
        return;
      case Head::AccumBounds:
        text("\\left\\langle ");
        node(a[0], kTop);
        text(", ");
        node(a[1], kTop);
        text("\\right\\rangle");
        return;
      case Head::RootSum:
        text("\\operatorname{RootSum} {\\left(");
        node(a[0], kTop);
        text(", \\left( ");
        node(a[1], kTop);
        text(" \\mapsto ");
        node(a[2], kTop);
        text(" \\right)\\right)}");
        return;
      case Head::Count_: return;
    }
  }

  std::string constant_text(Constant c, bool negate) const {
    if (negate && c == Constant::NegativeInfinity) c = Constant::Infinity;
    if (!latex_) return std::string(constant_name(c));
    switch (c) {
      case Constant::Pi: return "\\pi";
      case Constant::E: return "e";
      case Constant::EulerGamma: return "\\gamma";
      case Constant::I: return "i";
      case Constant::Infinity: return "\\infty";
      case Constant::NegativeInfinity: return "- \\infty";
      case Constant::ComplexInfinity: return "\\tilde{\\infty}";
      default: return "\\text{NaN}";
    }
  }

  // A term prints with a leading minus sign: negative number, or product with negative coefficient.
  bool term_negative(ExprId id) const {
    const Node& n = N(id);
    if (n.kind == Kind::Constant) return n.constant == Constant::NegativeInfinity;
    if (n.kind == Kind::Number) return prints_negative(n.number);
    if (n.kind == Kind::Mul && !n.args.empty()) {
      const Node& c = N(n.args[0]);
      return c.kind == Kind::Number && prints_negative(c.number);
    }
    return false;
  }

  // Constant last; the signs of later terms print as a binary ` - ` / ` + `.
  void expand_add(const Node& n) {
    std::size_t k = 0;
    auto emit = [&](ExprId t) {
      const bool neg = term_negative(t);
      // The first term prints its own sign: a product prints a leading minus safely (see
      // expand_fraction), which `-` + `(x + 1)*(y + 1)` would not be.
      if (k > 0) text(neg ? " - " : " + ");
      node(t, kMul, k > 0 && neg);
      ++k;
    };
    // Order terms print last, after the constant: x + 1 + O(x**2).
    auto is_order = [&](ExprId t) { return is_object(pool_, t, Head::Order); };
    for (ExprId t : n.args)
      if (N(t).kind != Kind::Number && !is_order(t)) emit(t);
    for (ExprId t : n.args)
      if (N(t).kind == Kind::Number) emit(t);
    for (ExprId t : n.args)
      if (is_order(t)) emit(t);
  }

  // O(x)**-2 in text: a product of Order objects (and their powers) absorbs (O(x)**2 is O(x**2),
  // x*O(x) is O(x**2)), so writing it below a fraction bar (`1/O(x)**2`, `1/(x*O(x))`) would read
  // back as another expression. It prints as written: `O(x)**(-2)`, a factor of the numerator.
  bool order_negative_power(ExprId pow_id) const {
    return !latex_ && is_object(pool_, N(pow_id).args[0], Head::Order);
  }

  void expand_mul(const Node& n, bool negate) {
    Number coef(1L);
    std::size_t i = 0;
    if (!n.args.empty() && N(n.args[0]).kind == Kind::Number) {
      coef = N(n.args[0]).number;
      i = 1;
    }
    if (negate) coef = -coef;
    std::vector<ExprId> num, den;
    for (; i < n.args.size(); ++i) {
      const ExprId f = n.args[i];
      const Node& fn = N(f);
      if (fn.kind == Kind::Pow && N(fn.args[1]).kind == Kind::Number &&
          is_exact_negative(N(fn.args[1]).number) && !order_negative_power(f))
        den.push_back(f);
      else
        num.push_back(f);
    }
    expand_fraction(coef, std::move(num), std::move(den));
  }

  void expand_pow(ExprId id, const Node& n) {
    const Node& e = N(n.args[1]);
    if (e.kind == Kind::Number) {
      if (is_half(e.number)) {
        text(latex_ ? "\\sqrt{" : "sqrt(");
        node(n.args[0], kTop);
        text(latex_ ? "}" : ")");
        return;
      }
      if (is_exact_negative(e.number) && !order_negative_power(id)) {
        expand_fraction(Number(1L), {}, {id});
        return;
      }
    }
    node(n.args[0], kAtom);
    if (latex_) {
      text("^{");
      node(n.args[1], kTop);
      text("}");
    } else {
      text("**");
      node(n.args[1], kAtom);
    }
  }

  // Whether a factor's LaTeX starts with a digit (then it needs `\cdot` after another factor).
  bool latex_starts_with_digit(ExprId id, bool den_pow) const {
    const Node& n = N(id);
    if (n.kind == Kind::Number)
      return !n.number.is_rational() && !prints_negative(n.number) &&
             (n.number.is_integer() || std::isfinite(n.number.real()));
    if (n.kind != Kind::Pow) return false;
    const Node& e = N(n.args[1]);
    if (e.kind == Kind::Number && is_half(e.number)) return false;
    if (den_pow && e.kind == Kind::Number && (-e.number).is_one())
      return latex_starts_with_digit(n.args[0], false);
    const Node& b = N(n.args[0]);
    return b.kind == Kind::Number && number_prec(b.number, false) == kAtom &&
           latex_starts_with_digit(n.args[0], false);
  }

  // coef * prod(num) / prod(b**-e for b**e in den).
  void expand_fraction(const Number& coef, std::vector<ExprId> num, std::vector<ExprId> den) {
    const bool neg = prints_negative(coef);
    const Number mag = neg ? -coef : coef;
    std::string cnum, cden;
    if (mag.is_float()) {
      cnum = latex_ ? latex_float(mag.real()) : mag.str();
    } else if (mag.is_integer()) {
      if (!mag.is_one()) cnum = mag.str();
    } else {
      const mpq_class& q = mag.rational();
      if (q.get_num() != 1) cnum = q.get_num().get_str();
      cden = q.get_den().get_str();
    }
    const bool has_cnum = !cnum.empty();
    if (cnum.empty() && num.empty()) cnum = "1";
    const std::size_t num_count = (cnum.empty() ? 0 : 1) + num.size();
    const std::size_t den_count = (cden.empty() ? 0 : 1) + den.size();

    if (latex_) {
      if (neg) text("- ");
      if (den_count > 0) text("\\frac{");
      latex_product(cnum, num, false, den_count > 0 && num_count == 1 ? kTop : kUnary);
      if (den_count > 0) {
        text("}{");
        latex_product(cden, den, true, den_count == 1 ? kTop : kUnary);
        text("}");
      }
      return;
    }

    // Readers evaluate `3*(x + 1)*y` left to right, and an exact number times a lone sum
    // distributes (`3*(x + 1)` -> `3*x + 3`), so the text must never multiply the coefficient (or
    // apply the unary minus) to a bare sum first. Put a factor that is not a sum first when there
    // is one; otherwise group the rest: `3*((x + 1)*(y + 1))`, `-((x + 1)/y)`, `x/(y + 1)/2`.
    const bool exact = !mag.is_float();
    const bool num_lead = exact && (has_cnum || neg);
    if (num_lead) front_non_sum(num, false);
    const bool num_hazard = num_lead && !num.empty() && N(num[0]).kind == Kind::Add;
    if (!cden.empty()) front_non_sum(den, true);
    const bool den_hazard = !cden.empty() && !den.empty() && den_is_sum(den[0]);

    if (neg) text("-");
    if (num_hazard) {
      if (has_cnum) text(cnum + "*");
      text("(");
      text_product("", num, false);
      if (!den.empty()) text_denominator("", den);
      text(")");
      if (!cden.empty()) text("/" + cden);
      return;
    }
    text_product(cnum, num, false);
    if (den_hazard) {
      text_denominator("", den);
      text("/" + cden);
      return;
    }
    if (den_count > 0) text_denominator(cden, den);
  }

  // `/d`, or `/(c*d1*d2)` for several factors.
  void text_denominator(const std::string& coef, const std::vector<ExprId>& den) {
    const bool group = (coef.empty() ? 0 : 1) + den.size() > 1;
    text(group ? "/(" : "/");
    text_product(coef, den, true);
    if (group) text(")");
  }

  // Whether a denominator factor b**e (e < 0) prints as a bare sum: e == -1 and b a sum.
  bool den_is_sum(ExprId pow_id) const {
    const Node& n = N(pow_id);
    return N(n.args[0]).kind == Kind::Add && N(n.args[1]).number.is_minus_one();
  }

  // Moves the first factor that does not print as a bare sum to the front (if the front is one).
  void front_non_sum(std::vector<ExprId>& fs, bool den) const {
    auto is_sum = [&](ExprId f) { return den ? den_is_sum(f) : N(f).kind == Kind::Add; };
    if (fs.empty() || !is_sum(fs[0])) return;
    for (std::size_t i = 1; i < fs.size(); ++i)
      if (!is_sum(fs[i])) {
        const ExprId f = fs[i];
        fs.erase(fs.begin() + static_cast<std::ptrdiff_t>(i));
        fs.insert(fs.begin(), f);
        return;
      }
  }

  void text_product(const std::string& coef, const std::vector<ExprId>& factors, bool den) {
    bool first = true;
    if (!coef.empty()) {
      text(coef);
      first = false;
    }
    for (ExprId f : factors) {
      if (!first) text("*");
      first = false;
      if (den)
        den_pow(f, kUnary);
      else
        node(f, kUnary);
    }
  }

  void latex_product(const std::string& coef, const std::vector<ExprId>& factors, bool den,
                     int need) {
    bool first = true;
    if (!coef.empty()) {
      text(coef);
      first = false;
    }
    for (ExprId f : factors) {
      if (!first) text(latex_starts_with_digit(f, den) ? " \\cdot " : " ");
      first = false;
      if (den)
        den_pow(f, need);
      else
        node(f, need);
    }
  }

  // Pow node b**e with exact e < 0, printed as b**(-e) (a factor below the fraction bar).
  void expand_den_pow(ExprId id, int need) {
    const Node& n = N(id);
    const ExprId base = n.args[0];
    const Number e = -N(n.args[1]).number;
    if (e.is_one()) {
      node(base, need);
      return;
    }
    if (is_half(e)) {
      text(latex_ ? "\\sqrt{" : "sqrt(");
      node(base, kTop);
      text(latex_ ? "}" : ")");
      return;
    }
    const bool paren = kPow < need;
    if (paren) open_paren();
    node(base, kAtom);
    if (latex_) {
      text("^{" + number_text(e, false) + "}");
    } else if (e.is_integer()) {
      text("**" + e.str());
    } else {
      text("**(" + e.str() + ")");
    }
    if (paren) close_paren();
  }

  void args_list(const Node& n) {
    std::size_t count = n.args.size();
    if (n.kind == Kind::Func && count > 0)  // LambertW(x, 0) prints as LambertW(x), zeta(s, 1) as zeta(s)
      if (auto d = default_last_arg(n.op)) {
        const Node& last = pool_.node(n.args[count - 1]);
        if (last.kind == Kind::Number && last.number.is_integer() && last.number.integer() == *d) --count;
      }
    for (std::size_t i = 0; i < count; ++i) {
      if (i) text(", ");
      node(n.args[i], kTop);
    }
  }

  void expand_func_text(const Node& n) {
    text(std::string(op_info(n.op).name) + "(");
    args_list(n);
    text(")");
  }

  void expand_func_latex(const Node& n) {
    const OpInfo& info = op_info(n.op);
    switch (n.op) {
      case Op::Abs:
        text("\\left|");
        node(n.args[0], kTop);
        text("\\right|");
        return;
      case Op::Floor:
        text("\\left\\lfloor{");
        node(n.args[0], kTop);
        text("}\\right\\rfloor");
        return;
      case Op::Ceil:
        text("\\left\\lceil{");
        node(n.args[0], kTop);
        text("}\\right\\rceil");
        return;
      case Op::Gamma:
        text("\\Gamma\\left(");
        node(n.args[0], kTop);
        text("\\right)");
        return;
      case Op::Polygamma:
        text("\\psi^{\\left(");
        node(n.args[0], kTop);
        text("\\right)}\\left(");
        node(n.args[1], kTop);
        text("\\right)");
        return;
      // The special functions in their textbook notation (SymPy's LaTeX forms).
      case Op::LambertW:     // W(x) on the principal branch, W_k(x) on branch k
      case Op::BesselJ:      // J_nu(x), Y_nu(x), I_nu(x), K_nu(x)
      case Op::BesselY:
      case Op::BesselI:
      case Op::BesselK:
      case Op::Polylog: {    // Li_s(z)
        const bool lambert = n.op == Op::LambertW;
        const ExprId index = lambert ? n.args[1] : n.args[0];
        const ExprId arg = lambert ? n.args[0] : n.args[1];
        text(lambert ? "W" : n.op == Op::BesselJ ? "J" : n.op == Op::BesselY ? "Y" : n.op == Op::BesselI ? "I"
                           : n.op == Op::BesselK ? "K" : "\\operatorname{Li}");
        const Node& k = N(index);
        if (!(lambert && k.kind == Kind::Number && k.number.is_integer() && k.number.integer() == 0)) {
          text("_{");
          node(index, kTop);
          text("}");
        }
        text("\\left(");
        node(arg, kTop);
        text("\\right)");
        return;
      }
      case Op::Factorial:  // x!, (x + 1)!
        node(n.args[0], kAtom);
        text("!");
        return;
      case Op::Binomial:
        text("{\\binom{");
        node(n.args[0], kTop);
        text("}{");
        node(n.args[1], kTop);
        text("}}");
        return;
      case Op::EllipticEInc:  // E(phi | m), F(phi | m), Pi(n | m), Pi(n; phi | m)
      case Op::EllipticF:
      case Op::EllipticPi:
      case Op::EllipticPiInc:
        text(std::string(info.latex) + "\\left(");
        node(n.args[0], kTop);
        if (n.op == Op::EllipticPiInc) {
          text("; ");
          node(n.args[1], kTop);
        }
        text("\\middle| ");
        node(n.args.back(), kTop);
        text("\\right)");
        return;
      case Op::Hyp2f1:  // 2F1 with its parameters stacked, as SymPy's hyper([a, b], [c], z)
        text("{{}_{2}F_{1}\\left(\\begin{matrix} ");
        node(n.args[0], kTop);
        text(", ");
        node(n.args[1], kTop);
        text(" \\\\ ");
        node(n.args[2], kTop);
        text(" \\end{matrix}\\middle| {");
        node(n.args[3], kTop);
        text("} \\right)}");
        return;
      default: break;
    }
    std::string cmd = info.latex.empty() ? "\\operatorname{" + std::string(info.name) + "}"
                                         : std::string(info.latex);
    text(cmd + "{\\left(");
    args_list(n);
    text(" \\right)}");
  }

  const ExprPool& pool_;
  const bool latex_;
  std::unordered_set<ExprId> marked_;  ///< symbols printed with their assumptions
  std::vector<Item> stack_;
  std::vector<Item> pieces_;  ///< pieces of the node being expanded, in reading order
  std::string out_;
};

}  // namespace

std::string to_string(const ExprPool& pool, ExprId id) { return Printer(pool, false).run(id); }

std::string to_latex(const ExprPool& pool, ExprId id) { return Printer(pool, true).run(id); }

namespace {
std::vector<std::string> texts_together(const ExprPool& pool, std::span<const ExprId> ids, bool latex) {
  Printer marker(pool, latex);
  const std::unordered_set<ExprId> marked = marker.clashing_symbols(ids);
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (ExprId id : ids) out.push_back(Printer(pool, latex).run(id, &marked));
  return out;
}
}  // namespace

std::vector<std::string> to_strings(const ExprPool& pool, std::span<const ExprId> ids) {
  return texts_together(pool, ids, false);
}

std::vector<std::string> to_latex_strings(const ExprPool& pool, std::span<const ExprId> ids) {
  return texts_together(pool, ids, true);
}

}  // namespace alkahest
