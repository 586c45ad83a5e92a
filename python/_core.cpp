// nanobind bindings: a thin layer that maps Python objects onto the C++ kernel. Python numbers are
// coerced here (int stays exact, float is an IEEE double, fractions.Fraction is exact) and kernel
// exceptions become Python exceptions.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/ndarray.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <optional>

#include "alkahest/alkahest.hpp"
#include "alkahest/interpreter.hpp"
#include "alkahest/jit.hpp"
#include "alkahest/nsolve.hpp"
#include "alkahest/objects.hpp"
#include "bindings.hpp"

namespace nb = nanobind;
using namespace nb::literals;
using namespace alkahest;

namespace {

// An ExprPool owned by Python; Exprs keep it alive through the shared_ptr.
struct PyPool {
  std::shared_ptr<ExprPool> pool = std::make_shared<ExprPool>();
};

struct PyExpr {
  std::shared_ptr<ExprPool> pool;
  ExprId id;
  const Node& node() const { return pool->node(id); }
};

// Pickling's writer and reader of DAG chunks (alkahest/_pickle.py), with the pool they work on.
struct PyDagWriter {
  std::shared_ptr<ExprPool> pool;
  std::shared_ptr<DagWriter> writer;
};
struct PyDagReader {
  std::shared_ptr<ExprPool> pool;
  std::shared_ptr<DagReader> reader;
};

// Read-only view of one node, returned by Expr.node().
struct NodeView {
  std::string kind;
  nb::object value = nb::none();  // number value (int, Fraction or float)
  nb::object name = nb::none();   // symbol name
  nb::object op = nb::none();     // function name
  nb::tuple args;
};

// A compiled function: the lowered Program in the interpreter and, once compiled, in the LLVM JIT.
// It holds no pool reference it needs for evaluation, but keeps the pool alive so `exprs`/`vars`
// stay valid for introspection. Mutated only with the GIL held.
struct PyCompiled {
  std::shared_ptr<ExprPool> pool;
  std::vector<ExprId> exprs, vars;
  bool is_list;
  std::string backend;  // as asked: "auto", "interp" or "llvm"
  std::shared_ptr<const Interpreter> interp;
  std::shared_ptr<const JitFunction> jit;  // null until compiled (at once for "llvm", when repaid for "auto")
  std::uint64_t evaluated = 0;             // elements evaluated so far (drives "auto")
  std::optional<std::uint64_t> auto_jit_after;  // "auto" compiles once evaluated reaches it (0: never)
  std::vector<std::int64_t> matrix_shape;        // (rows, cols) when compiled from a Matrix, else empty
  std::string optimize = "off";                  // "off", "exact" or "fast" (the e-graph optimizer)
  std::optional<OptimizeReport> optimize_report;  // what it did, when it ran
};

// "auto" compiles with LLVM once auto_jit_elements(program) elements have been asked for (this
// batch included): when the interpreter has spent about as long as the compile is estimated to take
// (src/exec/jit.cpp): millions of elements for short programs, ~150,000 for long ones, never for
// very long ones.

void use_jit(PyCompiled& c) {
  if (c.jit) return;
  std::shared_ptr<const JitFunction> jit;
  {
    py::ReleasedGil release;  // compiling takes milliseconds; the JIT has its own lock
    jit = std::make_shared<const JitFunction>(c.interp->program(), c.interp->accuracy());
  }
  if (!c.jit) c.jit = std::move(jit);
}

using AnyArray = nb::ndarray<nb::ro, nb::device::cpu>;
using OutArray = nb::ndarray<nb::device::cpu>;

PyObject* g_alkahest_error = nullptr;
PyObject* g_parse_error = nullptr;

nb::object fraction_type() {
  static nb::object t = nb::module_::import_("fractions").attr("Fraction");
  return t;
}

PyExpr wrap(const std::shared_ptr<ExprPool>& pool, ExprId id) { return PyExpr{pool, id}; }

Number number_from_int(nb::handle h) {
  int overflow = 0;
  const long v = PyLong_AsLongAndOverflow(h.ptr(), &overflow);
  if (overflow == 0) {
    if (v == -1 && PyErr_Occurred()) throw nb::python_error();
    return Number(v);
  }
  // Hexadecimal both ways: Python limits int <-> decimal string conversions to 4,300 digits
  // (sys.set_int_max_str_digits), not power-of-two bases, so huge integers pass whole.
  nb::object hex = nb::steal(PyNumber_ToBase(h.ptr(), 16));
  if (!hex.is_valid()) throw nb::python_error();
  std::string text = nb::borrow<nb::str>(hex).c_str();  // "0x1f" or "-0x1f"
  const bool negative = !text.empty() && text[0] == '-';
  mpz_class z(text.substr(negative ? 3 : 2), 16);
  if (negative) z = -z;
  return Number(std::move(z));
}

nb::object int_from_mpz(const mpz_class& z) {
  const std::string s = z.get_str(16);
  return nb::steal(PyLong_FromString(s.c_str(), nullptr, 16));
}

nb::object number_to_python(const Number& n) {
  switch (n.type()) {
    case Number::Type::Integer: return int_from_mpz(n.integer());
    case Number::Type::Rational:
      return fraction_type()(int_from_mpz(n.rational().get_num()), int_from_mpz(n.rational().get_den()));
    case Number::Type::Float: return nb::float_(n.real());
  }
  return nb::none();
}

// A Python number as a kernel Number, or nullopt if `h` is not a number we accept.
std::optional<Number> as_number(nb::handle h) {
  if (PyBool_Check(h.ptr()) || PyLong_Check(h.ptr())) return number_from_int(h);
  if (PyFloat_Check(h.ptr())) return Number(PyFloat_AS_DOUBLE(h.ptr()));
  if (nb::isinstance(h, fraction_type())) {
    const Number p = number_from_int(h.attr("numerator"));
    const Number q = number_from_int(h.attr("denominator"));
    return Number::rational(p.integer(), q.integer());
  }
  // Arrays (NumPy, torch, ...) of one or more dimensions are not numbers, even though NumPy's
  // define __index__ (which then fails with "only integer scalar arrays can be converted").
  if (nb::hasattr(h, "ndim") && !(nb::isinstance<nb::int_>(h.attr("ndim")) && nb::cast<long>(h.attr("ndim")) == 0))
    return std::nullopt;
  if (PyIndex_Check(h.ptr()) && !PyComplex_Check(h.ptr())) {  // numpy integers
    nb::object i = nb::steal(PyNumber_Index(h.ptr()));
    if (!i.is_valid()) throw nb::python_error();
    return number_from_int(i);
  }
  if (nb::hasattr(h, "dtype") && nb::hasattr(h, "__float__")) {  // numpy real scalars
    const std::string kind = nb::cast<std::string>(h.attr("dtype").attr("kind"));
    if (kind == "f") return Number(nb::cast<double>(h.attr("__float__")()));
  }
  return std::nullopt;
}

std::string py_type_name(nb::handle h) { return nb::cast<std::string>(nb::type_name(h.type())); }

// A str argument as UTF-8: TypeError naming `what` for other types; a str that is not valid
// Unicode (a lone surrogate) raises Python's UnicodeEncodeError (a ValueError) with its position.
std::string utf8_text(nb::handle h, const char* what) {
  if (!PyUnicode_Check(h.ptr()))
    throw nb::type_error((std::string(what) + " must be a str, not '" + py_type_name(h) + "'").c_str());
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(h.ptr(), &size);
  if (data == nullptr) throw nb::python_error();
  return std::string(data, static_cast<std::size_t>(size));
}

void check_pool(const PyExpr& a, const PyExpr& b) { check_same_pool(*a.pool, *b.pool); }

// `h` as an expression of `pool`, or nullopt if it is neither an Expr nor a number.
std::optional<PyExpr> coerce(const std::shared_ptr<ExprPool>& pool, nb::handle h) {
  if (nb::isinstance<PyExpr>(h)) {
    const PyExpr& e = nb::cast<const PyExpr&>(h);
    check_same_pool(*pool, *e.pool);
    return e;
  }
  if (auto n = as_number(h)) return wrap(pool, pool->number(*n));
  return std::nullopt;
}

// `a == b` where b is an Expr or a Python number (int, float, Fraction): structural equality of
// the canonical forms (so (x - x) == 0 and sqrt(4) == 2 hold, 1 == 1.0 does not: an exact integer
// and a float are different expressions); nullopt (NotImplemented) for anything else. Expressions
// of different pools are never equal.
std::optional<bool> structurally_equal(const PyExpr& a, nb::handle b) {
  if (nb::isinstance<PyExpr>(b)) {
    const PyExpr& o = nb::cast<const PyExpr&>(b);
    return o.pool == a.pool && o.id == a.id;
  }
  if (PyBool_Check(b.ptr())) return std::nullopt;  // True/False are not numbers here
  const std::optional<Number> n = as_number(b);
  if (!n) return std::nullopt;
  const Node& node = a.node();
  if (node.kind != Kind::Number) return false;
  return a.pool->number(*n) == a.id;
}

using BinOp = ExprId (*)(ExprPool&, ExprId, ExprId);

template <BinOp F, bool Reflected>
nb::object binary(const PyExpr& self, nb::handle other) {
  auto o = coerce(self.pool, other);
  if (!o) return nb::borrow(Py_NotImplemented);
  const ExprId a = Reflected ? o->id : self.id, b = Reflected ? self.id : o->id;
  return nb::cast(wrap(self.pool, F(*self.pool, a, b)));
}

ExprId op_add(ExprPool& p, ExprId a, ExprId b) { return p.add(a, b); }
ExprId op_sub(ExprPool& p, ExprId a, ExprId b) { return p.sub(a, b); }
ExprId op_mul(ExprPool& p, ExprId a, ExprId b) { return p.mul(a, b); }
ExprId op_div(ExprPool& p, ExprId a, ExprId b) { return p.div(a, b); }
ExprId op_pow(ExprPool& p, ExprId a, ExprId b) { return p.pow(a, b); }

// Arguments of a function call as expressions of one pool (taken from the first Expr argument).
std::vector<PyExpr> function_args(std::string_view fname, nb::args args) {
  std::shared_ptr<ExprPool> pool;
  for (nb::handle a : args)
    if (nb::isinstance<PyExpr>(a)) {
      pool = nb::cast<const PyExpr&>(a).pool;
      break;
    }
  std::vector<PyExpr> out;
  for (nb::handle a : args) {
    std::optional<PyExpr> e;
    if (pool) e = coerce(pool, a);
    if (!e) {
      if (!pool && as_number(a))
        throw nb::type_error((std::string(fname) + "() needs at least one alkahest Expr argument, got only "
                              "plain numbers; build one with pool.integer(...)/pool.float(...) or use the math module")
                                 .c_str());
      throw nb::type_error((std::string(fname) + "() argument must be an alkahest Expr or a number, not '" +
                            py_type_name(a) + "'").c_str());
    }
    out.push_back(*e);
  }
  return out;
}

PyExpr call_op(Op op, nb::args args) {
  const OpInfo& info = op_info(op);
  if (!accepts_call(op, args.size()))
    throw nb::type_error((std::string(info.name) + "() takes " +
                          (info.arity < 0 ? std::string("2 or more") : std::to_string(info.arity)) +
                          (info.arity == 1 ? " argument" : " arguments") + " (" +
                          std::to_string(args.size()) + " given)").c_str());
  auto es = function_args(info.name, args);
  std::vector<ExprId> ids;
  for (auto& e : es) ids.push_back(e.id);
  return wrap(es[0].pool, es[0].pool->func(op, ids));
}

PyExpr expect_expr(nb::handle h, const char* what) {
  if (!nb::isinstance<PyExpr>(h))
    throw nb::type_error((std::string(what) + " must be an alkahest Expr, not '" + py_type_name(h) + "'").c_str());
  return nb::cast<PyExpr>(h);
}

PyExpr expect_symbol(const PyExpr& expr, nb::handle h, const char* what) {
  PyExpr v = expect_expr(h, what);
  check_pool(expr, v);
  if (v.node().kind != Kind::Symbol)
    throw nb::value_error((std::string(what) + " must be a symbol, got '" + to_string(*v.pool, v.id) + "'").c_str());
  return v;
}

PyExpr py_diff(const PyExpr& e, nb::handle var) {
  PyExpr v = expect_symbol(e, var, "diff: the variable");
  return wrap(e.pool, diff(*e.pool, e.id, v.id));
}

// diff(e, x), diff(e, x, 2) (the second derivative), diff(e, x, y), diff(e, x, 2, y): as SymPy reads them.
constexpr long kMaxDiffOrder = 100000;
PyExpr py_diff_many(const PyExpr& e, nb::args spec) {
  if (spec.size() == 0) throw nb::type_error("diff: give the variable to differentiate by, e.g. diff(e, x)");
  ExprId cur = e.id;
  std::size_t i = 0;
  while (i < spec.size()) {
    PyExpr v = expect_symbol(e, spec[i], "diff: each variable");
    long order = 1;
    if (i + 1 < spec.size() && PyLong_Check(spec[i + 1].ptr()) && !PyBool_Check(spec[i + 1].ptr())) {
      int overflow = 0;
      order = PyLong_AsLongAndOverflow(spec[i + 1].ptr(), &overflow);
      if (overflow != 0 || order < 0 || order > kMaxDiffOrder)
        throw nb::value_error(("diff: the order after '" + to_string(*e.pool, v.id) +
                               "' must be an int from 0 to " + std::to_string(kMaxDiffOrder)).c_str());
      ++i;
    }
    for (long k = 0; k < order; ++k) cur = diff(*e.pool, cur, v.id);
    ++i;
  }
  return wrap(e.pool, cur);
}

std::vector<PyExpr> py_grad(const PyExpr& e, nb::iterable vars) {
  std::vector<PyExpr> out;
  for (nb::handle v : vars) out.push_back(py_diff(e, v));
  return out;
}

PyExpr py_subs(const PyExpr& e, nb::dict mapping) {
  std::unordered_map<ExprId, ExprId> m;
  for (auto [k, v] : mapping) {
    PyExpr key = expect_expr(k, "subs: each key");
    check_pool(e, key);
    auto val = coerce(e.pool, v);
    if (!val)
      throw nb::type_error(("subs: the value for '" + to_string(*e.pool, key.id) +
                            "' must be an Expr or a number, not '" + py_type_name(v) + "'").c_str());
    m[key.id] = val->id;
  }
  return wrap(e.pool, subs(*e.pool, e.id, m));
}

double py_eval(const PyExpr& e, nb::handle values_or_none) {
  std::unordered_map<ExprId, double> m;
  if (!values_or_none.is_none() && !nb::isinstance<nb::dict>(values_or_none))
    throw nb::type_error(("eval_expr: values must be a dict {symbol or name: number}, not '" +
                          py_type_name(values_or_none) + "'").c_str());
  nb::dict values = values_or_none.is_none() ? nb::dict() : nb::borrow<nb::dict>(values_or_none);
  const auto symbols = free_symbols(*e.pool, e.id);
  auto not_ours = [&](const std::string& name) {
    std::string ours;
    for (ExprId s : symbols) ours += (ours.empty() ? "" : ", ") + to_string(*e.pool, s);
    return nb::value_error(("eval_expr: '" + name + "' is not a symbol of the expression (its symbols: " +
                            (ours.empty() ? std::string("none") : ours) + ")").c_str());
  };
  for (auto [k, v] : values) {
    ExprId key = 0;
    if (nb::isinstance<nb::str>(k)) {
      const std::string name = nb::cast<std::string>(k);
      bool found = false;
      for (ExprId s : symbols)
        if (e.pool->node(s).name == name) { key = s; found = true; }
      if (!found) throw not_ours(name);
    } else {
      // A symbol the expression does not use is fine (the same point serves an expression and its
      // derivatives); a name that matches none of its symbols is a typo.
      PyExpr s = expect_symbol(e, k, "eval_expr: each key");
      key = s.id;
    }
    auto n = as_number(v);
    if (!n)
      throw nb::type_error(("eval_expr: the value for '" + to_string(*e.pool, key) +
                            "' must be a real number, not '" + py_type_name(v) + "'").c_str());
    m[key] = n->to_double();
  }
  return eval(*e.pool, e.id, m);
}

// Assumption keywords (positive=True, ...) as the Facts of a symbol.
Facts assumptions_from_kwargs(const nb::kwargs& kw) {
  std::vector<std::pair<std::string, bool>> list;
  for (auto [k, v] : kw) {
    const std::string key = nb::cast<std::string>(k);
    if (v.is_none()) continue;  // unknown: as if not given
    if (!PyBool_Check(v.ptr()))
      throw nb::type_error(("symbol: assumption " + key + " must be True, False or None, not '" +
                            py_type_name(v) + "'").c_str());
    list.emplace_back(key, v.ptr() == Py_True);
  }
  return facts_from_assumptions(list);
}

nb::object tri_state(std::optional<bool> v) {
  if (!v) return nb::none();
  return nb::bool_(*v);
}

// The assumptions of a symbol as a dict {"positive": True, ...} ({} for the default, real).
nb::dict assumptions_dict(const Facts& f) {
  nb::dict d;
  for (const auto& [name, value] : assumption_pairs(f)) d[nb::str(name.c_str())] = nb::bool_(value);
  return d;
}

NodeView make_view(const PyExpr& e) {
  const Node& n = e.node();
  NodeView v;
  v.kind = std::string(kind_name(n.kind));
  if (n.kind == Kind::Number) v.value = number_to_python(n.number);
  if (n.kind == Kind::Symbol) v.name = nb::str(n.name.c_str());
  if (n.kind == Kind::Constant) v.name = nb::str(std::string(constant_name(n.constant)).c_str());
  if (n.kind == Kind::Func) v.op = nb::str(std::string(op_info(n.op).name).c_str());
  if (n.kind == Kind::Object) {  // op: the head ('Integral', 'Function', ...); name: a function's name
    v.op = nb::str(std::string(head_name(n.head)).c_str());
    if (!n.name.empty()) v.name = nb::str(n.name.c_str());
  }
  nb::list args;
  for (ExprId a : n.args) args.append(nb::cast(wrap(e.pool, a)));
  v.args = nb::tuple(args);
  return v;
}

PyExpr py_parse(nb::handle source_text, const PyPool& pool, nb::object symbols) {
  const std::string source = utf8_text(source_text, "parse: source");
  std::unordered_map<std::string, ExprId> names;
  if (!symbols.is_none()) {
    nb::dict d;
    if (nb::isinstance<nb::dict>(symbols)) {
      d = nb::borrow<nb::dict>(symbols);
    } else {  // an iterable of symbols: each is known by its own name
      for (nb::handle s : symbols) {
        PyExpr e = expect_expr(s, "parse: each of symbols");
        if (e.node().kind != Kind::Symbol)
          throw nb::value_error("parse: symbols must hold symbols (or be a dict of name -> Expr)");
        d[nb::str(e.node().name.c_str())] = s;
      }
    }
    for (auto [k, v] : d) {
      if (!nb::isinstance<nb::str>(k))
        throw nb::type_error(("parse: the keys of symbols must be names (str), got " + py_type_name(k) + " " +
                              nb::cast<std::string>(nb::repr(k)))
                                 .c_str());
      PyExpr e = expect_expr(v, "parse: each value of symbols");
      if (e.pool != pool.pool)
        throw PoolMismatchError("parse: symbols come from " + e.pool->label() + " but the pool is " +
                                pool.pool->label());
      names[nb::cast<std::string>(k)] = e.id;
    }
  }
  return wrap(pool.pool, parse(*pool.pool, source, names.empty() ? nullptr : &names));
}

PyCompiled py_compile(nb::list exprs, nb::list vars, bool is_list, const std::string& accuracy,
                      const std::string& backend, nb::handle shape, const std::string& optimize) {
  if (nb::len(exprs) == 0) throw nb::value_error("compile_expr: no expression given");
  std::shared_ptr<ExprPool> pool;
  auto take = [&](nb::handle h, const char* what) {
    PyExpr e = expect_expr(h, what);
    if (!pool) pool = e.pool;
    if (e.pool != pool)
      throw PoolMismatchError(std::string("compile_expr: ") + what + " comes from " + e.pool->label() +
                              " but the other expressions from " + pool->label());
    return e.id;
  };
  PyCompiled c;
  for (nb::handle h : exprs) c.exprs.push_back(take(h, "each expression"));
  for (nb::handle h : vars) c.vars.push_back(take(h, "each of vars"));
  Accuracy acc;
  if (accuracy == "default") acc = Accuracy::Default;
  else if (accuracy == "high") acc = Accuracy::High;
  else throw nb::value_error(("compile_expr: accuracy must be 'default' (<= 4 ulp) or 'high' (<= 1 ulp), not '" + accuracy + "'").c_str());
  c.pool = pool;
  c.is_list = is_list;
  if (backend != "auto" && backend != "interp" && backend != "llvm")
    throw nb::value_error(("compile_expr: backend must be 'auto', 'interp' or 'llvm', not '" + backend + "'").c_str());
  if (backend == "llvm" && !jit_available())
    throw AlkahestError("compile_expr: backend='llvm' needs the LLVM JIT tier, and " + jit_description() +
                        "; use backend='interp' or 'auto'");
  c.backend = backend;
  if (!shape.is_none()) {
    for (nb::handle d : nb::iter(shape)) c.matrix_shape.push_back(nb::cast<std::int64_t>(d));
    if (c.matrix_shape.size() != 2 || !is_list || c.matrix_shape[0] < 0 ||
        c.matrix_shape[0] * c.matrix_shape[1] != static_cast<std::int64_t>(c.exprs.size()))
      throw nb::value_error("compile_expr: the matrix shape does not match the number of expressions");
  }
  OptimizeOptions opt;
  if (optimize == "off") opt.mode = Optimize::Off;
  else if (optimize == "exact") opt.mode = Optimize::Exact;
  else if (optimize == "fast") opt.mode = Optimize::Fast;
  else throw nb::value_error(("compile_expr: optimize must be False, True, 'exact' or 'fast', not '" + optimize + "'").c_str());
  c.optimize = optimize;
  Program prog = lower(*pool, c.exprs, c.vars);
  if (opt.mode != Optimize::Off) {
    // Seeds (Horner forms, "fast" only) are built in the pool, with the GIL held.
    const auto seeds = optimize_seeds(*pool, c.exprs, opt.mode);
    std::optional<Program> seeded;
    if (!seeds.empty()) {
      std::vector<ExprId> all = c.exprs;
      for (auto [a, b] : seeds) {
        all.push_back(a);
        all.push_back(b);
      }
      seeded = lower(*pool, all, c.vars);
    }
    OptimizeReport report;
    {
      py::ReleasedGil release;  // the rewrite rounds take up to their time budget
      prog = alkahest::optimize(prog, opt, &report, seeded ? &*seeded : nullptr);
    }
    c.optimize_report = report;
  }
  c.interp = std::make_shared<const Interpreter>(std::move(prog), acc);
  if (backend == "llvm") use_jit(c);
  return c;
}

// The values of one point call: inline storage for the common case of a few variables.
class PointValues {
 public:
  void push_back(double v) {
    if (n_ < kInline)
      inline_[n_] = v;
    else {
      if (n_ == kInline) heap_.assign(inline_, inline_ + kInline);
      heap_.push_back(v);
    }
    ++n_;
  }
  std::size_t size() const { return n_; }
  const double* data() const { return n_ <= kInline ? inline_ : heap_.data(); }

