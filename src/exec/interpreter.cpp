#include "alkahest/interpreter.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <thread>
#include <type_traits>
#include <vector>

#include "alkahest/errors.hpp"
#include "driver.hpp"
#include "vector_math.hpp"

namespace alkahest {

namespace {

constexpr std::int64_t kBlock = 256;  // elements per block: registers stay in L1
// Registers lie kBlock elements apart (2 KiB for float64), 64-byte aligned: a register written is
// then never a little ahead of one read modulo 4 KiB, where the store buffer would take a later
// load for a dependence on the store (4K aliasing: a padded stride of 2 KiB + 64 stalled so).
constexpr std::size_t kMaxLinks = 64;  // links of one chain (the chain kernel's limit)

// a <cond> b as 1 or 0 (IEEE: false where a or b is NaN, except for Ne).
template <class T>
inline T compare(Cond c, T a, T b) {
  bool r = false;
  switch (c) {
    case Cond::Lt: r = a < b; break;
    case Cond::Le: r = a <= b; break;
    case Cond::Gt: r = a > b; break;
    case Cond::Ge: r = a >= b; break;
    case Cond::Eq: r = a == b; break;
    case Cond::Ne: r = a != b; break;
  }
  return r ? T(1) : T(0);
}

int arith_of(PCode c) {
  switch (c) {
    case PCode::Add: return vm::kArAdd;
    case PCode::Sub: return vm::kArSub;
    case PCode::Mul: return vm::kArMul;
    case PCode::Div: return vm::kArDiv;
    case PCode::Neg: return vm::kArNeg;
    default: return -1;
  }
}

// A function of three or four arguments (the op table's SCALAR rows elliptic_pi(n, phi, m) and
// hyp2f1(a, b, c, z)), which the vector tables do not hold: its row's `eval` per element, in
// double, as the tables' scalar loops compute the rows of one and two arguments.
template <class T>
void scalar_call(Op op, const T* const* args, int arity, T* out, std::size_t n) {
  const auto eval = op_info(op).eval;
  double xs[4] = {};
  for (std::size_t i = 0; i < n; ++i) {
    for (int k = 0; k < arity; ++k) xs[k] = static_cast<double>(args[k][i]);
    out[i] = static_cast<T>(eval(xs));
  }
}

// Whether the vector tables hold `op` (else: scalar_call).
bool in_tables(Op op) { return op_info(op).arity <= 2; }

}  // namespace

// One step of the plan. Operands name registers, except arithmetic operands whose `kinds` bit is
// set (x 1, y 2, z 4): those name a constant (an index into the Program's constants followed by
// Plan::extra).
struct Interpreter::Plan {
  enum class Kind : std::uint8_t { Input, Arith, FuncOf, Chain, Sqrt, Func, Pow, Cmp, Select };
  struct Step {
    Kind kind;
    std::uint8_t o1 = 0, o2 = vm::kArNone, swap = 0, kinds = 0;
    bool to_out = false;  // the last step, computing the only output: writes the output array itself
    bool sqrt = false;    // FuncOf / Chain: the function is sqrt (Kernels::raw_sqrt)
    Op op = Op::Count_;
    std::uint32_t index = 0;  // Input: which input; Cmp: the Cond; Chain: how many chains come before
    std::uint32_t dst = 0, x = 0, y = 0, z = 0;
    std::uint32_t w = 0;  // Func of four arguments: the fourth (x, y, z the first three)
    std::uint32_t first = 0, count = 0;  // Chain: its links (op: the function applied, or Count_ for none)
  };
  struct Link {  // a vm::ChainLink with registers / constant indices for u and v
    std::uint8_t op = vm::kArNone, swap = 0, inner = vm::kArNone, kinds = 0;
    std::uint16_t code = 0;  // vm::chain_code
    std::uint32_t u = 0, v = 0;
  };
  std::vector<Step> steps;
  std::vector<Link> links;
  std::uint32_t n_chains = 0;
  std::uint32_t n_regs = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> fills;  // (register, constant): filled once
  std::vector<std::uint32_t> out_regs;
  std::vector<double> extra;  // constants of the plan's own (exact reciprocals of powers of two)
  std::vector<float> extra_f32;
};

namespace {

using Plan = Interpreter::Plan;

// x / c == x * (1/c) bit for bit when c is +-2^k with 2^-k normal in float and double (both are the
// exact x * 2^-k rounded once); the float constant must be the same power of two.
bool exact_reciprocal(double c, float cf, double* r) {
  if (!(c != 0.0) || !std::isfinite(c) || static_cast<double>(cf) != c) return false;
  int e = 0;
  const double m = std::frexp(std::fabs(c), &e);  // |c| = m * 2^e, m in [0.5, 1)
  if (m != 0.5 || e - 1 > 126 || e - 1 < -126) return false;
  *r = 1.0 / c;
  return true;
}

std::shared_ptr<const Plan> make_plan(const Program& P, Accuracy accuracy) {
  auto plan = std::make_shared<Plan>();
  const int acc = static_cast<int>(accuracy);
  const auto& k64 = vm::kernels_f64();
  const auto& k32 = vm::kernels_f32();
  const std::size_t nc = P.constants.size();

  // 1. Values (SSA), each computed once: value numbering over the register program.
  struct Node {
    PCode code;
    Op op;
    std::uint32_t index, a, b, c, d;  // c: Select's condition, or a Func's third argument; d: its fourth
  };
  std::vector<Node> nodes;
  std::vector<std::uint32_t> reg_val(std::max<std::size_t>(P.n_regs, 1), 0);
  // Open addressing over node numbers (+1; 0 empty), at most half full: no allocation per value.
  std::vector<std::uint32_t> table(std::bit_ceil(4 * P.code.size() + 16), 0);
  nodes.reserve(P.code.size() + 1);
  auto value = [&](Node n) {
    std::uint64_t h = (std::uint64_t(n.code) << 56) ^ (std::uint64_t(n.op) << 40) ^ n.index;
    for (std::uint64_t f : {std::uint64_t(n.a), std::uint64_t(n.b), std::uint64_t(n.c), std::uint64_t(n.d)})
      h = (h ^ f) * 0x9E3779B97F4A7C15ULL;
    const std::size_t mask = table.size() - 1;
    for (std::size_t i = (h ^ (h >> 29)) & mask;; i = (i + 1) & mask) {
      if (table[i] == 0) {
        nodes.push_back(n);
        table[i] = static_cast<std::uint32_t>(nodes.size());
        return static_cast<std::uint32_t>(nodes.size() - 1);
      }
      const Node& o = nodes[table[i] - 1];
      if (o.code == n.code && o.op == n.op && o.index == n.index && o.a == n.a && o.b == n.b && o.c == n.c &&
          o.d == n.d)
        return table[i] - 1;
    }
  };
  for (const Instr& in : P.code) {
    Node n{in.code, Op::Count_, 0, 0, 0, 0, 0};
    switch (in.code) {
      case PCode::Input:
      case PCode::Const: n.index = in.index; break;
      case PCode::Neg:
      case PCode::Sqrt: n.a = reg_val[in.a]; break;
      case PCode::Func: {
        const int arity = op_info(in.op).arity;
        n.op = in.op;
        n.a = reg_val[in.a];
        if (arity >= 2) n.b = reg_val[in.b];
        if (arity >= 3) n.c = reg_val[in.c];
        if (arity >= 4) n.d = reg_val[in.d];
        break;
      }
      case PCode::Cmp:
        n.index = in.index;
        n.a = reg_val[in.a];
        n.b = reg_val[in.b];
        break;
      case PCode::Select:
        n.c = reg_val[in.c];
        [[fallthrough]];
      default:  // Add, Sub, Mul, Div, Pow
        n.a = reg_val[in.a];
        n.b = reg_val[in.b];
        break;
    }
    if (n.code == PCode::Div && nodes[n.b].code == PCode::Const) {
      double r = 0;
      const std::uint32_t ci = nodes[n.b].index;
      if (exact_reciprocal(P.constants[ci], P.constants_f32[ci], &r)) {
        plan->extra.push_back(r);
        plan->extra_f32.push_back(static_cast<float>(r));
        n.code = PCode::Mul;
        n.b = value(Node{PCode::Const, Op::Count_, static_cast<std::uint32_t>(nc + plan->extra.size() - 1), 0, 0, 0, 0});
      }
    }
    reg_val[in.dst] = value(n);
  }
  auto args = [&](const Node& n, std::uint32_t* out) -> int {
    switch (n.code) {
      case PCode::Input:
      case PCode::Const: return 0;
      case PCode::Neg:
      case PCode::Sqrt: out[0] = n.a; return 1;
      case PCode::Func:
        out[0] = n.a;
        out[1] = n.b;
        out[2] = n.c;
        out[3] = n.d;
        return std::max(op_info(n.op).arity, 1);
      case PCode::Select:
        out[0] = n.a;
        out[1] = n.b;
        out[2] = n.c;
        return 3;
      default: out[0] = n.a; out[1] = n.b; return 2;
    }
  };
  std::vector<std::uint32_t> outs;
  for (std::uint32_t r : P.outputs) outs.push_back(reg_val[r]);

  // 2. Order: depth first from the outputs, each value just before its first use (a sum of
  // many terms then holds one partial sum, not every term, in registers).
  const std::size_t nv = nodes.size();
  std::vector<std::uint32_t> order;
  order.reserve(nv);
  std::vector<std::uint8_t> state(nv, 0);  // 0 unseen, 1 on the stack, 2 done
  std::vector<std::uint32_t> uses(nv, 0);
  for (std::uint32_t o : outs) {
    ++uses[o];
    if (state[o]) continue;
    std::vector<std::pair<std::uint32_t, int>> stack{{o, 0}};
    state[o] = 1;
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      std::uint32_t as[4];
      const int na = args(nodes[v], as);
      if (next < na) {
        const std::uint32_t a = as[next++];
        ++uses[a];
        if (!state[a]) {
          state[a] = 1;
          stack.push_back({a, 0});
        }
        continue;
      }
      state[v] = 2;
      order.push_back(v);
      stack.pop_back();
    }
  }

