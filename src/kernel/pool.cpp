#include "alkahest/pool.hpp"

#include <pthread.h>

#include <algorithm>
#include <functional>
#include <cmath>
#include <optional>
#include <span>
#include <limits>
#include <new>
#include <numbers>
#include <unordered_map>
#include <tuple>
#include <unordered_set>

#include "alkahest/errors.hpp"
#include "kernel/facts_table.hpp"
#include "kernel/hash_mix.hpp"
#include "kernel/identifier.hpp"
#include "alkahest/objects.hpp"
#include "alkahest/print.hpp"

namespace alkahest {

namespace {

std::atomic<std::uint64_t> next_serial{1};
thread_local std::uint64_t compare_calls = 0;

std::uint64_t hash_string(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

bool is_identifier(std::string_view s) { return identifier::is_identifier(s); }

}  // namespace

// Every live pool, so that fork() can take each pool's mutex: a fork while another thread interns
// would otherwise copy that mutex locked (and the table half updated) into the child, whose next
// intern would wait forever. Prepare takes the registry's mutex, then every pool's; parent and
// child release them (in the child the forking thread, the only one left, holds them all).
struct LivePools {
  std::mutex mu;
  std::unordered_set<ExprPool*> pools;

  static LivePools& get() {
    static LivePools* r = new LivePools();  // never destroyed: pools may outlive static destructors
    return *r;
  }
  static void lock_all() {
    LivePools& r = get();
    r.mu.lock();
    for (ExprPool* p : r.pools) p->mutex_.lock();
  }
  static void unlock_all() {
    LivePools& r = get();
    for (ExprPool* p : r.pools) p->mutex_.unlock();
    r.mu.unlock();
  }
};

namespace {
[[maybe_unused]] const bool g_fork_handlers_installed = [] {
  pthread_atfork(&LivePools::lock_all, &LivePools::unlock_all, &LivePools::unlock_all);
  return true;
}();
}  // namespace

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::Number: return "Number";
    case Kind::Symbol: return "Symbol";
    case Kind::Add: return "Add";
    case Kind::Mul: return "Mul";
    case Kind::Pow: return "Pow";
    case Kind::Func: return "Func";
    case Kind::Constant: return "Constant";
    case Kind::Object: return "Object";
  }
  return "?";
}

std::string_view constant_name(Constant c) {
  switch (c) {
    case Constant::Pi: return "pi";
    case Constant::E: return "E";
    case Constant::EulerGamma: return "EulerGamma";
    case Constant::I: return "I";
    case Constant::Infinity: return "oo";
    case Constant::NegativeInfinity: return "-oo";
    case Constant::ComplexInfinity: return "zoo";
    case Constant::NaN: return "nan";
    case Constant::Count_: break;
  }
  return "?";
}

namespace {

Facts constant_facts(Constant c) {
  switch (c) {
    case Constant::Pi:
    case Constant::E:
    case Constant::EulerGamma: return Facts::only(Facts::Pos, Facts::MayNonInt);
    case Constant::I: return Facts::only(Facts::NonReal);
    case Constant::Infinity: return Facts::only(Facts::PInf);
    case Constant::NegativeInfinity: return Facts::only(Facts::NInf);
    case Constant::ComplexInfinity: return Facts::only(Facts::CInf);
    default: return Facts::only(Facts::NaN);
  }
}

Facts number_facts(const Number& v) {
  if (v.is_float()) {
    const double d = v.real();
    if (std::isnan(d)) return Facts::only(Facts::NaN);
    if (std::isinf(d)) return Facts::only(d > 0 ? Facts::PInf : Facts::NInf);
  }
  const int s = v.sign();
  Facts f = Facts::only(s < 0 ? Facts::Neg : (s > 0 ? Facts::Pos : Facts::Zero));
  if (v.is_integer()) f.integer = Facts::MayInt;
  if (v.is_rational()) f.integer = Facts::MayNonInt;
  return f.normalized();
}

}  // namespace

ExprPool::ExprPool()
    : serial_(next_serial.fetch_add(1)),
      table_(64) {
  integer(1);  // id 0 is the exact one; compare() uses it as the implicit exponent/coefficient
  for (long v = -2; v <= 2; ++v) small_ints_[v + 2] = number(Number(v));
  for (std::size_t c = 0; c < kConstantCount; ++c) {
    Node n(Kind::Constant);
    n.constant = static_cast<Constant>(c);
    constants_[c] = intern(std::move(n));
  }
  ready_ = true;
  LivePools& live = LivePools::get();
  std::lock_guard<std::mutex> lock(live.mu);
  live.pools.insert(this);
}

ExprPool::~ExprPool() {
  {
    LivePools& live = LivePools::get();
    std::lock_guard<std::mutex> lock(live.mu);
    live.pools.erase(this);
  }
  // Chunks are raw storage where only the interned nodes were constructed (intern()); of these,
  // only the ones that own memory need their destructor (the others' is a no-op).
  for (const ExprId id : owners_) {
    const Slot s = slot(id);
    chunks_[s.chunk].load(std::memory_order_relaxed)[s.offset].~Node();
  }
  for (std::size_t i = 0; i < kMaxChunks; ++i) ::operator delete(chunks_[i].load(std::memory_order_relaxed));
}

std::string ExprPool::label() const { return "ExprPool#" + std::to_string(serial_); }

bool ExprPool::same(const Node& a, const Node& b) {
  if (a.kind != b.kind || a.hash != b.hash) return false;
  switch (a.kind) {
    case Kind::Number: return a.number.identical(b.number);
    case Kind::Symbol: return a.name == b.name && a.facts == b.facts;
    case Kind::Constant: return a.constant == b.constant;
    case Kind::Object:
      if (a.head != b.head || a.name != b.name) return false;
      return a.args == b.args;
    case Kind::Func:
      if (a.op != b.op) return false;
      [[fallthrough]];
    default: return a.args == b.args;
  }
}

namespace {
// The start of every node's hash: its kind and operation.
std::uint64_t kind_hash(Kind kind, Op op) {
  return hash_mix(0xa1c0 + static_cast<std::uint64_t>(kind), static_cast<std::uint64_t>(op));
}
// The arguments' hashes folded into h, and their greatest depth: the one definition that
// finish_hash and compound_hash share (a node interned by either route must hash the same).
// `visit` sees each argument's node as it is read.
template <class Visit>
std::pair<std::uint64_t, std::uint32_t> mix_args(const ExprPool& pool, std::uint64_t h, std::span<const ExprId> args,
                                                 Visit visit) {
  std::uint32_t depth = 0;
  for (ExprId a : args) {
    const Node& c = pool.node(a);
    h = hash_mix(h, c.hash);
    depth = std::max(depth, c.depth);
    visit(c);
  }
  return {h, depth};
}
std::pair<std::uint64_t, std::uint32_t> mix_args(const ExprPool& pool, std::uint64_t h, std::span<const ExprId> args) {
  return mix_args(pool, h, args, [](const Node&) {});
}
// What is known of a sum or a product, from its operands' facts folded left to right: the one
// definition for compute_facts and for compound_hash (which folds them as it hashes).
struct FactsFold {
  explicit FactsFold(Kind k) : kind(k) {}
  Kind kind;
  bool first = true;
  Facts facts;
  void operator()(const Node& c) {
    facts = first ? c.facts
            : kind == Kind::Add ? detail::add_facts_inline(facts, c.facts)
                                : detail::mul_facts_inline(facts, c.facts);
    first = false;
  }
};
}  // namespace