 private:
  static constexpr std::size_t kInline = 8;
  double inline_[kInline];
  std::vector<double> heap_;
  std::size_t n_ = 0;
};

nb::object py_call(const PyCompiled& c, nb::handle values) {
  const std::uint32_t n = c.interp->program().n_inputs;
  PointValues xs;  // no heap allocation for up to 8 variables: a point call is ~100 ns
  PyObject* seq = values.ptr();
  if ((PyList_CheckExact(seq) || PyTuple_CheckExact(seq)) && static_cast<std::uint32_t>(PySequence_Fast_GET_SIZE(seq)) == n) {
    // Fast path: a list/tuple of the right length; floats are read directly.
    PyObject** items = PySequence_Fast_ITEMS(seq);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (PyFloat_CheckExact(items[i])) {
        xs.push_back(PyFloat_AS_DOUBLE(items[i]));
        continue;
      }
      auto num = as_number(items[i]);
      if (!num) throw nb::type_error(("CompiledFn: each value must be a real number, not '" + py_type_name(items[i]) + "'").c_str());
      xs.push_back(num->to_double());
    }
  } else if (PySequence_Check(values.ptr()) && !nb::isinstance<nb::str>(values)) {
    for (nb::handle v : values) {
      auto num = as_number(v);
      if (!num) throw nb::type_error(("CompiledFn: each value must be a real number, not '" + py_type_name(v) + "'").c_str());
      xs.push_back(num->to_double());
    }
  } else if (auto num = as_number(values); num && n == 1) {
    xs.push_back(num->to_double());
  } else {
    throw nb::type_error(("CompiledFn: call it with a list of " + std::to_string(n) +
                          " numbers (one per variable), not '" + py_type_name(values) + "'").c_str());
  }
  if (xs.size() != n)
    throw nb::type_error(("CompiledFn: expected " + std::to_string(n) + " values (one per variable), got " +
                          std::to_string(xs.size())).c_str());
  if (!c.is_list) {
    double out;
    if (c.jit)
      c.jit->call(xs.data(), &out);
    else
      c.interp->call(xs.data(), &out);
    return nb::steal(PyFloat_FromDouble(out));
  }
  std::vector<double> out(c.exprs.size());
  if (c.jit)
    c.jit->call(xs.data(), out.data());
  else
    c.interp->call(xs.data(), out.data());
  nb::list r;
  if (!c.matrix_shape.empty()) {  // a Matrix: its rows as lists
    const std::size_t cols = static_cast<std::size_t>(c.matrix_shape[1]);
    for (std::size_t i = 0; i < static_cast<std::size_t>(c.matrix_shape[0]); ++i) {
      nb::list row;
      for (std::size_t j = 0; j < cols; ++j) row.append(nb::float_(out[i * cols + j]));
      r.append(row);
    }
    return r;
  }
  for (double v : out) r.append(nb::float_(v));
  return r;
}

