// The Program seen as SSA values (one per instruction), for the exporters: the Program reuses
// registers once their value is dead, text formats want each value named once.
#pragma once
#include <cstdint>
#include <vector>

#include "alkahest/ops.hpp"
#include "alkahest/program.hpp"

namespace alkahest::exporter {

/// Whether `in` reads its second operand.
inline bool reads_b(const Instr& in) {
  switch (in.code) {
    case PCode::Add:
    case PCode::Sub:
    case PCode::Mul:
    case PCode::Div:
    case PCode::Pow:
    case PCode::Cmp:
    case PCode::Select: return true;
    case PCode::Func: return op_info(in.op).arity >= 2;
    default: return false;
  }
}

/// Whether `in` reads its first operand.
inline bool reads_a(const Instr& in) { return in.code != PCode::Input && in.code != PCode::Const; }
/// Whether `in` reads a third operand (Select's condition, a Func's third argument).
inline bool reads_c(const Instr& in) {
  return in.code == PCode::Select || (in.code == PCode::Func && op_info(in.op).arity >= 3);
}
/// Whether `in` reads a fourth operand (a Func's fourth argument).
inline bool reads_d(const Instr& in) { return in.code == PCode::Func && op_info(in.op).arity == 4; }

struct Ssa {
  /// For instruction i, the instructions whose values it reads as a, b, c and d (when it reads them).
  std::vector<std::uint32_t> a, b, c, d;
  /// How often each instruction's value is read, outputs included.
  std::vector<std::uint32_t> uses;
  /// The instruction whose value each output is.
  std::vector<std::uint32_t> outputs;
};

inline Ssa to_ssa(const Program& prog) {
  Ssa s;
  const std::size_t n = prog.code.size();
  s.a.assign(n, 0);
  s.b.assign(n, 0);
  s.c.assign(n, 0);
  s.d.assign(n, 0);
  s.uses.assign(n, 0);
  std::vector<std::uint32_t> writer(prog.n_regs, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const Instr& in = prog.code[i];
    if (reads_a(in)) ++s.uses[s.a[i] = writer[in.a]];
    if (reads_b(in)) ++s.uses[s.b[i] = writer[in.b]];
    if (reads_c(in)) ++s.uses[s.c[i] = writer[in.c]];
    if (reads_d(in)) ++s.uses[s.d[i] = writer[in.d]];
    writer[in.dst] = static_cast<std::uint32_t>(i);
  }
  for (std::uint32_t r : prog.outputs) {
    s.outputs.push_back(writer[r]);
    ++s.uses[writer[r]];
  }
  return s;
}

}  // namespace alkahest::exporter