void ExprPool::finish_hash(Node& n, const ExprPool& pool) {
  std::uint64_t h = kind_hash(n.kind, n.op);
  std::uint32_t depth = 0;
  switch (n.kind) {
    case Kind::Number: h = hash_mix(h, n.number.hash()); break;
    case Kind::Symbol:
      h = hash_mix(h, hash_string(n.name));
      // Assumptions are part of the identity; default symbols hash as they always did.
      if (!(n.facts == Facts::real())) h = hash_mix(h, 0x5100u + n.facts.classes * 4u + n.facts.integer);
      break;
    case Kind::Constant: h = hash_mix(h, 0xc0 + static_cast<std::uint64_t>(n.constant)); break;
    case Kind::Object:
      h = hash_mix(hash_mix(h, 0x0b00 + static_cast<std::uint64_t>(n.head)), hash_string(n.name));
      [[fallthrough]];
    default: std::tie(h, depth) = mix_args(pool, h, n.args);
  }
  n.hash = h;
  n.depth = depth + 1;
}

Facts ExprPool::compute_facts(const Node& n, const ExprPool& pool) {
  switch (n.kind) {
    case Kind::Number: return number_facts(n.number);
    case Kind::Symbol: return n.facts;
    case Kind::Constant: return constant_facts(n.constant);
    case Kind::Object: return Facts{};  // unknown (booleans are not numbers; arithmetic refuses them)
    case Kind::Add:
    case Kind::Mul: {
      FactsFold fold(n.kind);
      for (const ExprId a : n.args) fold(pool.node(a));
      return fold.facts;
    }
    case Kind::Pow: {
      const Node& e = pool.node(n.args[1]);
      long k = 0;
      const bool is_int = e.kind == Kind::Number && e.number.fits_long();
      if (is_int) k = e.number.integer().get_si();
      const bool half = e.kind == Kind::Number && e.number.is_rational() && e.number.rational() == mpq_class(1, 2);
      return pow_facts(pool.node(n.args[0]).facts, e.facts, is_int ? &k : nullptr, half);
    }
    case Kind::Func: {
      Facts fs[4];
      for (std::size_t i = 0; i < n.args.size() && i < 4; ++i) fs[i] = pool.node(n.args[i]).facts;
      return op_info(n.op).facts(std::span<const Facts>(fs, n.args.size())).normalized();
    }
  }
  return Facts{};
}

ExprId ExprPool::intern(Node&& n) {
  finish_hash(n, *this);
  const auto h32 = static_cast<std::uint32_t>(n.hash);
  std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t mask = table_.size() - 1;
  std::size_t i = table_home(h32);
  for (; table_[i].id1 != 0; i = (i + 1) & mask)
    if (table_[i].hash == h32 && same(n, node(table_[i].id1 - 1))) return table_[i].id1 - 1;
  Node* fresh = new_node();
  ::new (static_cast<void*>(fresh)) Node(std::move(n));
  return commit_node(fresh, i, h32);
}

ExprId ExprPool::intern_compound(Kind kind, std::span<const ExprId> args) {
  const CompoundHash ch = compound_hash(kind, args);
  std::lock_guard<std::mutex> lock(mutex_);
  return intern_compound_locked(kind, args, ch);
}

void ExprPool::reserve(std::size_t more) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t want = 2 * (size_.load(std::memory_order_relaxed) + more + 1);
  if (want > table_.size()) rehash(std::bit_ceil(want));
}

void ExprPool::intern_products(std::span<const ExprId> rows, std::size_t width, ExprId pad, std::span<ExprId> out) {
  if (width == 0 || rows.size() != out.size() * width)
    throw InvalidArgument("intern_products: " + std::to_string(rows.size()) + " ids are not " +
                          std::to_string(out.size()) + " rows of " + std::to_string(width));
  auto factors = [&](std::size_t t) {  // row t's factors
    const ExprId* r = rows.data() + t * width;
    const ExprId* end = r + width;
    while (end > r && end[-1] == pad) --end;
    while (r < end && *r == pad) ++r;
    return std::span<const ExprId>(r, end);
  };
  // In batches, each under one lock (the table is read): the hashes of a batch first (factors are
  // few, hot nodes), each product's table slot prefetched as soon as its hash is known, so that
  // the probes after them (cache misses in a large table) find their slots on the way.
  constexpr std::size_t kBatch = 32;
  std::span<const ExprId> spans[kBatch];
  CompoundHash hashes[kBatch];
  for (std::size_t begin = 0; begin < out.size(); begin += kBatch) {
    const std::size_t end = std::min(out.size(), begin + kBatch);
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t t = begin; t < end; ++t) {
      const std::span<const ExprId> f = spans[t - begin] = factors(t);
      if (f.empty()) throw InvalidArgument("intern_products: a row of pads only");
      if (f.size() == 1) continue;
      hashes[t - begin] = compound_hash(Kind::Mul, f);
      __builtin_prefetch(&table_[table_home(static_cast<std::uint32_t>(hashes[t - begin].hash))]);
    }
    for (std::size_t t = begin; t < end; ++t) {
      const std::span<const ExprId> f = spans[t - begin];
      out[t] = f.size() == 1 ? f[0] : intern_compound_locked(Kind::Mul, f, hashes[t - begin]);
    }
  }
}

ExprPool::CompoundHash ExprPool::compound_hash(Kind kind, std::span<const ExprId> args) const {
  // The hash and depth finish_hash gives an Add, Mul or Pow node, from the arguments alone; for a
  // sum or product also its facts, from the same reads of the arguments' nodes.
  if (kind == Kind::Pow) {
    const auto [h, depth] = mix_args(*this, kind_hash(kind, Op::Count_), args);
    return {h, depth + 1, Facts{}, false};
  }
  FactsFold fold(kind);
  const auto [h, depth] = mix_args(*this, kind_hash(kind, Op::Count_), args, std::ref(fold));
  return {h, depth + 1, fold.facts, true};
}