  // 3. Fusion into chains. An arithmetic value read once (not an output) is computed inside the
  // step that reads it: each step is a chain (a spine of such values, each combined with a term:
  // a register, a constant, or one operation on two of them), or a SLEEF function of one.
  std::vector<std::uint8_t> is_out(nv, 0);
  for (std::uint32_t o : outs) is_out[o] = 1;
  auto fusable = [&](std::uint32_t a) { return arith_of(nodes[a].code) >= 0 && uses[a] == 1 && !is_out[a]; };
  std::vector<std::uint32_t> weight(nv, 0);  // fusable values in the single-use subtree
  for (std::uint32_t v : order)
    if (arith_of(nodes[v].code) >= 0) {
      weight[v] = 1;
      if (fusable(nodes[v].a)) weight[v] += weight[nodes[v].a];
      if (nodes[v].code != PCode::Neg && nodes[v].b != nodes[v].a && fusable(nodes[v].b)) weight[v] += weight[nodes[v].b];
    }
  std::vector<std::uint8_t> inside(nv, 0);
  struct TermV {
    int inner;
    std::uint32_t u, v;
  };
  struct LinkV {
    int op, swap;  // link k > 0: acc = op(acc, t) (swap: op(t, acc)); link 0, the head: acc = t
    TermV t;
  };
  struct ChainV {
    std::size_t first, count;  // chain_links[first, first + count)
  };
  std::vector<LinkV> chain_links, rev;  // rev: scratch, the links of one chain from the root down
  std::vector<std::int64_t> chain_of(nv, -1);
  std::vector<ChainV> chains;
  auto build = [&](std::uint32_t r) {
    rev.clear();
    TermV head{};
    std::uint32_t cur = r;
    for (;;) {
      const Node& n = nodes[cur];
      const bool full = rev.size() >= kMaxLinks - 1;  // the rest of the spine: steps of its own
      if (n.code == PCode::Neg) {
        if (full || !fusable(n.a)) {
          head = {vm::kArNeg, n.a, n.a};
          break;
        }
        rev.push_back({vm::kArNeg, 0, TermV{vm::kArNone, n.a, n.a}});
        inside[n.a] = 1;
        cur = n.a;
        continue;
      }
      const bool fa = fusable(n.a), fb = n.b != n.a && fusable(n.b);
      if (full || (!fa && !fb)) {
        head = {arith_of(n.code), n.a, n.b};
        break;
      }
      const std::uint32_t spine = fa && (!fb || weight[n.a] >= weight[n.b]) ? n.a : n.b;
      const std::uint32_t other = spine == n.a ? n.b : n.a;
      TermV t{vm::kArNone, other, other};
      if (fusable(other)) {  // one operation on two leaves: computed in the link itself
        const Node& o = nodes[other];
        const bool simple = o.code == PCode::Neg ? !fusable(o.a) : !fusable(o.a) && !fusable(o.b);
        if (simple) {
          t = {arith_of(o.code), o.a, o.code == PCode::Neg ? o.a : o.b};
          inside[other] = 1;
        }
      }
      // `t op acc` only where the order matters (- and /): + and * are commutative bit for bit (up
      // to NaN payloads, which the contract leaves open), and a link of the other order is another
      // case of the chain kernel's switch, another target for its indirect jump to predict.
      // Reassociated Programs (optimize="fast") have 4-7 times as many such links; with them
      // turned round, rand-80-4 "fast" went from 1.05-1.07 to 1.00 of the unoptimized time on
      // the interpreter (docs/benchmarks.md).
      const bool order_matters = n.code == PCode::Sub || n.code == PCode::Div;
      rev.push_back({arith_of(n.code), order_matters && spine == n.b && spine != n.a ? 1 : 0, t});
      inside[spine] = 1;
      cur = spine;
    }
    const ChainV c{chain_links.size(), rev.size() + 1};
    chain_links.push_back({vm::kArNone, 0, head});
    for (std::size_t k = rev.size(); k-- > 0;) chain_links.push_back(rev[k]);
    return c;
  };
  for (std::size_t k = order.size(); k-- > 0;) {  // parents before children
    const std::uint32_t v = order[k];
    const Node& n = nodes[v];
    if (inside[v]) continue;
    if (arith_of(n.code) >= 0) {
      chain_of[v] = static_cast<std::int64_t>(chains.size());
      chains.push_back(build(v));
    } else if (fusable(n.a) &&
               (n.code == PCode::Sqrt ||
                (n.code == PCode::Func && op_info(n.op).arity == 1 &&
                 k64.raw_unary[acc][static_cast<int>(n.op)] != nullptr &&
                 k32.raw_unary[acc][static_cast<int>(n.op)] != nullptr))) {
      inside[n.a] = 1;
      chain_of[v] = static_cast<std::int64_t>(chains.size());
      chains.push_back(build(n.a));
    }
  }

