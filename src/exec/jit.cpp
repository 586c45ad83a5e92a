// The LLVM JIT tier. Each Program becomes one function
//
//     void kernel(const T* const* inputs, T* out, int64_t n)
//
// holding a fused loop: every iteration loads one W-lane vector of each input, runs the whole
// program on vectors held in registers and stores the outputs (interleaved, outputs innermost, as
// the interpreter writes them); the last partial vector is copied into zero-filled stack buffers
// and runs through the same loop body (so the program is emitted once). Functions
// call the very SLEEF vector functions the interpreter's table holds (their addresses are given to
// the JIT as absolute symbols), abs/floor/ceil/sqrt are LLVM intrinsics (exact operations), and
// no fast-math flag or FP contraction is ever set, so both tiers agree bit for bit.
#include "alkahest/jit.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "alkahest/errors.hpp"
#include "driver.hpp"
#include "vector_math.hpp"

#if ALKAHEST_HAVE_LLVM
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/IRCompileLayer.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/OptBisect.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>
#endif

namespace alkahest {

template <class T>
using KernelFn = void (*)(const T* const* inputs, T* out, std::int64_t n);

struct JitFunction::Kernels {
  std::atomic<void*> f64{nullptr};
  std::atomic<void*> f32{nullptr};
};

JitFunction::~JitFunction() = default;
JitFunction::JitFunction(JitFunction&&) noexcept = default;
JitFunction& JitFunction::operator=(JitFunction&&) noexcept = default;

namespace {

constexpr std::int64_t kGatherBlock = 1024;  // elements gathered at a time for strided inputs

// Ops the JIT emits itself (exact IEEE operations, comparisons or per-lane scalar calls), not
// through SLEEF: the vm column of the op's row says which.
bool native_op(Op op) { return op_info(op).vm != VmKind::Sleef; }

bool programs_equal(const Program& a, const Program& b) {
  if (a.n_inputs != b.n_inputs || a.n_regs != b.n_regs || a.outputs != b.outputs ||
      a.code.size() != b.code.size() || a.constants.size() != b.constants.size())
    return false;
  if (!a.constants.empty() &&
      std::memcmp(a.constants.data(), b.constants.data(), a.constants.size() * sizeof(double)) != 0)
    return false;  // bitwise: 0.0 and -0.0 are different programs
  if (a.constants_f32.size() != b.constants_f32.size() ||
      (!a.constants_f32.empty() &&
       std::memcmp(a.constants_f32.data(), b.constants_f32.data(), a.constants_f32.size() * sizeof(float)) != 0))
    return false;
  for (std::size_t i = 0; i < a.code.size(); ++i) {
    const Instr &x = a.code[i], &y = b.code[i];
    if (x.code != y.code || x.op != y.op || x.dst != y.dst || x.a != y.a || x.b != y.b || x.index != y.index ||
        x.c != y.c || x.d != y.d)
      return false;
  }
  return true;
}

}  // namespace

// The cost model of auto_jit_elements. "auto" compiles once the interpreter has spent about as
// long on the function as compiling it is estimated to take (which bounds the total at twice the
// best choice made in hindsight, however long the function is used afterwards), so the threshold is
// compile time / interpreter time per element. Measured on 2026-12-03 (Intel Xeon Sapphire Rapids,
// 2 vCPUs shared with other jobs, LLVM 19, one thread, 1e6 float64 points, out=; the table is in
// docs/evaluation.md): a compile costs about 3.5 ms plus 20 us per instruction (3.5-3.9 ms at 7-34
// instructions, 7.0 ms at 157, 13.5 ms at 493, 41 ms at 2,166; more per instruction past tens of
// thousands, as LLVM's passes are superlinear in a function's size: the factor 1 + n / 50,000), and
// the fused interpreter about 0.2 ns per instruction per element (0.05 on W2's polynomial, 0.15-0.4
// elsewhere). Threshold: (3.5 ms + 20 us * n * (1 + n / 50,000)) / (0.2 ns * n) elements
// = 17.5e6 / n + 100,000 * (1 + n / 50,000): 2.6 million at 7 instructions (W1, where compiling
// first and running LLVM beats the interpreter alone from 6.8 million elements; 2.6-3.9 million on
// W2-W4, 0.43 million on W5), 210,000 at 157, 136,000 at 500, 122,000 at 10,000. The old threshold,
// 2**17 elements for short programs, dated from a 2-5x slower interpreter: at 2**17 points the fused
// interpreter takes 0.2-0.5 ms on W1-W4, a tenth of a compile. (Later the same day the compile's
// fixed part fell to about 2.1 ms, the per-instruction part to about 16 us; the constants below still
// hold the first measurement, so short programs switch up to ~1.6x past the new break-even.)
constexpr double kAutoJitCompileFixed = 3.5e-3;          // seconds per compile
constexpr double kAutoJitCompilePerInstruction = 20e-6;  // seconds per instruction
constexpr double kAutoInterpPerInstruction = 0.2e-9;     // seconds per instruction per element
constexpr double kCompileGrowthInstructions = 50'000;

std::uint64_t auto_jit_elements(const Program& program) {
  const std::size_t n = program.code.size();
  if (n > kAutoJitMaxInstructions) return 0;
  const double m = static_cast<double>(std::max<std::size_t>(n, 1));
  const double compile = kAutoJitCompileFixed + kAutoJitCompilePerInstruction * m * (1.0 + m / kCompileGrowthInstructions);
  return static_cast<std::uint64_t>(std::ceil(compile / (kAutoInterpPerInstruction * m)));
}

#if ALKAHEST_HAVE_LLVM

namespace {

// An op without a vector function (vm = SCALAR): its row's scalar function, called per lane with
// its arguments (those past its arity are 0). Called from JIT code, which has no unwind tables:
// nothing may escape.
double scalar_op(std::int32_t op, double a, double b, double c, double d) noexcept {
  try {
    const double xs[4] = {a, b, c, d};
    return op_info(static_cast<Op>(op)).eval(xs);
  } catch (...) {
    return std::numeric_limits<double>::quiet_NaN();
  }
}

llvm::Intrinsic::ID intrinsic_named(const std::string& name) {
#if LLVM_VERSION_MAJOR >= 20
  const llvm::Intrinsic::ID id = llvm::Intrinsic::lookupIntrinsicID(name);
#else
  const llvm::Intrinsic::ID id = llvm::Function::lookupIntrinsicID(name);
#endif
  if (id == llvm::Intrinsic::not_intrinsic) throw AlkahestError("JIT: LLVM has no intrinsic " + name + " (an op-table bug)");
  return id;
}

std::string sleef_symbol(bool f32, int acc, std::string_view what) {
  return std::string("alkahest.vm.") + (f32 ? "f." : "d.") + std::to_string(acc) + "." + std::string(what);
}

std::string llvm_message(llvm::Error e) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << e;
  return os.str();
}

// Builds the kernel function `name` for Program P. Pure IR construction: no compilation.
template <class T>
std::unique_ptr<llvm::Module> build_module(llvm::LLVMContext& C, const Program& P, int acc,
                                           const std::string& name) {
  using namespace llvm;
  using Constant = llvm::Constant;  // not alkahest::Constant
  constexpr bool f32 = sizeof(T) == sizeof(float);
  const vm::Kernels<T>& K = vm::kernels<T>();
  const unsigned W = static_cast<unsigned>(K.width);
  const Align EA(sizeof(T));
  auto M = std::make_unique<Module>("alkahest", C);
  Type* ET = f32 ? Type::getFloatTy(C) : Type::getDoubleTy(C);
  auto* VT = FixedVectorType::get(ET, W);
  Type* I64 = Type::getInt64Ty(C);
  Type* Ptr = PointerType::getUnqual(C);
  Function* F = Function::Create(FunctionType::get(Type::getVoidTy(C), {Ptr, Ptr, I64}, false),
                                 Function::ExternalLinkage, name, M.get());
  F->setDoesNotThrow();
  // Spills of vector registers go to 64-byte aligned slots only if the frame is realigned: the
  // caller's stack is 16-byte aligned, and without this the loop's speed depended on where the
  // stack happened to start in each process (issue 17).
  F->addFnAttr("stackrealign");
  Value *in = F->getArg(0), *out = F->getArg(1), *n = F->getArg(2);

  auto declare = [&](const std::string& sym, unsigned arity) {
    std::vector<Type*> args(arity, VT);
    FunctionCallee fc = M->getOrInsertFunction(sym, FunctionType::get(VT, args, false));
    auto* fn = cast<Function>(fc.getCallee());
    fn->setDoesNotThrow();
    fn->setDoesNotAccessMemory();
    fn->setWillReturn();
    return fc;
  };

  BasicBlock* entry = BasicBlock::Create(C, "entry", F);
  BasicBlock* check = BasicBlock::Create(C, "check", F);
  BasicBlock* body = BasicBlock::Create(C, "body", F);
  BasicBlock* tailcheck = BasicBlock::Create(C, "tailcheck", F);
  BasicBlock* exit = BasicBlock::Create(C, "exit", F);
  IRBuilder<> B(entry);

  std::vector<Value*> inptr(P.n_inputs);
  for (std::uint32_t k = 0; k < P.n_inputs; ++k)
    inptr[k] = B.CreateAlignedLoad(Ptr, B.CreateConstInBoundsGEP1_64(Ptr, in, k), Align(sizeof(void*)));
  B.CreateBr(check);

  const std::size_t n_out = P.outputs.size();
  std::vector<Constant*> lane_ids;
  for (unsigned j = 0; j < W; ++j) lane_ids.push_back(ConstantInt::get(I64, j));
  Constant* lanes = ConstantVector::get(lane_ids);
  Constant* zero = ConstantFP::get(VT, 0.0);

  // The whole program on one vector of every input (`src[k]` at element `idx`), stored to `dst`.
  // It is emitted once: the last, partial vector is copied into zero-filled stack buffers and runs
  // through the same block (emitting it a second time, masked, doubled the code LLVM compiles).
  auto emit = [&](const std::vector<Value*>& src, Value* dst, Value* idx) {
    std::vector<Value*> reg(std::max<std::uint32_t>(P.n_regs, 1), nullptr);
    for (const Instr& ins : P.code) {
      Value* a = ins.code == PCode::Input || ins.code == PCode::Const ? nullptr : reg[ins.a];
      Value* b = reg[ins.b];
      Value* v = nullptr;
      switch (ins.code) {
        case PCode::Input: {
          Value* p = B.CreateInBoundsGEP(ET, src[ins.index], idx);
          v = B.CreateAlignedLoad(VT, p, EA);
          break;
        }
        case PCode::Const:
          v = ConstantFP::get(VT, static_cast<double>(P.template constant<T>(ins.index)));
          break;
        case PCode::Add: v = B.CreateFAdd(a, b); break;
        case PCode::Sub: v = B.CreateFSub(a, b); break;
        case PCode::Mul: v = B.CreateFMul(a, b); break;
        case PCode::Div: v = B.CreateFDiv(a, b); break;
        case PCode::Neg: v = B.CreateFNeg(a); break;
        case PCode::Sqrt: v = B.CreateUnaryIntrinsic(Intrinsic::sqrt, a); break;
        case PCode::Pow: v = B.CreateCall(declare(sleef_symbol(f32, acc, "pow"), 2), {a, b}); break;
        case PCode::Cmp: {  // ordered predicates (false on NaN), unordered not-equal (true on NaN)
          static const CmpInst::Predicate preds[] = {CmpInst::FCMP_OLT, CmpInst::FCMP_OLE, CmpInst::FCMP_OGT,
                                                     CmpInst::FCMP_OGE, CmpInst::FCMP_OEQ, CmpInst::FCMP_UNE};
          v = B.CreateSelect(B.CreateFCmp(preds[ins.index], a, b), ConstantFP::get(VT, 1.0), zero);
          break;
        }
        case PCode::Select: v = B.CreateSelect(B.CreateFCmpUNE(reg[ins.c], zero), a, b); break;
        case PCode::Func: {
          const OpInfo& info = op_info(ins.op);
          switch (info.vm) {
            case VmKind::Exact:  // fabs, floor, ceil: LLVM's exact intrinsics of the same names
              v = B.CreateUnaryIntrinsic(intrinsic_named("llvm." + std::string(info.vm_fn)), a);
              break;
            case VmKind::Native:
              if (info.vm_fn == "sign") {  // x > 0 ? 1 : x < 0 ? -1 : x == 0 ? +0 : x (NaN stays NaN)
                Value* r = B.CreateSelect(B.CreateFCmpOEQ(a, zero), zero, a);
                r = B.CreateSelect(B.CreateFCmpOLT(a, zero), ConstantFP::get(VT, -1.0), r);
                v = B.CreateSelect(B.CreateFCmpOGT(a, zero), ConstantFP::get(VT, 1.0), r);
                break;
              }
              throw AlkahestError("JIT: no native kernel '" + std::string(info.vm_fn) + "' for " +
                                  std::string(info.name) + " (an op-table bug)");
            case VmKind::Scalar: {  // no vector function: the scalar op per lane, in double
              Type* D = Type::getDoubleTy(C);
              Type* I32 = Type::getInt32Ty(C);
              FunctionCallee sc =
                  M->getOrInsertFunction("alkahest.scalar", FunctionType::get(D, {I32, D, D, D, D}, false));
              Value* opv = ConstantInt::get(I32, static_cast<int>(ins.op));
              // the operands: a, then b, c, d as the arity has them (elliptic_pi(n, phi, m) and
              // hyp2f1(a, b, c, z) take three and four)
              Value* ops[4] = {a, info.arity >= 2 ? b : nullptr, info.arity >= 3 ? reg[ins.c] : nullptr,
                               info.arity >= 4 ? reg[ins.d] : nullptr};
              v = PoisonValue::get(VT);
              for (unsigned j = 0; j < W; ++j) {
                Value* args[5] = {opv, nullptr, nullptr, nullptr, nullptr};
                for (int k = 0; k < 4; ++k) {
                  Value* x = ops[k] ? B.CreateExtractElement(ops[k], j) : static_cast<Value*>(ConstantFP::get(ET, 0.0));
                  args[k + 1] = f32 ? B.CreateFPExt(x, D) : x;
                }
                Value* r = B.CreateCall(sc, args);
                if (f32) r = B.CreateFPTrunc(r, ET);
                v = B.CreateInsertElement(v, r, j);
              }
              break;
            }
            case VmKind::Sleef: {
              const unsigned arity = static_cast<unsigned>(info.arity);
              const FunctionCallee fn = declare(sleef_symbol(f32, acc, info.name), arity);
              v = arity == 2 ? B.CreateCall(fn, {a, b}) : B.CreateCall(fn, {a});
              break;
            }
            case VmKind::Lowered:
            case VmKind::None:
              throw AlkahestError("JIT: " + std::string(info.name) + " has no numeric kernel (an op-table bug)");
          }
          break;
        }
      }
      reg[ins.dst] = v;
    }
    for (std::size_t k = 0; k < n_out; ++k) {
      Value* v = reg[P.outputs[k]];
      if (n_out == 1) {
        Value* p = B.CreateInBoundsGEP(ET, dst, idx);
        B.CreateAlignedStore(v, p, EA);
      } else {  // interleaved: element i of output k goes to out[i * n_out + k]
        Value* base = B.CreateVectorSplat(W, idx);
        Value* pos = B.CreateAdd(B.CreateMul(B.CreateAdd(base, lanes), ConstantInt::get(base->getType(), n_out)),
                                 ConstantInt::get(base->getType(), k));
        Value* ptrs = B.CreateInBoundsGEP(ET, dst, pos);
        B.CreateMaskedScatter(v, ptrs, EA, Constant::getAllOnesValue(FixedVectorType::get(B.getInt1Ty(), W)));
      }
    }
  };

  // Stack buffers for the partial last vector: one per input, one for the outputs (interleaved).
  B.SetInsertPoint(entry, entry->getFirstInsertionPt());
  const Align VA(64);
  std::vector<Value*> inbuf(P.n_inputs);
  for (std::uint32_t k = 0; k < P.n_inputs; ++k) {
    auto* a = B.CreateAlloca(ArrayType::get(ET, W), nullptr, "tailin");
    a->setAlignment(VA);
    inbuf[k] = a;
  }
  auto* outbuf = B.CreateAlloca(ArrayType::get(ET, W * std::max<std::size_t>(n_out, 1)), nullptr, "tailout");
  outbuf->setAlignment(VA);
  B.SetInsertPoint(entry->getTerminator());

  BasicBlock* tailcopy = BasicBlock::Create(C, "tailcopy", F);
  BasicBlock* tailstore = BasicBlock::Create(C, "tailstore", F);

  B.SetInsertPoint(check);
  PHINode* i = B.CreatePHI(I64, 2, "i");
  i->addIncoming(ConstantInt::get(I64, 0), entry);
  Value* next = B.CreateAdd(i, ConstantInt::get(I64, W));
  B.CreateCondBr(B.CreateICmpSLE(next, n), body, tailcheck);

  B.SetInsertPoint(tailcheck);
  Value* rem = B.CreateSub(n, i);
  B.CreateCondBr(B.CreateICmpSGT(rem, ConstantInt::get(I64, 0)), tailcopy, exit);

  B.SetInsertPoint(tailcopy);
  Value* rem_bytes = B.CreateMul(rem, ConstantInt::get(I64, sizeof(T)));
  for (std::uint32_t k = 0; k < P.n_inputs; ++k) {
    B.CreateMemSet(inbuf[k], B.getInt8(0), W * sizeof(T), VA);
    B.CreateMemCpy(inbuf[k], VA, B.CreateInBoundsGEP(ET, inptr[k], i), EA, rem_bytes);
  }
  B.CreateBr(body);

  B.SetInsertPoint(body);
  std::vector<Value*> src(P.n_inputs);
  for (std::uint32_t k = 0; k < P.n_inputs; ++k) {
    PHINode* ph = B.CreatePHI(Ptr, 2);
    ph->addIncoming(inptr[k], check);
    ph->addIncoming(inbuf[k], tailcopy);
    src[k] = ph;
  }
  PHINode* dst = B.CreatePHI(Ptr, 2);
  dst->addIncoming(out, check);
  dst->addIncoming(outbuf, tailcopy);
  PHINode* idx = B.CreatePHI(I64, 2);
  idx->addIncoming(i, check);
  idx->addIncoming(ConstantInt::get(I64, 0), tailcopy);
  PHINode* in_tail = B.CreatePHI(B.getInt1Ty(), 2);
  in_tail->addIncoming(B.getFalse(), check);
  in_tail->addIncoming(B.getTrue(), tailcopy);
  emit(src, dst, idx);
  i->addIncoming(next, B.GetInsertBlock());
  B.CreateCondBr(in_tail, tailstore, check);

  B.SetInsertPoint(tailstore);
  const std::uint64_t per = std::max<std::size_t>(n_out, 1) * sizeof(T);
  B.CreateMemCpy(B.CreateInBoundsGEP(ET, out, B.CreateMul(i, ConstantInt::get(I64, std::max<std::size_t>(n_out, 1)))),
                 EA, outbuf, VA, B.CreateMul(B.CreateSub(n, i), ConstantInt::get(I64, per)));
  B.CreateBr(exit);

  B.SetInsertPoint(exit);
  B.CreateRetVoid();

  std::string err;
  raw_string_ostream es(err);
  if (verifyModule(*M, &es)) throw AlkahestError("JIT produced invalid IR (a bug): " + es.str());
  return M;
}

// The engine's IR -> object compiler: one TargetMachine and one code generation pass pipeline,
// built once and run on every kernel's module. ORC's default compiler builds the pipeline (about
// 150 passes, their analysis dependencies and an object streamer) afresh for every module, which
// was about a quarter of a small kernel's compile; the pipeline is made to be run on one module
// after another (the printer finishes and resets its streamer, the machine-module info resets its
// MC context at the end of every run). Used only under g_engine_mu (below), one module at a time.
class ReusedPipelineCompiler final : public llvm::orc::IRCompileLayer::IRCompiler {
 public:
  explicit ReusedPipelineCompiler(std::unique_ptr<llvm::TargetMachine> tm)
      : IRCompiler(llvm::orc::irManglingOptionsFromTargetOptions(tm->Options)), tm_(std::move(tm)), os_(buf_) {
    llvm::MCContext* ctx = nullptr;
    if (tm_->addPassesToEmitMC(pm_, ctx, os_))
      throw AlkahestError("LLVM JIT: the target cannot emit machine code in memory");
  }

  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> operator()(llvm::Module& M) override {
    buf_.clear();
    pm_.run(M);
    auto obj = llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(buf_.data(), buf_.size()),
                                                    M.getModuleIdentifier() + "-jitted-objectbuffer");
    buf_.clear();
    return obj;
  }

