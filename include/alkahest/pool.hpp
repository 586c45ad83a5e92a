// ExprPool: hash-consed, immutable expression nodes. Structurally equal expressions share one id,
// so equality is an integer compare. Constructors return canonical forms.
#pragma once
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "alkahest/arg_vector.hpp"
#include "alkahest/facts.hpp"
#include "alkahest/number.hpp"
#include "alkahest/ops.hpp"

namespace alkahest {

enum class Kind : std::uint8_t { Number, Symbol, Add, Mul, Pow, Func, Constant, Object };

/// Head of an unevaluated object (Kind::Object): Derivative, Integral, Eq, Piecewise, ... (the
/// values and constructors are in objects.hpp).
enum class Head : std::uint8_t;

/// Name of a kind as shown by `Expr.node()` ("Number", "Symbol", "Add", ...).
std::string_view kind_name(Kind kind);

/// The exact constants of the kernel. `NegativeInfinity` is an atom of its own (as `-oo` prints),
/// so that -oo needs no coefficient and `oo + -oo` is seen at once.
enum class Constant : std::uint8_t { Pi, E, EulerGamma, I, Infinity, NegativeInfinity, ComplexInfinity, NaN, Count_ };
inline constexpr std::size_t kConstantCount = static_cast<std::size_t>(Constant::Count_);
/// Text of a constant as printed and parsed: "pi", "E", "EulerGamma", "I", "oo", "-oo", "zoo", "nan".
std::string_view constant_name(Constant c);

/// A node's name (symbols, and objects that carry one): a string on the heap, absent when empty,
/// so that a node pays 8 bytes for it instead of a std::string's 32 (most nodes have no name).
/// Reads as a `const std::string&`; copies are deep.
class NodeName {
 public:
  NodeName() = default;
  NodeName(std::string_view s) { assign(s); }  // NOLINT: implicit, as a std::string is
  NodeName& operator=(std::string_view s) {
    assign(s);
    return *this;
  }

  const std::string& str() const { return p_ ? *p_.get() : empty_string(); }
  operator const std::string&() const { return str(); }  // NOLINT: reads as the string
  operator std::string_view() const { return str(); }    // NOLINT
  bool empty() const { return !p_ || p_.get()->empty(); }
  std::size_t size() const { return str().size(); }
  const char* c_str() const { return str().c_str(); }
  int compare(const NodeName& o) const { return str().compare(o.str()); }

  friend bool operator==(const NodeName& a, const NodeName& b) { return a.str() == b.str(); }
  friend bool operator==(const NodeName& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const NodeName& a, const char* b) { return a.str() == b; }
  friend bool operator==(const NodeName& a, const std::string& b) { return a.str() == b; }
  friend auto operator<=>(const NodeName& a, const NodeName& b) { return a.str() <=> b.str(); }
  friend std::string operator+(const NodeName& a, std::string_view b) { return a.str() + std::string(b); }
  friend std::string operator+(const NodeName& a, const char* b) { return a.str() + b; }
  friend std::string operator+(const NodeName& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(std::string_view a, const NodeName& b) { return std::string(a) + b.str(); }
  friend std::string operator+(const char* a, const NodeName& b) { return a + b.str(); }
  friend std::string operator+(const std::string& a, const NodeName& b) { return a + b.str(); }
  friend std::string operator+(std::string&& a, const NodeName& b) { return std::move(a) + b.str(); }

 private:
  detail::DeepBox<std::string> p_;
  void assign(std::string_view s) {
    p_ = detail::DeepBox<std::string>(s.empty() ? nullptr : std::make_unique<std::string>(s));
  }
  static const std::string& empty_string() {
    static const std::string e;
    return e;
  }
};

/// One interned node. Immutable once created.
struct Node {
  explicit Node(Kind k = Kind::Number, Op o = Op::Count_) : kind(k), op(o) {}
  Kind kind;
  Op op;                       ///< for Func
  Constant constant = Constant::Count_;  ///< for Constant
  Head head = static_cast<Head>(0);      ///< for Object
  Facts facts;                 ///< what is known of the value (see facts.hpp); a Symbol's are its assumptions
  std::uint64_t hash = 0;      ///< structural, identical in every process
  std::uint32_t depth = 1;     ///< longest path to a leaf, leaves have depth 1
  ArgVector args;              ///< Add terms, Mul factors, Pow {base, exp}, Func args
  Number number;               ///< for Number
  NodeName name;               ///< for Symbol; for Object: a function's name, Limit's direction

  /// Whether destroying the node frees memory (arguments on the heap, a number's limbs, a name).
  /// The pool destroys only these (the others, most of a large expression, are left as storage:
  /// reading every node of a pool that is going away cost a fifth of a millisecond in 10,000).
  bool owns_memory() const noexcept {
    return args.capacity() > ArgVector::kInline || number.holds_memory() || !name.empty();
  }
};

class Expr;

class ExprPool {
 public:
  ExprPool();
  ExprPool(const ExprPool&) = delete;
  ExprPool& operator=(const ExprPool&) = delete;
  ~ExprPool();