ExprId ExprPool::intern_compound_locked(Kind kind, std::span<const ExprId> args, CompoundHash ch) {
  const std::uint64_t h = ch.hash;
  const auto h32 = static_cast<std::uint32_t>(h);
  const std::size_t mask = table_.size() - 1;
  std::size_t i = table_home(h32);
  for (; table_[i].id1 != 0; i = (i + 1) & mask) {
    if (table_[i].hash != h32) continue;
    const Node& m = node(table_[i].id1 - 1);
    if (m.kind == kind && m.hash == h && std::equal(m.args.begin(), m.args.end(), args.begin(), args.end()))
      return table_[i].id1 - 1;
  }
  Node* fresh = new_node();
  ::new (static_cast<void*>(fresh)) Node(kind);
  fresh->args.assign(args.begin(), args.end());
  fresh->hash = h;
  fresh->depth = ch.depth;
  if (ch.has_facts) fresh->facts = ch.facts;
  return commit_node(fresh, i, h32, ch.has_facts);
}

// Storage for the next node (its chunk allocated on first use); the caller holds mutex_.
Node* ExprPool::new_node() {
  const std::size_t id = size_.load(std::memory_order_relaxed);
  if (id >= 0xfffffffeu) throw AlkahestError("ExprPool is full (2**32 - 2 nodes)");
  const Slot s = slot(static_cast<ExprId>(id));
  Node* block = chunks_[s.chunk].load(std::memory_order_relaxed);
  if (block == nullptr) {
    // Raw storage; a node is constructed when it is interned. (Constructing and destroying the
    // 1,024 nodes of a first chunk up front cost ~18 us, most of the time of a small series or
    // parse in a fresh pool.)
    block = static_cast<Node*>(::operator new(sizeof(Node) * (kFirstChunk << s.chunk)));
    chunks_[s.chunk].store(block, std::memory_order_release);
  }
  return block + s.offset;
}

// Publishes the node constructed at `fresh` (from new_node) in table slot i; the caller holds mutex_.
ExprId ExprPool::commit_node(Node* fresh, std::size_t i, std::uint32_t h32, bool has_facts) {
  // Facts only for a new node (a Symbol's are its assumptions, part of its identity, set by
  // the caller; every other node's follow from its arguments, unless the caller has them).
  if (fresh->kind != Kind::Symbol && !has_facts) fresh->facts = compute_facts(*fresh, *this);
  const std::size_t id = size_.load(std::memory_order_relaxed);
  if (fresh->owns_memory()) {
    try {
      owners_.push_back(static_cast<ExprId>(id));
    } catch (...) {
      fresh->~Node();
      throw;
    }
  }
  size_.store(id + 1, std::memory_order_release);
  table_[i] = TableSlot{h32, static_cast<std::uint32_t>(id + 1)};
  if (2 * (id + 1) > table_.size()) grow_table();
  return static_cast<ExprId>(id);
}

void ExprPool::grow_table() { rehash(table_.size() * 2); }

void ExprPool::rehash(std::size_t slots) {
  std::vector<TableSlot> old(slots);
  old.swap(table_);
  table_shift_ = 64 - static_cast<std::size_t>(std::countr_zero(slots));
  const std::size_t mask = table_.size() - 1;
  for (const TableSlot& e : old) {
    if (e.id1 == 0) continue;
    std::size_t i = table_home(e.hash);
    while (table_[i].id1 != 0) i = (i + 1) & mask;
    table_[i] = e;
  }
}

ExprId ExprPool::symbol(std::string_view name) { return symbol(name, Facts::real()); }

ExprId ExprPool::constant(Constant c) { return constants_[static_cast<std::size_t>(c)]; }

ExprId ExprPool::symbol(std::string_view name, Facts assumed) {
  if (!is_identifier(name))
    throw InvalidArgument("symbol name '" + std::string(name) +
                          "' is not an identifier (letters, digits and '_', not starting with a digit; no operator, "
                          "superscript or punctuation characters)");
  static const std::unordered_set<std::string_view> reserved = {
      "sqrt", "inf", "nan", "ceil", "Abs",
      // The constants.
      "pi", "E", "I", "oo", "zoo", "EulerGamma",
      // Python keywords: printed text must stay readable by Python.
      "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
      "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
      "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
      "while", "with", "yield"};
  // Function names (beta, zeta, gamma, li, ...) are fine as symbol names, as in SymPy: the parser
  // tells `beta` (the symbol) from `beta(...)` (the call).
  if (reserved.count(name))
    throw InvalidArgument("symbol name '" + std::string(name) +
                          "' is reserved for a constant, a parser alias or a Python keyword; pick another name");
  if (assumed.classes == 0 || (assumed.classes & ~Facts::Finite) != 0)
    throw InvalidArgument("symbol '" + std::string(name) + "': a symbol stands for a finite number");
  Node n(Kind::Symbol);
  n.name = std::string(name);
  n.facts = assumed.normalized();
  return intern(std::move(n));
}

ExprId ExprPool::number(const Number& value) { return number(Number(value)); }

ExprId ExprPool::number(Number&& value) {
  // Every NaN is the one undefined value `nan` (a constant), whatever produced it.
  if (value.is_float() && std::isnan(value.real()) && ready_) return constant(Constant::NaN);
  if (value.is_integer() && small_ints_[4] != 0 && value.integer() >= -2 && value.integer() <= 2)
    return small_ints_[value.integer().get_si() + 2];
  Node n(Kind::Number);
  n.number = std::move(value);
  return intern(std::move(n));
}

// ---- canonical order -------------------------------------------------------------------------