 private:
  std::unique_ptr<llvm::TargetMachine> tm_;
  llvm::legacy::PassManager pm_;
  llvm::SmallVector<char, 0> buf_;
  llvm::raw_svector_ostream os_;  // writes straight into buf_ (unbuffered)
};

// Set on every kernel's LLVMContext: the code generation pipeline asks it before each optional pass
// (the passes opt-bisect may skip, so skipping one never makes the code wrong). It skips Loop
// Strength Reduction: the kernel's loop indexes its arrays by one counter, which x86 addressing
// takes as it is, so the pass (with the scalar evolution it builds) cost ~15% of a small kernel's
// compile and left the W1-W5 loops as fast without it. On kernels of at most kSmallKernel
// instructions it also skips the pre-register-allocation machine scheduler (another ~6% of a
// 10-node kernel's compile; W1-W4, 7-34 instructions, ran as fast without it), which is kept for
// larger kernels, where its register-pressure-aware order saves spills (issue 17). Stateless,
// shared by all contexts and never destroyed (like the engine: a thread may still be compiling
// when statics are destroyed).
constexpr std::size_t kSmallKernel = 64;
struct KernelPassGate final : llvm::OptPassGate {
  explicit KernelPassGate(bool small) : small(small) {}
  bool shouldRunPass(const llvm::StringRef pass, llvm::StringRef) override {
    return pass != "Loop Strength Reduction" && !(small && pass == "Machine Instruction Scheduler");
  }
  bool isEnabled() const override { return true; }
  const bool small;
};
KernelPassGate& g_small_kernel_gate = *new KernelPassGate(true);
KernelPassGate& g_kernel_gate = *new KernelPassGate(false);