  /// A process-unique number, used in messages ("ExprPool#3").
  std::uint64_t serial() const { return serial_; }
  std::string label() const;
  /// Number of distinct nodes interned so far.
  std::size_t size() const { return size_.load(std::memory_order_acquire); }

  const Node& node(ExprId id) const {
    const Slot s = slot(id);
    return chunks_[s.chunk].load(std::memory_order_acquire)[s.offset];
  }

  // Atoms. `symbol` requires an identifier ([A-Za-z_][A-Za-z0-9_]*, UTF-8 letters allowed) that is
  // not a function name.
  ExprId symbol(std::string_view name);
  /// A symbol with assumptions: `assumed` must be non-empty (InvalidArgument when contradictory,
  /// see facts.hpp). Symbols of one name with different assumptions are different symbols.
  ExprId symbol(std::string_view name, Facts assumed);
  ExprId constant(Constant c);
  ExprId number(const Number& value);
  /// The same, taking the value over (no copy of its digits when the number is new): for callers
  /// that build many numbers, such as series coefficients read back from FLINT.
  ExprId number(Number&& value);
  ExprId integer(long value) { return number(Number(value)); }

  // Canonical constructors.
  ExprId add(std::span<const ExprId> terms);
  ExprId add(ExprId a, ExprId b) { ExprId t[2] = {a, b}; return add(std::span<const ExprId>(t, 2)); }
  ExprId mul(std::span<const ExprId> factors);
  ExprId mul(ExprId a, ExprId b) { ExprId t[2] = {a, b}; return mul(std::span<const ExprId>(t, 2)); }
  ExprId pow(ExprId base, ExprId exp);
  ExprId neg(ExprId a) { return mul(integer(-1), a); }
  ExprId sub(ExprId a, ExprId b) { return add(a, neg(b)); }
  /// a/b; throws DivisionByZero when b is an exact zero.
  ExprId div(ExprId a, ExprId b);
  /// op(args) with exact values and float folding; throws InvalidArgument on wrong arity.
  ExprId func(Op op, std::span<const ExprId> args);
  ExprId func(Op op, ExprId a) { return func(op, std::span<const ExprId>(&a, 1)); }
  ExprId sqrt(ExprId a);

  /// Canonical total order of nodes: independent of ids and insertion order.
  int compare(ExprId a, ExprId b) const;
  /// Calls of compare() made by the calling thread so far, in any pool: a measure of work for
  /// tests (adding one term to a sum of n terms must cost O(log n) of them, not O(n log n)).
  static std::uint64_t compare_count();

  bool is_number(ExprId id) const { return node(id).kind == Kind::Number; }
  bool is_constant(ExprId id, Constant c) const {
    const Node& n = node(id);
    return n.kind == Kind::Constant && n.constant == c;
  }
  /// Splits a term into (numeric coefficient, rest): 3*x*y -> (3, x*y), x -> (1, x).
  std::pair<Number, ExprId> as_coeff_term(ExprId id);
  /// The second half of as_coeff_term alone (no Number built): 3*x*y -> x*y, x -> x.
  ExprId term_rest(ExprId id);
  /// Splits a factor into (base, exponent): x**3 -> (x, 3), x -> (x, 1).
  std::pair<ExprId, ExprId> as_base_exp(ExprId id);

  /// Interns a node whose arguments are already canonical and sorted (no rewriting).
  ExprId intern(Node&& node);
  /// intern() of an Add, Mul or Pow node with these arguments (already canonical and sorted),
  /// without building a Node first when it exists.
  ExprId intern_compound(Kind kind, std::span<const ExprId> args);
  /// Room for `more` nodes beyond the ones interned so far without growing the hash table: one
  /// rehash now instead of several while a large result is interned.
  void reserve(std::size_t more);
  /// intern_compound(Kind::Mul, ...) of products given as rows of `width` ids, written to `out`
  /// (one per row): a row's factors are its ids other than `pad` (pads may only lead or trail a
  /// row; a one-factor product is that factor), already canonical, sorted and not numbers only.
  /// A polynomial's terms interned a batch at a time: the hashes first (each table slot fetched
  /// while the rest are hashed), then one lock for all.
  void intern_products(std::span<const ExprId> rows, std::size_t width, ExprId pad, std::span<ExprId> out);

