// Wilds: pattern variables. A wild is a Symbol node named `name_` whose facts are "anything" (a
// user symbol is always finite, so no user symbol is ever the same node); its exclusions live in a
// process-wide table keyed by (pool serial, node id), which pools never reuse.
#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_set>

#include "alkahest/errors.hpp"
#include "alkahest/simplify.hpp"
#include "walk.hpp"

namespace alkahest {

namespace {

struct WildTable {
  std::mutex mutex;
  std::map<std::pair<std::uint64_t, ExprId>, std::vector<ExprId>> exclude;
};

WildTable& table() {
  static WildTable* t = new WildTable;  // never destroyed: pools may outlive static destruction
  return *t;
}

}  // namespace

ExprId wild(ExprPool& pool, std::string_view name, std::span<const ExprId> exclude) {
  if (name.empty() || name.size() > 200)
    throw InvalidArgument("Wild: the name must be 1 to 200 characters long");
  for (unsigned char c : name)
    if (c < 0x21 || c == 0x7f) throw InvalidArgument("Wild: the name must not contain spaces or control characters");
  std::vector<ExprId> ex(exclude.begin(), exclude.end());
  for (ExprId e : ex)
    if (e >= pool.size()) throw InvalidArgument("Wild: an excluded expression is not a node of this pool");
  std::sort(ex.begin(), ex.end());
  ex.erase(std::unique(ex.begin(), ex.end()), ex.end());
  // Wilds of one name with other exclusions are other nodes: a prime per clash.
  std::string text = std::string(name) + "_";
  WildTable& t = table();
  for (;;) {
    Node n(Kind::Symbol);
    n.name = text;
    n.facts = Facts{Facts::All, Facts::MayInt | Facts::MayNonInt};
    const ExprId id = pool.intern(std::move(n));
    std::lock_guard<std::mutex> lock(t.mutex);
    auto [it, fresh] = t.exclude.emplace(std::make_pair(pool.serial(), id), ex);
    if (fresh || it->second == ex) return id;
    text += "'";
  }
}

bool is_wild(const ExprPool& pool, ExprId id) {
  const Node& n = pool.node(id);
  if (n.kind != Kind::Symbol || n.facts.classes != Facts::All) return false;
  WildTable& t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  return t.exclude.count({pool.serial(), id}) > 0;
}

std::vector<ExprId> wild_exclude(const ExprPool& pool, ExprId id) {
  WildTable& t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.exclude.find({pool.serial(), id});
  return it == t.exclude.end() ? std::vector<ExprId>{} : it->second;
}

namespace simplify_detail {

bool contains_any(const ExprPool& pool, ExprId e, const std::vector<ExprId>& targets) {
  if (targets.empty()) return false;
  std::vector<ExprId> stack{e};
  std::unordered_set<ExprId> seen;
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    if (std::binary_search(targets.begin(), targets.end(), id)) return true;
    const Node& n = pool.node(id);
    if (n.args.empty()) continue;
    if (!seen.insert(id).second) continue;
    for (ExprId a : n.args) stack.push_back(a);
  }
  return false;
}

std::vector<ExprId> operands(const ExprPool& pool, ExprId e, Kind kind) {
  const Node& n = pool.node(e);
  if (n.kind == kind) return n.args;
  if (n.kind == Kind::Number && n.number.is_exact() &&
      (kind == Kind::Add ? n.number.is_zero() : n.number.is_one()))
    return {};
  return {e};
}

}  // namespace simplify_detail

}  // namespace alkahest