namespace {

int kind_rank(Kind k) {
  switch (k) {
    case Kind::Number: return 0;
    case Kind::Constant: return 1;
    case Kind::Symbol: return 2;
    case Kind::Func: return 3;
    case Kind::Object: return 4;
    case Kind::Add: return 5;
    default: return 5;  // Mul and Pow are unwrapped before ranks are compared
  }
}

int cmp_int(std::size_t a, std::size_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

}  // namespace

std::uint64_t ExprPool::compare_count() { return compare_calls; }

int ExprPool::compare(ExprId a0, ExprId b0) const {
  // Lexicographic comparison over an explicit stack (deep expressions must not recurse).
  // A Mul is viewed as (non-numeric factors..., coefficient) and any other node as ([node], 1);
  // a Pow as (base, exp) and any other node as (node, 1). Items with `decided` set carry a
  // tie-breaker that applies only if everything pushed after them compared equal.
  struct Item {
    ExprId a, b;
    int decided;
    bool is_result;
  };
  ++compare_calls;
  if (a0 == b0) return 0;
  thread_local std::vector<Item> stack;  // reused: compare() is hot (sorting) and never re-entered
  stack.clear();
  stack.push_back({a0, b0, 0, false});
  const ExprId one = 0;
  while (!stack.empty()) {
    Item it = stack.back();
    stack.pop_back();
    if (it.is_result) {
      if (it.decided != 0) return it.decided;
      continue;
    }
    if (it.a == it.b) continue;
    const Node& na = node(it.a);
    const Node& nb = node(it.b);
    // Deep nodes (depth > kDeepFrom) order after shallow ones, and among themselves by depth
    // first: comparing two deep chains structurally costs their depth, and sorting the factors of
    // a deep chain's derivative would cost O(depth^2). Expressions shallower than kDeepFrom
    // order exactly as without this rule.
    constexpr std::uint32_t kDeepFrom = 64;
    const bool deep_a = na.depth > kDeepFrom, deep_b = nb.depth > kDeepFrom;
    if (deep_a != deep_b) return deep_a ? 1 : -1;
    if (deep_a && na.depth != nb.depth) return na.depth < nb.depth ? -1 : 1;
    if (na.kind == Kind::Mul || nb.kind == Kind::Mul) {
      std::span<const ExprId> fa(&it.a, 1), fb(&it.b, 1);
      ExprId ca = one, cb = one;
      if (na.kind == Kind::Mul) {
        fa = na.args;
        if (node(fa[0]).kind == Kind::Number) { ca = fa[0]; fa = fa.subspan(1); }
      }
      if (nb.kind == Kind::Mul) {
        fb = nb.args;
        if (node(fb[0]).kind == Kind::Number) { cb = fb[0]; fb = fb.subspan(1); }
      }
      stack.push_back({ca, cb, 0, false});
      stack.push_back({0, 0, cmp_int(fa.size(), fb.size()), true});
      for (std::size_t i = std::min(fa.size(), fb.size()); i-- > 0;) stack.push_back({fa[i], fb[i], 0, false});
      continue;
    }
    if (na.kind == Kind::Pow || nb.kind == Kind::Pow) {
      ExprId ba = it.a, ea = one, bb = it.b, eb = one;
      if (na.kind == Kind::Pow) { ba = na.args[0]; ea = na.args[1]; }
      if (nb.kind == Kind::Pow) { bb = nb.args[0]; eb = nb.args[1]; }
      stack.push_back({ea, eb, 0, false});
      stack.push_back({ba, bb, 0, false});
      continue;
    }
    const int ra = kind_rank(na.kind), rb = kind_rank(nb.kind);
    if (ra != rb) return ra < rb ? -1 : 1;
    switch (na.kind) {
      case Kind::Number: {
        int c = Number::compare(na.number, nb.number);
        if (c != 0) return c;
        // Equal values of the same type but different bits (e.g. NaN payloads): order by hash.
        if (na.hash != nb.hash) return na.hash < nb.hash ? -1 : 1;
        continue;
      }
      case Kind::Symbol: {
        int c = na.name.compare(nb.name);
        if (c != 0) return c < 0 ? -1 : 1;
        if (!(na.facts == nb.facts)) {  // same name, different assumptions: the default first
          if (na.facts == Facts::real()) return -1;
          if (nb.facts == Facts::real()) return 1;
          const int ka = na.facts.classes * 4 + na.facts.integer, kb = nb.facts.classes * 4 + nb.facts.integer;
          return ka < kb ? -1 : 1;
        }
        continue;
      }
      case Kind::Constant:
        if (na.constant != nb.constant) return na.constant < nb.constant ? -1 : 1;
        continue;
      case Kind::Func: {
        if (na.op != nb.op) {
          int c = op_info(na.op).name.compare(op_info(nb.op).name);
          return c < 0 ? -1 : 1;
        }
        [[fallthrough]];
      }
      case Kind::Object: {
        if (na.kind == Kind::Object) {
          if (na.head != nb.head) return na.head < nb.head ? -1 : 1;
          if (na.name != nb.name) return na.name < nb.name ? -1 : 1;
        }
        [[fallthrough]];
      }
      default: {
        stack.push_back({0, 0, cmp_int(na.args.size(), nb.args.size()), true});
        for (std::size_t i = std::min(na.args.size(), nb.args.size()); i-- > 0;)
          stack.push_back({na.args[i], nb.args[i], 0, false});
      }
    }
  }
  return 0;
}

// ---- canonical constructors ---------------------------------------------------------------

std::pair<Number, ExprId> ExprPool::as_coeff_term(ExprId id) {
  const Node& n = node(id);
  if (n.kind == Kind::Number) return {n.number, ExprId{0}};
  if (n.kind != Kind::Mul || node(n.args[0]).kind != Kind::Number) return {Number(1L), id};
  Number c = node(n.args[0]).number;
  if (n.args.size() == 2) return {c, n.args[1]};
  Node rest(Kind::Mul);
  rest.args.assign(n.args.begin() + 1, n.args.end());
  return {c, intern(std::move(rest))};
}

ExprId ExprPool::term_rest(ExprId id) {
  const Node& n = node(id);
  if (n.kind != Kind::Mul || node(n.args[0]).kind != Kind::Number) return n.kind == Kind::Number ? ExprId{0} : id;
  if (n.args.size() == 2) return n.args[1];
  Node rest(Kind::Mul);
  rest.args.assign(n.args.begin() + 1, n.args.end());
  return intern(std::move(rest));
}

std::pair<ExprId, ExprId> ExprPool::as_base_exp(ExprId id) {
  const Node& n = node(id);
  if (n.kind == Kind::Pow) return {n.args[0], n.args[1]};
  return {id, ExprId{0}};  // id 0 is the exact 1 (interned first)
}

namespace {

// Sorts ids by the canonical order.
void canonical_sort(const ExprPool& pool, std::vector<ExprId>& ids) {
  std::sort(ids.begin(), ids.end(), [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; });
}

// `run` (already in canonical order) and `others` (in any order) as one sorted list. Sorting only
// the others and placing each by binary search costs O(m log m + m log k) comparisons for m others
// and k run entries (plus O(k) copying), where sorting everything would cost O((k + m) log(k + m)):
// adding one term to a sum of k terms costs O(log k) comparisons, not O(k log k).
std::vector<ExprId> merge_sorted(const ExprPool& pool, const std::vector<ExprId>& run, std::vector<ExprId>& others) {
  canonical_sort(pool, others);
  const auto less = [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; };
  std::vector<ExprId> out;
  out.reserve(run.size() + others.size());
  auto pos = run.begin();
  for (ExprId o : others) {
    auto at = std::upper_bound(pos, run.end(), o, less);
    out.insert(out.end(), pos, at);
    out.push_back(o);
    pos = at;
  }
  out.insert(out.end(), pos, run.end());
  return out;
}

// The flattened input operands: each remembers which input Add/Mul it came from (-1: none), so
// that the operands of the largest one, when they come out unchanged, keep their (canonical) order.
struct Operand {
  ExprId id;
  int source;
};

// The source with the most operands, or -1.
int largest_source(const std::vector<std::size_t>& sizes) {
  int best = -1;
  for (std::size_t i = 0; i < sizes.size(); ++i)
    if (best < 0 || sizes[i] > sizes[static_cast<std::size_t>(best)]) best = static_cast<int>(i);
  return best;
}

}  // namespace

namespace {

// Keys seen so far, in first-seen order: linear search while small (most sums and products have
// a handful of operands), then a flat open-addressing index (one allocation, no node per key:
// adding a term to a sum of n terms indexes n keys, and a node-based map spent most of that
// step in malloc).
template <class Entry>
class FirstSeen {
 public:
  explicit FirstSeen(std::size_t hint) { entries_.reserve(hint); }
  // The entry for `key`, or nullptr.
  Entry* find(ExprId key) {
    if (slots_.empty()) {
      for (Entry& e : entries_)
        if (e.key == key) return &e;
      return nullptr;
    }
    for (std::size_t i = bucket(key);; i = (i + 1) & mask_) {
      const std::uint32_t s = slots_[i];
      if (s == 0) return nullptr;
      if (entries_[s - 1].key == key) return &entries_[s - 1];
    }
  }
  void add(Entry e) {
    entries_.push_back(std::move(e));
    if (!slots_.empty()) {
      if (2 * entries_.size() > slots_.size()) rebuild(4 * entries_.size());
      else place(entries_.size() - 1);
    } else if (entries_.size() > 16) {
      rebuild(4 * std::max(entries_.size(), entries_.capacity()));
    }
  }
  std::vector<Entry>& entries() { return entries_; }