JitStats g_stats;  // of every engine this process had (guarded by g_engine_mu, below)

// One LLJIT and its cache of compiled kernels. Used only under g_engine_mu (below).
struct Engine {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::string description;
  std::uint64_t counter = 0;
  struct Entry {
    Program program;
    int acc;
    bool f32;
    void* fn;
  };
  std::unordered_multimap<std::uint64_t, Entry> cache;

  Engine() {
    using namespace llvm;
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
    auto jtmb = orc::JITTargetMachineBuilder::detectHost();
    if (!jtmb) throw AlkahestError("LLVM JIT: cannot target this CPU: " + llvm_message(jtmb.takeError()));
    jtmb->setCodeGenOptLevel(CodeGenOptLevel::Default);
    // Instruction selection tries the fast selector first and falls back to the SelectionDAG for what
    // it cannot select, while the rest of the pipeline (greedy register allocation, scheduling) stays
    // that of -O2: about 9% off a small kernel's compile, the W1-W5 loops as fast (issue 17).
    jtmb->getOptions().EnableFastISel = true;
    jtmb->getOptions().AllowFPOpFusion = FPOpFusion::Strict;  // no a*b+c -> fma: same numbers as the interpreter
    description = std::string("LLVM ") + LLVM_VERSION_STRING + ", " + jtmb->getCPU() + " (" +
                  vm::kernels_f64().isa + " vector math)";
    auto j = orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(std::move(*jtmb))
                 .setCompileFunctionCreator([](orc::JITTargetMachineBuilder b)
                                                -> Expected<std::unique_ptr<orc::IRCompileLayer::IRCompiler>> {
                   auto tm = b.createTargetMachine();
                   if (!tm) return tm.takeError();
                   return std::make_unique<ReusedPipelineCompiler>(std::move(*tm));
                 })
                 .create();
    if (!j) throw AlkahestError("LLVM JIT: cannot start: " + llvm_message(j.takeError()));
    jit = std::move(*j);
    orc::SymbolMap syms;
    auto add = [&](const std::string& name, const void* p) {
      if (p == nullptr) return;
      syms[jit->mangleAndIntern(name)] = orc::ExecutorSymbolDef(
          orc::ExecutorAddr::fromPtr(p), JITSymbolFlags::Exported | JITSymbolFlags::Callable);
    };
    auto add_table = [&](const auto& K, bool f32) {
      for (int acc = 0; acc < 2; ++acc) {
        for (int op = 0; op < static_cast<int>(kOpCount); ++op) {
          add(sleef_symbol(f32, acc, op_info(static_cast<Op>(op)).name), K.raw_unary[acc][op]);
          add(sleef_symbol(f32, acc, op_info(static_cast<Op>(op)).name), K.raw_binary[acc][op]);
        }
        add(sleef_symbol(f32, acc, "pow"), K.raw_pow[acc]);
      }
    };
    add_table(vm::kernels_f64(), false);
    add_table(vm::kernels_f32(), true);
    add("alkahest.scalar", reinterpret_cast<const void*>(&scalar_op));
    if (auto e = jit->getMainJITDylib().define(orc::absoluteSymbols(std::move(syms))))
      throw AlkahestError("LLVM JIT: cannot define the vector-math symbols: " + llvm_message(std::move(e)));
  }

