// Expr DAG -> Program lowering (see include/alkahest/program.hpp).
#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numbers>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "alkahest/errors.hpp"
#include "alkahest/evalf.hpp"
#include "alkahest/objects.hpp"
#include "kernel/hash_mix.hpp"
#include "alkahest/print.hpp"
#include "alkahest/program.hpp"

namespace alkahest {

namespace {

// How one node is emitted: the nodes it needs first (possibly new ones, e.g. the positive form of
// a negative term) and a recipe over their values.
struct Plan {
  enum class Kind { Leaf, Sum, Product, IntPower, Sqrt, Pow, Func, Object } kind;
  std::vector<ExprId> deps;
  std::vector<bool> negated;     // Sum: subtract this dep
  std::size_t n_numerator = 0;   // Product: deps[0, n) multiply, deps[n, end) divide
  bool negate = false;           // Product: negate the result
  long power = 0;                // IntPower: exponent (>= 2, or negative -> 1/b**|n|)
  Op op = Op::Count_;
  Head head = Head::Count_;      // Object: a relation, And/Or/Not, True/False or Piecewise
};

// Integers above this magnitude have no odd neighbour among the doubles.
const mpz_class kMaxExactDoubleInt = mpz_class(1) << 53;

// Whether |z| <= 2**24: exact as a float and as a double.
bool small_exact(const mpz_class& z) { return mpz_sizeinbase(z.get_mpz_t(), 2) <= 24 || abs(z) == (mpz_class(1) << 24); }

// Lowering state; used only by lower() below.
struct Lowering {
  Lowering(ExprPool& pool, std::span<const ExprId> vars) : pool_(pool) {
    for (std::size_t i = 0; i < vars.size(); ++i) {
      const Node& n = pool.node(vars[i]);
      if (n.kind != Kind::Symbol)
        throw InvalidArgument("compile: vars[" + std::to_string(i) + "] must be a symbol, got '" +
                              to_string(pool, vars[i]) + "'");
      if (!input_index_.emplace(vars[i], static_cast<std::uint32_t>(i)).second)
        throw InvalidArgument("compile: symbol '" + n.name + "' appears twice in vars");
    }
    prog_.n_inputs = static_cast<std::uint32_t>(vars.size());
  }