 private:
  std::size_t bucket(ExprId key) const {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ULL) >> 32) & mask_;
  }
  void place(std::size_t index) {
    std::size_t i = bucket(entries_[index].key);
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = static_cast<std::uint32_t>(index + 1);
  }
  void rebuild(std::size_t at_least) {
    const std::size_t size = std::bit_ceil(at_least);
    slots_.assign(size, 0);
    mask_ = size - 1;
    for (std::size_t i = 0; i < entries_.size(); ++i) place(i);
  }

  std::vector<Entry> entries_;
  std::vector<std::uint32_t> slots_;  // entry index + 1, 0 = empty
  std::size_t mask_ = 0;
};

struct TermEntry {
  ExprId key;       // the term without its coefficient
  std::optional<Number> coeff;  // summed coefficient, computed once the rest repeats
  ExprId first;     // the first term seen; reused as is when the rest never repeats
  bool repeated;
  int source;       // the input sum `first` came from (Operand::source)
};

struct FactorEntry {
  ExprId key;                  // the base
  ExprId first;                // the first factor seen; reused as is when the base never repeats
  std::vector<ExprId> exps;    // every exponent, filled only once the base repeats
  int source;                  // the input product `first` came from (Operand::source)
};

}  // namespace

namespace {

bool is_extended(const Node& n) {  // oo, -oo, zoo, nan
  return n.kind == Kind::Constant && n.constant >= Constant::Infinity;
}

}  // namespace

std::optional<ExprId> ExprPool::add_special(std::vector<ExprId>& terms, Number& numeric) {
  int pos = 0, neg = 0, zoo = 0;
  std::vector<ExprId> rest;
  for (ExprId t : terms) {
    const Node& n = node(t);
    if (!is_extended(n)) {
      rest.push_back(t);
      continue;
    }
    switch (n.constant) {
      case Constant::Infinity: ++pos; break;
      case Constant::NegativeInfinity: ++neg; break;
      case Constant::ComplexInfinity: ++zoo; break;
      default: return constant(Constant::NaN);
    }
  }
  if (pos + neg + zoo == 0) return std::nullopt;
  if (numeric.is_float() && std::isinf(numeric.real())) ++(numeric.real() > 0 ? pos : neg);
  if ((pos && neg) || (zoo && (pos || neg)) || zoo > 1) return constant(Constant::NaN);  // oo - oo, zoo + zoo
  const Constant inf = zoo ? Constant::ComplexInfinity : (pos ? Constant::Infinity : Constant::NegativeInfinity);
  // Finite terms vanish next to an infinity: real ones next to oo and -oo (oo + I stays, as
  // it is not real), every finite one next to zoo.
  const std::uint8_t absorbed = zoo ? Facts::Finite : Facts::Real;
  const std::uint8_t clash = zoo ? Facts::Infinite
                                 : (inf == Constant::Infinity ? Facts::NInf | Facts::CInf : Facts::PInf | Facts::CInf);
  std::vector<ExprId> out;
  for (ExprId t : rest) {
    const Facts f = node(t).facts;
    if (f.classes == Facts::NaN || f.within(clash)) return constant(Constant::NaN);
    if (f.within(absorbed | (inf == Constant::Infinity ? Facts::PInf : 0) |
                 (inf == Constant::NegativeInfinity ? Facts::NInf : 0)))
      continue;
    out.push_back(t);
  }
  if (out.empty()) return constant(inf);
  out.push_back(constant(inf));
  canonical_sort(*this, out);
  Node n(Kind::Add);
  n.args = std::move(out);
  return intern(std::move(n));
}

