// Bindings of the matrix layer (include/alkahest/matrix.hpp): the Matrix class and jacobian /
// hessian. Indexing, slicing, applyfunc, subs, diff, pickling and the SymPy bridge are Python
// (python/alkahest/_matrix.py) over the primitives here.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "alkahest/matrix.hpp"
#include "bindings.hpp"

namespace alkahest::py {

namespace {

using namespace nb::literals;

struct PyMatrix {
  std::shared_ptr<ExprPool> pool;
  Matrix m;
};

std::shared_ptr<ExprPool> pool_of(nb::handle pool, const char* who) {
  static nb::object pool_type = nb::module_::import_("alkahest._core").attr("ExprPool");
  if (!nb::isinstance(pool, pool_type))
    throw nb::type_error((std::string(who) + ": pool must be an ExprPool, not '" + python_type_name(pool) + "'").c_str());
  return expr_ref(pool.attr("integer")(0), who).pool;
}

nb::object pool_object(const std::shared_ptr<ExprPool>& pool) { return expr_object(pool, pool->integer(0)).attr("pool"); }

std::size_t size_arg(nb::handle h, const char* who, const char* what) {
  if (!PyLong_Check(h.ptr()) || PyBool_Check(h.ptr()))
    throw nb::type_error((std::string(who) + ": " + what + " must be an int, not '" + python_type_name(h) + "'").c_str());
  long long v = PyLong_AsLongLong(h.ptr());
  if (v == -1 && PyErr_Occurred()) {
    PyErr_Clear();
    throw nb::value_error((std::string(who) + ": " + what + " is too large").c_str());
  }
  if (v < 0) throw nb::value_error((std::string(who) + ": " + what + " must be >= 0, got " + std::to_string(v)).c_str());
  if (v > (1LL << 24)) throw nb::value_error((std::string(who) + ": " + what + " is too large").c_str());
  return static_cast<std::size_t>(v);
}

// One entry of a Matrix built from Python: an Expr of `pool` or a number.
ExprId entry_of(const std::shared_ptr<ExprPool>& pool, nb::handle h, const char* who) {
  if (is_expr(h)) {
    ExprRef r = expr_ref(h, who);
    check_same_pool(*pool, *r.pool);
    return r.id;
  }
  auto e = coerce_ref(pool, h);
  if (!e)
    throw nb::type_error((std::string(who) + ": each entry must be an alkahest Expr or a number, not '" +
                          python_type_name(h) + "'").c_str());
  return e->id;
}

PyMatrix from_rows(nb::handle rows, nb::handle pool_arg) {
  const char* who = "Matrix";
  if (is_expr(rows) || PyUnicode_Check(rows.ptr()) || !PySequence_Check(rows.ptr()))
    throw nb::type_error(("Matrix: give a list of rows (lists of Exprs or numbers), not '" + python_type_name(rows) + "'").c_str());
  std::vector<nb::object> row_list;
  for (nb::handle r : nb::iter(rows)) row_list.push_back(nb::borrow(r));
  std::shared_ptr<ExprPool> pool;
  if (!pool_arg.is_none()) pool = pool_of(pool_arg, who);
  std::size_t cols = 0;
  std::vector<std::vector<nb::object>> cells;
  for (std::size_t i = 0; i < row_list.size(); ++i) {
    nb::handle r = row_list[i];
    if (is_expr(r) || PyUnicode_Check(r.ptr()) || !PySequence_Check(r.ptr()))
      throw nb::type_error(("Matrix: row " + std::to_string(i) + " is a '" + python_type_name(r) +
                            "', not a list (give a list of rows, e.g. [[1, x], [y, 2]])").c_str());
    std::vector<nb::object> row;
    for (nb::handle c : nb::iter(r)) {
      if (!pool && is_expr(c)) pool = expr_ref(c, who).pool;
      row.push_back(nb::borrow(c));
    }
    if (i == 0) cols = row.size();
    else if (row.size() != cols)
      throw nb::value_error(("Matrix: row " + std::to_string(i) + " has " + std::to_string(row.size()) +
                             " entries, row 0 has " + std::to_string(cols)).c_str());
    cells.push_back(std::move(row));
  }
  if (!pool)
    throw nb::type_error("Matrix: no entry is an Expr, so there is no pool to put the numbers in: pass pool=");
  std::vector<ExprId> entries;
  for (auto& row : cells)
    for (auto& c : row) entries.push_back(entry_of(pool, c, who));
  return PyMatrix{pool, Matrix(*pool, cells.size(), cols, std::move(entries))};
}

PyMatrix same(const PyMatrix& a, Matrix m) { return PyMatrix{a.pool, std::move(m)}; }

nb::object as_expr(const PyMatrix& a, ExprId id) { return expr_object(a.pool, id); }

// A scalar operand (Expr of the pool or number); nullopt when `h` is not one.
std::optional<ExprId> scalar_of(const PyMatrix& a, nb::handle h) {
  if (nb::isinstance<PyMatrix>(h)) return std::nullopt;
  if (is_expr(h)) {
    ExprRef r = expr_ref(h, "Matrix");
    check_same_pool(*a.pool, *r.pool);
    return r.id;
  }
  auto e = coerce_ref(a.pool, h);
  if (!e) return std::nullopt;
  return e->id;
}

std::vector<ExprId> expr_list(const std::shared_ptr<ExprPool>& pool, nb::handle seq, const char* who) {
  std::vector<ExprId> out;
  if (is_expr(seq)) return {entry_of(pool, seq, who)};
  if (nb::isinstance<PyMatrix>(seq)) return nb::cast<const PyMatrix&>(seq).m.entries();
  for (nb::handle h : nb::iter(seq)) out.push_back(entry_of(pool, h, who));
  return out;
}

std::shared_ptr<ExprPool> first_pool(nb::handle a, nb::handle b, const char* who) {
  for (nb::handle seq : {a, b}) {
    if (is_expr(seq)) return expr_ref(seq, who).pool;
    if (nb::isinstance<PyMatrix>(seq)) return nb::cast<const PyMatrix&>(seq).pool;
    if (PySequence_Check(seq.ptr()))
      for (nb::handle h : nb::iter(seq))
        if (is_expr(h)) return expr_ref(h, who).pool;
  }
  throw nb::type_error((std::string(who) + ": needs alkahest Exprs").c_str());
}

}  // namespace

void bind_matrix(nb::module_& m) {
  nb::class_<PyMatrix>(
      m, "Matrix",
      "An immutable matrix of expressions of one pool (row-major). Built from a list of rows of Exprs\n"
      "or numbers (pass pool= when every entry is a number). Exact numeric matrices use FLINT's\n"
      "fmpq_mat; symbolic ones fraction-free elimination with pivots proved nonzero.\n\n"
      ">>> from alkahest import ExprPool, Matrix\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> M = Matrix([[x, 1], [2, y]])\n>>> M.shape, M[0, 0], M.det()\n((2, 2), x, x*y - 2)\n"
      ">>> (M.inv() * M).cancel() == Matrix.eye(2, x.pool)\nTrue\n")
      .def("__init__", [](PyMatrix* self, nb::handle rows, nb::handle pool) { new (self) PyMatrix(from_rows(rows, pool)); },
           "rows"_a, "pool"_a = nb::none())
      .def_static("zeros", [](nb::handle rows, nb::handle cols, nb::handle pool) {
        auto p = pool_of(pool, "Matrix.zeros");
        return PyMatrix{p, Matrix::zeros(*p, size_arg(rows, "Matrix.zeros", "rows"), size_arg(cols, "Matrix.zeros", "cols"))};
      }, "rows"_a, "cols"_a, "pool"_a, "The rows x cols zero matrix of pool.")
      .def_static("eye", [](nb::handle n, nb::handle pool) {
        auto p = pool_of(pool, "Matrix.eye");
        return PyMatrix{p, Matrix::eye(*p, size_arg(n, "Matrix.eye", "n"))};
      }, "n"_a, "pool"_a, "The n x n identity matrix of pool.")
      .def_static("diag", [](nb::handle entries, nb::handle pool) {
        std::shared_ptr<ExprPool> p;
        if (!pool.is_none()) p = pool_of(pool, "Matrix.diag");
        else p = first_pool(entries, nb::none(), "Matrix.diag (pass pool= when every entry is a number)");
        auto d = expr_list(p, entries, "Matrix.diag");
        return PyMatrix{p, Matrix::diag(*p, d)};
      }, "entries"_a, "pool"_a = nb::none(), "The square matrix with `entries` on its diagonal.")
      .def_prop_ro("shape", [](const PyMatrix& a) { return nb::make_tuple(a.m.rows(), a.m.cols()); }, "(rows, cols).")
      .def_prop_ro("rows", [](const PyMatrix& a) { return a.m.rows(); }, "Number of rows.")
      .def_prop_ro("cols", [](const PyMatrix& a) { return a.m.cols(); }, "Number of columns.")
      .def_prop_ro("pool", [](const PyMatrix& a) { return pool_object(a.pool); }, "The ExprPool of the entries.")
      .def("entries", [](const PyMatrix& a) {
        nb::list l;
        for (ExprId e : a.m.entries()) l.append(as_expr(a, e));
        return l;
      }, "The entries in row-major order.")
      .def("tolist", [](const PyMatrix& a) {
        nb::list rows;
        for (std::size_t i = 0; i < a.m.rows(); ++i) {
          nb::list r;
          for (std::size_t j = 0; j < a.m.cols(); ++j) r.append(as_expr(a, a.m(i, j)));
          rows.append(r);
        }
        return rows;
      }, "The rows as lists of Exprs.")
      .def("_submatrix", [](const PyMatrix& a, std::vector<std::size_t> rows, std::vector<std::size_t> cols) {
        return same(a, a.m.submatrix(rows, cols));
      })
      .def("_entry", [](const PyMatrix& a, std::size_t i, std::size_t j) {
        if (i >= a.m.rows() || j >= a.m.cols()) throw nb::index_error("Matrix index out of range");
        return as_expr(a, a.m(i, j));
      })
      .def("__add__", [](const PyMatrix& a, nb::handle b) -> nb::object {
        if (!nb::isinstance<PyMatrix>(b)) return nb::borrow(Py_NotImplemented);
        return nb::cast(same(a, add(a.m, nb::cast<const PyMatrix&>(b).m)));
      }, nb::is_operator())
      .def("__sub__", [](const PyMatrix& a, nb::handle b) -> nb::object {
        if (!nb::isinstance<PyMatrix>(b)) return nb::borrow(Py_NotImplemented);
        return nb::cast(same(a, sub(a.m, nb::cast<const PyMatrix&>(b).m)));
      }, nb::is_operator())
      .def("__mul__", [](const PyMatrix& a, nb::handle b) -> nb::object {
        if (nb::isinstance<PyMatrix>(b)) return nb::cast(same(a, matmul(a.m, nb::cast<const PyMatrix&>(b).m)));
        auto s = scalar_of(a, b);
        if (!s) return nb::borrow(Py_NotImplemented);
        return nb::cast(same(a, scale(*s, a.m)));
      }, nb::is_operator())
      .def("__rmul__", [](const PyMatrix& a, nb::handle b) -> nb::object {
        auto s = scalar_of(a, b);
        if (!s) return nb::borrow(Py_NotImplemented);
        return nb::cast(same(a, scale(*s, a.m)));
      }, nb::is_operator())
      .def("__matmul__", [](const PyMatrix& a, nb::handle b) -> nb::object {
        if (!nb::isinstance<PyMatrix>(b)) return nb::borrow(Py_NotImplemented);
        return nb::cast(same(a, matmul(a.m, nb::cast<const PyMatrix&>(b).m)));
      }, nb::is_operator())
      .def("__truediv__", [](const PyMatrix& a, nb::handle b) -> nb::object {
        auto s = scalar_of(a, b);
        if (!s) return nb::borrow(Py_NotImplemented);
        const ExprId r = a.pool->div(a.pool->integer(1), *s);
        return nb::cast(same(a, scale(r, a.m)));
      }, nb::is_operator())
      .def("__neg__", [](const PyMatrix& a) { return same(a, neg(a.m)); })
      .def("__pos__", [](const PyMatrix& a) { return a; })
      .def("__pow__", [](const PyMatrix& a, nb::handle n) -> nb::object {
        if (!PyLong_Check(n.ptr()) || PyBool_Check(n.ptr())) return nb::borrow(Py_NotImplemented);
        long long v = PyLong_AsLongLong(n.ptr());
        if ((v == -1 && PyErr_Occurred()) || v > (1LL << 40) || v < -(1LL << 40)) {
          PyErr_Clear();
          throw nb::value_error("Matrix ** n: the exponent is too large");
        }
        return nb::cast(same(a, pow(a.m, static_cast<long>(v))));
      }, nb::is_operator())
      .def_prop_ro("T", [](const PyMatrix& a) { return same(a, transpose(a.m)); }, "The transpose.")
      .def("transpose", [](const PyMatrix& a) { return same(a, transpose(a.m)); }, "The transpose.")
      .def("trace", [](const PyMatrix& a) { return as_expr(a, trace(a.m)); }, "Sum of the diagonal.")
      .def("det", [](const PyMatrix& a) { return as_expr(a, det(a.m)); },
           "The determinant (FLINT for exact numbers; Bareiss, else Berkowitz, for symbols).")
      .def("inv", [](const PyMatrix& a) { return same(a, inv(a.m)); },
           "The inverse; ValueError when the matrix is singular or not square.")
      .def("adjugate", [](const PyMatrix& a) { return same(a, adjugate(a.m)); }, "The adjugate: adj(A)*A = det(A)*I.")
      .def("rref", [](const PyMatrix& a) {
        RrefResult r = rref(a.m);
        nb::list piv;
        for (std::size_t c : r.pivots) piv.append(c);
        return nb::make_tuple(same(a, std::move(r.matrix)), nb::tuple(piv));
      }, "(reduced row echelon form, pivot columns).")
      .def("rank", [](const PyMatrix& a) { return rank(a.m); }, "The rank.")
      .def("nullspace", [](const PyMatrix& a) {
        nb::list out;
        for (auto& v : nullspace(a.m)) out.append(same(a, std::move(v)));
        return out;
      }, "A basis of the null space: column vectors v with A*v = 0.")
      .def("solve", [](const PyMatrix& a, const PyMatrix& b) { return same(a, solve(a.m, b.m)); }, "b"_a,
           "x with A*x = b (A square and nonsingular; b a matrix of as many rows).")
      .def("LUsolve", [](const PyMatrix& a, const PyMatrix& b) { return same(a, solve(a.m, b.m)); }, "b"_a,
           "Same as solve (SymPy's name).")
      .def("_charpoly", [](const PyMatrix& a, nb::handle x) {
        ExprRef r = expr_ref(x, "charpoly: the variable");
        check_same_pool(*a.pool, *r.pool);
        return as_expr(a, charpoly(a.m, r.id));
      })
      .def("expand", [](const PyMatrix& a) { return same(a, expand(a.m)); }, "Every entry expanded.")
      .def("cancel", [](const PyMatrix& a) { return same(a, cancel(a.m)); }, "Every entry in lowest terms.")
      .def("__eq__", [](const PyMatrix& a, nb::handle b) -> nb::object {
        if (!nb::isinstance<PyMatrix>(b)) return nb::borrow(Py_NotImplemented);
        return nb::bool_(a.m == nb::cast<const PyMatrix&>(b).m);
      }, nb::is_operator())
      .def("__ne__", [](const PyMatrix& a, nb::handle b) -> nb::object {
        if (!nb::isinstance<PyMatrix>(b)) return nb::borrow(Py_NotImplemented);
        return nb::bool_(!(a.m == nb::cast<const PyMatrix&>(b).m));
      }, nb::is_operator())
      .def("__hash__", [](const PyMatrix& a) { return static_cast<std::int64_t>(a.m.hash() & 0x3fffffffffffffffULL); })
      .def("__str__", [](const PyMatrix& a) { return to_string(a.m); })
      .def("__repr__", [](const PyMatrix& a) { return to_string(a.m); })
      .def("latex", [](const PyMatrix& a) { return to_latex(a.m); }, "LaTeX text of the matrix.")
      .def("_repr_latex_", [](const PyMatrix& a) { return "$" + to_latex(a.m) + "$"; });

  m.def(
      "jacobian",
      [](nb::handle exprs, nb::handle vars) {
        auto pool = first_pool(exprs, vars, "jacobian");
        auto es = expr_list(pool, exprs, "jacobian: each expression");
        auto vs = expr_list(pool, vars, "jacobian: each variable");
        return PyMatrix{pool, jacobian(*pool, es, vs)};
      },
      "exprs"_a, "vars"_a,
      "The Matrix d exprs[i] / d vars[j] (vars are symbols; shared subexpressions stay shared).\n\n"
      ">>> from alkahest import ExprPool, jacobian, sin\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> jacobian([x*y, sin(x)], [x, y])\nMatrix([[y, x], [cos(x), 0]])\n");
  m.def(
      "hessian",
      [](nb::handle expr, nb::handle vars) {
        auto pool = first_pool(expr, vars, "hessian");
        const ExprId e = entry_of(pool, expr, "hessian: the expression");
        auto vs = expr_list(pool, vars, "hessian: each variable");
        return PyMatrix{pool, hessian(*pool, e, vs)};
      },
      "expr"_a, "vars"_a,
      "The Matrix d^2 expr / d vars[i] d vars[j].\n\n"
      ">>> from alkahest import ExprPool, hessian\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> hessian(x**2*y, [x, y])\nMatrix([[2*y, 2*x], [2*x, 0]])\n");
}

}  // namespace alkahest::py