  Plan plan(ExprId id) {
    const Node& n = pool_.node(id);
    Plan p{Plan::Kind::Leaf, {}, {}, 0, false, 0, Op::Count_};
    switch (n.kind) {
      case Kind::Number:
      case Kind::Symbol:
      case Kind::Constant: return p;
      case Kind::Object:
        switch (n.head) {
          // Conditions compute 1 (true) or 0 (false); Piecewise selects among its branches.
          case Head::Eq: case Head::Ne: case Head::Lt: case Head::Le: case Head::Gt: case Head::Ge:
          case Head::And: case Head::Or: case Head::Not: case Head::True: case Head::False:
          case Head::Piecewise:
            p.kind = Plan::Kind::Object;
            p.head = n.head;
            p.deps = n.args;
            return p;
          default: break;
        }
        if (n.head == Head::RootOf) return p;  // a number: its value (build)
        throw InvalidArgument("compile: '" + to_string(pool_, id) + "' is an unevaluated " +
                              std::string(head_name(n.head)) +
                              " object; the numeric backends compute numbers only (call doit() first, or "
                              "substitute the undefined function)");
      case Kind::Add: {
        p.kind = Plan::Kind::Sum;
        for (ExprId t : n.args) {
          auto [c, rest] = pool_.as_coeff_term(t);
          if (c.is_negative()) {
            p.deps.push_back(pool_.neg(t));
            p.negated.push_back(true);
          } else {
            p.deps.push_back(t);
            p.negated.push_back(false);
          }
        }
        return p;
      }
      case Kind::Mul: {
        p.kind = Plan::Kind::Product;
        std::vector<ExprId> num, den;
        for (ExprId f : n.args) {
          const Node& fn = pool_.node(f);
          if (fn.kind == Kind::Number) {
            Number c = fn.number;
            if (c.is_negative()) {
              p.negate = true;
              c = -c;
            }
            if (c.is_rational() && small_exact(c.rational().get_num()) && small_exact(c.rational().get_den())) {
              // p/q with p and q exact in float and double: multiply by p, divide by q (x/3 is
              // correctly rounded). Larger ones are one constant, the nearest double (or float)
              // of p/q: p and q alone may not even be finite doubles (10**400 + 1)/10**400.
              const mpz_class& pn = c.rational().get_num();
              if (pn != 1) num.push_back(pool_.number(Number(mpz_class(pn))));
              den.push_back(pool_.number(Number(mpz_class(c.rational().get_den()))));
            } else if (!c.is_one()) {
              num.push_back(pool_.number(c));
            }
            continue;
          }
          if (fn.kind == Kind::Pow) {
            const Node& e = pool_.node(fn.args[1]);
            if (e.kind == Kind::Number && e.number.is_negative()) {
              den.push_back(pool_.pow(fn.args[0], pool_.number(-e.number)));
              continue;
            }
          }
          num.push_back(f);
        }
        p.n_numerator = num.size();
        p.deps = num;
        p.deps.insert(p.deps.end(), den.begin(), den.end());
        return p;
      }
      case Kind::Pow: {
        const ExprId b = n.args[0], e = n.args[1];
        const Node& en = pool_.node(e);
        if (en.kind == Kind::Number && en.number.is_integer() && en.number.fits_long() &&
            std::labs(en.number.integer().get_si()) <= 64) {
          p.kind = Plan::Kind::IntPower;
          p.power = en.number.integer().get_si();
          p.deps = {b};
          return p;
        }
        if (en.kind == Kind::Number && en.number.is_rational() && en.number.rational().get_den() == 2 &&
            en.number.rational().get_num() == 1) {
          p.kind = Plan::Kind::Sqrt;
          p.deps = {b};
          return p;
        }
        if (en.kind == Kind::Number && en.number.is_integer() && en.number.integer() > kMaxExactDoubleInt &&
            mpz_odd_p(en.number.integer().get_mpz_t())) {
          // b**n for odd n > 2**53: no double is odd there, so pow(b, n) would compute an even
          // power and lose b's sign. b * b**(n - 1) keeps it (b = -0, +-inf, NaN included).
          p.kind = Plan::Kind::Product;
          p.n_numerator = 2;
          p.deps = {b, pool_.pow(b, pool_.number(Number(mpz_class(en.number.integer() - 1))))};
          return p;
        }
        if (en.kind == Kind::Number && en.number.is_negative()) {  // b**-e -> 1/b**e
          p.kind = Plan::Kind::Product;
          p.n_numerator = 0;
          p.deps = {pool_.pow(b, pool_.number(-en.number))};
          return p;
        }
        p.kind = Plan::Kind::Pow;
        p.deps = {b, e};
        return p;
      }
      case Kind::Func:
        p.kind = Plan::Kind::Func;
        p.op = n.op;
        p.deps = n.args;
        if (!op_info(n.op).numeric) {
          // arg of a real value is atan2(0, x); the other complex parts fold away on real
          // arguments, so what is left here has a complex argument.
          if (n.op == Op::Arg && is_real(pool_.node(n.args[0]).facts) == true) {
            p.op = Op::Atan2;
            p.deps = {pool_.integer(0), n.args[0]};
            return p;
          }
          throw InvalidArgument("compile: " + to_string(pool_, id) +
                                " is a complex-valued function of a complex argument; the numeric backends are real");
        }
        return p;
    }
    return p;
  }