ExprId ExprPool::add(std::span<const ExprId> terms) {
  Number constant(0L);
  bool has_float_constant = false;
  bool special = false;
  std::size_t flat = 0;  // operands after flattening (canonical sums hold no sums)
  for (ExprId t : terms) flat += node(t).kind == Kind::Add ? node(t).args.size() : 1;
  FirstSeen<TermEntry> seen(flat + 4);
  std::vector<Operand> work;
  work.reserve(flat);
  for (std::size_t i = terms.size(); i-- > 0;) work.push_back({terms[i], -1});
  std::vector<std::size_t> source_sizes;  // operands of each input sum
  bool has_object = false;
  while (!work.empty()) {
    const auto [t, source] = work.back();
    work.pop_back();
    const Node& n = node(t);
    if (is_extended(n)) special = true;
    has_object |= n.kind == Kind::Object;
    if (n.kind == Kind::Number) {
      constant += n.number;
      has_float_constant |= n.number.is_float();
      continue;
    }
    if (n.kind == Kind::Add) {  // canonical sums hold no sums, so this is an input sum
      const int s = static_cast<int>(source_sizes.size());
      source_sizes.push_back(n.args.size());
      for (std::size_t i = n.args.size(); i-- > 0;) work.push_back({n.args[i], s});
      continue;
    }
    const ExprId rest = term_rest(t);
    if (TermEntry* e = seen.find(rest)) {
      if (!e->repeated) e->coeff = as_coeff_term(e->first).first;
      e->coeff = *e->coeff + as_coeff_term(t).first;
      e->repeated = true;
    } else {
      seen.add(TermEntry{rest, std::nullopt, t, false, source});
    }
  }
  if (has_object)  // booleans are refused, Order terms absorb what they can
    if (auto r = objects_detail::add_objects(*this, terms)) return *r;
  // A float constant that came out NaN (inf - inf) is the nan constant: anything + nan is nan.
  if (constant.is_float() && std::isnan(constant.real())) return number(constant);
  auto& entries = seen.entries();
  if (special) {  // the collected terms, then the rules of oo, -oo, zoo and nan
    std::vector<ExprId> ts;
    for (TermEntry& e : entries) {
      if (!e.repeated) {
        ts.push_back(e.first);
      } else if (is_extended(node(e.key))) {  // oo + oo is oo, zoo + zoo is nan: keep both
        ts.push_back(e.key);
        ts.push_back(e.key);
      } else {
        ts.push_back(mul(number(*e.coeff), e.key));
      }
    }
    if (auto r = add_special(ts, constant)) return *r;
  }
  // Terms of the largest input sum that come out unchanged are in canonical order already (a
  // subsequence of its sorted terms): only the others need sorting.
  const int run_source = largest_source(source_sizes);
  std::vector<ExprId> run, out;
  out.reserve(entries.size() + 1);
  // When a collected term's coefficient changes its form (it distributes, or an infinity turns it
  // into a constant), add it and every other entry, each as a term once, the general way.
  auto add_again = [&](ExprId term, ExprId rest) {
    std::vector<ExprId> again{term};
    for (const TermEntry& e2 : entries)
      if (e2.key != rest) again.push_back(e2.repeated ? mul(number(*e2.coeff), e2.key) : e2.first);
    again.push_back(number(constant));
    return add(again);
  };
  for (TermEntry& e : entries) {
    if (!e.repeated) {  // the term is already canonical
      (e.source == run_source && run_source >= 0 ? run : out).push_back(e.first);
      continue;
    }
    const ExprId rest = e.key;
    const Number& c = *e.coeff;
    if (const Node& r = node(rest); r.kind == Kind::Mul &&
        std::any_of(r.args.begin(), r.args.end(), [&](ExprId a) { return is_extended(node(a)); })) {
      // A product with oo, -oo or zoo: mul()'s rules decide what a coefficient does to it
      // (2*(I*oo/y) is I*oo/y, 0*(oo*x) is nan), so that x + x and 2*x are one node however they were built.
      const ExprId term = mul(number(c), rest);
      if (node(term).kind != Kind::Mul) return add_again(term, rest);  // a constant (nan, oo, ...)
      out.push_back(term);
      continue;
    }
    // Float coefficients that came out NaN (x*inf - x*inf): the term is nan, and so is the sum
    // (as mul() makes nan*x nan); a Mul with a NaN coefficient would print as `nan*x` and read
    // back as nan.
    if (c.is_float() && std::isnan(c.real())) return this->constant(Constant::NaN);
    if (c.is_zero()) continue;
    if (c.is_one()) {
      out.push_back(rest);
      continue;
    }
    const Node& r = node(rest);
    if (r.kind == Kind::Add) {  // only float coefficients reach here; mul() decides the form
      ExprId term = mul(number(c), rest);
      if (node(term).kind == Kind::Add) return add_again(term, rest);  // distributed after all
      out.push_back(term);
      continue;
    }
    Node m(Kind::Mul);
    m.args.push_back(number(c));
    if (r.kind == Kind::Mul)
      m.args.insert(m.args.end(), r.args.begin(), r.args.end());
    else
      m.args.push_back(rest);
    out.push_back(intern(std::move(m)));
  }
  if (!run.empty()) out = merge_sorted(*this, run, out);
  const bool keep_constant = !constant.is_zero() || (out.empty() && has_float_constant);
  if (out.empty()) return number(keep_constant ? constant : Number(0L));
  if (!keep_constant && out.size() == 1) return out[0];
  if (run.empty()) canonical_sort(*this, out);
  Node n(Kind::Add);
  if (keep_constant) n.args.push_back(number(constant));
  n.args.insert(n.args.end(), out.begin(), out.end());
  return intern(std::move(n));
}

std::optional<ExprId> ExprPool::mul_special(std::vector<ExprId>& factors, Number& coeff) {
  bool zoo = false, any = false;
  int sign = 1;
  std::vector<ExprId> plain;
  for (ExprId f : factors) {
    const Node& n = node(f);
    if (!is_extended(n)) {
      plain.push_back(f);
      continue;
    }
    any = true;
    switch (n.constant) {
      case Constant::Infinity: break;
      case Constant::NegativeInfinity: sign = -sign; break;
      case Constant::ComplexInfinity: zoo = true; break;
      default: return constant(Constant::NaN);
    }
  }
  if (!any) return std::nullopt;
  // The other factors as one canonical product, split into its coefficient and the rest.
  plain.push_back(number(coeff));
  const ExprId r = mul(plain);
  const Node& rn = node(r);
  if (rn.kind == Kind::Constant && rn.constant == Constant::NaN) return r;
  Number c(1L);
  std::vector<ExprId> fs;
  if (rn.kind == Kind::Number) {
    c = rn.number;
  } else if (rn.kind == Kind::Mul) {
    std::size_t i = 0;
    if (node(rn.args[0]).kind == Kind::Number) c = node(rn.args[0]).number, i = 1;
    fs.assign(rn.args.begin() + static_cast<std::ptrdiff_t>(i), rn.args.end());
  } else {
    fs.push_back(r);
  }
  if (c.is_zero()) return constant(Constant::NaN);  // 0*oo
  if (!zoo && c.sign() < 0) sign = -sign;
  // Factors of known sign fold into the infinity's direction (any finite non-zero one into zoo).
  std::vector<ExprId> out;
  for (ExprId f : fs) {
    const Facts ff = node(f).facts;
    if (zoo ? ff.within(Facts::Neg | Facts::Pos | Facts::NonReal) : ff.within(Facts::Pos)) continue;
    if (!zoo && ff.within(Facts::Neg)) {
      sign = -sign;
      continue;
    }
    if (zoo && ff.within(Facts::Infinite)) continue;  // zoo*oo = zoo
    out.push_back(f);
  }
  const Constant inf = zoo ? Constant::ComplexInfinity : (sign > 0 ? Constant::Infinity : Constant::NegativeInfinity);
  if (out.empty()) return constant(inf);
  const ExprId inf_id = constant(inf);
  for (ExprId& f : out) {
    const Node& fn = node(f);
    if (fn.kind == Kind::Pow && fn.args[0] == inf_id) {
      // oo * oo**e is oo**(e + 1), as mul() writes it when oo keeps its sign (found by the fuzzer:
      // -oo**e * -oo came out as oo*oo**e and read back as oo**(e + 1)).
      f = pow(inf_id, add(fn.args[1], integer(1)));
      return mul(out);
    }
  }
  out.push_back(inf_id);
  canonical_sort(*this, out);
  Node n(Kind::Mul);
  n.args = std::move(out);
  return intern(std::move(n));
}

