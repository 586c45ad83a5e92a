// The e-graph optimizer of compiled Programs (src/compile/egraph.hpp; the rules' accuracy in
// docs/accuracy.md).
#include "compile/egraph.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_set>

#include "alkahest/errors.hpp"
#include "alkahest/ops.hpp"
#include "kernel/hash_mix.hpp"

namespace alkahest::egraph {

// ---------------------------------------------------------------------------------------------
// E-graph
// ---------------------------------------------------------------------------------------------

std::size_t ENodeHash::operator()(const ENode& n) const {
  std::uint64_t h = hash_mix(static_cast<std::uint64_t>(n.code) | (static_cast<std::uint64_t>(n.op) << 8) |
                                 (static_cast<std::uint64_t>(n.n) << 24),
                             n.index);
  for (int i = 0; i < n.n; ++i) h = hash_mix(h, n.kids[i]);
  return static_cast<std::size_t>(h);
}

std::size_t EGraph::BitsHash::operator()(const std::pair<std::uint64_t, std::uint32_t>& b) const {
  return static_cast<std::size_t>(hash_mix(b.first, b.second));
}

int arity(PCode code, Op op) {
  switch (code) {
    case PCode::Input: case PCode::Const: return 0;
    case PCode::Neg: case PCode::Sqrt: return 1;
    case PCode::Add: case PCode::Sub: case PCode::Mul: case PCode::Div: case PCode::Pow: case PCode::Cmp: return 2;
    case PCode::Select: return 3;
    case PCode::Func: return op_info(op).arity >= 2 ? op_info(op).arity : 1;
  }
  return 0;
}

ClassId EGraph::find(ClassId a) const {
  while (parent_[a] != a) {
    parent_[a] = parent_[parent_[a]];  // path halving
    a = parent_[a];
  }
  return a;
}

ENode EGraph::canonical(ENode n) const {
  for (int i = 0; i < n.n; ++i) n.kids[i] = find(n.kids[i]);
  return n;
}

ClassId EGraph::add(ENode node) {
  node = canonical(node);
  if (auto it = memo_.find(node); it != memo_.end()) return find(it->second);
  const auto id = static_cast<ClassId>(parent_.size());
  parent_.push_back(id);
  nodes_.push_back({node});
  memo_.emplace(node, id);
  ++n_classes_;
  return id;
}

ClassId EGraph::constant(double d, float f) {
  const std::pair<std::uint64_t, std::uint32_t> bits{std::bit_cast<std::uint64_t>(d), std::bit_cast<std::uint32_t>(f)};
  auto [it, inserted] = const_index_.emplace(bits, static_cast<std::uint32_t>(consts_.size()));
  if (inserted) consts_.emplace_back(d, f);
  return add({PCode::Const, Op::Count_, it->second, 0, {kNone, kNone, kNone, kNone}});
}

bool EGraph::merge(ClassId a, ClassId b) {
  a = find(a);
  b = find(b);
  if (a == b) return false;
  if (nodes_[a].size() < nodes_[b].size()) std::swap(a, b);
  parent_[b] = a;
  nodes_[a].insert(nodes_[a].end(), nodes_[b].begin(), nodes_[b].end());
  std::vector<ENode>().swap(nodes_[b]);
  --n_classes_;
  return true;
}

namespace {
bool node_less(const ENode& x, const ENode& y) {
  return std::tie(x.code, x.op, x.index, x.n, x.kids) < std::tie(y.code, y.op, y.index, y.n, y.kids);
}
}  // namespace

std::size_t EGraph::rebuild() {
  std::size_t merges = 0;
  for (;;) {
    memo_.clear();
    std::vector<std::pair<ClassId, ClassId>> pending;
    for (ClassId c = 0; c < parent_.size(); ++c) {
      if (find(c) != c) continue;
      for (const ENode& node : nodes_[c]) {
        auto [it, inserted] = memo_.emplace(canonical(node), c);
        if (!inserted && find(it->second) != c) pending.emplace_back(it->second, c);
      }
    }
    if (pending.empty()) break;
    for (auto [a, b] : pending)
      if (merge(a, b)) ++merges;
  }
  for (ClassId c = 0; c < parent_.size(); ++c) {
    if (find(c) != c) continue;
    auto& ns = nodes_[c];
    for (ENode& node : ns) node = canonical(node);
    // Keep the first-added node first (extraction prefers it on ties): stable sort + unique.
    std::vector<ENode> sorted = ns;
    std::stable_sort(sorted.begin(), sorted.end(), node_less);
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (sorted.size() != ns.size()) {
      std::vector<ENode> kept;
      kept.reserve(sorted.size());
      for (const ENode& node : ns)
        if (std::find(kept.begin(), kept.end(), node) == kept.end()) kept.push_back(node);
      ns = std::move(kept);
    }
  }
  return merges;
}

std::vector<ClassId> EGraph::classes() const {
  std::vector<ClassId> out;
  out.reserve(n_classes_);
  for (ClassId c = 0; c < parent_.size(); ++c)
    if (find(c) == c) out.push_back(c);
  return out;
}

std::optional<std::pair<double, float>> EGraph::constant_of(ClassId c) const {
  for (const ENode& n : nodes_[find(c)])
    if (n.code == PCode::Const) return consts_[n.index];
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------------

namespace {

struct Head {
  PCode code;
  Op op;
  std::uint32_t index;
};

std::optional<Head> head_named(std::string_view s) {
  static const std::pair<std::string_view, Head> fixed[] = {
      {"add", {PCode::Add, Op::Count_, 0}},   {"sub", {PCode::Sub, Op::Count_, 0}},
      {"mul", {PCode::Mul, Op::Count_, 0}},   {"div", {PCode::Div, Op::Count_, 0}},
      {"neg", {PCode::Neg, Op::Count_, 0}},   {"sqrt", {PCode::Sqrt, Op::Count_, 0}},
      {"pow", {PCode::Pow, Op::Count_, 0}},   {"select", {PCode::Select, Op::Count_, 0}},
      {"lt", {PCode::Cmp, Op::Count_, static_cast<std::uint32_t>(Cond::Lt)}},
      {"le", {PCode::Cmp, Op::Count_, static_cast<std::uint32_t>(Cond::Le)}},
      {"gt", {PCode::Cmp, Op::Count_, static_cast<std::uint32_t>(Cond::Gt)}},
      {"ge", {PCode::Cmp, Op::Count_, static_cast<std::uint32_t>(Cond::Ge)}},
      {"eq", {PCode::Cmp, Op::Count_, static_cast<std::uint32_t>(Cond::Eq)}},
      {"ne", {PCode::Cmp, Op::Count_, static_cast<std::uint32_t>(Cond::Ne)}},
  };
  for (const auto& [name, h] : fixed)
    if (name == s) return h;
  if (const OpInfo* info = find_op(s); info && info->numeric) return Head{PCode::Func, info->op, 0};
  return std::nullopt;
}

struct PatternParser {
  std::string_view text;
  std::size_t pos = 0;
  std::vector<std::string>& vars;

  [[noreturn]] void fail(const std::string& what) const {
    throw InvalidArgument("pattern '" + std::string(text) + "': " + what + " at offset " + std::to_string(pos));
  }
  void skip() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n')) ++pos;
  }
  std::string_view atom() {
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] != ' ' && text[pos] != '(' && text[pos] != ')' && text[pos] != '\t' &&
           text[pos] != '\n')
      ++pos;
    if (pos == start) fail("expected a name, a number or ?var");
    return text.substr(start, pos - start);
  }
  Pattern parse() {
    skip();
    if (pos >= text.size()) fail("unexpected end");
    Pattern p;
    if (text[pos] == '(') {
      ++pos;
      skip();
      const std::string_view name = atom();
      const auto h = head_named(name);
      if (!h) fail("unknown head '" + std::string(name) + "'");
      p.kind = Pattern::Kind::Node;
      p.code = h->code;
      p.op = h->op;
      p.index = h->index;
      for (;;) {
        skip();
        if (pos >= text.size()) fail("missing ')'");
        if (text[pos] == ')') {
          ++pos;
          break;
        }
        p.kids.push_back(parse());
      }
      if (static_cast<int>(p.kids.size()) != arity(p.code, p.op))
        fail("'" + std::string(name) + "' takes " + std::to_string(arity(p.code, p.op)) + " arguments");
      return p;
    }
    if (text[pos] == ')') fail("unexpected ')'");
    const std::string_view a = atom();
    if (a[0] == '?') {
      if (a.size() < 2) fail("a variable needs a name");
      const std::string name(a.substr(1));
      auto it = std::find(vars.begin(), vars.end(), name);
      p.kind = Pattern::Kind::Var;
      p.var = static_cast<int>(it - vars.begin());
      if (it == vars.end()) vars.push_back(name);
      return p;
    }
    const std::string num(a);
    char* end = nullptr;
    const double v = std::strtod(num.c_str(), &end);
    if (end != num.c_str() + num.size()) fail("'" + num + "' is neither a head, a number nor ?var");
    p.kind = Pattern::Kind::Literal;
    p.literal = v;
    return p;
  }
};

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }
bool same_bits(float a, float b) { return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b); }