// f(...) as lambdify's result is called: f(x, y) with numbers gives the value at that point (a float,
// or a list for several outputs), with arrays the elementwise result through numpy_eval; the list
// form f([x, y]) stays the point call.
nb::object py_call_any(nb::pointer_and_handle<PyCompiled> self, nb::args args) {
  const PyCompiled& c = *self.p;
  const std::size_t n = c.vars.size();
  const std::size_t k = args.size();
  // Python numbers, Fractions and NumPy scalars / 0-d arrays (real or integer); anything else is an array.
  auto is_number = [](nb::handle h) {
    if (PyFloat_Check(h.ptr()) || PyLong_Check(h.ptr()) || nb::isinstance(h, fraction_type())) return true;
    if (!nb::hasattr(h, "ndim") || !nb::hasattr(h, "dtype") || !nb::hasattr(h.attr("dtype"), "kind")) return false;
    if (nb::cast<long>(h.attr("ndim")) != 0) return false;
    const std::string kind = nb::cast<std::string>(h.attr("dtype").attr("kind"));
    return kind == "f" || kind == "i" || kind == "u" || kind == "b";
  };
  if (k == 1) {
    nb::handle a = args[0];
    const bool sequence = PyList_Check(a.ptr()) || PyTuple_Check(a.ptr());
    const bool point = sequence ? (static_cast<std::size_t>(PySequence_Size(a.ptr())) == n || n != 1)
                                : (n == 1 && is_number(a)) || n != 1;
    if (point) return py_call(c, a);
  } else if (k == 0 && n == 0) {
    return py_call(c, nb::list());
  } else if (k != n) {
    throw nb::type_error(("CompiledFn: takes " + std::to_string(n) + " argument(s) (one per variable: " +
                          "f(x_array, ...) or f([x, ...])), got " + std::to_string(k)).c_str());
  } else {
    bool numbers = true;
    for (nb::handle a : args) numbers = numbers && is_number(a);
    if (numbers) return py_call(c, nb::tuple(args));
  }
  // Arrays (or an array-like for a one-variable function): the batch path.
  static PyObject* numpy_eval = nullptr;  // kept for the life of the process, like the module
  if (numpy_eval == nullptr)
    numpy_eval = nb::object(nb::module_::import_("alkahest.evaluate").attr("numpy_eval")).release().ptr();
  nb::list call_args;
  call_args.append(self.h);
  for (nb::handle a : args) call_args.append(a);
  return nb::handle(numpy_eval)(*nb::tuple(call_args));
}

