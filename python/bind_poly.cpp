// Bindings of the polynomial layer (include/alkahest/poly.hpp): expand, Poly, gcd, factor, cancel,
// apart, roots, ... Arguments are Exprs or Python numbers (at least one Expr gives the pool).
#include <algorithm>

#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "alkahest/poly.hpp"
#include "alkahest/print.hpp"
#include "bindings.hpp"

namespace alkahest::py {

namespace {

using namespace nb::literals;

// Every argument as an expression of one pool (the pool of the first Expr among them).
std::vector<ExprRef> in_one_pool(const char* who, std::initializer_list<nb::handle> args) {
  std::shared_ptr<ExprPool> pool;
  for (nb::handle a : args)
    if (is_expr(a)) {
      pool = expr_ref(a, who).pool;
      break;
    }
  if (!pool) throw nb::type_error((std::string(who) + ": needs at least one alkahest Expr argument").c_str());
  std::vector<ExprRef> out;
  for (nb::handle a : args) {
    auto e = coerce_ref(pool, a);
    if (!e)
      throw nb::type_error((std::string(who) + ": arguments must be alkahest Exprs or numbers, not '" +
                            python_type_name(a) + "'").c_str());
    out.push_back(*e);
  }
  return out;
}

ExprRef one(const char* who, nb::handle a) { return in_one_pool(who, {a})[0]; }

// Optional generator argument: None -> 0 (the only generator).
ExprId optional_gen(const char* who, const ExprRef& e, nb::handle x) {
  if (x.is_none()) return 0;
  ExprRef r = expr_ref(x, (std::string(who) + ": the variable").c_str());
  check_same_pool(*e.pool, *r.pool);
  return r.id;
}

std::vector<ExprId> gen_list(const char* who, const ExprRef& e, nb::handle gens) {
  std::vector<ExprId> out;
  for (nb::handle g : gens) {
    ExprRef r = expr_ref(g, (std::string(who) + ": each generator").c_str());
    check_same_pool(*e.pool, *r.pool);
    out.push_back(r.id);
  }
  return out;
}

nb::object wrap(const ExprRef& like, ExprId id) { return expr_object(like.pool, id); }

nb::object factor_list_object(const ExprRef& e, const FactorList& f) {
  nb::list fs;
  for (const auto& [b, k] : f.factors) fs.append(nb::make_tuple(wrap(e, b), k));
  return nb::make_tuple(number_object(f.coeff), fs);
}

nb::object fraction(const mpq_class& q) {
  static nb::object frac = nb::module_::import_("fractions").attr("Fraction");
  return frac(nb::steal(PyLong_FromString(q.get_num().get_str(16).c_str(), nullptr, 16)),
              nb::steal(PyLong_FromString(q.get_den().get_str(16).c_str(), nullptr, 16)));
}

struct PyPoly {
  std::shared_ptr<ExprPool> pool;
  Poly poly;
};

// A domain argument: 'ZZ', 'QQ', or 'ZZ[a,b]', 'QQ[a,b]', 'QQ(a,b)' (also 'ZZ(a,b)', the same field)
// with the coefficient generators named (symbols of the pool).
struct DomainSpec {
  Poly::Domain domain;
  std::vector<ExprId> coeff_gens;
};

DomainSpec domain_of(ExprPool& pool, nb::handle d) {
  if (d.is_none()) throw std::logic_error("domain_of(None)");
  const char* expect = "Poly: domain must be 'ZZ', 'QQ', 'ZZ[a,b,...]', 'QQ[a,b,...]' or 'QQ(a,b,...)'";
  if (!nb::isinstance<nb::str>(d)) throw nb::type_error(expect);
  std::string s = nb::cast<std::string>(d);
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  if (s == "ZZ") return {Poly::Domain::ZZ, {}};
  if (s == "QQ") return {Poly::Domain::QQ, {}};
  if (s.size() > 4 && (s.compare(0, 2, "ZZ") == 0 || s.compare(0, 2, "QQ") == 0) &&
      ((s[2] == '[' && s.back() == ']') || (s[2] == '(' && s.back() == ')'))) {
    DomainSpec spec{s[2] == '(' ? Poly::Domain::QQ_frac : s[0] == 'Z' ? Poly::Domain::ZZ_poly : Poly::Domain::QQ_poly, {}};
    const std::string inner = s.substr(3, s.size() - 4);
    std::size_t start = 0;
    while (start <= inner.size()) {
      const std::size_t end = std::min(inner.find(',', start), inner.size());
      const std::string name = inner.substr(start, end - start);
      if (name.empty()) throw nb::value_error((std::string(expect) + ", got '" + s + "'").c_str());
      spec.coeff_gens.push_back(pool.symbol(name));
      start = end + 1;
    }
    return spec;
  }
  throw nb::value_error((std::string(expect) + ", got '" + nb::cast<std::string>(d) + "'").c_str());
}

// A coefficient for Python: a number over ZZ/QQ, an Expr over ZZ[...], QQ[...], QQ(...).
nb::object coeff_object(const std::shared_ptr<ExprPool>& pool, const Poly& p, ExprId c) {
  if (p.coeff_gens().empty()) return number_object(pool->node(c).number);
  return expr_object(pool, c);
}

// `o` as a Poly in the generators of `p` (a Poly, an Expr or a number); nullopt if it is none.
std::optional<PyPoly> as_poly_like(const PyPoly& p, nb::handle o) {
  if (nb::isinstance<PyPoly>(o)) return nb::cast<const PyPoly&>(o);
  auto e = coerce_ref(p.pool, o);
  if (!e) return std::nullopt;
  return PyPoly{p.pool, Poly(*p.pool, e->id, p.poly.gens(), std::nullopt)};
}

nb::object tuple_of(const std::vector<long>& v) {
  nb::list l;
  for (long x : v) l.append(x);
  return nb::tuple(l);
}

template <class F>
nb::object poly_binary(const PyPoly& a, nb::handle b, F f) {
  auto o = as_poly_like(a, b);
  if (!o) return nb::borrow(Py_NotImplemented);
  return nb::cast(PyPoly{a.pool, f(a.poly, o->poly)});
}

}  // namespace

void bind_poly(nb::module_& m) {
  m.def(
      "expand",
      [](nb::handle e, bool deep) {
        ExprRef r = one("expand", e);
        return wrap(r, expand(*r.pool, r.id, deep));
      },
      "expr"_a, "deep"_a = false,
      "Distributes products and integer powers (polynomial parts multiplied by FLINT); deep=True also\n"
      "inside function arguments. The result is canonical. Floats become exact rationals for the\n"
      "computation and the coefficients are rounded back to floats.\n\n"
      ">>> from alkahest import ExprPool, expand, sin\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> expand((x + y)**2 * (x - y))\n-x*y**2 + x**2*y + x**3 - y**3\n"
      ">>> expand(sin(x*(x + 1)), deep=True)\nsin(x + x**2)\n");
  m.def(
      "gcd",
      [](nb::handle a, nb::handle b) {
        auto r = in_one_pool("gcd", {a, b});
        return wrap(r[0], gcd(*r[0].pool, r[0].id, r[1].id));
      },
      "a"_a, "b"_a,
      "Greatest common divisor of two polynomials (or rational functions), primitive over Z with a\n"
      "positive leading coefficient times the gcd of the integer contents.\n\n"
      ">>> from alkahest import ExprPool, gcd\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> gcd(x**2 - y**2, x**2 + 2*x*y + y**2)\nx + y\n");
  m.def(
      "lcm",
      [](nb::handle a, nb::handle b) {
        auto r = in_one_pool("lcm", {a, b});
        return wrap(r[0], lcm(*r[0].pool, r[0].id, r[1].id));
      },
      "a"_a, "b"_a,
      "Least common multiple of two polynomials (or rational functions).\n\n"
      ">>> from alkahest import ExprPool, lcm\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> lcm(x**2 - 1, x**2 + 2*x + 1)\n-x + x**2 + x**3 - 1\n");
  m.def(
      "div",
      [](nb::handle f, nb::handle g, nb::args gens) {
        auto r = in_one_pool("div", {f, g});
        auto gs = gen_list("div", r[0], gens);
        QuoRem qr = div(*r[0].pool, r[0].id, r[1].id, gs);
        return nb::make_tuple(wrap(r[0], qr.quotient), wrap(r[0], qr.remainder));
      },
      "f"_a, "g"_a, "gens"_a,
      "(quotient, remainder) of f by g over Q: f = q*g + r, no term of r divisible by the leading\n"
      "monomial of g (lex order of gens, or of all generators in canonical order).\n\n"
      ">>> from alkahest import ExprPool, div\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> div(x**3 + 2*x + 1, x**2 + 1)\n(x, x + 1)\n");
  m.def(
      "quo",
      [](nb::handle f, nb::handle g, nb::args gens) {
        auto r = in_one_pool("quo", {f, g});
        return wrap(r[0], quo(*r[0].pool, r[0].id, r[1].id, gen_list("quo", r[0], gens)));
      },
      "f"_a, "g"_a, "gens"_a,
      "The quotient of div(f, g).\n\n>>> from alkahest import ExprPool, quo\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> quo(x**2 - 1, x - 1)\nx + 1\n");
  m.def(
      "rem",
      [](nb::handle f, nb::handle g, nb::args gens) {
        auto r = in_one_pool("rem", {f, g});
        return wrap(r[0], rem(*r[0].pool, r[0].id, r[1].id, gen_list("rem", r[0], gens)));
      },
      "f"_a, "g"_a, "gens"_a,
      "The remainder of div(f, g).\n\n>>> from alkahest import ExprPool, rem\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> rem(x**3 + 1, x**2 + 1)\n-x + 1\n");
  m.def(
      "factor",
      [](nb::handle e) {
        ExprRef r = one("factor", e);
        return wrap(r, factor(*r.pool, r.id));
      },
      "expr"_a,
      "Irreducible factorisation over Q (FLINT's multivariate factoring), content and sign pulled out;\n"
      "a rational function's numerator and denominator are factored.\n\n"
      ">>> from alkahest import ExprPool, factor\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> factor(x**3*y - x*y**3)\nx*y*(x - y)*(x + y)\n");
  m.def(
      "factor_list",
      [](nb::handle e) {
        ExprRef r = one("factor_list", e);
        return factor_list_object(r, factor_list(*r.pool, r.id));
      },
      "expr"_a,
      "(coefficient, [(factor, multiplicity), ...]) of a polynomial: factors primitive over Z with a\n"
      "positive leading coefficient.\n\n"
      ">>> from alkahest import ExprPool, factor_list\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> factor_list(-2*x**3 + 2*x)\n(-2, [(x, 1), (x - 1, 1), (x + 1, 1)])\n");
  m.def(
      "sqf",
      [](nb::handle e) {
        ExprRef r = one("sqf", e);
        return wrap(r, sqf(*r.pool, r.id));
      },
      "expr"_a,
      "Square-free factorisation (factors of one multiplicity multiplied together).\n\n"
      ">>> from alkahest import ExprPool, sqf\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> sqf(x**3 - x**2 - x + 1)\n(x - 1)**2*(x + 1)\n");
  m.def(
      "sqf_list",
      [](nb::handle e) {
        ExprRef r = one("sqf_list", e);
        return factor_list_object(r, sqf_list(*r.pool, r.id));
      },
      "expr"_a,
      "(coefficient, [(factor, multiplicity), ...]) of the square-free factorisation.\n\n"
      ">>> from alkahest import ExprPool, sqf_list\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> sqf_list(2*x**3 - 2*x**2 - 2*x + 2)\n(2, [(x + 1, 1), (x - 1, 2)])\n");
  m.def(
      "resultant",
      [](nb::handle f, nb::handle g, nb::handle x) {
        auto r = in_one_pool("resultant", {f, g, x});
        return wrap(r[0], resultant(*r[0].pool, r[0].id, r[1].id, r[2].id));
      },
      "f"_a, "g"_a, "x"_a,
      "Resultant of f and g with respect to the generator x.\n\n"
      ">>> from alkahest import ExprPool, resultant\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> resultant(x**2 + y, x - y, x)\ny + y**2\n");
  m.def(
      "discriminant",
      [](nb::handle f, nb::handle x) {
        auto r = in_one_pool("discriminant", {f, x});
        return wrap(r[0], discriminant(*r[0].pool, r[0].id, r[1].id));
      },
      "f"_a, "x"_a,
      "Discriminant of f with respect to x.\n\n"
      ">>> from alkahest import ExprPool, discriminant\n>>> a, b, c, x = ExprPool().symbols(\"a b c x\")\n"
      ">>> discriminant(a*x**2 + b*x + c, x)\n-4*a*c + b**2\n");
  m.def(
      "cancel",
      [](nb::handle e) {
        ExprRef r = one("cancel", e);
        return wrap(r, cancel(*r.pool, r.id));
      },
      "expr"_a,
      "p/q in lowest terms, p and q expanded with integer coefficients.\n\n"
      ">>> from alkahest import ExprPool, cancel\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> cancel((x**2 - 1)/(x**2 + x))\n(x - 1)/x\n");
  m.def(
      "together",
      [](nb::handle e) {
        ExprRef r = one("together", e);
        return wrap(r, together(*r.pool, r.id));
      },
      "expr"_a,
      "One fraction over a common denominator, without expanding or cancelling.\n\n"
      ">>> from alkahest import ExprPool, together\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> together(1/x + 1/y)\n(x + y)/(x*y)\n");
  m.def(
      "apart",
      [](nb::handle e, nb::handle x) {
        ExprRef r = one("apart", e);
        return wrap(r, apart(*r.pool, r.id, optional_gen("apart", r, x)));
      },
      "expr"_a, "x"_a = nb::none(),
      "Partial fractions of a rational function of x over Q (repeated and irreducible factors).\n\n"
      ">>> from alkahest import ExprPool, apart\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> apart(1/(x**2 - 1), x)\n1/(x - 1)/2 - 1/(x + 1)/2\n");
  m.def(
      "collect",
      [](nb::handle e, nb::handle x) {
        auto r = in_one_pool("collect", {e, x});
        return wrap(r[0], collect(*r[0].pool, r[0].id, r[1].id));
      },
      "expr"_a, "x"_a,
      "The expanded expression with terms grouped by powers of x.\n\n"
      ">>> from alkahest import ExprPool, collect\n>>> a, b, x = ExprPool().symbols(\"a b x\")\n"
      ">>> collect(a*x**2 + b*x**2 + a*x - b*x, x)\nx*(a - b) + x**2*(a + b)\n");
  m.def(
      "horner",
      [](nb::handle e, nb::args gens) {
        ExprRef r = one("horner", e);
        auto gs = gen_list("horner", r, gens);
        return wrap(r, horner(*r.pool, r.id, gs));
      },
      "expr"_a, "gens"_a,
      "Horner form in gens (all generators when none are given).\n\n"
      ">>> from alkahest import ExprPool, horner\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> horner(x**3 + 2*x**2 + 3*x + 4, x)\nx*(x*(x + 2) + 3) + 4\n");
  m.def(
      "real_roots",
      [](nb::handle p, nb::handle x, bool multiplicities) {
        ExprRef r = one("real_roots", p);
        auto roots = real_roots(*r.pool, r.id, optional_gen("real_roots", r, x));
        nb::list out;
        for (const auto& iv : roots) {
          if (multiplicities)
            out.append(nb::make_tuple(fraction(iv.lo), fraction(iv.hi), iv.multiplicity));
          else
            out.append(nb::make_tuple(fraction(iv.lo), fraction(iv.hi)));
        }
        return out;
      },
      "p"_a, "x"_a = nb::none(), "multiplicities"_a = false,
      "Isolating intervals (lo, hi) of Fractions, one per distinct real root in increasing order, each\n"
      "holding exactly that root (lo == hi for a rational root); with multiplicities=True\n"
      "(lo, hi, multiplicity).\n\n"
      ">>> from alkahest import ExprPool, real_roots\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> [(float(lo), float(hi)) for lo, hi in real_roots(x**3 - 2*x)][1]\n(0.0, 0.0)\n");
  m.def(
      "nroots",
      [](nb::handle p, nb::handle x, long digits) {
        ExprRef r = one("nroots", p);
        auto roots = nroots(*r.pool, r.id, optional_gen("nroots", r, x), digits);
        nb::list out;
        nb::object decimal = digits > 15 ? nb::module_::import_("decimal").attr("Decimal") : nb::none();
        for (const auto& z : roots) {
          for (long k = 0; k < z.multiplicity; ++k) {
            if (digits > 15)
              out.append(nb::make_tuple(decimal(z.re), decimal(z.im)));
            else
              out.append(nb::steal(PyComplex_FromDoubles(z.re_value, z.im_value)));
          }
        }
        return out;
      },
      "p"_a, "x"_a = nb::none(), "digits"_a = 15,
      "All complex roots (with multiplicity), certified by Arb: real roots first in increasing order.\n"
      "Python complex numbers for digits <= 15, else (Decimal re, Decimal im) with `digits` digits.\n\n"
      ">>> from alkahest import ExprPool, nroots\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> nroots(x**2 + 1)\n[-1j, 1j]\n");
  m.def(
      "groebner",
      [](nb::handle polys, nb::args gens, std::string order) {
        if (!nb::isinstance<nb::list>(polys) && !nb::isinstance<nb::tuple>(polys))
          throw nb::type_error("groebner: polys must be a list of expressions");
        std::vector<nb::handle> hs;
        for (nb::handle h : polys) hs.push_back(h);
        if (hs.empty()) throw nb::value_error("groebner: no polynomial given");
        ExprRef first = one("groebner", hs[0]);
        for (nb::handle h : hs)
          if (is_expr(h)) {
            first = expr_ref(h, "groebner");
            break;
          }
        std::vector<ExprId> ps;
        for (nb::handle h : hs) {
          auto e = coerce_ref(first.pool, h);
          if (!e) throw nb::type_error(("groebner: polys must hold Exprs or numbers, not '" + python_type_name(h) + "'").c_str());
          ps.push_back(e->id);
        }
        MonomialOrder o;
        if (order == "lex") o = MonomialOrder::Lex;
        else if (order == "grevlex") o = MonomialOrder::Grevlex;
        else throw nb::value_error(("groebner: order must be 'lex' or 'grevlex', got '" + order + "'").c_str());
        auto gs = gen_list("groebner", first, gens);
        nb::list out;
        for (ExprId g : groebner(*first.pool, ps, gs, o)) out.append(wrap(first, g));
        return out;
      },
      "polys"_a, "gens"_a, "order"_a = "lex",
      "Reduced Groebner basis over Q (monic, largest leading monomial first) of the ideal of polys, in\n"
      "gens (all generators when none are given); order 'lex' or 'grevlex'. Buchberger's algorithm\n"
      "with limits: AlkahestError when one is reached.\n\n"
      ">>> from alkahest import ExprPool, groebner\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> groebner([x**2 + y, x*y - 1], x, y)\n[x + y**2, y**3 + 1]\n");
  m.def(
      "generators",
      [](nb::handle e) {
        ExprRef r = one("generators", e);
        nb::list out;
        for (ExprId g : generators(*r.pool, r.id)) out.append(wrap(r, g));
        return out;
      },
      "expr"_a,
      "The generators the polynomial functions see in expr (x**(1/2) and x**(3/2) share one).\n\n"
      ">>> from alkahest import ExprPool, exp, generators, sqrt\n>>> x = ExprPool().symbol(\"x\")\n"
      ">>> generators(x**3 + sqrt(x) + exp(2*x) + exp(x))\n[sqrt(x), exp(x)]\n");

  nb::class_<PyPoly>(m, "Poly",
                     "A polynomial in fixed generators (FLINT; lex order of gens) over ZZ or QQ, or, when the\n"
                     "expression has other generators, over ZZ[a,b,...], QQ[a,b,...] or QQ(a,b,...) in them.\n\n"
                     ">>> from alkahest import ExprPool, Poly\n>>> x, y = ExprPool().symbols(\"x y\")\n"
                     ">>> p = Poly(x**2*y + 3*x - 1, x, y)\n>>> p.degree(x), p.LC(), p.coeffs()\n"
                     "(2, 1, [1, 3, -1])\n>>> q, r = divmod(p, Poly(x - 1, x, y))\n>>> q * Poly(x - 1, x, y) + r == p\nTrue\n")
      .def(
          "__init__",
          [](PyPoly* self, nb::handle expr, nb::args gens, nb::handle domain) {
            ExprRef r = one("Poly", expr);
            auto gs = gen_list("Poly", r, gens);
            if (domain.is_none()) {
              new (self) PyPoly{r.pool, Poly(*r.pool, r.id, gs, std::nullopt)};
              return;
            }
            DomainSpec d = domain_of(*r.pool, domain);
            new (self) PyPoly{r.pool, Poly(*r.pool, r.id, gs, d.coeff_gens, d.domain)};
          },
          "expr"_a, "gens"_a, "domain"_a = nb::none())
      .def_prop_ro("coeff_gens", [](const PyPoly& p) {
        nb::list l;
        for (ExprId g : p.poly.coeff_gens()) l.append(expr_object(p.pool, g));
        return nb::tuple(l);
      }, "The coefficient generators (a, b, c of Poly(a*x**2 + b*x + c, x)); () over ZZ and QQ.")
      .def_prop_ro("gens", [](const PyPoly& p) {
        nb::list l;
        for (ExprId g : p.poly.gens()) l.append(expr_object(p.pool, g));
        return nb::tuple(l);
      }, "The generators, in order.")
      .def_prop_ro("domain", [](const PyPoly& p) { return p.poly.domain_str(); },
                   "'ZZ', 'QQ', or with coefficient generators 'ZZ[a,b]', 'QQ[a,b]', 'QQ(a,b)'.")
      .def("as_expr", [](const PyPoly& p) { return expr_object(p.pool, p.poly.as_expr()); }, "The polynomial as an Expr.")
      .def("degree", [](const PyPoly& p, nb::handle gen) {
        std::size_t i = 0;
        if (!gen.is_none()) {
          if (PyLong_Check(gen.ptr())) {
            i = nb::cast<std::size_t>(gen);
          } else {
            ExprRef g = expr_ref(gen, "Poly.degree: gen");
            const auto& gs = p.poly.gens();
            auto it = std::find(gs.begin(), gs.end(), g.id);
            if (it == gs.end()) return 0L;  // not a generator: degree 0, as SymPy
            i = static_cast<std::size_t>(it - gs.begin());
          }
        }
        return p.poly.degree(i);
      }, "gen"_a = nb::none(), "Degree in gen (a generator or its index; the first by default); -1 for 0.")
      .def("degree_list", [](const PyPoly& p) { return tuple_of(p.poly.degree_list()); }, "Degrees in each generator.")
      .def("total_degree", [](const PyPoly& p) { return p.poly.total_degree(); }, "Total degree.")
      .def("terms", [](const PyPoly& p) {
        nb::list out;
        for (auto& [e, c] : p.poly.coeff_terms()) out.append(nb::make_tuple(tuple_of(e), coeff_object(p.pool, p.poly, c)));
        return out;
      }, "[(exponents, coefficient)], leading term first (coefficients are Exprs over ZZ[...], QQ[...], QQ(...)).")
      .def("coeffs", [](const PyPoly& p) {
        nb::list out;
        for (auto& t : p.poly.coeff_terms()) out.append(coeff_object(p.pool, p.poly, t.second));
        return out;
      }, "Nonzero coefficients, leading first.")
      .def("monoms", [](const PyPoly& p) {
        nb::list out;
        for (auto& t : p.poly.coeff_terms()) out.append(tuple_of(t.first));
        return out;
      }, "Exponent tuples of the nonzero terms, leading first.")
      .def("LC", [](const PyPoly& p) { return coeff_object(p.pool, p.poly, p.poly.LC()); }, "Leading coefficient.")
      .def("LM", [](const PyPoly& p) { return tuple_of(p.poly.leading_monom()); }, "Exponents of the leading monomial.")
      .def("eval", [](const PyPoly& p, nb::handle gen, nb::handle value) -> nb::object {
        const auto& gs = p.poly.gens();
        std::size_t i = 0;
        if (PyLong_Check(gen.ptr())) {
          i = nb::cast<std::size_t>(gen);
          if (i >= gs.size()) throw nb::index_error("Poly.eval: generator index out of range");
        } else {
          ExprRef g = expr_ref(gen, "Poly.eval: gen");
          auto it = std::find(gs.begin(), gs.end(), g.id);
          if (it == gs.end())
            throw nb::value_error(("Poly.eval: " + to_string(*p.pool, g.id) + " is not a generator of the Poly").c_str());
          i = static_cast<std::size_t>(it - gs.begin());
        }
        auto v = coerce_ref(p.pool, value);
        if (!v) throw nb::type_error(("Poly.eval: the value must be an alkahest Expr or a number, not '" +
                                      python_type_name(value) + "'").c_str());
        const ExprId e = p.poly.eval(i, v->id);
        std::vector<ExprId> rest(gs);
        rest.erase(rest.begin() + static_cast<long>(i));
        if (rest.empty()) return expr_object(p.pool, e);
        return nb::cast(PyPoly{p.pool, Poly(*p.pool, e, rest, std::nullopt)});
      }, "gen"_a, "value"_a,
         "The polynomial at gen = value (a number or an Expr): a Poly in the other generators, or an\n"
         "Expr when gen was the only one.")
      .def("gcd", [](const PyPoly& a, nb::handle b) {
        auto o = as_poly_like(a, b);
        if (!o) throw nb::type_error("Poly.gcd: the argument must be a Poly, an Expr or a number");
        return PyPoly{a.pool, a.poly.gcd(o->poly)};
      }, "other"_a,
         "Greatest common divisor: over ZZ and ZZ[...] primitive (times the gcd of the integer\n"
         "contents), over QQ and QQ[...] monic, over QQ(...) monic in the generators.")
      .def("is_zero", [](const PyPoly& p) { return p.poly.is_zero(); })
      .def("__add__", [](const PyPoly& a, nb::handle b) { return poly_binary(a, b, [](const Poly& x, const Poly& y) { return x + y; }); })
      .def("__radd__", [](const PyPoly& a, nb::handle b) { return poly_binary(a, b, [](const Poly& x, const Poly& y) { return y + x; }); })
      .def("__sub__", [](const PyPoly& a, nb::handle b) { return poly_binary(a, b, [](const Poly& x, const Poly& y) { return x - y; }); })
      .def("__rsub__", [](const PyPoly& a, nb::handle b) { return poly_binary(a, b, [](const Poly& x, const Poly& y) { return y - x; }); })
      .def("__mul__", [](const PyPoly& a, nb::handle b) { return poly_binary(a, b, [](const Poly& x, const Poly& y) { return x * y; }); })
      .def("__rmul__", [](const PyPoly& a, nb::handle b) { return poly_binary(a, b, [](const Poly& x, const Poly& y) { return y * x; }); })
      .def("__neg__", [](const PyPoly& a) { return PyPoly{a.pool, -a.poly}; })
      .def("__pow__", [](const PyPoly& a, nb::handle n) {
        if (!PyLong_Check(n.ptr())) throw nb::type_error("Poly ** n: n must be a non-negative int");
        long long v = PyLong_AsLongLong(n.ptr());
        if (v == -1 && PyErr_Occurred()) {
          PyErr_Clear();
          throw PolyLimitError("Poly ** n: the exponent is too large");
        }
        if (v < 0) throw nb::value_error("Poly ** n: n must be non-negative (a Poly has no inverse)");
        return PyPoly{a.pool, a.poly.pow(static_cast<unsigned long>(v))};
      })
      .def("__divmod__", [](const PyPoly& a, nb::handle b) -> nb::object {
        auto o = as_poly_like(a, b);
        if (!o) return nb::borrow(Py_NotImplemented);
        auto [q, r] = a.poly.divmod(o->poly);
        return nb::make_tuple(PyPoly{a.pool, std::move(q)}, PyPoly{a.pool, std::move(r)});
      })
      .def("__floordiv__", [](const PyPoly& a, nb::handle b) {
        return poly_binary(a, b, [](const Poly& x, const Poly& y) { return x.divmod(y).first; });
      })
      .def("__mod__", [](const PyPoly& a, nb::handle b) {
        return poly_binary(a, b, [](const Poly& x, const Poly& y) { return x.divmod(y).second; });
      })
      .def("__eq__", [](const PyPoly& a, nb::handle b) -> nb::object {
        if (!nb::isinstance<PyPoly>(b)) return nb::borrow(Py_NotImplemented);
        const PyPoly& o = nb::cast<const PyPoly&>(b);
        return nb::bool_(a.pool == o.pool && a.poly == o.poly);
      }, nb::is_operator())
      .def("__ne__", [](const PyPoly& a, nb::handle b) -> nb::object {
        if (!nb::isinstance<PyPoly>(b)) return nb::borrow(Py_NotImplemented);
        const PyPoly& o = nb::cast<const PyPoly&>(b);
        return nb::bool_(!(a.pool == o.pool && a.poly == o.poly));
      }, nb::is_operator())
      .def("__hash__", [](const PyPoly& a) {
        return static_cast<std::int64_t>(a.pool->node(a.poly.as_expr()).hash & 0x3fffffffffffffffULL);
      })
      .def("__repr__", [](const PyPoly& p) { return p.poly.str(); })
      .def("__str__", [](const PyPoly& p) { return p.poly.str(); });
}

}  // namespace alkahest::py