void match_into(const EGraph& g, const Pattern& p, ClassId c, const Subst& s, std::vector<Subst>& out,
                std::size_t limit) {
  if (out.size() >= limit) return;
  switch (p.kind) {
    case Pattern::Kind::Var: {
      const auto v = static_cast<std::size_t>(p.var);
      if (s[v] == kNone) {
        Subst t = s;
        t[v] = g.find(c);
        out.push_back(std::move(t));
      } else if (g.find(s[v]) == g.find(c)) {
        out.push_back(s);
      }
      return;
    }
    case Pattern::Kind::Literal: {
      const auto k = g.constant_of(c);
      if (k && same_bits(k->first, p.literal) && same_bits(k->second, static_cast<float>(p.literal)))
        out.push_back(s);
      return;
    }
    case Pattern::Kind::Node: break;
  }
  for (const ENode& n : g.nodes(c)) {
    if (n.code != p.code || n.op != p.op || (n.code == PCode::Cmp && n.index != p.index) || n.n != p.kids.size())
      continue;
    std::vector<Subst> partial{s};
    for (std::size_t i = 0; i < p.kids.size() && !partial.empty(); ++i) {
      std::vector<Subst> next;
      for (const Subst& ps : partial) match_into(g, p.kids[i], n.kids[i], ps, next, limit);
      partial = std::move(next);
    }
    for (Subst& t : partial) {
      if (out.size() >= limit) return;
      out.push_back(std::move(t));
    }
  }
}

}  // namespace

Pattern parse_pattern(std::string_view text, std::vector<std::string>& vars) {
  PatternParser parser{text, 0, vars};
  Pattern p = parser.parse();
  parser.skip();
  if (parser.pos != text.size()) parser.fail("trailing text");
  return p;
}

std::vector<Subst> match(const EGraph& g, const Pattern& p, ClassId c, std::size_t n_vars, std::size_t limit) {
  std::vector<Subst> out;
  match_into(g, p, c, Subst(n_vars, kNone), out, limit);
  return out;
}

ClassId instantiate(EGraph& g, const Pattern& p, const Subst& s) {
  switch (p.kind) {
    case Pattern::Kind::Var: return s[static_cast<std::size_t>(p.var)];
    case Pattern::Kind::Literal: return g.constant(p.literal, static_cast<float>(p.literal));
    case Pattern::Kind::Node: break;
  }
  ENode n{p.code, p.op, p.index, static_cast<std::uint8_t>(p.kids.size()), {kNone, kNone, kNone, kNone}};
  for (std::size_t i = 0; i < p.kids.size(); ++i) n.kids[i] = instantiate(g, p.kids[i], s);
  return g.add(n);
}

Rule rule(std::string name, std::string_view lhs, std::string_view rhs, bool bit_identical) {
  Rule r;
  r.name = std::move(name);
  std::vector<std::string> vars;
  r.lhs = parse_pattern(lhs, vars);
  const std::size_t n_lhs = vars.size();
  r.rhs = parse_pattern(rhs, vars);
  if (vars.size() != n_lhs) throw InvalidArgument("rule " + r.name + ": the right side has a variable the left lacks");
  r.n_vars = vars.size();
  r.bit_identical = bit_identical;
  return r;
}