// A shape as Python prints a tuple: (), (3,), (3, 4).
std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (std::size_t d = 0; d < shape.size(); ++d) s += (d ? ", " : "") + std::to_string(shape[d]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

void run_views(PyCompiled& c, const std::vector<ArrayView>& views, const std::vector<std::int64_t>& shape,
               void* out_data, bool f32, std::int64_t total, int threads);

// numpy_eval's fast path (issue 17: a call at n <= 1,000 cost 25 microseconds, mostly Python-level
// broadcasting and allocation): every input a C-contiguous NumPy array (or a Python float or
// np.float64, what an ODE solver's y[i] is), all
// float64, or all float32 arrays for a float32 result; shapes that broadcast like NumPy's (a 0-d
// parameter next to a batch, (n, 1) against (m,)), read in place with 0 strides where broadcast;
// a new 64-byte aligned result allocated here. Returns None when the inputs are anything else,
// and numpy_eval takes its general path (which converts, checks and explains everything).
using ContigArray = nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>;
using NewArray = nb::ndarray<nb::numpy>;
nb::object py_eval_contig(PyCompiled& c, nb::list arrays, int threads) {
  constexpr std::size_t kMaxDims = 32;
  const std::size_t k = arrays.size();
  if (k == 0 || k != c.interp->program().n_inputs) return nb::none();
  static PyTypeObject* const ndarray_type = reinterpret_cast<PyTypeObject*>(
      nb::object(nb::module_::import_("numpy").attr("ndarray")).release().ptr());  // kept for the process
  static PyTypeObject* const float64_type = reinterpret_cast<PyTypeObject*>(
      nb::object(nb::module_::import_("numpy").attr("float64")).release().ptr());
  struct Input {
    const void* data;
    std::size_t ndim;
    std::array<std::int64_t, kMaxDims> shape;
  };
  std::vector<Input> inputs(k);
  std::vector<double> floats(k);  // Python floats, read as 0-d float64 arrays (stable: sized once)
  std::size_t ndim = 0;
  int n_f32 = 0;
  for (std::size_t i = 0; i < k; ++i) {
    PyObject* h = arrays[i].ptr();
    Input& in = inputs[i];
    if (PyFloat_CheckExact(h) || Py_TYPE(h) == float64_type) {  // np.asarray makes a 0-d float64 of it
      floats[i] = PyFloat_AS_DOUBLE(h);  // np.float64 subclasses float: the same layout
      in.data = &floats[i];
      in.ndim = 0;
      continue;
    }
    if (Py_TYPE(h) != ndarray_type) return nb::none();  // subclasses (masked arrays...) take the general path
    ContigArray a;
    if (!nb::try_cast(nb::handle(h), a, false)) return nb::none();
    if (a.dtype() == nb::dtype<float>())
      ++n_f32;
    else if (a.dtype() != nb::dtype<double>())
      return nb::none();
    if (a.ndim() > kMaxDims) return nb::none();
    in.data = a.data();
    in.ndim = a.ndim();
    for (std::size_t d = 0; d < in.ndim; ++d) in.shape[d] = static_cast<std::int64_t>(a.shape(d));
    ndim = std::max(ndim, in.ndim);
  }
  // float32 only when every input is a float32 array; a mix is converted by the general path.
  if (n_f32 != 0 && n_f32 != static_cast<int>(k)) return nb::none();
  const bool f32 = n_f32 != 0;
  // NumPy's broadcasting: trailing axes aligned; lengths equal, or 1.
  std::vector<std::int64_t> shape(ndim, 1);
  for (const Input& in : inputs)
    for (std::size_t d = 0; d < in.ndim; ++d) {
      std::int64_t& s = shape[ndim - in.ndim + d];
      const std::int64_t len = in.shape[d];
      if (s == 1)
        s = len;
      else if (len != 1 && len != s)
        return nb::none();  // the general path raises "do not broadcast"
    }
  std::int64_t total = 1;
  for (std::int64_t s : shape) total *= s;  // the arrays exist, so this fits
  if (total == 0) return nb::none();
  std::vector<ArrayView> views(k);
  for (std::size_t i = 0; i < k; ++i) {
    const Input& in = inputs[i];
    ArrayView& v = views[i];
    v.data = in.data;
    v.strides.assign(ndim, 0);  // leading axes the input lacks, and its length-1 axes: stride 0
    std::int64_t stride = 1;
    for (std::size_t d = in.ndim; d-- > 0;) {
      if (in.shape[d] != 1) v.strides[ndim - in.ndim + d] = stride;
      stride *= in.shape[d];
    }
  }
  std::vector<std::size_t> out_shape(shape.begin(), shape.end());
  if (!c.matrix_shape.empty())
    out_shape.insert(out_shape.end(), c.matrix_shape.begin(), c.matrix_shape.end());
  else if (c.is_list)
    out_shape.push_back(c.exprs.size());
  std::size_t count = 1;
  for (std::size_t s : out_shape) count *= s;
  // 64-byte aligned, as the general path's (XLA adopts such a buffer without a copy).
  const std::size_t item = f32 ? sizeof(float) : sizeof(double);
  void* mem = std::aligned_alloc(64, (std::max<std::size_t>(count, 1) * item + 63) / 64 * 64);
  if (mem == nullptr) throw std::bad_alloc();
  nb::capsule owner(mem, [](void* p) noexcept { std::free(p); });
  run_views(c, views, shape, mem, f32, total, threads);
  return nb::cast(NewArray(mem, out_shape.size(), out_shape.data(), owner, nullptr,
                           f32 ? nb::dtype<float>() : nb::dtype<double>()));
}

// nsolve's batched damped Newton (alkahest/nsolve.hpp), with the compiled residual F (n outputs) and
// Jacobian J (n x n) of the unknowns then the parameters as evaluators, and NumPy's pinv for the
// least-squares step at singular Jacobians. x0: (N, n) float64, params: N float64 values each.
// Returns (x, residual, iterations). Private: nsolve checks the system and the shapes first.
nb::tuple py_nsolve_batch(PyCompiled& f, PyCompiled& jac, nb::ndarray<const double, nb::c_contig, nb::device::cpu> x0,
                          std::vector<nb::ndarray<const double, nb::c_contig, nb::device::cpu>> params, double tol,
                          int maxiter) {
  if (x0.ndim() != 2) throw nb::value_error("_nsolve_batch: x0 must have shape (N, n)");
  const std::size_t N = x0.shape(0), n = x0.shape(1);
  const std::size_t n_in = n + params.size();
  if (n == 0 || f.interp->program().n_inputs != n_in || jac.interp->program().n_inputs != n_in ||
      f.exprs.size() != n || jac.exprs.size() != n * n)
    throw nb::value_error("_nsolve_batch: F must map the n unknowns and the parameters to n values, J to n*n");
  std::vector<std::vector<double>> pv;
  for (const auto& p : params) {
    if (p.ndim() != 1 || p.shape(0) != N) throw nb::value_error("_nsolve_batch: each parameter needs N values");
    pv.emplace_back(p.data(), p.data() + N);
  }
  auto evaluator = [n_in](PyCompiled& c) {
    return [&c, n_in](std::size_t m, const std::vector<const double*>& inputs, double* out) {
      std::vector<ArrayView> views(n_in);
      for (std::size_t k = 0; k < n_in; ++k) views[k] = ArrayView{inputs[k], {m == 1 ? 0 : 1}};
      run_views(c, views, {static_cast<std::int64_t>(m)}, out, false, static_cast<std::int64_t>(m), 0);
    };
  };
  nb::module_ np = nb::module_::import_("numpy");
  auto new_array = [&np]<typename T>(std::initializer_list<std::size_t> shape, const T* src, std::size_t count) {
    nb::list dims;
    for (std::size_t d : shape) dims.append(d);
    nb::object a = np.attr("empty")(nb::tuple(dims), std::is_same_v<T, double> ? "float64" : "int64");
    auto view = nb::cast<nb::ndarray<T, nb::c_contig, nb::device::cpu>>(a);
    std::copy(src, src + count, view.data());
    return a;
  };
  const LeastSquaresStep least_squares = [&](std::size_t k, const double* jv, const double* fv, double* dx) {
    nb::object J = new_array({k, n, n}, jv, k * n * n);
    nb::object F = new_array({k, n}, fv, k * n);
    nb::object step = np.attr("einsum")("kij,kj->ki", np.attr("linalg").attr("pinv")(J), np.attr("negative")(F));
    auto out = nb::cast<nb::ndarray<const double, nb::c_contig, nb::device::cpu>>(
        np.attr("ascontiguousarray")(step, "float64"));
    std::copy(out.data(), out.data() + k * n, dx);
  };
  NewtonBatchResult r = newton_batch(n, std::vector<double>(x0.data(), x0.data() + N * n), pv, evaluator(f),
                                     evaluator(jac), least_squares, tol, maxiter);
  nb::object x = new_array({N, n}, r.x.data(), N * n);
  nb::object res = new_array({N}, r.residual.data(), N);
  nb::object it = new_array({N}, r.iterations.data(), N);
  return nb::make_tuple(x, res, it);
}

// Low-level batch entry used by alkahest.numpy_eval: arrays already broadcast (0 strides), one
// dtype (float64 or float32), `out` C-contiguous of shape `shape` (+ n_outputs for lists).
// Private, but reachable from Python: every argument is checked here, since the kernels trust them.
void py_run(PyCompiled& c, std::vector<AnyArray> arrays, std::vector<std::int64_t> shape, nb::handle out_obj,
            int threads) {
  if (nb::hasattr(out_obj, "flags") && nb::hasattr(out_obj.attr("flags"), "writeable") &&
      !nb::cast<bool>(out_obj.attr("flags").attr("writeable")))
    throw nb::value_error("_run: out is read-only");
  OutArray out;
  if (!nb::try_cast(out_obj, out))
    throw nb::type_error(("_run: out must be a writable CPU array (float64 or float32), not '" +
                          py_type_name(out_obj) + "'").c_str());
  const bool f32 = out.dtype() == nb::dtype<float>();
  if (!f32 && out.dtype() != nb::dtype<double>()) throw nb::type_error("_run: out must be float64 or float32");
  const std::uint32_t n_inputs = c.interp->program().n_inputs;
  if (arrays.size() != n_inputs)
    throw nb::value_error(("_run: expected " + std::to_string(n_inputs) + " input arrays, got " +
                           std::to_string(arrays.size())).c_str());
  if (shape.size() > 32) throw nb::value_error("_run: at most 32 dimensions are supported");
  std::int64_t total = 1;
  for (std::int64_t s : shape) {
    if (s < 0) throw nb::value_error("_run: shape has a negative dimension");
    if (s != 0 && total > std::numeric_limits<std::int64_t>::max() / s)
      throw nb::value_error("_run: shape has more elements than fit in 64 bits");
    total *= s;
  }
  // out: exactly shape (+ [n_outputs] for a list), C-contiguous, writable (OutArray is not nb::ro).
  const std::size_t n_out = c.exprs.size();
  std::vector<std::int64_t> want = shape;
  if (c.is_list) want.push_back(static_cast<std::int64_t>(n_out));
  bool same_shape = out.ndim() == want.size();
  if (same_shape)
    for (std::size_t d = 0; d < want.size(); ++d) same_shape = same_shape && static_cast<std::int64_t>(out.shape(d)) == want[d];
  if (!same_shape) {
    std::vector<std::int64_t> got;
    for (std::size_t d = 0; d < out.ndim(); ++d) got.push_back(static_cast<std::int64_t>(out.shape(d)));
    throw nb::value_error(("_run: out has shape " + shape_text(got) + ", expected " + shape_text(want)).c_str());
  }
  std::int64_t expect = 1;
  for (std::size_t d = out.ndim(); d-- > 0;) {
    if (out.shape(d) != 1 && out.stride(d) != expect) throw nb::value_error("_run: out must be C-contiguous");
    expect *= static_cast<std::int64_t>(out.shape(d));
  }
  if (total != 0 && out.data() == nullptr) throw nb::value_error("_run: out has no data");
  std::vector<ArrayView> views;
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    const AnyArray& a = arrays[k];
    const std::string which = "_run: input " + std::to_string(k);
    if (a.dtype() != out.dtype()) throw nb::type_error((which + ": inputs and out must share one dtype").c_str());
    if (a.ndim() != shape.size())
      throw nb::value_error((which + " has " + std::to_string(a.ndim()) + " dimensions, the shape " +
                             std::to_string(shape.size()) + ": broadcast the inputs to the shape first").c_str());
    ArrayView v{a.data(), {}};
    for (std::size_t d = 0; d < a.ndim(); ++d) {
      // A dimension either matches (read with its stride) or has length 1 (read with stride 0):
      // anything else would read outside the array.
      const std::int64_t len = static_cast<std::int64_t>(a.shape(d));
      if (len != shape[d] && len != 1)
        throw nb::value_error((which + " does not broadcast to the shape (dimension " + std::to_string(d) +
                               " has length " + std::to_string(len) + ", expected " +
                               std::to_string(shape[d]) + " or 1)").c_str());
      v.strides.push_back(len == 1 ? 0 : a.stride(d));
    }
    if (total != 0 && v.data == nullptr) throw nb::value_error((which + " has no data").c_str());
    views.push_back(std::move(v));
  }
  if (f32 ? reinterpret_cast<std::uintptr_t>(out.data()) % alignof(float) != 0
          : reinterpret_cast<std::uintptr_t>(out.data()) % alignof(double) != 0)
    throw nb::value_error("_run: out is not aligned to its item size");
  run_views(c, views, shape, out.data(), f32, total, threads);
}