  std::uint32_t emit(Instr in) {
    in.dst = static_cast<std::uint32_t>(prog_.code.size());
    prog_.code.push_back(in);
    return in.dst;
  }
  std::uint32_t binary(PCode c, std::uint32_t a, std::uint32_t b) { return emit({c, Op::Count_, 0, a, b, 0}); }
  // A constant as a double and as a float, each rounded once from the exact value.
  std::uint32_t constant(double v, float f) {
    const std::pair<std::uint64_t, std::uint32_t> bits{std::bit_cast<std::uint64_t>(v), std::bit_cast<std::uint32_t>(f)};
    auto it = const_value_.find(bits);
    if (it != const_value_.end()) return it->second;
    const auto index = static_cast<std::uint32_t>(prog_.constants.size());
    prog_.constants.push_back(v);
    prog_.constants_f32.push_back(f);
    const std::uint32_t r = emit({PCode::Const, Op::Count_, 0, 0, 0, index});
    const_value_.emplace(bits, r);
    return r;
  }
  std::uint32_t constant(const Number& c) { return constant(c.to_double(), c.to_float()); }

  std::uint32_t product(std::span<const std::uint32_t> vs) {
    std::uint32_t acc = vs[0];
    for (std::size_t i = 1; i < vs.size(); ++i) acc = binary(PCode::Mul, acc, vs[i]);
    return acc;
  }

  // base**n for n >= 1 by addition-chain steps, memoised per (base, n) so x**2 ... x**8 in one
  // polynomial share their multiplications (x**6 = x**3 * x**3, x**7 = x**6 * x).
  std::uint32_t positive_power(std::uint32_t base, unsigned long n) {
    if (n == 1) return base;
    const std::uint64_t key = (static_cast<std::uint64_t>(base) << 8) | n;
    if (auto it = power_value_.find(key); it != power_value_.end()) return it->second;
    const std::uint32_t r = (n % 2 == 0)
                                ? binary(PCode::Mul, positive_power(base, n / 2), positive_power(base, n / 2))
                                : binary(PCode::Mul, positive_power(base, n - 1), base);
    power_value_.emplace(key, r);
    return r;
  }

