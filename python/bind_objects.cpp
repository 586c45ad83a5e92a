// Bindings of the unevaluated objects (include/alkahest/objects.hpp): one generic constructor in
// the layout of objects.hpp, the accessors, doit. The user-facing names (Function, Derivative,
// Integral, Eq, Piecewise, ...) are Python (python/alkahest/_objects.py) over these primitives.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "alkahest/calculus.hpp"
#include "alkahest/objects.hpp"
#include "bindings.hpp"

namespace alkahest::py {

namespace {

using namespace nb::literals;

std::optional<Head> head_from_name(const std::string& name) {
  if (name == "Function") return Head::Function;
  return find_head(name);
}

}  // namespace

void bind_objects(nb::module_& m) {
  m.def(
      "_object",
      [](const std::string& head, nb::handle args, const std::string& name, nb::handle pool_hint) -> nb::object {
        const auto h = head_from_name(head);
        if (!h) throw nb::value_error(("unknown object head '" + head + "'").c_str());
        std::shared_ptr<ExprPool> pool;
        if (!pool_hint.is_none()) pool = expr_ref(pool_hint, head.c_str()).pool;
        for (nb::handle a : args)
          if (is_expr(a)) {
            pool = expr_ref(a, head.c_str()).pool;
            break;
          }
        if (!pool)
          throw nb::type_error((head + ": at least one argument must be an alkahest Expr (to know its ExprPool)").c_str());
        std::vector<ExprId> ids;
        std::size_t i = 0;
        for (nb::handle a : args) {
          auto r = coerce_ref(pool, a);  // PoolMismatchError for an Expr of another pool
          if (!r)
            throw nb::type_error((head + ": argument " + std::to_string(i) + " must be an Expr or a number, not '" +
                                  python_type_name(a) + "'").c_str());
          ids.push_back(r->id);
          ++i;
        }
        ExprId id;
        {
          ReleasedGil release;
          id = make_object(*pool, *h, ids, name);
        }
        return expr_object(pool, id);
      },
      "head"_a, "args"_a, "name"_a = "", "pool_hint"_a = nb::none(),
      "The object `head` with arguments in the layout of objects.hpp (internal; use Derivative, Integral, ...).");
  m.def(
      "_head",
      [](nb::handle e) -> nb::object {
        const ExprRef r = expr_ref(e, "_head");
        const Node& n = r.pool->node(r.id);
        if (n.kind != Kind::Object) return nb::none();
        return nb::str(std::string(head_name(n.head)).c_str());
      },
      "The head name of an unevaluated object ('Integral', 'Eq', 'Function', ...), else None.");
  m.def(
      "_object_name",
      [](nb::handle e) -> std::string {
        const ExprRef r = expr_ref(e, "_object_name");
        const Node& n = r.pool->node(r.id);
        return n.kind == Kind::Object ? n.name : std::string();
      },
      "An object's name: an undefined function's name, Limit's direction; '' otherwise.");
  m.def(
      "_doit",
      [](nb::handle e) {
        const ExprRef r = expr_ref(e, "doit");
        ExprId id;
        {
          ReleasedGil release;
          id = doit(*r.pool, r.id);
        }
        return expr_object(r.pool, id);
      },
      "Evaluates the unevaluated objects of an expression (see Expr.doit).");
  m.def(
      "_rebuild",
      [](nb::handle e, nb::handle new_args) {
        const ExprRef r = expr_ref(e, "_rebuild");
        const Node& n = r.pool->node(r.id);
        std::vector<ExprId> ids;
        for (nb::handle a : new_args) {
          auto c = coerce_ref(r.pool, a);
          if (!c) throw nb::type_error(("_rebuild: arguments must be Exprs or numbers, not '" + python_type_name(a) + "'").c_str());
          ids.push_back(c->id);
        }
        if (ids.size() != n.args.size())
          throw nb::value_error(("_rebuild: the node has " + std::to_string(n.args.size()) + " arguments, got " +
                                 std::to_string(ids.size())).c_str());
        ExprPool& pool = *r.pool;
        ExprId id = r.id;
        switch (n.kind) {
          case Kind::Add: id = pool.add(ids); break;
          case Kind::Mul: id = pool.mul(ids); break;
          case Kind::Pow: id = pool.pow(ids[0], ids[1]); break;
          case Kind::Func: id = pool.func(n.op, ids); break;
          case Kind::Object: id = make_object(pool, n.head, ids, std::string(n.name)); break;
          default: break;
        }
        return expr_object(r.pool, id);
      },
      "The node of `e`'s kind (and op or head) with new arguments, canonicalised (internal).");
  m.def(
      "_has_doit",
      [](const std::string& head) {
        const auto h = head_from_name(head);
        if (!h) throw nb::value_error(("unknown object head '" + head + "'").c_str());
        return has_doit(*h);
      },
      "Whether an algorithm is registered for doit() of the head.");
}

}  // namespace alkahest::py