  template <class T>
  void* get(const Program& P, int acc) {
    constexpr bool f32 = sizeof(T) == sizeof(float);
    const std::uint64_t key = P.hash() ^ (static_cast<std::uint64_t>(acc) << 1) ^ static_cast<std::uint64_t>(f32);
    auto [lo, hi] = cache.equal_range(key);
    for (auto it = lo; it != hi; ++it)
      if (it->second.acc == acc && it->second.f32 == f32 && programs_equal(it->second.program, P)) {
        ++g_stats.cache_hits;
        return it->second.fn;
      }
    const std::string name = "alkahest_kernel_" + std::to_string(counter++);
    auto ctx = std::make_unique<llvm::LLVMContext>();
    ctx->setOptPassGate(P.code.size() <= kSmallKernel ? g_small_kernel_gate : g_kernel_gate);
    auto M = build_module<T>(*ctx, P, acc, name);
    M->setDataLayout(jit->getDataLayout());
#if LLVM_VERSION_MAJOR >= 21
    M->setTargetTriple(jit->getTargetTriple());
#else
    M->setTargetTriple(jit->getTargetTriple().str());
#endif
    if (auto e = jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(M), std::move(ctx))))
      throw AlkahestError("LLVM JIT: cannot add the kernel: " + llvm_message(std::move(e)));
    auto sym = jit->lookup(name);
    if (!sym) throw AlkahestError("LLVM JIT: compilation failed: " + llvm_message(sym.takeError()));
    void* fn = sym->toPtr<void*>();
    cache.emplace(key, Entry{P, acc, f32, fn});
    ++g_stats.compiled;
    return fn;
  }
};

