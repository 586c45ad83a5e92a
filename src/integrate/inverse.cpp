// Substitution through an inverse function: an integrand holding g = asin(L), acos(L), atan(L),
// asinh(L) or acosh(L) (L = a*x + b) is rewritten with g = u, x = (h(u) - b)/a (h the function g
// inverts), dx = h'(u)/a du. On the range of g the radicals of L turn into functions of u:
// 1 - L**2 = cos(u)**2 with cos(u) >= 0 (asin), 1 + L**2 = cos(u)**-2 with cos(u) > 0 (atan),
// 1 + L**2 = cosh(u)**2 (asinh), L**2 - 1 = sinh(u)**2 with sinh(u) >= 0 (acosh), so
// (c*(1 - L**2))**p is c**p*cos(u)**(2p) there. After integrating in u, multiple angles are
// expanded and sin(u), cos(u), ... written back in L (sin(asin(L)) = L, cos(asin(L)) =
// sqrt(1 - L**2), ...). x**3*exp(asin(x))/sqrt(1 - x**2) becomes sin(u)**3*exp(u).
#include "alkahest/calculus.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/simplify.hpp"
#include "alkahest/walk.hpp"
#include "integrate/integrator.hpp"

namespace alkahest::integrate_detail {

Opt Integrator::inverse_substitution(ExprId f, ExprId x) {
  std::vector<ExprId> atoms;
  any_node(pool, f, [&](ExprId id, const Node& n) {
    if (n.kind == Kind::Func && (n.op == Op::Asin || n.op == Op::Acos || n.op == Op::Atan || n.op == Op::Asinh ||
                                 n.op == Op::Acosh) &&
        linear(n.args[0], x) && std::find(atoms.begin(), atoms.end(), id) == atoms.end())
      atoms.push_back(id);
    return false;
  });
  const ExprId one = pool.integer(1);
  for (ExprId g : atoms) {
    if (out_of_budget()) return std::nullopt;
    const Op op = pool.node(g).op;
    const ExprId L = pool.node(g).args[0];
    const auto [a, b] = *linear(L, x);
    const ExprId U = fresh();
    Op h = Op::Sin;
    switch (op) {
      case Op::Asin: h = Op::Sin; break;
      case Op::Acos: h = Op::Cos; break;
      case Op::Atan: h = Op::Tan; break;
      case Op::Asinh: h = Op::Sinh; break;
      default: h = Op::Cosh; break;
    }
    const ExprId hu = fn(h, U);
    const ExprId X = div(sub(hu, b), a);
    // The square that is a square of a function of u on g's range, and that function.
    ExprId square = 0, root = 0;
    switch (op) {
      case Op::Asin: square = sub(one, pw(fn(Op::Sin, U), 2)); root = fn(Op::Cos, U); break;
      case Op::Acos: square = sub(one, pw(fn(Op::Cos, U), 2)); root = fn(Op::Sin, U); break;
      case Op::Atan: square = add(one, pw(fn(Op::Tan, U), 2)); root = pw(fn(Op::Cos, U), -1); break;
      case Op::Asinh: square = add(one, pw(fn(Op::Sinh, U), 2)); root = fn(Op::Cosh, U); break;
      default: square = sub(pw(fn(Op::Cosh, U), 2), one); root = fn(Op::Sinh, U); break;
    }
    ExprId fu = mul(subs(pool, f, {{g, U}, {x, X}}), div(d(hu, U), a));
    // (c*square)**p -> c**p * root**(2p) for a positive number c.
    std::unordered_map<ExprId, ExprId> fix;
    bool blocked = false;
    any_node(pool, fu, [&](ExprId id, const Node& n) {
      if (n.kind != Kind::Pow || !has(id, U)) return false;
      const Node& e = pool.node(n.args[1]);
      if (e.kind != Kind::Number || e.number.is_integer() || e.number.is_float()) return false;
      const ExprId c = cancel(pool, div(n.args[0], square));
      const Node& cn = pool.node(c);
      if (cn.kind == Kind::Number && !cn.number.is_float() && cn.number.sign() > 0)
        fix.emplace(id, mul(pool.pow(c, n.args[1]), pool.pow(root, mul(pool.integer(2), n.args[1]))));
      else
        blocked = true;  // another radical of x: this substitution does not rationalise it
      return blocked;
    });
    if (blocked) continue;
    if (!fix.empty()) fu = subs(pool, fu, fix);
    if (has(fu, x)) continue;
    // Only when u appears as the argument of trigonometric/hyperbolic functions and of exp (a
    // rational function of sin(u), cos(u), exp(u), ...): anything else (log(tan(u) + 1), a radical
    // left over) opens a search that rarely ends well and costs seconds.
    const bool plain = !any_node(pool, fu, [&](ExprId id, const Node& n) {
      if (!has(id, U)) return false;
      if (n.kind == Kind::Pow) {
        const Node& e = pool.node(n.args[1]);
        return !(e.kind == Kind::Number && e.number.is_integer());
      }
      if (n.kind != Kind::Func) return n.kind == Kind::Object;
      switch (n.op) {
        case Op::Sin: case Op::Cos: case Op::Tan: case Op::Sinh: case Op::Cosh: case Op::Tanh:
          return n.args[0] != U;
        case Op::Exp:
          return !linear(n.args[0], U);
        default:
          return true;
      }
    });
    if (!plain) continue;
    if (op == Op::Atan) {  // tan(u) = sin(u)/cos(u): the cosines of the radicals cancel against it
      fu = subs(pool, fu, {{hu, div(fn(Op::Sin, U), fn(Op::Cos, U))}});
      try {
        fu = cancel(pool, fu);
      } catch (const std::exception&) {
      }
    }
    Opt G = integrate(fu, U);
    if (!G) continue;
    // Back to x: multiple angles expanded, then the functions of u written in L.
    ExprId Gx = expand_trig(pool, *G);
    std::unordered_map<ExprId, ExprId> back{{U, g}};
    const ExprId s1 = pool.sqrt(sub(one, pw(L, 2))), s2 = pool.sqrt(add(one, pw(L, 2)));
    switch (op) {
      case Op::Asin:
        back.emplace(fn(Op::Sin, U), L);
        back.emplace(fn(Op::Cos, U), s1);
        back.emplace(fn(Op::Tan, U), div(L, s1));
        break;
      case Op::Acos:
        back.emplace(fn(Op::Cos, U), L);
        back.emplace(fn(Op::Sin, U), s1);
        back.emplace(fn(Op::Tan, U), div(s1, L));
        break;
      case Op::Atan:
        back.emplace(fn(Op::Tan, U), L);
        back.emplace(fn(Op::Cos, U), pw(s2, -1));
        back.emplace(fn(Op::Sin, U), div(L, s2));
        break;
      case Op::Asinh:
        back.emplace(fn(Op::Sinh, U), L);
        back.emplace(fn(Op::Cosh, U), s2);
        back.emplace(fn(Op::Tanh, U), div(L, s2));
        break;
      default: {
        const ExprId s3 = mul(pool.sqrt(sub(L, one)), pool.sqrt(add(L, one)));
        back.emplace(fn(Op::Cosh, U), L);
        back.emplace(fn(Op::Sinh, U), s3);
        back.emplace(fn(Op::Tanh, U), div(s3, L));
        break;
      }
    }
    Gx = subs(pool, Gx, back);
    if (has(Gx, U)) continue;
    return Gx;
  }
  return std::nullopt;
}

}  // namespace alkahest::integrate_detail