// The evaluation itself, once every argument has been checked: counts elements for "auto" (and
// moves to the JIT when they repay it), then runs the tier with the GIL released.
void run_views(PyCompiled& c, const std::vector<ArrayView>& views, const std::vector<std::int64_t>& shape,
               void* out_data, bool f32, std::int64_t total, int threads) {
  c.evaluated += static_cast<std::uint64_t>(total);
  if (c.backend == "auto" && !c.jit) {
    if (!c.auto_jit_after) c.auto_jit_after = auto_jit_elements(c.interp->program());
    if (*c.auto_jit_after != 0 && c.evaluated >= *c.auto_jit_after && jit_available()) use_jit(c);
  }
  const std::shared_ptr<const JitFunction> jit = c.jit;  // kept alive while the GIL is released
  const std::shared_ptr<const Interpreter> interp = c.interp;
  py::ReleasedGil release;
  if (jit) {
    if (f32)
      jit->run<float>(views, shape, static_cast<float*>(out_data), threads);
    else
      jit->run<double>(views, shape, static_cast<double*>(out_data), threads);
  } else if (f32) {
    interp->run<float>(views, shape, static_cast<float*>(out_data), threads);
  } else {
    interp->run<double>(views, shape, static_cast<double*>(out_data), threads);
  }
}

void translate(const std::exception_ptr& p, void*) {
  try {
    std::rethrow_exception(p);
  } catch (const ParseError& e) {
    nb::object exc = nb::steal(PyObject_CallFunction(g_parse_error, "s", e.what()));
    if (!exc.is_valid()) return;
    exc.attr("span") = nb::make_tuple(e.begin(), e.end());
    PyErr_SetObject(g_parse_error, exc.ptr());
  } catch (const AlkahestError& e) {
    PyErr_SetString(g_alkahest_error, e.what());
  } catch (const DivisionByZero& e) {
    PyErr_SetString(PyExc_ZeroDivisionError, e.what());
  } catch (const PoolMismatchError& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const InvalidArgument& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  }
}

}  // namespace

// The docstring of one op-table function, with an example whose output is computed here (so it
// is what the library prints; test_docs runs it as a doctest).
static std::string op_docstring(Op op) {
  const OpInfo& info = op_info(op);
  const std::string name(info.name);
  ExprPool pool;
  const ExprId x = pool.symbol("x"), y = pool.symbol("y");
  std::string call = name + "(x)", setup = "x = ExprPool().symbol(\"x\")";
  ExprId e;
  auto differentiable = [&](ExprId f) {  // in x (an order or a branch index is not)
    try {
      (void)diff(pool, f, x);
      return true;
    } catch (const InvalidArgument&) {
      return false;
    }
  };
  if (op == Op::Atan2) {
    const ExprId args[] = {y, x};
    e = pool.func(op, args);
    call = name + "(y, x)";
    setup = "x, y = ExprPool().symbols(\"x y\")";
  } else if (op == Op::Polygamma) {
    const ExprId args[] = {pool.number(Number(1L)), x};
    e = pool.func(op, args);
    call = name + "(1, x)";
  } else if (op == Op::Digamma) {  // a spelling of polygamma(0, x), as in SymPy
    return "digamma(x) -> Expr: polygamma(0, x), as in SymPy (every call becomes polygamma; no digamma node "
           "exists).\n\n>>> from alkahest import ExprPool, digamma\n>>> pool = ExprPool(); x = pool.symbol(\"x\")\n"
           ">>> digamma(x), digamma(pool.integer(1))\n(" + to_string(pool, pool.func(op, x)) + ", " +
           to_string(pool, pool.func(op, pool.integer(1))) + ")\n";
  } else if (info.arity == 2 && default_last_arg(op) && differentiable(pool.func(op, x))) {  // LambertW(x)
    e = pool.func(op, x);
  } else if (!info.numeric && info.arity == 1) {  // the complex parts: an argument with an imaginary part
    const ExprId z = pool.add(x, pool.mul(pool.mul(pool.integer(2), y), pool.constant(Constant::I)));
    e = pool.func(op, z);
    call = name + "(x + 2*y*pool.I)";
    setup = "pool = ExprPool(); x, y = pool.symbols(\"x y\")";
    return name + "(z) -> Expr: " + name + " of the op table (complex part; folds on real and a + b*I arguments, "
           "not compiled by the numeric backends).\n\n>>> from alkahest import ExprPool, " + name + "\n>>> " +
           setup + "\n>>> " + call + "\n" + to_string(pool, e) + "\n";
  } else if (info.arity == 2 || info.arity < 0) {  // Min, Max, hypot, ...; f(y, x) where f has no derivative in its first argument
    const ExprId args[] = {x, y}, swapped[] = {y, x};
    e = pool.func(op, args);
    call = name + "(x, y)";
    if (!differentiable(e)) {  // besselj(nu, x), polylog(s, z), ...
      e = pool.func(op, swapped);
      call = name + "(y, x)";
    }
    setup = "x, y = ExprPool().symbols(\"x y\")";
  } else if (info.arity > 2) {  // elliptic_pi(n, phi, m), hyp2f1(a, b, c, z): numbers, then x
    std::vector<ExprId> args;
    call = name + "(";
    for (int k = 1; k < info.arity; ++k) {
      args.push_back(pool.integer(k));
      call += std::to_string(k) + ", ";
    }
    args.push_back(x);
    call += "x)";
    e = pool.func(op, args);
  } else {
    e = pool.func(op, x);
  }
  std::string sig = info.arity == 2 ? "(a, b)" : info.arity < 0 ? "(a, b, ...)" : info.arity == 3 ? "(a, b, x)"
                    : info.arity == 4 ? "(a, b, c, x)" : "(x)";
  if (auto d = default_last_arg(op)) sig = "(a, b=" + std::to_string(*d) + ")";
  std::string doc = name + sig + " -> Expr: " + name + " of the op table";
  if (!info.c_name.empty()) doc += " (C: " + std::string(info.c_name) + ")";
  doc += ". Arguments are Exprs or numbers (at least one Expr); exact values fold (" + name +
         " of an exact argument stays exact where the value is known).\n\n";
  try {
    const std::string d = to_string(pool, diff(pool, e, x));
    doc += ">>> from alkahest import ExprPool, diff, " + name + "\n>>> " + setup + "\n>>> " + call + ", diff(" +
           call + ", x)\n(" + to_string(pool, e) + ", " + d + ")\n";
  } catch (const InvalidArgument& err) {  // no derivative (Heaviside): say why
    doc += ">>> from alkahest import ExprPool, " + name + "\n>>> " + setup + "\n>>> " + call + "\n" +
           to_string(pool, e) + "\n\nIts derivative is refused: " + err.what() + "\n";
  }
  return doc;
}

namespace alkahest::py {

ExportInput export_input(nb::handle expr_or_list, nb::handle vars, const char* who) {
  ExportInput in;
  auto take = [&](nb::handle h, const char* what) {
    PyExpr e = expect_expr(h, (std::string(who) + ": " + what).c_str());
    if (!in.pool) in.pool = e.pool;
    if (e.pool != in.pool)
      throw PoolMismatchError(std::string(who) + ": " + what + " comes from " + e.pool->label() +
                              " but the other expressions from " + in.pool->label());
    return e.id;
  };
  in.is_list = !nb::isinstance<PyExpr>(expr_or_list);
  if (in.is_list) {
    if (!nb::isinstance<nb::list>(expr_or_list) && !nb::isinstance<nb::tuple>(expr_or_list))
      throw nb::type_error((std::string(who) + ": expected an Expr or a list of Exprs, not '" +
                            py_type_name(expr_or_list) + "'").c_str());
    for (nb::handle h : expr_or_list) in.exprs.push_back(take(h, "each expression"));
    if (in.exprs.empty()) throw nb::value_error((std::string(who) + ": no expression given").c_str());
  } else {
    in.exprs.push_back(take(expr_or_list, "the expression"));
  }
  if (nb::isinstance<PyExpr>(vars)) {
    in.vars.push_back(take(vars, "vars"));
  } else {
    if (!nb::isinstance<nb::list>(vars) && !nb::isinstance<nb::tuple>(vars))
      throw nb::type_error((std::string(who) + ": vars must be a list of symbols, not '" + py_type_name(vars) + "'").c_str());
    for (nb::handle h : vars) in.vars.push_back(take(h, "each of vars"));
  }
  for (ExprId v : in.vars)
    if (in.pool->node(v).kind != Kind::Symbol)
      throw nb::value_error((std::string(who) + ": vars must be symbols, got '" + to_string(*in.pool, v) + "'").c_str());
  return in;
}

ExprRef expr_ref(nb::handle h, const char* what) {
  PyExpr e = expect_expr(h, what);
  return {e.pool, e.id};
}

std::optional<ExprRef> coerce_ref(const std::shared_ptr<ExprPool>& pool, nb::handle h) {
  auto e = coerce(pool, h);
  if (!e) return std::nullopt;
  return ExprRef{e->pool, e->id};
}

bool is_expr(nb::handle h) { return nb::isinstance<PyExpr>(h); }
nb::object expr_object(const std::shared_ptr<ExprPool>& pool, ExprId id) { return nb::cast(wrap(pool, id)); }
nb::object number_object(const Number& n) { return number_to_python(n); }
std::string python_type_name(nb::handle h) { return py_type_name(h); }

}  // namespace alkahest::py