// The process's engine, held by g_engine_mu while it is created, compiles or is read. The engine is
// never destroyed: the kernels it compiled live in it until the process exits (a static destructor
// could also run under a thread still compiling at exit). A failed creation is retried next time.
//
// fork(): the prepare handler takes g_engine_mu, so no compilation is half done when the address
// space is copied; the child then abandons (leaks) the parent's engine, since LLVM's state is not
// made to survive fork, and creates a fresh one on first use. Kernels compiled before the fork
// stay mapped in the child, so JitFunctions made by the parent keep working there.
std::mutex g_engine_mu;
Engine* g_engine = nullptr;

Engine& engine_locked() {
  if (g_engine == nullptr) g_engine = new Engine();
  return *g_engine;
}

[[maybe_unused]] const bool g_fork_handlers_installed = [] {
  pthread_atfork([] { g_engine_mu.lock(); }, [] { g_engine_mu.unlock(); },
                 [] {
                   g_engine = nullptr;  // leaked on purpose: see above
                   g_engine_mu.unlock();
                 });
  return true;
}();

template <class T>
void* compile_kernel(const Program& P, int acc) {
  std::lock_guard<std::mutex> lock(g_engine_mu);
  return engine_locked().get<T>(P, acc);
}

}  // namespace

bool jit_available() { return true; }