  // 4. Steps (operands still value numbers), then registers.
  const std::uint32_t kNone = ~std::uint32_t{0};
  std::vector<std::uint32_t> reg(nv, kNone);
  std::vector<std::uint8_t> pinned(nv, 0);  // inputs and filled constants keep their registers
  std::uint32_t n_regs = 0;
  std::vector<std::uint32_t> free_regs;
  auto new_reg = [&]() {
    if (!free_regs.empty()) {
      const std::uint32_t r = free_regs.back();
      free_regs.pop_back();
      return r;
    }
    return n_regs++;
  };
  auto const_reg = [&](std::uint32_t v) {  // a constant read as an array: a register of its own,
    if (reg[v] == kNone) {                   // filled once (no step of any block may write it)
      reg[v] = n_regs++;
      pinned[v] = 1;
      plan->fills.push_back({reg[v], nodes[v].index});
    }
    return reg[v];
  };
  auto is_const = [&](std::uint32_t v) { return nodes[v].code == PCode::Const; };
  struct Pending {
    Plan::Step s;
    std::uint32_t value;
    std::size_t r0, r1;  // the values it reads: all_reads[r0, r1)
  };
  std::vector<std::uint32_t> all_reads;
  std::vector<Pending> pend;
  pend.reserve(nv);
  all_reads.reserve(2 * nv);
  std::vector<std::int64_t> last_read(nv, -1);
  std::vector<Plan::Link> vlinks;  // chain links with value numbers (translated below)
  for (std::uint32_t v : order) {
    const Node& n = nodes[v];
    if (inside[v] || n.code == PCode::Const) continue;
    Pending p{};
    p.value = v;
    p.r0 = all_reads.size();
    Plan::Step& s = p.s;
    auto leaf = [&](std::uint32_t a, int bit, std::uint8_t& kinds) {  // constant or register
      if (is_const(a)) {
        kinds |= static_cast<std::uint8_t>(bit);
        return nodes[a].index;
      }
      all_reads.push_back(a);
      return a;
    };
    auto regread = [&](std::uint32_t a) {
      if (!is_const(a)) all_reads.push_back(a);
      return a;  // a constant is resolved below to its filled register
    };
    if (n.code == PCode::Input) {
      s.kind = Plan::Kind::Input;
      s.index = n.index;
    } else if (chain_of[v] >= 0) {
      const ChainV& ch = chains[static_cast<std::size_t>(chain_of[v])];
      const LinkV* c = chain_links.data() + ch.first;
      const bool func = n.code == PCode::Func || n.code == PCode::Sqrt;
      s.op = n.code == PCode::Func ? n.op : Op::Count_;
      s.sqrt = n.code == PCode::Sqrt;
      const TermV& h = c[0].t;
      const bool pairable = ch.count == 1 || (ch.count == 2 && !func && c[1].t.inner == vm::kArNone);
      if (pairable) {
        s.kind = func ? Plan::Kind::FuncOf : Plan::Kind::Arith;
        s.o1 = static_cast<std::uint8_t>(h.inner);
        s.x = leaf(h.u, 1, s.kinds);
        if (h.inner == vm::kArNeg) {
          s.y = s.x;
          if (s.kinds & 1) s.kinds |= 2;
        } else {
          s.y = leaf(h.v, 2, s.kinds);
        }
        s.z = s.x;
        if (s.kinds & 1) s.kinds |= 4;
        if (ch.count == 2) {
          s.o2 = static_cast<std::uint8_t>(c[1].op);
          if (s.o2 != vm::kArNeg) {
            s.kinds &= 3;
            s.swap = static_cast<std::uint8_t>(c[1].swap);
            s.z = leaf(c[1].t.u, 4, s.kinds);
          }
        }
      } else {
        s.kind = Plan::Kind::Chain;
        s.index = plan->n_chains++;
        s.first = static_cast<std::uint32_t>(vlinks.size());
        s.count = static_cast<std::uint32_t>(ch.count);
        for (std::size_t k = 0; k < ch.count; ++k) {
          Plan::Link l;
          const TermV& t = c[k].t;
          if (k > 0) {
            l.op = static_cast<std::uint8_t>(c[k].op);
            l.swap = static_cast<std::uint8_t>(c[k].swap);
          }
          if (k > 0 && l.op == vm::kArNeg) {
            l.code = static_cast<std::uint16_t>(vm::chain_code(l.op, 0, 0, 0));
            vlinks.push_back(l);  // no term
            continue;
          }
          l.inner = static_cast<std::uint8_t>(t.inner);
          l.u = leaf(t.u, 1, l.kinds);
          l.v = l.u;
          if (t.inner != vm::kArNone && t.inner != vm::kArNeg) l.v = leaf(t.v, 2, l.kinds);
          else if (l.kinds & 1) l.kinds |= 2;
          l.code = static_cast<std::uint16_t>(vm::chain_code(k == 0 ? static_cast<int>(vm::kArNone) : l.op, l.swap, l.inner, l.kinds));
          vlinks.push_back(l);
        }
      }
    } else {
      switch (n.code) {
        case PCode::Sqrt: s.kind = Plan::Kind::Sqrt; s.x = regread(n.a); break;
        case PCode::Pow: s.kind = Plan::Kind::Pow; s.x = regread(n.a); s.y = regread(n.b); break;
        case PCode::Cmp:
          s.kind = Plan::Kind::Cmp;
          s.index = n.index;
          s.x = regread(n.a);
          s.y = regread(n.b);
          break;
        case PCode::Select:
          s.kind = Plan::Kind::Select;
          s.x = regread(n.a);
          s.y = regread(n.b);
          s.z = regread(n.c);
          break;
        default: {  // Func
          const int arity = op_info(n.op).arity;
          s.kind = Plan::Kind::Func;
          s.op = n.op;
          s.x = regread(n.a);
          s.y = arity >= 2 ? regread(n.b) : s.x;
          s.z = arity >= 3 ? regread(n.c) : s.x;
          s.w = arity >= 4 ? regread(n.d) : s.x;
          break;
        }
      }
    }
    p.r1 = all_reads.size();
    for (std::size_t q = p.r0; q < p.r1; ++q) last_read[all_reads[q]] = static_cast<std::int64_t>(pend.size());
    pend.push_back(p);
  }
  // Registers: a value's register is free again after its last read (inputs and constants read
  // as arrays keep theirs). An operation may write the register it reads: every kernel reads an
  // element (or vector) before it writes that position.
  for (std::size_t i = 0; i < pend.size(); ++i) {
    Pending& p = pend[i];
    Plan::Step& s = p.s;
    if (s.kind == Plan::Kind::Chain) {
      for (std::uint32_t k = s.first; k < s.first + s.count; ++k) {
        Plan::Link& l = vlinks[k];
        if (k > s.first && l.op == vm::kArNeg) continue;
        if (!(l.kinds & 1)) l.u = reg[l.u];
        if (!(l.kinds & 2)) l.v = reg[l.v];
      }
    } else if (s.kind != Plan::Kind::Input) {
      const bool arith = s.kind == Plan::Kind::Arith || s.kind == Plan::Kind::FuncOf;
      int bit = 1;
      for (std::uint32_t* f : {&s.x, &s.y, &s.z}) {
        if (!(arith && (s.kinds & bit))) *f = is_const(*f) ? const_reg(*f) : reg[*f];
        bit <<= 1;
      }
      if (s.kind == Plan::Kind::Func) s.w = is_const(s.w) ? const_reg(s.w) : reg[s.w];
    }
    const auto rb = all_reads.begin() + static_cast<std::ptrdiff_t>(p.r0);
    std::sort(rb, all_reads.begin() + static_cast<std::ptrdiff_t>(p.r1));
    const auto re = std::unique(rb, all_reads.begin() + static_cast<std::ptrdiff_t>(p.r1));
    for (auto it = rb; it != re; ++it) {
      const std::uint32_t a = *it;
      if (last_read[a] == static_cast<std::int64_t>(i) && !pinned[a] && !is_out[a]) free_regs.push_back(reg[a]);
    }
    reg[p.value] = new_reg();
    s.dst = reg[p.value];
    if (s.kind == Plan::Kind::Input) pinned[p.value] = 1;
    plan->steps.push_back(s);
  }
  plan->links = std::move(vlinks);
  for (std::uint32_t o : outs) plan->out_regs.push_back(is_const(o) ? const_reg(o) : reg[o]);
  if (outs.size() == 1 && !pend.empty() && pend.back().value == outs[0] && pend.back().s.kind != Plan::Kind::Input)
    plan->steps.back().to_out = true;
  plan->n_regs = std::max<std::uint32_t>(n_regs, 1);
  return plan;
}
template <class T>
void run_range(const Program& P, const Plan& plan, int acc, const std::vector<exec::InputReader<T>>& inputs, T* out,
               std::int64_t begin, std::int64_t end) {
  const vm::Kernels<T>& K = vm::kernels<T>();
  const std::size_t stride = kBlock;
  const std::size_t align = 64 / sizeof(T);
  std::unique_ptr<T[]> storage(new T[plan.n_regs * stride + align]);
  T* base = storage.get();
  base += (align - (reinterpret_cast<std::uintptr_t>(base) / sizeof(T)) % align) % align;  // 64-byte aligned
  std::vector<const T*> ptr(plan.n_regs);
  for (std::uint32_t r = 0; r < plan.n_regs; ++r) ptr[r] = base + r * stride;
  auto buf = [&](std::uint32_t r) { return base + static_cast<std::size_t>(r) * stride; };
  std::vector<T> cst(P.constants.size() + plan.extra.size());
  for (std::size_t i = 0; i < P.constants.size(); ++i) cst[i] = P.template constant<T>(static_cast<std::uint32_t>(i));
  for (std::size_t i = 0; i < plan.extra.size(); ++i)
    cst[P.constants.size() + i] = std::is_same_v<T, float> ? static_cast<T>(plan.extra_f32[i]) : static_cast<T>(plan.extra[i]);
  for (const auto& [r, ci] : plan.fills) std::fill(buf(r), buf(r) + kBlock, cst[ci]);
  const std::size_t n_out = plan.out_regs.size();
  auto arg = [&](std::uint32_t v, bool constant) -> const T* { return constant ? &cst[v] : ptr[v]; };
  // The kernels and operands of the arithmetic steps, the chains' links as the kernel reads them
  // and each chain's steps (Kernels::chain), resolved once for the range (for rand-160-7 that took
  // 3% of the time when done per block): a register's block stays at buf(r), except an input's,
  // which its step may point into the input array itself; the operands that read an input are
  // re-pointed when its step runs. (An input's register may have held other values before the
  // input's step: `holds_input` follows what each register holds, step by step.)
  std::vector<vm::ChainLink<T>> chain_links(plan.links.size());
  std::vector<const void*> chain_steps(plan.links.size() + plan.n_chains);
  std::vector<std::vector<const T**>> input_reads(plan.n_regs);
  std::vector<std::uint8_t> holds_input(plan.n_regs, 0);
  struct Pre {  // an arithmetic step's kernel and operands, a chain's function, resolved once
    typename vm::Kernels<T>::Fused arith = nullptr;
    typename vm::Kernels<T>::FuncOf funcof = nullptr;
    const void* f = nullptr;
    const T *x = nullptr, *y = nullptr, *z = nullptr;
  };
  std::vector<Pre> pre(plan.steps.size());
  for (std::size_t si = 0; si < plan.steps.size(); ++si) {
    const Plan::Step& s = plan.steps[si];
    Pre& q = pre[si];
    auto operand = [&](const T*& slot, std::uint32_t v, bool constant) {
      slot = arg(v, constant);
      if (!constant && holds_input[v]) input_reads[v].push_back(&slot);
    };
    if (s.kind == Plan::Kind::Arith) {
      q.arith = K.arith[s.o1][s.o2][s.swap][s.kinds];
      operand(q.x, s.x, s.kinds & 1);
      operand(q.y, s.y, s.kinds & 2);
      operand(q.z, s.z, s.kinds & 4);
    } else if (s.kind == Plan::Kind::FuncOf) {
      q.funcof = K.funcof[s.o1][s.kinds & 3];
      q.f = s.sqrt ? K.raw_sqrt : K.raw_unary[acc][static_cast<int>(s.op)];
      operand(q.x, s.x, s.kinds & 1);
      operand(q.y, s.y, s.kinds & 2);
    } else if (s.kind == Plan::Kind::Chain) {
      q.f = s.sqrt ? K.raw_sqrt : s.op == Op::Count_ ? nullptr : K.raw_unary[acc][static_cast<int>(s.op)];
    }
    if (s.kind != Plan::Kind::Chain) {
      holds_input[s.dst] = s.kind == Plan::Kind::Input;
      continue;
    }
    for (std::uint32_t k = s.first; k < s.first + s.count; ++k) {
      const Plan::Link& l = plan.links[k];
      vm::ChainLink<T>& c = chain_links[k];
      c = {nullptr, nullptr, l.op, l.swap, l.inner, l.kinds, l.code};
      chain_steps[k + s.index] = K.chain_steps[l.code];
      if (k > s.first && l.op == vm::kArNeg) continue;  // no term
      c.u = arg(l.u, l.kinds & 1);
      c.v = arg(l.v, l.kinds & 2);
      if (!(l.kinds & 1) && holds_input[l.u]) input_reads[l.u].push_back(&c.u);
      if (!(l.kinds & 2) && holds_input[l.v]) input_reads[l.v].push_back(&c.v);
    }
    chain_steps[s.first + s.index + s.count] = K.chain_steps[vm::kChainCodes];
    holds_input[s.dst] = 0;
  }
  for (std::int64_t start = begin; start < end; start += kBlock) {
    const std::int64_t n = std::min(kBlock, end - start);
    const auto un = static_cast<std::size_t>(n);
    // The next block's inputs and outputs, fetched while this one runs: the steps touch them in
    // short bursts (the last step writes a whole block of outputs with little work in between),
    // where the CPU's own prefetchers leave a fused loop's misses overlapped with its arithmetic
    // but not ours. Prefetches never fault; the range stays inside the arrays anyway.
    if (const std::int64_t next = start + kBlock; next < end) {
      const std::int64_t m = std::min(kBlock, end - next);
      const std::int64_t line = 64 / static_cast<std::int64_t>(sizeof(T));
      T* o = out + next * static_cast<std::int64_t>(n_out);
      for (std::int64_t i = 0; i < m * static_cast<std::int64_t>(n_out); i += line) __builtin_prefetch(o + i, 1, 3);
      for (const auto& in : inputs)
        if (in.direct()) {
          const T* p = static_cast<const T*>(in.data) + next;
          for (std::int64_t i = 0; i < m; i += line) __builtin_prefetch(p + i, 0, 3);
        }
    }
    for (std::size_t si = 0; si < plan.steps.size(); ++si) {
      const Plan::Step& s = plan.steps[si];
      const Pre& q = pre[si];
      T* o = s.to_out ? out + start : buf(s.dst);
      switch (s.kind) {
        case Plan::Kind::Input:
          ptr[s.dst] = inputs[s.index].block(start, n, o);
          for (const T** p : input_reads[s.dst]) *p = ptr[s.dst];
          continue;
        case Plan::Kind::Arith: q.arith(q.x, q.y, q.z, o, un); break;
        case Plan::Kind::FuncOf: q.funcof(q.f, q.x, q.y, o, un); break;
        case Plan::Kind::Chain:
          K.chain(&chain_links[s.first], &chain_steps[s.first + s.index], static_cast<int>(s.count), q.f, o, un);
          break;
        case Plan::Kind::Sqrt: K.sqrt(ptr[s.x], o, un); break;
        case Plan::Kind::Pow: K.pow[acc](ptr[s.x], ptr[s.y], o, un); break;
        case Plan::Kind::Func:
          if (!in_tables(s.op)) {
            const T* args[4] = {ptr[s.x], ptr[s.y], ptr[s.z], ptr[s.w]};
            scalar_call<T>(s.op, args, op_info(s.op).arity, o, un);
          } else if (op_info(s.op).arity == 2) {
            K.binary[acc][static_cast<int>(s.op)](ptr[s.x], ptr[s.y], o, un);
          } else {
            K.unary[acc][static_cast<int>(s.op)](ptr[s.x], o, un);
          }
          break;
        case Plan::Kind::Cmp: {
          const Cond c = static_cast<Cond>(s.index);
          const T *a = ptr[s.x], *b = ptr[s.y];
          for (std::int64_t i = 0; i < n; ++i) o[i] = compare(c, a[i], b[i]);
          break;
        }
        case Plan::Kind::Select: {
          const T *a = ptr[s.x], *b = ptr[s.y], *c = ptr[s.z];
          for (std::int64_t i = 0; i < n; ++i) o[i] = c[i] != T(0) ? a[i] : b[i];
          break;
        }
      }
      if (!s.to_out) ptr[s.dst] = o;
    }
    if (!plan.steps.empty() && plan.steps.back().to_out) continue;
    for (std::size_t k = 0; k < n_out; ++k) {
      const T* src = ptr[plan.out_regs[k]];
      T* dst = out + start * static_cast<std::int64_t>(n_out) + static_cast<std::int64_t>(k);
      if (n_out == 1)
        std::memcpy(dst, src, un * sizeof(T));
      else
        for (std::int64_t i = 0; i < n; ++i) dst[i * static_cast<std::int64_t>(n_out)] = src[i];
    }
  }
}

std::atomic<bool> g_exit_requested{false};

}  // namespace