  std::uint32_t cmp(Cond c, std::uint32_t a, std::uint32_t b) {
    return emit({PCode::Cmp, Op::Count_, 0, a, b, static_cast<std::uint32_t>(c)});
  }
  std::uint32_t select(std::uint32_t c, std::uint32_t a, std::uint32_t b) {
    Instr in{PCode::Select, Op::Count_, 0, a, b, 0};
    in.c = c;
    return emit(in);
  }
  // The ops the table marks LOWERED, as compare/select instructions.
  std::uint32_t call(Op f, std::uint32_t a) { return emit({PCode::Func, f, 0, a, 0, 0}); }
  std::uint32_t reciprocal(std::uint32_t a) { return binary(PCode::Div, constant(1.0, 1.0f), a); }
  std::uint32_t lowered(Op op, const std::vector<std::uint32_t>& v) {
    if (op == Op::Max || op == Op::Min) {
      // Pairwise from the left, each step a != a ? a : (a > b ? a : b): NaN in any argument gives NaN.
      std::uint32_t acc = v[0];
      for (std::size_t i = 1; i < v.size(); ++i) {
        const std::uint32_t pick = select(cmp(op == Op::Max ? Cond::Gt : Cond::Lt, acc, v[i]), acc, v[i]);
        acc = select(cmp(Cond::Ne, acc, acc), acc, pick);
      }
      return acc;
    }
    if (op == Op::Heaviside) {  // x != x ? x : (x > 0 ? 1 : (x < 0 ? 0 : 1/2))
      const std::uint32_t below = select(cmp(Cond::Lt, v[0], constant(0.0, 0.0f)), constant(0.0, 0.0f),
                                         constant(0.5, 0.5f));
      const std::uint32_t step = select(cmp(Cond::Gt, v[0], constant(0.0, 0.0f)), constant(1.0, 1.0f), below);
      return select(cmp(Cond::Ne, v[0], v[0]), v[0], step);
    }
    // The reciprocal functions as 1/f(x), and their inverses as g(1/x) (docs/accuracy.md).
    static const std::pair<Op, Op> reciprocal_of[] = {{Op::Sec, Op::Cos},   {Op::Csc, Op::Sin},
                                                       {Op::Cot, Op::Tan},   {Op::Sech, Op::Cosh},
                                                       {Op::Csch, Op::Sinh}, {Op::Coth, Op::Tanh}};
    static const std::pair<Op, Op> of_reciprocal[] = {{Op::Asec, Op::Acos},   {Op::Acsc, Op::Asin},
                                                       {Op::Acot, Op::Atan},   {Op::Acoth, Op::Atanh},
                                                       {Op::Asech, Op::Acosh}, {Op::Acsch, Op::Asinh}};
    for (const auto& [f, g] : reciprocal_of)
      if (op == f) return reciprocal(call(g, v[0]));
    if (op == Op::Acsch || op == Op::Asech) {
      // Below 2**-1020 (float32: 2**-124) in magnitude 1/x overflows, while acsch(x) = sign(x) (log 2 - log|x|) and
      // asech(x) = log 2 - log x (up to x**2/4, far below an ulp) are still finite (<= 745).
      const std::uint32_t t = call(Op::Abs, v[0]);
      const std::uint32_t zero = constant(0.0, 0.0f);
      const std::uint32_t tiny = select(cmp(Cond::Lt, t, constant(0x1p-1020, 0x1p-124f)), cmp(Cond::Gt, t, zero), zero);
      const std::uint32_t ln2 = constant(std::numbers::ln2, std::numbers::ln2_v<float>);
      std::uint32_t far = binary(PCode::Sub, ln2, call(Op::Log, op == Op::Asech ? v[0] : t));
      if (op == Op::Acsch) far = select(cmp(Cond::Lt, v[0], zero), emit({PCode::Neg, Op::Count_, 0, far, 0, 0}), far);
      return select(tiny, far, call(op == Op::Asech ? Op::Acosh : Op::Asinh, reciprocal(v[0])));
    }
    for (const auto& [f, g] : of_reciprocal)
      if (op == f) return call(g, reciprocal(v[0]));
    throw AlkahestError("compile: no lowering of " + std::string(op_info(op).name) + " (an op-table bug)");
  }

  // Relations, boolean connectives and Piecewise as compare/select: a condition is a 0/1 value.
  // Piecewise((e1, c1), ..., (en, cn)) is c1 ? e1 : (c2 ? e2 : ... (cn ? en : nan)): NaN where no
  // condition holds, as the expression is undefined there. Every branch is computed (the unused
  // ones may be NaN) and the select keeps the one that applies.
  std::uint32_t object(Head h, const std::vector<std::uint32_t>& v) {
    const auto one = [&] { return constant(1.0, 1.0f); };
    const auto zero = [&] { return constant(0.0, 0.0f); };
    switch (h) {
      case Head::Eq: return cmp(Cond::Eq, v[0], v[1]);
      case Head::Ne: return cmp(Cond::Ne, v[0], v[1]);
      case Head::Lt: return cmp(Cond::Lt, v[0], v[1]);
      case Head::Le: return cmp(Cond::Le, v[0], v[1]);
      case Head::Gt: return cmp(Cond::Gt, v[0], v[1]);
      case Head::Ge: return cmp(Cond::Ge, v[0], v[1]);
      case Head::True: return one();
      case Head::False: return zero();
      case Head::Not: return select(v[0], zero(), one());
      case Head::And: {
        std::uint32_t acc = v.back();
        for (std::size_t i = v.size() - 1; i-- > 0;) acc = select(v[i], acc, zero());
        return acc;
      }
      case Head::Or: {
        std::uint32_t acc = v.back();
        for (std::size_t i = v.size() - 1; i-- > 0;) acc = select(v[i], one(), acc);
        return acc;
      }
      case Head::Piecewise: {
        if (v.size() < 2 || v.size() % 2 != 0)
          throw AlkahestError("compile: a Piecewise with " + std::to_string(v.size()) + " arguments (a bug)");
        std::uint32_t acc = constant(std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<float>::quiet_NaN());
        for (std::size_t i = v.size(); i >= 2; i -= 2) acc = select(v[i - 1], v[i - 2], acc);
        return acc;
      }
      default: break;
    }
    throw AlkahestError("compile: no lowering of the object " + std::string(head_name(h)) + " (a bug)");
  }