std::string jit_description() {
  std::lock_guard<std::mutex> lock(g_engine_mu);
  try {
    return engine_locked().description;
  } catch (const std::exception& e) {
    return std::string("unavailable: ") + e.what();
  }
}

JitStats jit_stats() {
  std::lock_guard<std::mutex> lock(g_engine_mu);
  return g_stats;
}

std::string JitFunction::ir(bool f32) const {
  llvm::LLVMContext ctx;
  auto M = f32 ? build_module<float>(ctx, program_, static_cast<int>(accuracy_), "kernel")
               : build_module<double>(ctx, program_, static_cast<int>(accuracy_), "kernel");
  std::string s;
  llvm::raw_string_ostream os(s);
  M->print(os, nullptr);
  return os.str();
}

namespace {
template <class T>
KernelFn<T> kernel_of(std::atomic<void*>& slot, const Program& P, int acc) {
  void* fn = slot.load(std::memory_order_acquire);
  if (fn == nullptr) {
    fn = compile_kernel<T>(P, acc);
    slot.store(fn, std::memory_order_release);
  }
  return reinterpret_cast<KernelFn<T>>(fn);
}
}  // namespace

JitFunction::JitFunction(Program program, Accuracy accuracy)
    : program_(std::move(program)), accuracy_(accuracy), kernels_(std::make_unique<Kernels>()) {
  const int acc = static_cast<int>(accuracy_);
  const auto& k = vm::kernels_f64();
  for (const Instr& in : program_.code)
    if (in.code == PCode::Func && !native_op(in.op) &&
        (op_info(in.op).arity == 2 ? k.raw_binary[acc][static_cast<int>(in.op)]
                                   : k.raw_unary[acc][static_cast<int>(in.op)]) == nullptr)
      throw AlkahestError("no vector function for " + std::string(op_info(in.op).name) + " in the JIT");
  kernel_of<double>(kernels_->f64, program_, acc);
}