Rule rule(std::string name, std::string_view lhs,
          std::function<std::optional<ClassId>(EGraph&, ClassId, const Subst&)> apply, bool bit_identical) {
  Rule r;
  r.name = std::move(name);
  std::vector<std::string> vars;
  r.lhs = parse_pattern(lhs, vars);
  r.n_vars = vars.size();
  r.apply = std::move(apply);
  r.bit_identical = bit_identical;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Saturation
// ---------------------------------------------------------------------------------------------

RunReport run(EGraph& g, const std::vector<Rule>& rules, const RunLimits& limits, std::span<const ClassId> roots) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  RunReport report;
  g.rebuild();
  double best = roots.empty() ? 0 : best_cost(g, roots);
  std::size_t stale = 0;
  std::vector<std::size_t> banned_until(rules.size(), 0), limit(rules.size(), limits.match_limit), bans(rules.size(), 0);
  struct Match {
    std::size_t rule;
    ClassId c;
    Subst s;
  };
  for (std::size_t iter = 0; iter < limits.max_iterations; ++iter) {
    const double round_start = elapsed();
    if (round_start > limits.max_seconds) {
      report.stop = "time";
      break;
    }
    if (g.node_count() >= limits.max_nodes) {
      report.stop = "nodes";
      break;
    }
    const std::vector<ClassId> classes = g.classes();
    std::vector<Match> todo;
    bool any_banned = false, out_of_time = false;
    for (std::size_t r = 0; r < rules.size() && !out_of_time; ++r) {
      if (banned_until[r] > iter) {
        any_banned = true;
        continue;
      }
      std::vector<Match> found;
      bool over = false;
      for (std::size_t k = 0; k < classes.size(); ++k) {
        if ((k & 1023) == 1023 && elapsed() > limits.max_seconds) {
          out_of_time = true;
          break;
        }
        for (Subst& s : match(g, rules[r].lhs, classes[k], rules[r].n_vars, limit[r] + 1 - found.size()))
          found.push_back({r, classes[k], std::move(s)});
        if (found.size() > limit[r]) {
          over = true;
          break;
        }
      }
      if (over) {  // too many matches this round: ban the rule a while, allow it more next time
        banned_until[r] = iter + 1 + (std::size_t{1} << std::min<std::size_t>(bans[r], 4));
        ++bans[r];
        limit[r] *= 2;
        any_banned = true;
        continue;
      }
      todo.insert(todo.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }
    const std::size_t nodes_before = g.node_count();
    bool changed = false;
    for (const Match& m : todo) {
      if (g.node_count() >= limits.max_nodes) {
        report.stop = "nodes";
        break;
      }
      const Rule& rule = rules[m.rule];
      const std::optional<ClassId> to = rule.rhs ? std::optional<ClassId>(instantiate(g, *rule.rhs, m.s))
                                                 : rule.apply(g, m.c, m.s);
      if (to && g.merge(m.c, *to)) {
        changed = true;
        if (!rule.bit_identical) ++report.value_changing;
      }
    }
    g.rebuild();
    report.iterations = iter + 1;
    if (!report.stop.empty()) break;
    if (out_of_time) {
      report.stop = "time";
      break;
    }
    if (!changed && g.node_count() == nodes_before && !any_banned) {
      report.stop = "saturated";
      break;
    }
    if (!roots.empty() && limits.patience > 0) {
      // Most of a long run on sums goes into associativity's exponentially many orderings, which
      // no longer make anything cheaper: stop once `patience` rounds in a row each made the
      // cheapest form less than min_gain (relatively) cheaper.
      // A round that took more than a quarter of the time budget and gained less than min_gain
      // ends it too: the next (on a larger e-graph) would take at least as long, so at most one
      // more fits, for a gain of the same order.
      const double now = best_cost(g, roots);
      const bool slow = elapsed() - round_start > limits.max_seconds / 4;
      if (now < best * (1 - limits.min_gain)) {
        stale = 0;
        best = now;
      } else {
        ++stale;
      }
      if (stale >= limits.patience || (stale > 0 && slow)) {
        report.stop = "converged";
        break;
      }
    }
  }
  if (report.stop.empty()) report.stop = "iterations";
  return report;
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

namespace {

// Folds an instruction over constants in both precisions, as the kernels would compute it (+ - * /
// and sqrt are correctly rounded everywhere; fabs/floor/ceil and the like are exact).
std::optional<ClassId> fold(EGraph& g, ClassId c, const Subst& s) {
  const ENode* node = nullptr;
  std::pair<double, float> k[2];
  for (const ENode& n : g.nodes(c)) {
    const int a = n.n;
    if (n.code == PCode::Const || n.code == PCode::Input || n.code == PCode::Pow || n.code == PCode::Cmp ||
        n.code == PCode::Select || a == 0 || a > 2)
      continue;
    if (n.code == PCode::Func && op_info(n.op).vm != VmKind::Exact) continue;
    bool all = true;
    for (int i = 0; i < a; ++i) {
      const auto v = g.constant_of(n.kids[i]);
      if (!v) {
        all = false;
        break;
      }
      k[i] = *v;
    }
    if (all) {
      node = &n;
      break;
    }
  }
  (void)s;
  if (!node) return std::nullopt;
  double d = 0;
  float f = 0;
  switch (node->code) {
    case PCode::Add: d = k[0].first + k[1].first; f = k[0].second + k[1].second; break;
    case PCode::Sub: d = k[0].first - k[1].first; f = k[0].second - k[1].second; break;
    case PCode::Mul: d = k[0].first * k[1].first; f = k[0].second * k[1].second; break;
    case PCode::Div: d = k[0].first / k[1].first; f = k[0].second / k[1].second; break;
    case PCode::Neg: d = -k[0].first; f = -k[0].second; break;
    case PCode::Sqrt: d = std::sqrt(k[0].first); f = std::sqrt(k[0].second); break;
    case PCode::Func: {
      const OpInfo& info = op_info(node->op);
      if (info.arity != 1) return std::nullopt;
      d = info.eval(&k[0].first);
      const double fd = static_cast<double>(k[0].second);
      f = static_cast<float>(info.eval(&fd));
      break;
    }
    default: return std::nullopt;
  }
  return g.constant(d, f);
}

// a / c -> a * (1/c) when c = +-2**k and 1/c is a normal number in both precisions: both sides
// are the correctly rounded a/c.
std::optional<ClassId> div_by_power_of_two(EGraph& g, ClassId, const Subst& s) {
  const auto k = g.constant_of(s[1]);
  if (!k) return std::nullopt;
  const auto [d, f] = *k;
  int ed = 0, ef = 0;
  if (!std::isfinite(d) || d == 0 || std::fabs(std::frexp(d, &ed)) != 0.5) return std::nullopt;
  if (!std::isfinite(f) || f == 0 || std::fabs(std::frexp(f, &ef)) != 0.5f) return std::nullopt;
  const double rd = 1.0 / d;
  const float rf = 1.0f / f;
  if (!std::isnormal(rd) || !std::isnormal(rf) || rd * d != 1.0 || rf * f != 1.0f) return std::nullopt;
  return g.binary(PCode::Mul, s[0], g.constant(rd, rf));
}

}  // namespace

std::vector<Rule> exact_rules() {
  std::vector<Rule> r;
  r.push_back(rule("add-comm", "(add ?a ?b)", "(add ?b ?a)"));
  r.push_back(rule("mul-comm", "(mul ?a ?b)", "(mul ?b ?a)"));
  r.push_back(rule("sub-as-add-neg", "(sub ?a ?b)", "(add ?a (neg ?b))"));
  r.push_back(rule("add-neg-as-sub", "(add ?a (neg ?b))", "(sub ?a ?b)"));
  r.push_back(rule("neg-neg", "(neg (neg ?a))", "?a"));
  r.push_back(rule("neg-of-mul", "(neg (mul ?a ?b))", "(mul (neg ?a) ?b)"));
  r.push_back(rule("mul-of-neg", "(mul (neg ?a) ?b)", "(neg (mul ?a ?b))"));
  r.push_back(rule("neg-of-div", "(neg (div ?a ?b))", "(div (neg ?a) ?b)"));
  r.push_back(rule("div-of-neg", "(div (neg ?a) ?b)", "(neg (div ?a ?b))"));
  r.push_back(rule("div-by-neg", "(div ?a (neg ?b))", "(neg (div ?a ?b))"));
  r.push_back(rule("mul-one", "(mul ?a 1)", "?a"));
  r.push_back(rule("div-one", "(div ?a 1)", "?a"));
  r.push_back(rule("mul-minus-one", "(mul ?a -1)", "(neg ?a)"));
  r.push_back(rule("div-minus-one", "(div ?a -1)", "(neg ?a)"));
  r.push_back(rule("sub-zero", "(sub ?a 0)", "?a"));
  r.push_back(rule("add-minus-zero", "(add ?a -0.0)", "?a"));
  r.push_back(rule("select-same", "(select ?c ?a ?a)", "?a"));
  r.push_back(rule("div-by-power-of-two", "(div ?a ?c)", div_by_power_of_two));
  for (const char* p : {"(add ?a ?b)", "(sub ?a ?b)", "(mul ?a ?b)", "(div ?a ?b)", "(neg ?a)", "(sqrt ?a)"})
    r.push_back(rule(std::string("fold ") + p, p, fold));
  for (const OpInfo& info : op_table())
    if (info.vm == VmKind::Exact && info.arity == 1 && info.numeric)
      r.push_back(rule("fold " + std::string(info.name), "(" + std::string(info.name) + " ?a)", fold));
  // The exact value 1 where the original rounds; u - u keeps NaN for u = +-inf or NaN, where sin
  // and cos are NaN.
  r.push_back(rule("sin2-plus-cos2", "(add (mul (sin ?u) (sin ?u)) (mul (cos ?u) (cos ?u)))", "(add (sub ?u ?u) 1)",
                   false));
  // In a sum (canonical order puts cos**2 and sin**2 next to each other): (y + cos**2) + sin**2
  // becomes y + ((u - u) + 1), the correctly rounded exact value y + 1 (NaN where it was).
  r.push_back(rule("sin2-plus-cos2-in-sum", "(add (add ?y (mul (cos ?u) (cos ?u))) (mul (sin ?u) (sin ?u)))",
                   "(add ?y (add (sub ?u ?u) 1))", false));
  r.push_back(rule("cos2-plus-sin2-in-sum", "(add (add ?y (mul (sin ?u) (sin ?u))) (mul (cos ?u) (cos ?u)))",
                   "(add ?y (add (sub ?u ?u) 1))", false));
  return r;
}

// Every value these rules create is a sum or difference of values the matched form computes
// (b + c, a + c, b - c), or such a sum times or over one of them, equal in exact arithmetic to a
// value the matched form computes: reassociating and factoring change rounding, and can overflow
// only where an original value is at least half the largest finite number. Rules that would form
// new products or quotients of original values ((a*b)*c -> a*(b*c), (a/b)*c -> (a*c)/b,
// (a/b)/c -> a/(b*c)) are left out: b*c can overflow or underflow where nothing in the original
// came near either (docs/accuracy.md).
std::vector<Rule> fast_rules() {
  std::vector<Rule> r = exact_rules();
  const auto fast = [&](const char* name, const char* lhs, const char* rhs) { r.push_back(rule(name, lhs, rhs, false)); };
  fast("add-assoc-right", "(add (add ?a ?b) ?c)", "(add ?a (add ?b ?c))");
  fast("add-assoc-left", "(add ?a (add ?b ?c))", "(add (add ?a ?b) ?c)");
  fast("sub-assoc-right", "(sub (add ?a ?b) ?c)", "(add ?a (sub ?b ?c))");
  fast("sub-assoc-left", "(add ?a (sub ?b ?c))", "(sub (add ?a ?b) ?c)");
  fast("sub-of-add", "(sub ?a (add ?b ?c))", "(sub (sub ?a ?b) ?c)");
  fast("factor-add", "(add (mul ?a ?b) (mul ?a ?c))", "(mul ?a (add ?b ?c))");
  fast("factor-sub", "(sub (mul ?a ?b) (mul ?a ?c))", "(mul ?a (sub ?b ?c))");
  fast("factor-add-one", "(add (mul ?a ?b) ?a)", "(mul ?a (add ?b 1))");
  fast("common-denominator-add", "(add (div ?a ?b) (div ?c ?b))", "(div (add ?a ?c) ?b)");
  fast("common-denominator-sub", "(sub (div ?a ?b) (div ?c ?b))", "(div (sub ?a ?c) ?b)");
  return r;
}

// ---------------------------------------------------------------------------------------------
// Costs, extraction, Programs
// ---------------------------------------------------------------------------------------------

namespace {
double code_cost(PCode code, Op op) {
  switch (code) {
    case PCode::Input: case PCode::Const: return 0;
    case PCode::Add: case PCode::Sub: case PCode::Mul: case PCode::Neg: case PCode::Cmp: case PCode::Select: return 1;
    case PCode::Div: case PCode::Sqrt: return 4;
    case PCode::Pow: return 16;
    case PCode::Func: {
      const VmKind vm = op_info(op).vm;
      return vm == VmKind::Exact || vm == VmKind::Native ? 1 : 16;
    }
  }
  return 1;
}
}  // namespace

double node_cost(const ENode& n) { return code_cost(n.code, n.op); }

namespace {

struct Choice {
  double cost = std::numeric_limits<double>::infinity();
  double depth = std::numeric_limits<double>::infinity();
  const ENode* node = nullptr;
};

// The chosen node of every class (indexed by class id), by a fixpoint over the classes: each pass
// takes, in every class, the best node given its kids' current choices. Without bounds "best" is
// the lowest tree cost, then the shorter critical path; a class with a bound prefers nodes within
// it (cheapest first) and otherwise the shortest path.
std::vector<Choice> choose(const EGraph& g, const std::vector<ClassId>& classes, const std::vector<double>* bound) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  constexpr double kCap = 1e300;  // tree costs of deep DAGs grow exponentially: saturate
  std::size_t id_bound = 0;
  for (ClassId c : classes) id_bound = std::max<std::size_t>(id_bound, c + 1);
  std::vector<Choice> ch(id_bound);
  const auto limit = [&](ClassId c) { return bound && c < bound->size() ? (*bound)[c] : kInf; };
  // Constrained choices need not settle (a cheaper kid can be deeper): a pass limit, and the
  // caller checks the Program it gets.
  const int max_passes = bound ? 200 : 10000;
  for (int pass = 0; pass < max_passes; ++pass) {
    bool changed = false;
    for (ClassId c : classes) {
      const double lim = limit(c);
      Choice best;
      bool best_ok = false;
      for (const ENode& n : g.nodes(c)) {
        double sum = node_cost(n), depth = 0;
        for (int i = 0; i < n.n && sum < kInf; ++i) {
          const Choice& k = ch[g.find(n.kids[i])];
          sum += k.cost;
          depth = std::max(depth, k.depth);
        }
        if (sum == kInf) continue;
        sum = std::min(sum, kCap);
        depth += node_cost(n);
        const bool ok = depth <= lim;
        const bool better = !best.node || (ok && !best_ok) ||
                            (ok == best_ok && (ok ? std::tie(sum, depth) < std::tie(best.cost, best.depth)
                                                  : std::tie(depth, sum) < std::tie(best.depth, best.cost)));
        if (better) {
          best = {sum, depth, &n};
          best_ok = ok;
        }
      }
      if (best.node && (best.node != ch[c].node || best.cost != ch[c].cost || best.depth != ch[c].depth)) {
        ch[c] = best;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return ch;
}

}  // namespace

double best_cost(const EGraph& g, std::span<const ClassId> roots) {
  const std::vector<Choice> ch = choose(g, g.classes(), nullptr);
  double sum = 0;
  for (ClassId r : roots) sum += ch[g.find(r)].cost;
  return sum;
}

std::optional<Program> extract(const EGraph& g, std::span<const ClassId> outputs, std::uint32_t n_inputs,
                               const std::vector<double>* depth_bound, const std::vector<std::uint32_t>* position) {
  const std::vector<ClassId> classes = g.classes();
  const std::vector<Choice> ch = choose(g, classes, depth_bound);
  const std::size_t id_bound = ch.size();
  std::vector<const ENode*> best(id_bound, nullptr);
  for (ClassId c : classes) best[c] = ch[c].node;
  Program prog;
  prog.n_inputs = n_inputs;
  // Where a value is computed first (below): a node's operands are visited in decreasing
  // Sethi-Ullman number (the values that evaluating a subtree keeps live at once; constants take
  // none), so that fewer values are live at a time. Operand order within an instruction is
  // unchanged, and so are the results.
  std::vector<std::uint32_t> need(id_bound, 0);
  std::vector<std::uint8_t> state(id_bound, 0);  // 0 new, 1 on the stack, 2 done
  // the operands of a node in the order to visit them: by decreasing need (ties: left to right;
  // operands not yet numbered count 0)
  auto visit_order = [&](const ENode& n) {
    std::array<std::size_t, 4> order{0, 1, 2, 3};
    for (std::size_t i = 1; i < n.n; ++i)  // insertion sort, stable
      for (std::size_t j = i; j > 0 && need[g.find(n.kids[order[j]])] > need[g.find(n.kids[order[j - 1]])]; --j)
        std::swap(order[j], order[j - 1]);
    return order;
  };
  // Post-order over the chosen e-nodes below `root`, each class once (state: 0 new, 1 on the
  // stack, 2 done): `kid(n, i)` is the i-th operand of n to visit, `done(c, n)` runs once all are
  // done. false on a cycle or a class without a choice (the caller keeps the original Program).
  auto post_order = [&](ClassId root, auto&& kid, auto&& done) {
    std::vector<std::pair<ClassId, std::uint32_t>> stack{{root, 0}};
    while (!stack.empty()) {
      auto& [c, next] = stack.back();
      if (state[c] == 2) {
        stack.pop_back();
        continue;
      }
      const ENode& n = *best[c];
      state[c] = 1;
      if (next < n.n) {
        const ClassId k = g.find(kid(n, next++));
        if (state[k] == 1 || !best[k]) return false;
        if (state[k] == 0) stack.emplace_back(k, 0);
        continue;
      }
      const ClassId finished = c;
      stack.pop_back();
      state[finished] = 2;
      done(finished, n);
    }
    return true;
  };
  for (ClassId root : outputs) {
    root = g.find(root);
    if (!best[root]) return std::nullopt;
    const bool ok = post_order(
        root, [](const ENode& n, std::uint32_t i) { return n.kids[i]; },
        [&](ClassId c, const ENode& n) {
          const auto order = visit_order(n);
          std::uint32_t m = n.code == PCode::Const ? 0 : 1;
          for (std::uint32_t i = 0; i < n.n; ++i) m = std::max(m, need[g.find(n.kids[order[i]])] + i);
          need[c] = m;
        });
    if (!ok) return std::nullopt;
  }
  // The order of emission: with `position`, the classes the outputs need that the original
  // Program computes, in its order, each preceded by what it needs that is not computed yet; then
  // the outputs (and without `position`, the outputs alone). The JIT's machine code follows the
  // Program's order (a function call is a barrier to LLVM's instruction scheduler), and the order
  // alone moves its speed: emitted whole in Sethi-Ullman order, "exact" Programs of bench_optimize
  // compiled to the unoptimized Program's machine instructions in another order, 4-7% slower on
  // rand-40-2 and 5% faster on rand-80-4 (docs/benchmarks.md). In the original's order they
  // compile to the same machine code as the original there.
  std::vector<ClassId> firsts;
  if (position)
    for (ClassId c : classes)
      if (state[c] == 2 && c < position->size() && (*position)[c] != kNone) firsts.push_back(c);
  std::sort(firsts.begin(), firsts.end(), [&](ClassId a, ClassId b) { return (*position)[a] < (*position)[b]; });
  std::fill(state.begin(), state.end(), std::uint8_t{0});
  std::vector<std::uint32_t> value(id_bound, 0);
  std::unordered_map<std::uint64_t, std::uint32_t> const_value;
  std::vector<std::uint32_t> out_values;
  std::vector<ClassId> roots = firsts;  // then the outputs, whose values are recorded
  roots.insert(roots.end(), outputs.begin(), outputs.end());
  for (std::size_t k = 0; k < roots.size(); ++k) {
    const ClassId root = g.find(roots[k]);
    if (!best[root]) return std::nullopt;
    const bool ok = post_order(
        root, [&](const ENode& n, std::uint32_t i) { return n.kids[visit_order(n)[i]]; },
        [&](ClassId c, const ENode& n) {
          Instr in{n.code, n.op, 0, 0, 0, n.index, 0};
          switch (n.code) {
            case PCode::Const: {
              const auto [d, f] = g.constant_value(n.index);
              const std::uint64_t key = hash_mix(std::bit_cast<std::uint64_t>(d), std::bit_cast<std::uint32_t>(f));
              if (auto it = const_value.find(key);
                  it != const_value.end() &&
                  std::bit_cast<std::uint64_t>(prog.constants[prog.code[it->second].index]) ==
                      std::bit_cast<std::uint64_t>(d) &&
                  std::bit_cast<std::uint32_t>(prog.constants_f32[prog.code[it->second].index]) ==
                      std::bit_cast<std::uint32_t>(f)) {
                value[c] = it->second;
                return;
              }
              in.index = static_cast<std::uint32_t>(prog.constants.size());
              prog.constants.push_back(d);
              prog.constants_f32.push_back(f);
              const_value[key] = static_cast<std::uint32_t>(prog.code.size());
              break;
            }
            case PCode::Select:
              in.c = value[g.find(n.kids[0])];
              in.a = value[g.find(n.kids[1])];
              in.b = value[g.find(n.kids[2])];
              break;
            default:
              if (n.n > 0) in.a = value[g.find(n.kids[0])];
              if (n.n > 1) in.b = value[g.find(n.kids[1])];
              if (n.n > 2) in.c = value[g.find(n.kids[2])];  // a Func of three or four arguments
              if (n.n > 3) in.d = value[g.find(n.kids[3])];
              if (n.code != PCode::Cmp && n.code != PCode::Input) in.index = 0;
          }
          in.dst = static_cast<std::uint32_t>(prog.code.size());
          prog.code.push_back(in);
          value[c] = in.dst;
        });
    if (!ok) return std::nullopt;
    if (k >= firsts.size()) out_values.push_back(value[root]);
  }
  allocate_registers(prog, out_values);
  return prog;
}

namespace {
// The registers an instruction reads (Select: the condition too).
template <class F>
void for_each_operand(const Instr& in, F&& f) {
  switch (in.code) {
    case PCode::Input: case PCode::Const: return;
    case PCode::Neg: case PCode::Sqrt: f(in.a); return;
    case PCode::Func: {
      const int n = arity(PCode::Func, in.op);
      f(in.a);
      if (n >= 2) f(in.b);
      if (n >= 3) f(in.c);
      if (n >= 4) f(in.d);
      return;
    }
    case PCode::Select: f(in.c); [[fallthrough]];
    default: f(in.a); f(in.b); return;
  }
}
}  // namespace

std::vector<ClassId> add_program(EGraph& g, const Program& prog, std::vector<std::pair<ClassId, double>>* depths) {
  std::vector<ClassId> reg(prog.n_regs, kNone);
  std::vector<double> depth(depths ? prog.n_regs : 0, 0.0);
  for (const Instr& in : prog.code) {
    if (depths) {
      double d = 0;
      for_each_operand(in, [&](std::uint32_t r) { d = std::max(d, depth[r]); });
      depth[in.dst] = d + code_cost(in.code, in.op);
    }
    ClassId c = kNone;
    switch (in.code) {
      case PCode::Input: c = g.input(in.index); break;
      case PCode::Const: c = g.constant(prog.constants[in.index], prog.constants_f32[in.index]); break;
      case PCode::Neg: case PCode::Sqrt: c = g.unary(in.code, reg[in.a]); break;
      case PCode::Add: case PCode::Sub: case PCode::Mul: case PCode::Div: case PCode::Pow:
        c = g.binary(in.code, reg[in.a], reg[in.b]);
        break;
      case PCode::Func: {
        const int n = arity(PCode::Func, in.op);
        ENode node{PCode::Func, in.op, 0, static_cast<std::uint8_t>(n), {reg[in.a], kNone, kNone, kNone}};
        if (n >= 2) node.kids[1] = reg[in.b];
        if (n >= 3) node.kids[2] = reg[in.c];
        if (n >= 4) node.kids[3] = reg[in.d];
        c = g.add(node);
        break;
      }
      case PCode::Cmp: c = g.add({PCode::Cmp, Op::Count_, in.index, 2, {reg[in.a], reg[in.b], kNone, kNone}}); break;
      case PCode::Select:
        c = g.add({PCode::Select, Op::Count_, 0, 3, {reg[in.c], reg[in.a], reg[in.b], kNone}});
        break;
    }
    reg[in.dst] = c;
    if (depths) depths->emplace_back(c, depth[in.dst]);
  }
  std::vector<ClassId> out;
  for (std::uint32_t o : prog.outputs) out.push_back(reg[o]);
  return out;
}

}  // namespace alkahest::egraph

namespace alkahest {

double program_cost(const Program& prog) {
  double c = 0;
  for (const Instr& in : prog.code) c += egraph::node_cost({in.code, in.op, 0, 0, {}});
  return c;
}

double program_depth(const Program& prog) {
  std::vector<double> depth(prog.n_regs, 0.0);
  for (const Instr& in : prog.code) {
    double d = 0;
    egraph::for_each_operand(in, [&](std::uint32_t r) { d = std::max(d, depth[r]); });
    depth[in.dst] = d + egraph::node_cost({in.code, in.op, 0, 0, {}});
  }
  double out = 0;
  for (std::uint32_t o : prog.outputs) out = std::max(out, depth[o]);
  return out;
}

long program_op_count(const Program& prog) {
  long n = 0;
  for (const Instr& in : prog.code)
    if (in.code != PCode::Input && in.code != PCode::Const) ++n;
  return n;
}

Program optimize(const Program& prog, const OptimizeOptions& options, OptimizeReport* report, const Program* seeded) {
  const auto t0 = std::chrono::steady_clock::now();
  OptimizeReport r;
  r.ops_before = r.ops_after = program_op_count(prog);
  r.cost_before = r.cost_after = program_cost(prog);
  r.depth_before = r.depth_after = program_depth(prog);
  const auto finish = [&](Program p) {
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (report) *report = r;
    return p;
  };
  if (options.mode == Optimize::Off) {
    r.stop = "off";
    return finish(prog);
  }
  egraph::EGraph g;
  std::vector<egraph::ClassId> outs;
  std::vector<std::pair<egraph::ClassId, double>> depths;  // of the original Program's values
  if (seeded && options.mode == Optimize::Fast && seeded->outputs.size() >= prog.outputs.size() &&
      (seeded->outputs.size() - prog.outputs.size()) % 2 == 0 && seeded->n_inputs == prog.n_inputs) {
    const std::vector<egraph::ClassId> all = egraph::add_program(g, *seeded);
    outs.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(prog.outputs.size()));
    for (std::size_t i = prog.outputs.size(); i + 1 < all.size(); i += 2) g.merge(all[i], all[i + 1]);
    // The plain lowering too: what the seeds share with it is one class already, and its
    // instructions are what extraction falls back on.
    const std::vector<egraph::ClassId> plain = egraph::add_program(g, prog, &depths);
    for (std::size_t i = 0; i < plain.size(); ++i) g.merge(plain[i], outs[i]);
  } else {
    outs = egraph::add_program(g, prog, &depths);
  }
  egraph::RunLimits limits;
  limits.max_nodes = options.max_nodes ? options.max_nodes : std::max<std::size_t>(20000, 8 * prog.code.size());
  limits.max_iterations = options.max_iterations ? options.max_iterations : 30;
  limits.max_seconds = options.max_seconds > 0 ? options.max_seconds : 0.5;
  limits.patience = options.patience ? options.patience : 3;
  r.max_nodes = limits.max_nodes;
  r.max_seconds = limits.max_seconds;
  static const std::vector<egraph::Rule> exact = egraph::exact_rules();
  static const std::vector<egraph::Rule> fast = egraph::fast_rules();
  const egraph::RunReport run = egraph::run(g, options.mode == Optimize::Fast ? fast : exact, limits, outs);
  r.iterations = run.iterations;
  r.stop = run.stop;
  r.value_changing = run.value_changing;
  r.nodes = g.node_count();
  r.classes = g.class_count();
  // Used only when cheaper (weighted cost, then operations) and with no longer a critical path:
  // the JIT's straight-line code is bound by both, so a cheaper but longer chain (Horner's form of
  // a polynomial the lowering sums in parallel) can run slower (docs/benchmarks.md).
  const auto better = [&](const Program& p) {
    const double cost = program_cost(p);
    const long ops = program_op_count(p);
    return (cost < r.cost_before || (cost == r.cost_before && ops < r.ops_before)) &&
           program_depth(p) <= r.depth_before;
  };
  // The position of each class's first instruction in the original Program: the optimized one
  // computes its values in the same order (extract).
  std::vector<std::uint32_t> position;
  for (std::size_t i = 0; i < depths.size(); ++i) {
    const egraph::ClassId k = g.find(depths[i].first);
    if (position.size() <= k) position.resize(k + 1, egraph::kNone);
    position[k] = std::min(position[k], static_cast<std::uint32_t>(i));
  }
  std::optional<Program> p = egraph::extract(g, outs, prog.n_inputs, nullptr, &position);
  if (p && !better(*p)) {
    // Again with every value of the original bounded by its own critical path there: the
    // cheapest forms that are no deeper than what they replace.
    std::vector<double> bound;
    for (auto [c, d] : depths) {
      const egraph::ClassId k = g.find(c);
      if (bound.size() <= k) bound.resize(k + 1, std::numeric_limits<double>::infinity());
      bound[k] = std::min(bound[k], d);
    }
    p = egraph::extract(g, outs, prog.n_inputs, &bound, &position);
  }
  if (p && better(*p)) {
    r.cost_after = program_cost(*p);
    r.ops_after = program_op_count(*p);
    r.depth_after = program_depth(*p);
    r.applied = true;
    return finish(std::move(*p));
  }
  r.value_changing = 0;  // the original is kept
  return finish(prog);
}

namespace {

// A Horner form of the sum of `terms` (any coefficients, floats included; nothing is expanded):
// the symbol that most terms have as a factor x**k (k > 0 an integer) is taken out,
// c0 + x*(c1 + x*(c2 + ...)), and the coefficients (sums of what is left of the terms) in turn.
// Equal to the sum in exact arithmetic.
// With `estrin`, the same grouping by powers of x but combined as Estrin's scheme: p(x) =
// low(x) + x**m * high(x), m the largest power of two not above the degree, the halves in turn:
// more operations than Horner, a chain of about 2 log2(degree) steps instead of 2 degree.
ExprId estrin_of(ExprPool& pool, ExprId x, const std::vector<ExprId>& c, std::size_t lo, std::size_t n) {
  if (n == 1) return c[lo];
  const std::size_t m = std::bit_floor(n - 1);
  return pool.add(estrin_of(pool, x, c, lo, m), pool.mul(pool.pow(x, pool.integer(static_cast<long>(m))),
                                                          estrin_of(pool, x, c, lo + m, n - m)));
}

ExprId horner_seed(ExprPool& pool, const std::vector<ExprId>& terms, int depth, bool estrin = false) {
  if (terms.size() < 2 || depth > 6) return pool.add(terms);
  const auto power_of = [&](ExprId f) -> std::pair<ExprId, long> {
    auto [b, e] = pool.as_base_exp(f);
    const Node& en = pool.node(e);
    if (pool.node(b).kind == Kind::Symbol && en.kind == Kind::Number && en.number.is_integer() &&
        en.number.fits_long() && en.number.integer() > 0 && en.number.integer() <= 64)
      return {b, en.number.integer().get_si()};
    return {b, 0};
  };
  const auto factors_of = [&](ExprId t) {
    const Node& n = pool.node(t);
    return n.kind == Kind::Mul ? n.args : ArgVector{t};
  };
  std::unordered_map<ExprId, std::size_t> count;
  for (ExprId t : terms)
    for (ExprId f : factors_of(t))
      if (auto [b, k] = power_of(f); k > 0) ++count[b];
  ExprId x = 0;
  std::size_t best = 0;
  for (auto [b, c] : count)
    if (c > best || (c == best && b < x)) {  // ties: the smaller id, so the choice is reproducible
      best = c;
      x = b;
    }
  if (best < 2) return pool.add(terms);
  std::map<long, std::vector<ExprId>> by_degree;
  for (ExprId t : terms) {
    long k = 0;
    std::vector<ExprId> rest;
    for (ExprId f : factors_of(t)) {
      auto [b, e] = power_of(f);
      if (b == x && e > 0)
        k += e;
      else
        rest.push_back(f);
    }
    by_degree[k].push_back(pool.mul(rest));
  }
  const long deg = by_degree.rbegin()->first;
  if (estrin) {
    std::vector<ExprId> coeffs(static_cast<std::size_t>(deg) + 1, pool.integer(0));
    for (auto& [k, ts] : by_degree) coeffs[static_cast<std::size_t>(k)] = horner_seed(pool, ts, depth + 1, true);
    return estrin_of(pool, x, coeffs, 0, coeffs.size());
  }
  ExprId h = 0;
  for (long k = deg; k >= 0; --k) {
    auto it = by_degree.find(k);
    if (k == deg) {
      h = horner_seed(pool, it->second, depth + 1);
      continue;
    }
    h = pool.mul(x, h);
    if (it != by_degree.end()) h = pool.add(horner_seed(pool, it->second, depth + 1), h);
  }
  return h;
}

}  // namespace

std::vector<std::pair<ExprId, ExprId>> optimize_seeds(ExprPool& pool, std::span<const ExprId> outputs, Optimize mode) {
  std::vector<std::pair<ExprId, ExprId>> seeds;
  if (mode != Optimize::Fast) return seeds;
  constexpr std::size_t kMaxSeeds = 256;
  std::vector<ExprId> stack(outputs.begin(), outputs.end());
  std::unordered_set<ExprId> seen;
  while (!stack.empty() && seeds.size() < kMaxSeeds) {
    const ExprId id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    const std::vector<ExprId> args = pool.node(id).args;  // a copy: the pool grows below
    for (ExprId a : args) stack.push_back(a);
    if (pool.node(id).kind != Kind::Add || args.size() < 3) continue;
    const ExprId h = horner_seed(pool, args, 0);
    if (h != id) seeds.emplace_back(id, h);
    const ExprId e = horner_seed(pool, args, 0, true);
    if (e != id && e != h) seeds.emplace_back(id, e);
  }
  return seeds;
}

Program lower_optimized(ExprPool& pool, std::span<const ExprId> outputs, std::span<const ExprId> vars,
                        const OptimizeOptions& options, OptimizeReport* report) {
  const Program plain = lower(pool, outputs, vars);
  const auto seeds = optimize_seeds(pool, outputs, options.mode);
  if (seeds.empty()) return optimize(plain, options, report);
  std::vector<ExprId> all(outputs.begin(), outputs.end());
  for (auto [a, b] : seeds) {
    all.push_back(a);
    all.push_back(b);
  }
  const Program seeded = lower(pool, all, vars);
  return optimize(plain, options, report, &seeded);
}

}  // namespace alkahest