  std::uint32_t int_power(std::uint32_t base, long n) {
    const std::uint32_t r = positive_power(base, static_cast<unsigned long>(n < 0 ? -n : n));
    return n < 0 ? binary(PCode::Div, constant(1.0, 1.0f), r) : r;
  }

  std::uint32_t build(ExprId id, const Plan& p) {
    const Node& n = pool_.node(id);
    std::vector<std::uint32_t> v;
    for (ExprId d : p.deps) v.push_back(value_.at(d));
    switch (p.kind) {
      case Plan::Kind::Leaf:
        if (n.kind == Kind::Number) return constant(n.number);
        if (n.kind == Kind::Constant)
          return constant(constant_double(n.constant, "compile"), constant_float(n.constant, "compile"));
        if (n.kind == Kind::Object) {  // RootOf: its value, rounded once from 25 certified digits
          const Evalf v = evalf(pool_, id, 25);
          if (!v.real)
            throw InvalidArgument("compile: " + to_string(pool_, id) +
                                  " is not a real number; the numeric backends compute real numbers");
          return constant(std::strtod(v.re_mid.c_str(), nullptr), std::strtof(v.re_mid.c_str(), nullptr));
        }
        {
          auto it = input_index_.find(id);
          if (it == input_index_.end())
            throw InvalidArgument("compile: the expression depends on symbol '" + n.name +
                                  "', which is not in vars; add it to vars or substitute a value");
          return emit({PCode::Input, Op::Count_, 0, 0, 0, it->second});
        }
      case Plan::Kind::Sum: {
        std::size_t first = 0;
        while (first < v.size() && p.negated[first]) ++first;
        std::uint32_t acc;
        if (first == v.size()) {  // every term negative
          acc = emit({PCode::Neg, Op::Count_, 0, v[0], 0, 0});
          first = 0;
          for (std::size_t i = 1; i < v.size(); ++i) acc = binary(PCode::Sub, acc, v[i]);
          return acc;
        }
        acc = v[first];
        for (std::size_t i = 0; i < v.size(); ++i)
          if (i != first) acc = binary(p.negated[i] ? PCode::Sub : PCode::Add, acc, v[i]);
        return acc;
      }
      case Plan::Kind::Product: {
        std::span<const std::uint32_t> all(v);
        std::uint32_t r = p.n_numerator > 0 ? product(all.first(p.n_numerator)) : constant(1.0, 1.0f);
        if (v.size() > p.n_numerator) r = binary(PCode::Div, r, product(all.subspan(p.n_numerator)));
        if (p.negate) r = emit({PCode::Neg, Op::Count_, 0, r, 0, 0});
        return r;
      }
      case Plan::Kind::IntPower: return int_power(v[0], p.power);
      case Plan::Kind::Sqrt: return emit({PCode::Sqrt, Op::Count_, 0, v[0], 0, 0});
      case Plan::Kind::Pow: return binary(PCode::Pow, v[0], v[1]);
      case Plan::Kind::Object: return object(p.head, v);
      case Plan::Kind::Func: {
        if (op_info(p.op).vm == VmKind::Lowered) return lowered(p.op, v);
        Instr in{PCode::Func, p.op, 0, v[0], v.size() > 1 ? v[1] : 0, 0};
        if (v.size() > 2) in.c = v[2];  // elliptic_pi(n, phi, m), hyp2f1(a, b, c, z)
        if (v.size() > 3) in.d = v[3];
        return emit(in);
      }
    }
    return 0;
  }