template <class T>
void JitFunction::run(std::span<const ArrayView> inputs, std::span<const std::int64_t> shape, T* out,
                      int threads) const {
  exec::check_out(out);
  const KernelFn<T> fn = kernel_of<T>(sizeof(T) == sizeof(float) ? kernels_->f32 : kernels_->f64, program_,
                                      static_cast<int>(accuracy_));
  const std::int64_t n_out = static_cast<std::int64_t>(program_.outputs.size());
  exec::drive<T>(program_.n_inputs, inputs, shape, threads, kGatherBlock,
                 [&](const std::vector<exec::InputReader<T>>& readers, std::int64_t b0, std::int64_t b1) {
                   std::vector<const T*> ptrs(readers.size());
                   bool contiguous = true;
                   for (const auto& r : readers) contiguous = contiguous && r.direct();
                   if (contiguous) {  // one call over the whole range, straight from the caller's memory
                     for (std::size_t k = 0; k < readers.size(); ++k) ptrs[k] = readers[k].block(b0, b1 - b0, nullptr);
                     fn(ptrs.data(), out + b0 * n_out, b1 - b0);
                     return;
                   }
                   std::vector<T> bufs(readers.size() * kGatherBlock);
                   for (std::int64_t start = b0; start < b1; start += kGatherBlock) {
                     const std::int64_t n = std::min(kGatherBlock, b1 - start);
                     for (std::size_t k = 0; k < readers.size(); ++k)
                       ptrs[k] = readers[k].block(start, n, bufs.data() + k * kGatherBlock);
                     fn(ptrs.data(), out + start * n_out, n);
                   }
                 });
}