ExprId ExprPool::mul(std::span<const ExprId> factors) {
  Number coeff(1L);
  bool special = false;
  std::size_t flat = 0;  // operands after flattening (canonical products hold no products)
  for (ExprId f : factors) flat += node(f).kind == Kind::Mul ? node(f).args.size() : 1;
  FirstSeen<FactorEntry> seen(flat + 4);
  std::vector<Operand> work;
  work.reserve(flat);
  for (std::size_t i = factors.size(); i-- > 0;) work.push_back({factors[i], -1});
  std::vector<std::size_t> source_sizes;  // operands of each input product
  bool has_object = false;
  while (!work.empty()) {
    const auto [f, source] = work.back();
    work.pop_back();
    const Node& n = node(f);
    if (is_extended(n)) special = true;
    has_object |= n.kind == Kind::Object;
    if (n.kind == Kind::Number) {
      coeff *= n.number;
      continue;
    }
    if (n.kind == Kind::Mul) {  // canonical products hold no products, so this is an input product
      const int s = static_cast<int>(source_sizes.size());
      source_sizes.push_back(n.args.size());
      for (std::size_t i = n.args.size(); i-- > 0;) work.push_back({n.args[i], s});
      continue;
    }
    auto [b, e] = as_base_exp(f);
    if (FactorEntry* entry = seen.find(b)) {
      if (entry->exps.empty()) entry->exps.push_back(as_base_exp(entry->first).second);
      entry->exps.push_back(e);
    } else {
      seen.add(FactorEntry{b, f, {}, source});
    }
  }
  if (has_object)  // booleans are refused, an Order factor takes in the others
    if (auto r = objects_detail::mul_objects(*this, factors)) return *r;
  if (special) {
    std::vector<ExprId> fs;
    for (FactorEntry& entry : seen.entries())
      if (entry.exps.empty()) {
        fs.push_back(entry.first);
      } else {  // oo*oo, zoo**2, x*x: the power rules decide
        fs.push_back(pow(entry.key, add(entry.exps)));
      }
    if (auto r = mul_special(fs, coeff)) return *r;
  }
  // A float coefficient that came out NaN (inf * 0.0) is the nan constant: anything * nan is nan.
  if (coeff.is_float() && std::isnan(coeff.real())) return number(coeff);
  if (coeff.is_zero() && coeff.is_exact()) return integer(0);
  // Factors of the largest input product that come out unchanged keep their canonical order.
  const int run_source = largest_source(source_sizes);
  std::vector<ExprId> run, out, redo;
  for (FactorEntry& entry : seen.entries()) {
    if (entry.exps.empty()) {  // the factor is already canonical
      (entry.source == run_source && run_source >= 0 ? run : out).push_back(entry.first);
      continue;
    }
    const ExprId b = entry.key;
    const ExprId f = pow(b, add(entry.exps));
    const Node& fn = node(f);
    if (fn.kind == Kind::Number)
      coeff *= fn.number;
    else if (fn.kind == Kind::Mul || as_base_exp(f).first != b)
      redo.push_back(f);  // a product, or a power that changed base (sqrt(sqrt(z))**2 -> sqrt(z))
    else
      out.push_back(f);
  }
  if (!redo.empty()) {  // e.g. (x*y)**z * (x*y)**(2-z) -> x**2*y**2: collect those factors again
    out.insert(out.end(), run.begin(), run.end());
    out.insert(out.end(), redo.begin(), redo.end());
    out.push_back(number(coeff));
    return mul(out);
  }
  if (!run.empty()) out = merge_sorted(*this, run, out);
  if (coeff.is_zero()) return number(coeff);
  if (out.empty()) return number(coeff);
  if (coeff.is_one() && out.size() == 1) return out[0];
  // An exact coefficient times a single sum distributes: 2*(x + 1) -> 2*x + 2.
  if (out.size() == 1 && coeff.is_exact() && node(out[0]).kind == Kind::Add) {
    const auto& ts = node(out[0]).args;
    std::vector<ExprId> scaled;
    scaled.reserve(ts.size());
    const ExprId c = number(coeff);
    for (ExprId t : ts) scaled.push_back(mul(c, t));
    return add(scaled);
  }
  if (run.empty()) canonical_sort(*this, out);
  Node n(Kind::Mul);
  if (!coeff.is_one()) n.args.push_back(number(coeff));
  n.args.insert(n.args.end(), out.begin(), out.end());
  return intern(std::move(n));
}

std::optional<ExprId> ExprPool::pow_special(ExprId base, ExprId exp) {
  const Node& nb = node(base);
  const Node& ne = node(exp);
  if (is_constant(base, Constant::NaN) || is_constant(exp, Constant::NaN)) return constant(Constant::NaN);
  if (nb.kind == Kind::Constant && ne.kind == Kind::Number) {
    const Number& e = ne.number;
    switch (nb.constant) {
      case Constant::I:
        if (e.is_integer()) {
          mpz_class k = e.integer() % 4;
          if (k < 0) k += 4;
          switch (k.get_si()) {
            case 0: return integer(1);
            case 1: return base;
            case 2: return integer(-1);
            default: return neg(base);
          }
        }
        break;
      case Constant::Infinity:
      case Constant::ComplexInfinity:
        if (e.sign() > 0) return base;
        if (e.sign() < 0) return integer(0);
        break;
      case Constant::NegativeInfinity:
        if (e.sign() < 0) return integer(0);
        if (e.is_integer()) return constant(mpz_even_p(e.integer().get_mpz_t()) ? Constant::Infinity : Constant::NegativeInfinity);
        break;
      default: break;
    }
  }
  if (is_constant(base, Constant::E)) return func(Op::Exp, exp);
  if (nb.kind == Kind::Number && ne.kind == Kind::Constant &&
      (ne.constant == Constant::Infinity || ne.constant == Constant::NegativeInfinity)) {
    const Number& b = nb.number;
    const bool up = ne.constant == Constant::Infinity;
    if (b.is_one() || (b.is_float() && b.real() == 1.0)) return constant(Constant::NaN);  // 1**oo
    if (b.sign() >= 0) {
      const int c = Number::compare(b, Number(1L));
      if (b.is_zero()) return up ? integer(0) : constant(Constant::ComplexInfinity);
      return (c > 0) == up ? constant(Constant::Infinity) : integer(0);
    }
  }
  // (-a)**(p/2) = a**(p/2) * I**p for a > 0 (the principal branch).
  if (nb.kind == Kind::Number && nb.number.is_exact() && nb.number.sign() < 0 && ne.kind == Kind::Number &&
      ne.number.is_rational() && ne.number.rational().get_den() == 2 && ne.number.rational().get_num().fits_slong_p())
    return mul(pow(number(-nb.number), exp), pow(constant(Constant::I), integer(ne.number.rational().get_num().get_si())));
  return std::nullopt;
}