NB_MODULE(_core, m) {
  // JAX's and PyTorch's operator registries (to_jax, to_torch) keep compiled functions and their
  // expressions until the interpreter exits, after nanobind's types are torn down: that is not a
  // leak, so nanobind's exit-time report would only be noise.
  nb::set_leak_warnings(false);
  // Interpreter exit while daemon threads are inside calls that released the GIL: see released_gil.hpp.
  nb::module_::import_("atexit").attr("register")(nb::cpp_function([] { py::begin_exit(); }));
  m.doc() = "alkahest C++ kernel (nanobind bindings); use the `alkahest` package instead.";

  g_alkahest_error = PyErr_NewExceptionWithDoc("alkahest.AlkahestError",
                                               "Base class of errors raised by alkahest.", PyExc_Exception, nullptr);
  nb::object bases = nb::make_tuple(nb::handle(g_alkahest_error), nb::handle(PyExc_ValueError));
  g_parse_error = PyErr_NewExceptionWithDoc(
      "alkahest.ParseError", "Text that alkahest.parse cannot read; `span` is the (start, end) of the offending text.",
      bases.ptr(), nullptr);
  m.attr("AlkahestError") = nb::handle(g_alkahest_error);
  m.attr("ParseError") = nb::handle(g_parse_error);
  nb::register_exception_translator(translate);

  nb::class_<NodeView>(m, "Node", "Read-only view of one expression node (see Expr.node()).")
      .def_ro("kind", &NodeView::kind, "'Number', 'Symbol', 'Constant', 'Add', 'Mul', 'Pow', 'Func' or 'Object'.")
      .def_ro("value", &NodeView::value, "The value of a number (int, Fraction or float), else None.")
      .def_ro("name", &NodeView::name, "The name of a symbol, else None.")
      .def_ro("op", &NodeView::op, "The function name of a Func node ('sin', ...), the head of an Object ('Integral', ...), else None.")
      .def_ro("args", &NodeView::args, "Children: Add terms, Mul factors, Pow (base, exp), Func arguments.")
      .def("__repr__", [](const NodeView& v) {
        std::string detail;
        if (!v.name.is_none()) detail = ", name=" + nb::cast<std::string>(nb::repr(v.name));
        if (!v.op.is_none()) detail = ", op=" + nb::cast<std::string>(nb::repr(v.op));
        if (!v.value.is_none()) detail = ", value=" + nb::cast<std::string>(nb::repr(v.value));
        return "Node(kind='" + v.kind + "'" + detail + ", args=" + std::to_string(nb::len(v.args)) + ")";
      });

  nb::class_<PyPool>(m, "ExprPool",
                     "A pool of hash-consed expressions: equal expressions are one shared node.")
      .def(nb::init<>())
      .def("symbol", [](const PyPool& p, nb::handle name, const nb::kwargs& kw) {
             return wrap(p.pool, p.pool->symbol(utf8_text(name, "ExprPool.symbol: name"), assumptions_from_kwargs(kw)));
           },
           "name"_a, "assumptions"_a,
           "The symbol called `name` (an identifier that is not a function or constant name). Keyword\n"
           "assumptions (real, complex, positive, negative, nonnegative, nonpositive, nonzero, zero,\n"
           "integer, finite: True/False) are part of its identity; without them a symbol is real.\n\n"
           ">>> from alkahest import ExprPool\n>>> pool = ExprPool()\n"
           ">>> t = pool.symbol(\"t\", positive=True)\n>>> (t + 1).is_positive, pool.symbol(\"t\") == t\n"
           "(True, False)\n")
      .def("symbols", [](const PyPool& p, nb::handle names_text, const nb::kwargs& kw) -> nb::object {
             const std::string names = utf8_text(names_text, "ExprPool.symbols: names");
             nb::list out;
             std::string cur;
             const bool separated = names.find(',') != std::string::npos;
             const Facts assumed = assumptions_from_kwargs(kw);
             auto flush = [&] {
               if (!cur.empty()) out.append(nb::cast(wrap(p.pool, p.pool->symbol(cur, assumed))));
               cur.clear();
             };
             for (char c : names) {
               if (c == ' ' || c == ',' || c == '\t' || c == '\n') flush();
               else cur += c;
             }
             flush();
             // As SymPy's symbols: one name gives the symbol itself, 'x,' or 'x y' a tuple.
             if (nb::len(out) == 1 && !separated) return out[0];
             return nb::tuple(out);
           }, "names"_a, "assumptions"_a,
           "Symbols by name: pool.symbols('x y z') -> (x, y, z); pool.symbols('x') -> x; 'x,' -> (x,);\n"
           "keyword assumptions apply to each.")
      .def("constant", [](const PyPool& p, const std::string& name) {
             for (std::size_t c = 0; c < kConstantCount; ++c)
               if (constant_name(static_cast<Constant>(c)) == name) return wrap(p.pool, p.pool->constant(static_cast<Constant>(c)));
             throw nb::value_error(("unknown constant '" + name + "'; the constants are pi, E, EulerGamma, I, oo, -oo, zoo, nan").c_str());
           }, "name"_a,
           "The exact constant called `name`: pi, E, EulerGamma, I, oo, -oo, zoo (complex infinity), nan.\n\n"
           ">>> from alkahest import ExprPool, cos\n>>> pool = ExprPool()\n"
           ">>> cos(pool.constant(\"pi\") / 3), pool.constant(\"I\") ** 2\n(1/2, -1)\n")
      .def("integer", [](const PyPool& p, nb::handle n) {
             if (!(PyLong_Check(n.ptr()) || PyIndex_Check(n.ptr())) || PyFloat_Check(n.ptr()))
               throw nb::type_error(("integer() needs an int, not '" + py_type_name(n) + "'").c_str());
             return wrap(p.pool, p.pool->number(number_from_int(nb::steal(PyNumber_Index(n.ptr())))));
           }, "value"_a, "An exact integer of any size.")
      .def("rational", [](const PyPool& p, nb::handle num, nb::handle den) {
             for (nb::handle h : {num, den})
               if (!PyLong_Check(h.ptr()))
                 throw nb::type_error(("rational() needs two ints, got '" + py_type_name(h) + "'").c_str());
             return wrap(p.pool, p.pool->number(Number::rational(number_from_int(num).integer(),
                                                                 number_from_int(den).integer())));
           }, "numerator"_a, "denominator"_a, "The exact rational numerator/denominator.")
      .def("float", [](const PyPool& p, double v) { return wrap(p.pool, p.pool->number(Number(v))); },
           "value"_a, "An IEEE double constant.")
      .def_prop_ro("pi", [](const PyPool& p) { return wrap(p.pool, p.pool->constant(Constant::Pi)); }, "pi, the ratio of a circle's circumference to its diameter.")
      .def_prop_ro("E", [](const PyPool& p) { return wrap(p.pool, p.pool->constant(Constant::E)); }, "E = exp(1).")
      .def_prop_ro("EulerGamma", [](const PyPool& p) { return wrap(p.pool, p.pool->constant(Constant::EulerGamma)); }, "Euler's constant (0.5772...).")
      .def_prop_ro("I", [](const PyPool& p) { return wrap(p.pool, p.pool->constant(Constant::I)); }, "the imaginary unit, I**2 = -1.")
      .def_prop_ro("oo", [](const PyPool& p) { return wrap(p.pool, p.pool->constant(Constant::Infinity)); }, "positive infinity.")
      .def_prop_ro("zoo", [](const PyPool& p) { return wrap(p.pool, p.pool->constant(Constant::ComplexInfinity)); }, "complex infinity (1/0 in the extended complex plane).")
      .def_prop_ro("nan", [](const PyPool& p) { return wrap(p.pool, p.pool->constant(Constant::NaN)); }, "the undefined value (oo - oo); evaluates to an IEEE NaN.")
      .def("__len__", [](const PyPool& p) { return p.pool->size(); }, "Number of distinct nodes.")
      .def("__eq__", [](const PyPool& a, nb::handle b) {
             return nb::isinstance<PyPool>(b) && nb::cast<const PyPool&>(b).pool == a.pool;
           })
      .def("__hash__", [](const PyPool& p) { return static_cast<std::int64_t>(p.pool->serial()); })
      .def("__repr__", [](const PyPool& p) {
        return "<" + p.pool->label() + " with " + std::to_string(p.pool->size()) + " nodes>";
      });

  nb::class_<PyExpr> expr(m, "Expr", "An immutable expression in an ExprPool.");
  expr.def("__add__", binary<op_add, false>, nb::is_operator())
      .def("__radd__", binary<op_add, true>, nb::is_operator())
      .def("__sub__", binary<op_sub, false>, nb::is_operator())
      .def("__rsub__", binary<op_sub, true>, nb::is_operator())
      .def("__mul__", binary<op_mul, false>, nb::is_operator())
      .def("__rmul__", binary<op_mul, true>, nb::is_operator())
      .def("__truediv__", binary<op_div, false>, nb::is_operator())
      .def("__rtruediv__", binary<op_div, true>, nb::is_operator())
      .def("__pow__", binary<op_pow, false>, nb::is_operator())
      .def("__rpow__", binary<op_pow, true>, nb::is_operator())
      .def("__neg__", [](const PyExpr& a) { return wrap(a.pool, a.pool->neg(a.id)); })
      .def("__pos__", [](const PyExpr& a) { return a; })
      .def("__abs__", [](const PyExpr& a) { return wrap(a.pool, a.pool->func(Op::Abs, a.id)); })
      .def("__eq__", [](const PyExpr& a, nb::handle b) -> nb::object {
             const std::optional<bool> eq = structurally_equal(a, b);
             if (!eq) return nb::borrow(Py_NotImplemented);
             return nb::bool_(*eq);
           }, nb::is_operator())
      .def("__ne__", [](const PyExpr& a, nb::handle b) -> nb::object {
             const std::optional<bool> eq = structurally_equal(a, b);
             if (!eq) return nb::borrow(Py_NotImplemented);
             return nb::bool_(!*eq);
           }, nb::is_operator())
      .def("__hash__", [](const PyExpr& a) -> std::int64_t {
        // A number hashes as the Python number it equals (x - x == 0 holds, so both must hash
        // alike); NaN keeps the node's hash (Python's NaN hash is per object).
        const Node& n = a.node();
        if (n.kind == Kind::Number && !(n.number.is_float() && std::isnan(n.number.real())))
          return static_cast<std::int64_t>(nb::hash(number_to_python(n.number)));
        return static_cast<std::int64_t>(n.hash & 0x3fffffffffffffffULL);
      })
      .def("__str__", [](const PyExpr& a) { return to_string(*a.pool, a.id); })
      .def("__repr__", [](const PyExpr& a) { return to_string(*a.pool, a.id); })
      .def("_repr_latex_", [](const PyExpr& a) { return "$" + to_latex(*a.pool, a.id) + "$"; })
      .def("latex", [](const PyExpr& a) { return to_latex(*a.pool, a.id); }, "LaTeX text of the expression.")
      .def("__float__", [](const PyExpr& a) {
        if (a.node().kind == Kind::Constant) {
          const Constant c = a.node().constant;
          if (c == Constant::Infinity || c == Constant::NegativeInfinity)
            return c == Constant::Infinity ? HUGE_VAL : -HUGE_VAL;
          if (c == Constant::I || c == Constant::ComplexInfinity)
            throw nb::type_error(("cannot convert '" + to_string(*a.pool, a.id) + "' to float: it is not real").c_str());
          return constant_double(c, "float");
        }
        if (a.node().kind == Kind::Number) return a.node().number.to_double();
        if (!free_symbols(*a.pool, a.id).empty())
          throw nb::type_error(("cannot convert '" + to_string(*a.pool, a.id) +
                                "' to float: it has free symbols (use eval_expr for a value at a point)").c_str());
        return eval(*a.pool, a.id, {});  // a constant expression: float(sin(1))
      })
      .def("__int__", [](const PyExpr& a) {
        if (a.node().kind != Kind::Number || !a.node().number.is_integer())
          throw nb::type_error(("cannot convert '" + to_string(*a.pool, a.id) + "' to int: not an integer").c_str());
        return int_from_mpz(a.node().number.integer());
      })
      .def("node", &make_view, "Kind, children and payload of this node.")
      .def_prop_ro("is_zero", [](const PyExpr& a) { return tri_state(is_zero(a.node().facts)); }, "Whether the value is 0: True, False or None (unknown), from what the kernel knows structurally (see alkahest.is_zero for a proof or numeric check).")
      .def_prop_ro("is_nonzero", [](const PyExpr& a) { return tri_state(is_nonzero(a.node().facts)); }, "Real and not 0: True, False or None.")
      .def_prop_ro("is_positive", [](const PyExpr& a) { return tri_state(is_positive(a.node().facts)); }, "A finite real > 0: True, False or None.")
      .def_prop_ro("is_negative", [](const PyExpr& a) { return tri_state(is_negative(a.node().facts)); }, "A finite real < 0: True, False or None.")
      .def_prop_ro("is_nonnegative", [](const PyExpr& a) { return tri_state(is_nonnegative(a.node().facts)); }, "A finite real >= 0: True, False or None.")
      .def_prop_ro("is_nonpositive", [](const PyExpr& a) { return tri_state(is_nonpositive(a.node().facts)); }, "A finite real <= 0: True, False or None.")
      .def_prop_ro("is_real", [](const PyExpr& a) { return tri_state(is_real(a.node().facts)); }, "A finite real number: True, False or None.")
      .def_prop_ro("is_complex", [](const PyExpr& a) { return tri_state(is_complex(a.node().facts)); }, "A finite complex number: True, False or None.")
      .def_prop_ro("is_finite", [](const PyExpr& a) { return tri_state(is_finite(a.node().facts)); }, "Finite (not oo, -oo, zoo): True, False or None.")
      .def_prop_ro("is_infinite", [](const PyExpr& a) { return tri_state(is_infinite(a.node().facts)); }, "oo, -oo or complex infinity: True, False or None.")
      .def_prop_ro("is_integer", [](const PyExpr& a) { return tri_state(is_integer(a.node().facts)); }, "An integer: True, False or None.")
      .def_prop_ro("assumptions", [](const PyExpr& a) -> nb::object {
        if (a.node().kind != Kind::Symbol) return nb::none();
        return assumptions_dict(a.node().facts);
      }, "A symbol's assumptions as keywords ({} for the default: real); None for other expressions.")
      .def_prop_ro("pool", [](const PyExpr& a) { return PyPool{a.pool}; }, "The ExprPool this expression lives in.")
      .def_prop_ro("id", [](const PyExpr& a) { return a.id; }, "The node id inside its pool.")
      .def_prop_ro("free_symbols", [](const PyExpr& a) {
        nb::list out;
        for (ExprId s : free_symbols(*a.pool, a.id)) out.append(nb::cast(wrap(a.pool, s)));
        return nb::frozenset(out);
      }, "The symbols this expression depends on.")
      .def("diff", &py_diff_many, "Derivative: e.diff(x), e.diff(x, 2), e.diff(x, y) (orders and several variables).")
      .def("subs", &py_subs, "mapping"_a, "Replaces each key by its value ({symbol: Expr or number}).")
      .def("eval", &py_eval, "values"_a = nb::none(),
           "Value at a point: {symbol or name: float}; no argument for an expression without symbols.");

  nb::class_<PyCompiled>(m, "CompiledFn", "A compiled function of ordered variables (see compile_expr).")
      .def("__call__", &py_call_any,
           "f([x, y]) or f(x, y) with numbers: the value at one point; f(x_array, y_array): elementwise "
           "through numpy_eval (broadcasting, float32 kept).")
      .def_prop_ro("n_inputs", [](const PyCompiled& c) { return c.vars.size(); })
      .def_prop_ro("n_outputs", [](const PyCompiled& c) { return c.exprs.size(); })
      .def_prop_ro("matrix_shape", [](const PyCompiled& c) -> nb::object {
        if (c.matrix_shape.empty()) return nb::none();
        return nb::make_tuple(c.matrix_shape[0], c.matrix_shape[1]);
      }, "(rows, cols) when compiled from a Matrix (results have that trailing shape), else None.")
      .def_prop_ro("is_list", [](const PyCompiled& c) { return c.is_list; },
                   "Whether compile_expr got a list (results then have a trailing output axis).")
      .def_prop_ro("vars", [](const PyCompiled& c) {
        std::vector<PyExpr> v;
        for (ExprId id : c.vars) v.push_back(wrap(c.pool, id));
        return v;
      })
      .def_prop_ro("exprs", [](const PyCompiled& c) {
        std::vector<PyExpr> v;
        for (ExprId id : c.exprs) v.push_back(wrap(c.pool, id));
        return v;
      })
      .def_prop_ro("accuracy", [](const PyCompiled& c) {
        return c.interp->accuracy() == Accuracy::High ? "high" : "default";
      })
      .def_prop_ro("backend", [](const PyCompiled& c) { return c.backend; },
                   "The backend compile_expr was asked for: 'auto', 'interp' or 'llvm'.")
      .def_prop_ro("optimize", [](const PyCompiled& c) { return c.optimize; },
                   "The optimization compile_expr was asked for: 'off', 'exact' or 'fast'.")
      .def_prop_ro("optimize_report", [](const PyCompiled& c) -> nb::object {
        if (!c.optimize_report) return nb::none();
        const OptimizeReport& r = *c.optimize_report;
        nb::dict d;
        d["ops_before"] = r.ops_before;
        d["ops_after"] = r.ops_after;
        d["cost_before"] = r.cost_before;
        d["cost_after"] = r.cost_after;
        d["depth_before"] = r.depth_before;
        d["depth_after"] = r.depth_after;
        d["applied"] = r.applied;
        d["iterations"] = r.iterations;
        d["nodes"] = r.nodes;
        d["classes"] = r.classes;
        d["stop"] = r.stop;
        d["value_changing"] = r.value_changing;
        d["seconds"] = r.seconds;
        d["max_nodes"] = r.max_nodes;
        d["max_seconds"] = r.max_seconds;
        return d;
      }, "What the e-graph optimizer did (None with optimize off): operation counts, weighted costs "
         "and weighted critical paths (depth) before and after, whether the optimized Program was kept (applied), e-graph size, why the "
         "rewriting stopped, and value_changing: applications of rules that are not bit-identical "
         "(0 means every result is bit for bit the unoptimized one's).")
      .def_prop_ro("tier", [](const PyCompiled& c) { return c.jit ? "llvm" : "interp"; },
                   "The tier evaluating now: 'interp', or 'llvm' once compiled ('auto' switches once the "
                   "interpreter has spent about as long as the compile would take: after millions of "
                   "elements for short programs, ~150,000 for long ones, never past 50,000 instructions).")
      .def("llvm_ir", [](const PyCompiled& c, bool f32) {
        if (!jit_available()) throw AlkahestError("llvm_ir: " + jit_description());
        return JitFunction(c.interp->program(), c.interp->accuracy()).ir(f32);
      }, "float32"_a = false, "LLVM IR of the fused kernel (float64, or float32).")
      .def("program", [](const PyCompiled& c) { return c.interp->program().str(); },
           "Listing of the lowered SSA program.")
      .def("_program_data", [](const PyCompiled& c) {
        // The Program as plain data, for backends written in Python (the JAX lowering):
        // (n_inputs, constants, [(code, op name or "", dst, a, b, index, c, d)], outputs, float32 constants);
        // cmp: index is the comparison (0..5: lt le gt ge eq ne); select: c is the condition; func:
        // a, b, c, d are its arguments (as many as its arity).
        static const char* codes[] = {"input", "const", "add", "sub", "mul", "div", "neg", "sqrt", "pow", "func",
                                      "cmp", "select"};
        const Program& p = c.interp->program();
        nb::list code;
        for (const Instr& in : p.code)
          code.append(nb::make_tuple(codes[static_cast<int>(in.code)],
                                     in.code == PCode::Func ? std::string(op_info(in.op).name) : std::string(),
                                     in.dst, in.a, in.b, in.index, in.c, in.d));
        std::vector<double> f32(p.constants_f32.begin(), p.constants_f32.end());
        return nb::make_tuple(p.n_inputs, p.constants, code, p.outputs, f32);
      }, "The lowered Program as plain data: (n_inputs, constants, instructions, outputs, constants "
         "rounded to float32).")
      .def("_plan_summary", [](const PyCompiled& c) {
        const Interpreter::PlanSummary s = c.interp->plan_summary();
        nb::dict d;
        d["steps"] = s.steps;
        d["chain_steps"] = s.chain_steps;
        d["links"] = s.links;
        d["registers"] = s.registers;
        d["reads"] = s.reads;
        d["ops"] = s.ops;
        d["swapped"] = s.swapped;
        return d;
      }, "The interpreter's plan: steps per block, chain steps, links of all chains, registers, register "
         "operands read, operations, links and pairs computing t op acc (Interpreter::plan_summary).")
      .def("_run", &py_run, "arrays"_a, "shape"_a, "out"_a, "threads"_a)
      .def("_nsolve_batch", &py_nsolve_batch, "jac"_a, "x0"_a, "params"_a, "tol"_a, "maxiter"_a,
           "nsolve's batched damped Newton with this residual and the Jacobian `jac`: (x, residual, iterations).")
      .def("_eval_contig", &py_eval_contig, "arrays"_a, "threads"_a,
           "numpy_eval's fast path: C-contiguous float64 (or all float32) NumPy arrays and Python floats that "
           "broadcast -> a new result, else None.")
      .def("__repr__", [](const PyCompiled& c) {
        return "<CompiledFn of " + std::to_string(c.vars.size()) + " inputs, " + std::to_string(c.exprs.size()) +
               " outputs, backend=" + c.backend + ", " + (c.jit ? "llvm" : "interp") + "/" + Interpreter::isa() + ">";
      });
  // Pickling (alkahest/_pickle.py): chunks of the DAG, each distinct node once.
  nb::class_<PyDagWriter>(m, "_DagWriter", "Writes the DAG of expressions of one pool in chunks (for pickle).")
      .def("__init__", [](PyDagWriter* w, const PyPool& p) {
        new (w) PyDagWriter{p.pool, std::make_shared<DagWriter>(*p.pool)};
      }, "pool"_a)
      .def("write", [](const PyDagWriter& w, nb::handle roots) {
        std::vector<ExprId> ids;
        for (nb::handle h : roots) {
          PyExpr e = expect_expr(h, "_DagWriter.write: each root");
          check_same_pool(*w.pool, *e.pool);
          ids.push_back(e.id);
        }
        const std::string out = w.writer->write(ids);
        return nb::bytes(out.data(), out.size());
      }, "roots"_a, "A chunk with the nodes of `roots` not written before, and the roots.")
      .def_prop_ro("count", [](const PyDagWriter& w) { return w.writer->count(); }, "Nodes written so far.")
      .def("prefix", [](const PyDagWriter& w, std::size_t n) {
        return PyDagWriter{w.pool, std::make_shared<DagWriter>(w.writer->prefix(n))};
      }, "n"_a, "A writer that has written only the first n nodes of this one.");
  nb::class_<PyDagReader>(m, "_DagReader", "Reads chunks written by _DagWriter into a pool (for pickle).")
      .def("__init__", [](PyDagReader* r, const PyPool& p) {
        new (r) PyDagReader{p.pool, std::make_shared<DagReader>(*p.pool)};
      }, "pool"_a)
      .def("read", [](const PyDagReader& r, nb::bytes data) {
        const std::vector<ExprId> ids = r.reader->read(std::string_view(data.c_str(), data.size()));
        std::vector<PyExpr> out;
        out.reserve(ids.size());
        for (ExprId id : ids) out.push_back(wrap(r.pool, id));
        return out;
      }, "data"_a, "The roots of a chunk, after building its nodes; ValueError on bad data.")
      .def_prop_ro("count", [](const PyDagReader& r) { return r.reader->count(); }, "Nodes read so far.")
      .def_prop_ro("pool", [](const PyDagReader& r) { return PyPool{r.pool}; }, "The pool read into.")
      .def("prefix", [](const PyDagReader& r, std::size_t n) {
        return PyDagReader{r.pool, std::make_shared<DagReader>(r.reader->prefix(n))};
      }, "n"_a, "A reader that has read only the first n nodes of this one.");
  m.def("_compile", &py_compile, "exprs"_a, "vars"_a, "is_list"_a, "accuracy"_a, "backend"_a,
        "shape"_a = nb::none(), "optimize"_a = "off");
  m.def("_jit_available", &jit_available);
  m.def("_jit_description", &jit_description);
  m.def("_jit_stats", [] {
    const JitStats s = jit_available() ? jit_stats() : JitStats{};
    return nb::make_tuple(s.compiled, s.cache_hits);
  }, "(kernels compiled, cache hits) of the LLVM tier in this process.");
  m.def("_isa", &Interpreter::isa);

  m.def("diff", &py_diff_many,
        "Derivative of `expr`: diff(e, x), diff(e, x, 2) (second derivative), diff(e, x, y) (mixed).\n\n"
        ">>> from alkahest import ExprPool, diff, sin\n>>> x, y = ExprPool().symbols(\"x y\")\n"
        ">>> diff(sin(x)**2 + x, x)\n2*cos(x)*sin(x) + 1\n>>> diff(x**3 * y, x, 2, y)\n6*x\n");
  m.def("grad", &py_grad, "expr"_a, "vars"_a,
        "[diff(expr, v) for v in vars].\n\n>>> from alkahest import ExprPool, grad\n"
        ">>> x, y = ExprPool().symbols(\"x y\")\n>>> grad(x**2 * y, [x, y])\n[2*x*y, x**2]\n");
  m.def("subs", &py_subs, "expr"_a, "mapping"_a,
        "Substitutes {symbol: Expr or number} and re-canonicalises.\n\n"
        ">>> from alkahest import ExprPool, subs, sin\n>>> x, y = ExprPool().symbols(\"x y\")\n"
        ">>> subs(sin(x) + x*y, {x: 2*y})\n2*y**2 + sin(2*y)\n");
  m.def("eval_expr", &py_eval, "expr"_a, "values"_a = nb::none(),
        "Value of `expr` at one point: {symbol or name: float}. Symbols it does not use may be given; a name "
        "(str) must be one of its symbols' names. No values are needed for a constant expression.\n\n"
        ">>> from alkahest import ExprPool, eval_expr\n>>> x, y = ExprPool().symbols(\"x y\")\n"
        ">>> eval_expr(x * y + 1, {x: 2.0, \"y\": 3.0})\n7.0\n");
  m.def("_evalf", [](const PyExpr& e, long digits) {
    Evalf r;
    {
      nb::gil_scoped_release release;  // a thousand digits of a big expression take a while
      r = evalf(*e.pool, e.id, digits);
    }
    return nb::make_tuple(r.text, r.re_mid, r.im_mid, r.re_radius, r.im_radius, r.real, r.accurate, r.re_double,
                          r.im_double);
  }, "expr"_a, "digits"_a,
     "Arb evaluation behind alkahest.N: (text, re, im, re_err, im_err, real, accurate, re_double, im_double).");
  m.def("is_zero", [](const PyExpr& e) {
    std::optional<bool> r;
    {
      nb::gil_scoped_release release;
      r = is_zero(*e.pool, e.id);
    }
    return tri_state(r);
  }, "expr"_a,
        "Whether `expr` is zero, never wrong: True only when proved (the canonical form, what is known of\n"
        "its parts, or, for constants, Calcium's exact arithmetic), False when a certified Arb enclosure\n"
        "excludes 0 (or Calcium proves it), else None.\n\n"
        ">>> from alkahest import ExprPool, is_zero, sqrt, sin, cos\n>>> pool = ExprPool()\n"
        ">>> x = pool.symbol(\"x\")\n"
        ">>> is_zero(sqrt(pool.integer(2))**2 - 2), is_zero(pool.pi - pool.rational(355, 113)), is_zero(sin(x)**2 + cos(x)**2 - 1)\n"
        "(True, False, None)\n"
        ">>> is_zero(sqrt(pool.integer(2)) * sqrt(pool.integer(3)) - sqrt(pool.integer(6)))\n"
        "True\n");
  m.def("parse", &py_parse, "source"_a, "pool"_a, "symbols"_a = nb::none(),
        "Reads an expression ('sin(x)**2 + x', '^' also means power); raises ParseError with the span.\n\n"
        ">>> from alkahest import ExprPool, parse\n>>> pool = ExprPool()\n"
        ">>> parse(\"sin(x)^2 + 1/3\", pool)\nsin(x)**2 + 1/3\n");
  m.def("Add", [](nb::args args) {
    if (args.size() == 0) throw nb::type_error("Add() needs at least one term");
    auto es = function_args("Add", args);
    std::vector<ExprId> ids;
    ids.reserve(es.size());
    for (auto& e : es) ids.push_back(e.id);
    return wrap(es[0].pool, es[0].pool->add(ids));
  }, "The sum of all terms, built in one step: Add(*terms) costs O(n log n) for n terms, where\n"
     "adding them one at a time (s = s + t, or sum()) builds n intermediate sums.\n\n"
     ">>> from alkahest import Add, ExprPool\n>>> x, y = ExprPool().symbols(\"x y\")\n"
     ">>> Add(y, x, 2, x)\n2*x + y + 2\n");
  m.def("Mul", [](nb::args args) {
    if (args.size() == 0) throw nb::type_error("Mul() needs at least one factor");
    auto es = function_args("Mul", args);
    std::vector<ExprId> ids;
    ids.reserve(es.size());
    for (auto& e : es) ids.push_back(e.id);
    return wrap(es[0].pool, es[0].pool->mul(ids));
  }, "The product of all factors, built in one step (see Add).\n\n"
     ">>> from alkahest import ExprPool, Mul\n>>> x, y = ExprPool().symbols(\"x y\")\n"
     ">>> Mul(y, x, 3, x)\n3*x**2*y\n");
  m.def("_compare_count", &ExprPool::compare_count,
        "Canonical-order comparisons made by this thread so far (a measure of work, for tests).");
  m.def("sqrt", [](nb::args args) {
    if (args.size() != 1) throw nb::type_error("sqrt() takes 1 argument");
    auto es = function_args("sqrt", args);
    return wrap(es[0].pool, es[0].pool->sqrt(es[0].id));
  }, "Square root, x**(1/2).\n\n>>> from alkahest import ExprPool, sqrt\n"
     ">>> x = ExprPool().symbol(\"x\")\n>>> sqrt(x**2 + 1)\nsqrt(x**2 + 1)\n");
  for (std::size_t i = 0; i < kOpCount; ++i) {
    const Op op = static_cast<Op>(i);
    const std::string_view name = op_info(op).name;
    if (find_op(name)->op != op) continue;  // a second row of the name (another arity): bound below
    std::string doc = op_docstring(op);
    bool shared = false;  // rows sharing the name (elliptic_e(m), elliptic_e(phi, m)): chosen by arity
    for (std::size_t j = i + 1; j < kOpCount; ++j)
      if (op_info(static_cast<Op>(j)).name == name) {
        doc += "\n" + op_docstring(static_cast<Op>(j));
        shared = true;
      }
    if (shared)
      m.def(std::string(name).c_str(), [op, name](nb::args args) {
        const OpInfo* row = find_op(name, args.size());
        return call_op(row != nullptr ? row->op : op, args);
      }, doc.c_str());
    else
      m.def(std::string(name).c_str(), [op](nb::args args) { return call_op(op, args); }, doc.c_str());
  }
  alkahest::py::bind_emit_c(m);
  alkahest::py::bind_stablehlo(m);
  alkahest::py::bind_cuda(m);
  alkahest::py::bind_poly(m);
  alkahest::py::bind_matrix(m);
  alkahest::py::bind_simplify(m);
  alkahest::py::bind_solve(m);
  alkahest::py::bind_integrate(m);
  alkahest::py::bind_series(m);
  alkahest::py::bind_optable(m);
  alkahest::py::bind_sum(m);
  alkahest::py::bind_objects(m);
}