void JitFunction::call(const double* values, double* out) const {
  const KernelFn<double> fn = reinterpret_cast<KernelFn<double>>(kernels_->f64.load(std::memory_order_acquire));
  const double* small[16];
  std::vector<const double*> large;
  const double** ptrs = small;
  if (program_.n_inputs > 16) {
    large.resize(program_.n_inputs);
    ptrs = large.data();
  }
  for (std::uint32_t k = 0; k < program_.n_inputs; ++k) ptrs[k] = values + k;
  fn(ptrs, out, 1);
}

#else  // no LLVM in this build

namespace {
[[noreturn]] void no_llvm() {
  throw AlkahestError(
      "this build of alkahest has no LLVM JIT tier (LLVM development files were not found when it was "
      "built); use backend='interp'");
}
}  // namespace

bool jit_available() { return false; }
std::string jit_description() { return "unavailable: built without LLVM"; }
JitStats jit_stats() { return {}; }
JitFunction::JitFunction(Program program, Accuracy accuracy)
    : program_(std::move(program)), accuracy_(accuracy) {
  (void)programs_equal;
  (void)native_op;
  no_llvm();
}
std::string JitFunction::ir(bool) const { no_llvm(); }
template <class T>
void JitFunction::run(std::span<const ArrayView>, std::span<const std::int64_t>, T*, int) const {
  no_llvm();
}
void JitFunction::call(const double*, double*) const { no_llvm(); }

#endif

template void JitFunction::run<double>(std::span<const ArrayView>, std::span<const std::int64_t>, double*,
                                       int) const;
template void JitFunction::run<float>(std::span<const ArrayView>, std::span<const std::int64_t>, float*,
                                      int) const;

}  // namespace alkahest