ExprId ExprPool::pow(ExprId base, ExprId exp) {
  const Node& nb = node(base);
  const Node& ne = node(exp);
  if (nb.kind == Kind::Object || ne.kind == Kind::Object)
    if (auto r = objects_detail::pow_objects(*this, base, exp)) return *r;
  if (ne.kind == Kind::Number && ne.number.is_zero()) return ne.number.is_exact() ? integer(1) : number(Number(1.0));
  if ((nb.kind == Kind::Constant || ne.kind == Kind::Constant ||
       (nb.kind == Kind::Number && nb.number.is_exact() && nb.number.sign() < 0)))
    if (auto r = pow_special(base, exp)) return *r;
  if (ne.kind == Kind::Number) {
    const Number& e = ne.number;
    if (e.is_one()) return base;
    if (nb.kind == Kind::Number) {
      if (auto r = Number::power(nb.number, e)) return number(*r);
    } else if (e.is_integer()) {
      if (nb.kind == Kind::Pow)  // (b**a)**n == b**(a*n) for integer n
        return pow(nb.args[0], mul(nb.args[1], exp));
      if (nb.kind == Kind::Mul) {  // (a*b)**n == a**n * b**n for integer n
        std::vector<ExprId> fs;
        fs.reserve(nb.args.size());
        for (ExprId f : nb.args) fs.push_back(pow(f, exp));
        return mul(fs);
      }
    }
  } else if (nb.kind == Kind::Number && nb.number.is_one()) {
    return base;
  }
  Node n(Kind::Pow);
  n.args = {base, exp};
  return intern(std::move(n));
}

ExprId ExprPool::div(ExprId a, ExprId b) {
  const Node& nb = node(b);
  if (nb.kind == Kind::Number && nb.number.is_exact() && nb.number.is_zero())
    throw DivisionByZero("division by zero: " + to_string(*this, a) + "/0");
  return mul(a, pow(b, integer(-1)));
}

ExprId ExprPool::sqrt(ExprId a) { return pow(a, number(Number::rational(1, 2))); }

ExprId ExprPool::func(Op op, std::span<const ExprId> args) {
  const OpInfo& info = op_info(op);
  if (args.size() == 2 && op == Op::Log)  // log(x, b) = log(x)/log(b), as SymPy builds it
    return div(func(Op::Log, args[0]), func(Op::Log, args[1]));
  if (args.size() == 2 && op == Op::Heaviside) {  // Heaviside(x, H0): only SymPy's default H0 = 1/2
    const Node& h0 = node(args[1]);
    if (!(h0.kind == Kind::Number && h0.number.is_exact() && h0.number.to_mpq() == mpq_class(1, 2)))
      throw InvalidArgument("Heaviside(x, H0): alkahest's Heaviside has H0 = Heaviside(0) = 1/2 (SymPy's default); "
                            "write other values at 0 with Piecewise");
    return func(op, args.first(1));
  }
  if (static_cast<int>(args.size()) + 1 == info.arity && args.size() < 4)
    if (auto d = default_last_arg(op)) {  // LambertW(x) = LambertW(x, 0), zeta(s) = zeta(s, 1)
      ExprId full[4];
      std::copy(args.begin(), args.end(), full);
      full[args.size()] = integer(*d);
      return func(op, std::span<const ExprId>(full, args.size() + 1));
    }
  if (!info.takes(args.size()))
    throw InvalidArgument(std::string(info.name) + " takes " +
                          (info.arity < 0 ? std::string("2 or more") : std::to_string(info.arity)) +
                          (info.arity == 1 ? " argument" : " arguments") + ", got " +
                          std::to_string(args.size()));
  for (ExprId a : args)
    if (node(a).kind == Kind::Object) objects_detail::check_numeric_operand(*this, a, info.name);
  for (ExprId a : args)
    if (is_constant(a, Constant::NaN)) return a;  // f(nan) = nan
  if (info.exact != nullptr)
    if (auto v = info.exact(*this, args)) return *v;
  // Float arguments fold to a float value when every argument is a number and one is a float.
  bool all_numbers = args.size() <= 4, any_float = false;
  double xs[4];
  for (std::size_t i = 0; all_numbers && i < args.size(); ++i) {
    const Node& a = node(args[i]);
    if (a.kind != Kind::Number) {
      all_numbers = false;
      break;
    }
    any_float |= a.number.is_float();
    xs[i] = a.number.to_double();
  }
  if (all_numbers && any_float) {
    const double v = info.eval(xs);
    if (std::isfinite(v)) return number(Number(v));
  }
  Node n(Kind::Func, op);
  n.args.assign(args.begin(), args.end());
  return intern(std::move(n));
}

double constant_double(Constant c, std::string_view context) {
  switch (c) {
    case Constant::Pi: return std::numbers::pi;  // the correctly rounded doubles
    case Constant::E: return std::numbers::e;
    case Constant::EulerGamma: return std::numbers::egamma;
    case Constant::NaN: return std::numeric_limits<double>::quiet_NaN();
    case Constant::I:
      throw InvalidArgument(std::string(context) +
                            ": the expression contains the imaginary unit I; the numeric backends compute real "
                            "doubles only");
    default:
      throw InvalidArgument(std::string(context) + ": the expression contains " +
                            std::string(constant_name(c)) +
                            ", which has no floating-point value here (an infinity is a limit, not a number)");
  }
}

float constant_float(Constant c, std::string_view context) {
  switch (c) {
    case Constant::Pi: return std::numbers::pi_v<float>;
    case Constant::E: return std::numbers::e_v<float>;
    case Constant::EulerGamma: return std::numbers::egamma_v<float>;
    default: return static_cast<float>(constant_double(c, context));  // nan, or the error
  }
}

// ---- Expr handle ------------------------------------------------------------------------------

void check_same_pool(const ExprPool& a, const ExprPool& b) {
  if (&a != &b)
    throw PoolMismatchError("cannot combine expressions from different pools: " + a.label() + " and " +
                            b.label() + "; build all of them in one ExprPool");
}

namespace {
void check_same_pool(const Expr& a, const Expr& b) { alkahest::check_same_pool(a.pool(), b.pool()); }
}  // namespace

std::string Expr::str() const { return to_string(*pool_, id_); }

Expr operator+(const Expr& a, const Expr& b) { check_same_pool(a, b); return {a.pool(), a.pool().add(a.id(), b.id())}; }
Expr operator-(const Expr& a, const Expr& b) { check_same_pool(a, b); return {a.pool(), a.pool().sub(a.id(), b.id())}; }
Expr operator*(const Expr& a, const Expr& b) { check_same_pool(a, b); return {a.pool(), a.pool().mul(a.id(), b.id())}; }
Expr operator/(const Expr& a, const Expr& b) { check_same_pool(a, b); return {a.pool(), a.pool().div(a.id(), b.id())}; }
Expr operator-(const Expr& a) { return {a.pool(), a.pool().neg(a.id())}; }
Expr pow(const Expr& a, const Expr& b) { check_same_pool(a, b); return {a.pool(), a.pool().pow(a.id(), b.id())}; }
Expr operator+(const Expr& a, long b) { return {a.pool(), a.pool().add(a.id(), a.pool().integer(b))}; }
Expr operator*(long a, const Expr& b) { return {b.pool(), b.pool().mul(b.pool().integer(a), b.id())}; }
Expr apply(Op op, const Expr& a) { return {a.pool(), a.pool().func(op, a.id())}; }
Expr apply(Op op, const Expr& a, const Expr& b) {
  check_same_pool(a, b);
  ExprId args[2] = {a.id(), b.id()};
  return {a.pool(), a.pool().func(op, args)};
}

}  // namespace alkahest