void stop_evaluations(bool stop) noexcept { g_exit_requested.store(stop, std::memory_order_relaxed); }

bool exec::exit_requested() noexcept { return g_exit_requested.load(std::memory_order_relaxed); }

Interpreter::Interpreter(Program program, Accuracy accuracy)
    : program_(std::move(program)), accuracy_(accuracy), plan_(make_plan(program_, accuracy)) {
  // Every function the program calls must have a kernel (a missing one is a table bug).
  const auto& k = vm::kernels_f64();
  for (const Instr& in : program_.code)
    if (in.code == PCode::Func) {
      const int op = static_cast<int>(in.op);
      const int acc = static_cast<int>(accuracy_);
      const bool ok = in_tables(in.op) ? (op_info(in.op).arity == 2 ? (void*)k.binary[acc][op] : (void*)k.unary[acc][op]) != nullptr
                                       : op_info(in.op).vm == VmKind::Scalar;
      if (!ok) throw AlkahestError("no vector kernel for " + std::string(op_info(in.op).name));
    }
}

std::string Interpreter::isa() { return vm::kernels_f64().isa; }

Interpreter::PlanSummary Interpreter::plan_summary() const {
  PlanSummary s;
  s.steps = plan_->steps.size();
  for (const Plan::Step& st : plan_->steps) {
    switch (st.kind) {
      case Plan::Kind::Input: break;
      case Plan::Kind::Chain:
        ++s.chain_steps;
        for (std::uint32_t k = st.first; k < st.first + st.count; ++k) {
          const Plan::Link& l = plan_->links[k];
          if (k > st.first && l.op == vm::kArNeg) { ++s.ops; continue; }
          s.swapped += l.swap;
          s.ops += (k > st.first) + (l.inner != vm::kArNone);
          s.reads += !(l.kinds & 1);
          if (l.inner != vm::kArNone && l.inner != vm::kArNeg) s.reads += !(l.kinds & 2);
        }
        s.ops += st.op != Op::Count_ || st.sqrt;
        break;
      case Plan::Kind::Arith:
      case Plan::Kind::FuncOf:
        s.reads += !(st.kinds & 1) + (st.o1 != vm::kArNeg && !(st.kinds & 2)) + (st.o2 != vm::kArNone && st.o2 != vm::kArNeg && !(st.kinds & 4));
        s.ops += 1 + (st.o2 != vm::kArNone) + (st.kind == Plan::Kind::FuncOf);
        s.swapped += st.swap;
        break;
      case Plan::Kind::Select: s.reads += 3; ++s.ops; break;
      case Plan::Kind::Sqrt: s.reads += 1; ++s.ops; break;
      case Plan::Kind::Func: s.reads += op_info(st.op).arity; ++s.ops; break;
      default: s.reads += 2; ++s.ops; break;  // Pow, Cmp
    }
  }
  s.links = plan_->links.size();
  s.registers = plan_->n_regs;
  return s;
}