  // Iterative post-order over the plan graph (deep expressions must not recurse).
  std::uint32_t value_of(ExprId root) {
    struct Frame {
      ExprId id;
      Plan plan;
      std::size_t next;
    };
    if (auto it = value_.find(root); it != value_.end()) return it->second;
    std::vector<Frame> stack;
    stack.push_back({root, plan(root), 0});
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next < f.plan.deps.size()) {
        const ExprId d = f.plan.deps[f.next++];
        if (!value_.count(d)) stack.push_back({d, plan(d), 0});
        continue;
      }
      const std::uint32_t v = build(f.id, f.plan);
      value_.emplace(f.id, v);
      stack.pop_back();
    }
    return value_.at(root);
  }

  static bool reads_a(const Instr& in) { return in.code != PCode::Input && in.code != PCode::Const; }
  static bool reads_b(const Instr& in) {
    switch (in.code) {
      case PCode::Add: case PCode::Sub: case PCode::Mul: case PCode::Div: case PCode::Pow:
      case PCode::Cmp: case PCode::Select: return true;
      case PCode::Func: return op_info(in.op).arity >= 2;
      default: return false;
    }
  }
  // Select's condition, a Func's third argument
  static bool reads_c(const Instr& in) {
    return in.code == PCode::Select || (in.code == PCode::Func && op_info(in.op).arity >= 3);
  }
  static bool reads_d(const Instr& in) { return in.code == PCode::Func && op_info(in.op).arity == 4; }

  ExprPool& pool_;
  Program prog_;
  std::unordered_map<ExprId, std::uint32_t> input_index_;
  std::unordered_map<ExprId, std::uint32_t> value_;
  struct BitsHash {
    std::size_t operator()(const std::pair<std::uint64_t, std::uint32_t>& b) const { return hash_mix(b.first, b.second); }
  };
  std::unordered_map<std::pair<std::uint64_t, std::uint32_t>, std::uint32_t, BitsHash> const_value_;
  std::unordered_map<std::uint64_t, std::uint32_t> power_value_;  // (base value, n) -> value
};

}  // namespace

Program lower(ExprPool& pool, std::span<const ExprId> outputs, std::span<const ExprId> vars) {
  Lowering l(pool, vars);
  std::vector<std::uint32_t> out_values;
  for (ExprId o : outputs) out_values.push_back(l.value_of(o));
  allocate_registers(l.prog_, out_values);
  return std::move(l.prog_);
}

// SSA values -> registers: a register is reused once the last reader of its value has run.
// Constants keep their register for the whole program so they are filled once per call.
void allocate_registers(Program& prog, std::span<const std::uint32_t> out_values) {
  auto& code = prog.code;
  const std::size_t n = code.size();
  std::vector<std::uint32_t> ssa_a, ssa_b, ssa_c, ssa_d;  // SSA operand ids, before registers are assigned
  for (const Instr& in : code) {
    ssa_a.push_back(in.a);
    ssa_b.push_back(in.b);
    ssa_c.push_back(in.c);
    ssa_d.push_back(in.d);
  }
  const auto reads_a = Lowering::reads_a;
  const auto reads_b = Lowering::reads_b;
  const auto reads_c = Lowering::reads_c;
  const auto reads_d = Lowering::reads_d;
  std::vector<std::size_t> last_use(n, 0);
  std::vector<bool> pinned(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    const Instr& in = code[i];
    if (in.code == PCode::Const) pinned[i] = true;
    if (reads_a(in)) last_use[in.a] = i;
    if (reads_b(in)) last_use[in.b] = i;
    if (reads_c(in)) last_use[in.c] = i;
    if (reads_d(in)) last_use[in.d] = i;
  }
  for (std::uint32_t o : out_values) pinned[o] = true;
  std::vector<std::uint32_t> reg(n), free_regs;
  std::uint32_t n_regs = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Instr& in = code[i];
    if (reads_a(in)) in.a = reg[in.a];
    if (reads_b(in)) in.b = reg[in.b];
    if (reads_c(in)) in.c = reg[in.c];
    if (reads_d(in)) in.d = reg[in.d];
    // Free operands that die here before choosing dst: elementwise ops may write in place. (An
    // instruction reading c reads a and b too, and one reading d reads a, b and c.)
    auto release = [&](std::uint32_t value) {
      if (!pinned[value] && last_use[value] == i) free_regs.push_back(reg[value]);
    };
    if (reads_a(in)) release(ssa_a[i]);
    if (reads_b(in) && !(reads_a(in) && ssa_b[i] == ssa_a[i])) release(ssa_b[i]);
    if (reads_c(in) && ssa_c[i] != ssa_a[i] && ssa_c[i] != ssa_b[i]) release(ssa_c[i]);
    if (reads_d(in) && ssa_d[i] != ssa_a[i] && ssa_d[i] != ssa_b[i] && ssa_d[i] != ssa_c[i]) release(ssa_d[i]);
    std::uint32_t r;
    if (!free_regs.empty() && !pinned[i]) {
      r = free_regs.back();
      free_regs.pop_back();
    } else {
      r = n_regs++;
    }
    reg[i] = r;
    in.dst = r;
  }
  prog.n_regs = n_regs;
  prog.outputs.clear();
  for (std::uint32_t o : out_values) prog.outputs.push_back(reg[o]);
}