 private:
  // Nodes live in chunks that never move: chunk k holds kFirstChunk * 2**k nodes, so a handful of
  // chunks cover 2**32 ids and a new pool costs almost nothing.
  static constexpr std::uint64_t kFirstChunk = 1024;
  static constexpr std::size_t kMaxChunks = 23;
  struct Slot {
    std::size_t chunk;
    std::uint64_t offset;
  };
  static Slot slot(ExprId id) {
    const std::uint64_t t = id / kFirstChunk + 1;
    const std::size_t k = static_cast<std::size_t>(std::bit_width(t) - 1);
    return {k, id - kFirstChunk * ((std::uint64_t(1) << k) - 1)};
  }

  static bool same(const Node& a, const Node& b);
  static void finish_hash(Node& n, const ExprPool& pool);
  static Facts compute_facts(const Node& n, const ExprPool& pool);
  // Sums and products with oo, -oo, zoo or nan among their operands (the rules of the extended
  // numbers); nullopt when none is there.
  std::optional<ExprId> add_special(std::vector<ExprId>& terms, Number& numeric);
  std::optional<ExprId> mul_special(std::vector<ExprId>& factors, Number& coeff);
  // Powers of and to constants (I**n, oo**e, 2**oo, E**x = exp(x)) and of negative numbers to
  // half-integer exponents; nullopt otherwise.
  std::optional<ExprId> pow_special(ExprId base, ExprId exp);

  std::uint64_t serial_;
  std::atomic<std::size_t> size_{0};
  ExprId small_ints_[5] = {};  ///< ids of -2..2, interned up front: the constants used most
  ExprId constants_[kConstantCount] = {};  ///< ids of the constants, interned up front
  bool ready_ = false;
  std::array<std::atomic<Node*>, kMaxChunks> chunks_{};
  std::mutex mutex_;
  // The hash-consing table: open addressing with linear probing, a power-of-two number of slots,
  // at most half full. A slot holds the low 32 bits of its node's hash (most mismatches end
  // there, without touching the node) and the node's id + 1 (0: empty).
  struct TableSlot {
    std::uint32_t hash = 0;
    std::uint32_t id1 = 0;
  };
  std::vector<TableSlot> table_;
  std::vector<ExprId> owners_;  ///< the nodes that own memory (Node::owns_memory), destroyed with the pool
  std::size_t table_shift_ = 58;  ///< 64 - log2(table_.size())
  // The home slot depends only on the 32 hash bits a slot keeps, so growing the table never
  // reads a node.
  std::size_t table_home(std::uint32_t hash32) const {
    return static_cast<std::size_t>((std::uint64_t{hash32} * 0x9e3779b97f4a7c15ull) >> table_shift_);
  }
  void grow_table();
  void rehash(std::size_t slots);  // slots: a power of two
  Node* new_node();
  struct CompoundHash {
    std::uint64_t hash = 0;
    std::uint32_t depth = 0;
    Facts facts;             ///< of a sum or product (has_facts): folded while hashing
    bool has_facts = false;
  };
  CompoundHash compound_hash(Kind kind, std::span<const ExprId> args) const;
  ExprId intern_compound_locked(Kind kind, std::span<const ExprId> args, CompoundHash ch);
  ExprId commit_node(Node* fresh, std::size_t slot, std::uint32_t h32, bool has_facts = false);
  friend struct LivePools;  // takes mutex_ around fork() (pool.cpp)
};

/// The double nearest to a constant (pi, E, EulerGamma; nan is the IEEE NaN). I, oo, -oo and zoo
/// have none: InvalidArgument naming the constant, prefixed by `context` ("compile", "eval").
double constant_double(Constant c, std::string_view context);
/// The same as the nearest float (rounded once from the exact value, not from the double).
float constant_float(Constant c, std::string_view context);

/// Throws PoolMismatchError naming both pools unless `a` and `b` are the same pool.
void check_same_pool(const ExprPool& a, const ExprPool& b);

/// Convenience handle for C++ users: a (pool, id) pair with arithmetic operators.
/// The pool must outlive the handle.
class Expr {
 public:
  Expr() = default;
  Expr(ExprPool& pool, ExprId id) : pool_(&pool), id_(id) {}
  ExprPool& pool() const { return *pool_; }
  ExprId id() const { return id_; }
  const Node& node() const { return pool_->node(id_); }
  bool operator==(const Expr& o) const { return pool_ == o.pool_ && id_ == o.id_; }
  std::string str() const;

 private:
  ExprPool* pool_ = nullptr;
  ExprId id_ = 0;
};

Expr operator+(const Expr& a, const Expr& b);
Expr operator-(const Expr& a, const Expr& b);
Expr operator*(const Expr& a, const Expr& b);
Expr operator/(const Expr& a, const Expr& b);
Expr operator-(const Expr& a);
Expr pow(const Expr& a, const Expr& b);
Expr operator+(const Expr& a, long b);
Expr operator*(long a, const Expr& b);
Expr apply(Op op, const Expr& a);
Expr apply(Op op, const Expr& a, const Expr& b);

}  // namespace alkahest