template <class T>
void Interpreter::run(std::span<const ArrayView> inputs, std::span<const std::int64_t> shape, T* out,
                      int threads) const {
  exec::check_out(out);
  const int acc = static_cast<int>(accuracy_);
  exec::drive<T>(program_.n_inputs, inputs, shape, threads, kBlock,
                 [&](const std::vector<exec::InputReader<T>>& readers, std::int64_t b0, std::int64_t b1) {
                   run_range<T>(program_, *plan_, acc, readers, out, b0, b1);
                 });
}

template void Interpreter::run<double>(std::span<const ArrayView>, std::span<const std::int64_t>, double*, int) const;
template void Interpreter::run<float>(std::span<const ArrayView>, std::span<const std::int64_t>, float*, int) const;

void Interpreter::call(const double* values, double* out) const {
  // One point: registers are plain doubles; functions go through the same vector kernels (n = 1)
  // so a point call gives exactly what numpy_eval gives at that point.
  const vm::Kernels<double>& K = vm::kernels_f64();
  const int acc = static_cast<int>(accuracy_);
  double small[64];
  std::unique_ptr<double[]> large;
  double* r = small;
  if (program_.n_regs > 64) {
    large.reset(new double[program_.n_regs]);
    r = large.get();
  }
  for (const Instr& in : program_.code) {
    double& o = r[in.dst];
    switch (in.code) {
      case PCode::Input: o = values[in.index]; break;
      case PCode::Const: o = program_.constants[in.index]; break;
      case PCode::Add: o = r[in.a] + r[in.b]; break;
      case PCode::Sub: o = r[in.a] - r[in.b]; break;
      case PCode::Mul: o = r[in.a] * r[in.b]; break;
      case PCode::Div: o = r[in.a] / r[in.b]; break;
      case PCode::Neg: o = -r[in.a]; break;
      case PCode::Sqrt: o = std::sqrt(r[in.a]); break;
      case PCode::Pow: K.pow[acc](&r[in.a], &r[in.b], &o, 1); break;
      case PCode::Cmp: o = compare(static_cast<Cond>(in.index), r[in.a], r[in.b]); break;
      case PCode::Select: o = r[in.c] != 0.0 ? r[in.a] : r[in.b]; break;
      case PCode::Func:
        if (!in_tables(in.op)) {
          const double* args[4] = {&r[in.a], &r[in.b], &r[in.c], &r[in.d]};
          scalar_call<double>(in.op, args, op_info(in.op).arity, &o, 1);
        } else if (op_info(in.op).arity == 2) {
          K.binary[acc][static_cast<int>(in.op)](&r[in.a], &r[in.b], &o, 1);
        } else {
          K.unary[acc][static_cast<int>(in.op)](&r[in.a], &o, 1);
        }
        break;
    }
  }
  for (std::size_t k = 0; k < program_.outputs.size(); ++k) out[k] = r[program_.outputs[k]];
}

}  // namespace alkahest