std::uint64_t Program::hash() const {
  std::uint64_t h = hash_mix(n_inputs, n_regs);
  for (double c : constants) h = hash_mix(h, std::bit_cast<std::uint64_t>(c));
  for (float c : constants_f32) h = hash_mix(h, std::bit_cast<std::uint32_t>(c));
  for (const Instr& in : code) {
    h = hash_mix(h, static_cast<std::uint64_t>(in.code) | (static_cast<std::uint64_t>(in.op) << 8));
    h = hash_mix(h, (static_cast<std::uint64_t>(in.dst) << 32) | in.a);
    h = hash_mix(h, (static_cast<std::uint64_t>(in.b) << 32) | in.index);
    h = hash_mix(h, (static_cast<std::uint64_t>(in.c) << 32) | in.d);
  }
  for (std::uint32_t o : outputs) h = hash_mix(h, o);
  return h;
}

std::string Program::str() const {
  static const char* names[] = {"input", "const", "add", "sub", "mul", "div", "neg", "sqrt", "pow", "call",
                                "cmp", "select"};
  static const char* conds[] = {"lt", "le", "gt", "ge", "eq", "ne"};
  std::string s = "program(" + std::to_string(n_inputs) + " inputs, " + std::to_string(n_regs) + " registers)\n";
  for (const Instr& in : code) {
    s += "  r" + std::to_string(in.dst) + " = " + names[static_cast<int>(in.code)];
    switch (in.code) {
      case PCode::Input: s += " " + std::to_string(in.index); break;
      case PCode::Const: s += " " + format_double(constants[in.index]); break;
      case PCode::Func:
        s += " " + std::string(op_info(in.op).name) + " r" + std::to_string(in.a);
        if (Lowering::reads_b(in)) s += " r" + std::to_string(in.b);
        if (Lowering::reads_c(in)) s += " r" + std::to_string(in.c);
        if (Lowering::reads_d(in)) s += " r" + std::to_string(in.d);
        break;
      case PCode::Cmp:
        s += std::string(" ") + conds[in.index] + " r" + std::to_string(in.a) + " r" + std::to_string(in.b);
        break;
      case PCode::Select:
        s += " r" + std::to_string(in.c) + " ? r" + std::to_string(in.a) + " : r" + std::to_string(in.b);
        break;
      default:
        s += " r" + std::to_string(in.a);
        if (Lowering::reads_b(in)) s += " r" + std::to_string(in.b);
    }
    s += "\n";
  }
  for (std::size_t i = 0; i < outputs.size(); ++i)
    s += "  out" + std::to_string(i) + " = r" + std::to_string(outputs[i]) + "\n";
  return s;
}

}  // namespace alkahest
