// Poly: a FLINT polynomial over Q in fixed generators (lex order), with the domain ZZ or QQ, or,
// with coefficient generators (a, b, c of a*x**2 + b*x + c in x), ZZ[a,b,c], QQ[a,b,c] or
// QQ(a,b,c): one FLINT polynomial in gens followed by the coefficient generators (lex order keeps
// the terms of one monomial in gens together, leading first) over a denominator in the coefficient
// generators alone (1 outside QQ(...)), reduced and normalised by reduce() so that equal
// polynomials have equal representations.
#include <algorithm>

#include "alkahest/calculus.hpp"
#include "alkahest/print.hpp"
#include "alkahest/walk.hpp"
#include "poly/convert.hpp"

namespace alkahest {

using namespace poly_detail;

struct Poly::Impl {
  Impl(ExprPool& p, std::vector<ExprId> g, std::vector<ExprId> cg, Domain d, QPoly n, QPoly de)
      : pool(&p), gens(std::move(g)), coeff_gens(std::move(cg)), domain(d), num(std::move(n)), den(std::move(de)) {}
  ExprPool* pool;
  std::vector<ExprId> gens;
  std::vector<ExprId> coeff_gens;
  Domain domain;
  QPoly num;  // over gens ++ coeff_gens
  QPoly den;  // in coeff_gens alone; 1 unless domain == QQ_frac
};

namespace {

using Impl = Poly::Impl;
using Domain = Poly::Domain;

bool zz_like(Domain d) { return d == Domain::ZZ || d == Domain::ZZ_poly; }

QPoly one_like(const QPoly& p) {
  QPoly o(p.ctx_ptr());
  fmpq_mpoly_one(o.get(), p.ctx());
  return o;
}

// The domain of num/den: the field if asked for or if den is not 1, otherwise ZZ[...] when every
// coefficient is an integer and ZZ is wanted, else QQ[...] (ZZ and QQ without coefficient gens).
Domain classify(const QPoly& num, const QPoly& den, bool has_coeff_gens, bool want_zz, bool want_field) {
  if (!has_coeff_gens) return want_zz && integer_content(num) ? Domain::ZZ : Domain::QQ;
  if (want_field || !den.is_one()) return Domain::QQ_frac;
  return want_zz && integer_content(num) ? Domain::ZZ_poly : Domain::QQ_poly;
}

std::unique_ptr<Impl> make(const Impl& like, Domain d, QPoly num, QPoly den) {
  return std::make_unique<Impl>(*like.pool, like.gens, like.coeff_gens, d, std::move(num), std::move(den));
}

// Sum of the terms of p (a polynomial over the variables gens ++ coeff_gens) as an Expr.
ExprId expr_of(const Impl& im, const QPoly& p) {
  ExprPool& pool = *im.pool;
  const std::size_t ng = im.gens.size();
  std::vector<ulong> exps(static_cast<std::size_t>(p.ctx_ptr()->flint_nvars()));
  std::vector<ExprId> terms;
  Fmpq c;
  for (slong i = 0; i < p.length(); ++i) {
    fmpq_mpoly_get_term_coeff_fmpq(c.v, p.get(), i, p.ctx());
    fmpq_mpoly_get_term_exp_ui(exps.data(), p.get(), i, p.ctx());
    std::vector<ExprId> fs{pool.number(to_number(c.v))};
    for (std::size_t v = 0; v < ng + im.coeff_gens.size(); ++v)
      if (exps[v] != 0)
        fs.push_back(pool.pow(v < ng ? im.gens[v] : im.coeff_gens[v - ng], pool.integer(static_cast<long>(exps[v]))));
    terms.push_back(pool.mul(fs));
  }
  return terms.empty() ? pool.integer(0) : pool.add(terms);
}

// num/den as an Expr: num * den**-1 after cancelling their gcd.
ExprId fraction_expr(const Impl& im, QPoly num, QPoly den) {
  if (!den.is_one()) reduce(num, den, "Poly");
  if (den.is_one()) return expr_of(im, num);
  return im.pool->mul(expr_of(im, num), im.pool->pow(expr_of(im, den), im.pool->integer(-1)));
}

// The terms of p grouped by their monomial in the first ng variables (gens), leading first: that
// monomial's exponents and its coefficient, a polynomial in the coefficient generators.
struct MainTerm {
  std::vector<long> exps;
  QPoly coeff;
};

std::vector<MainTerm> main_terms(const QPoly& p, std::size_t ng) {
  std::vector<MainTerm> out;
  std::vector<ulong> exps(static_cast<std::size_t>(p.ctx_ptr()->flint_nvars()));
  Fmpq c;
  for (slong i = 0; i < p.length(); ++i) {
    fmpq_mpoly_get_term_coeff_fmpq(c.v, p.get(), i, p.ctx());
    fmpq_mpoly_get_term_exp_ui(exps.data(), p.get(), i, p.ctx());
    std::vector<long> main(exps.begin(), exps.begin() + static_cast<long>(ng));
    if (out.empty() || out.back().exps != main) out.push_back({main, QPoly(p.ctx_ptr())});
    std::fill(exps.begin(), exps.begin() + static_cast<long>(ng), 0);
    fmpq_mpoly_push_term_fmpq_ui(out.back().coeff.get(), c.v, exps.data(), p.ctx());
  }
  for (MainTerm& t : out) {
    fmpq_mpoly_sort_terms(t.coeff.get(), p.ctx());
    fmpq_mpoly_combine_like_terms(t.coeff.get(), p.ctx());
  }
  return out;
}

// c * gens**exps (c a polynomial in the coefficient generators).
QPoly times_monomial(const QPoly& c, const std::vector<long>& exps) {
  QPoly m(c.ctx_ptr());
  std::vector<ulong> e(static_cast<std::size_t>(c.ctx_ptr()->flint_nvars()), 0);
  for (std::size_t v = 0; v < exps.size(); ++v) e[v] = static_cast<ulong>(exps[v]);
  Fmpq one;
  fmpq_one(one.v);
  fmpq_mpoly_set_coeff_fmpq_ui(m.get(), one.v, e.data(), c.ctx());
  fmpq_mpoly_mul(m.get(), m.get(), c.get(), c.ctx());
  return m;
}

bool any_contains(const ExprPool& pool, ExprId e, const std::vector<ExprId>& gens) {
  return any_node(pool, e, [&](ExprId id, const Node&) { return std::find(gens.begin(), gens.end(), id) != gens.end(); });
}

std::string join_names(ExprPool& pool, const std::vector<ExprId>& gs) {
  std::string s;
  for (std::size_t i = 0; i < gs.size(); ++i) s += (i ? "," : "") + to_string(pool, gs[i]);
  return s;
}

}  // namespace

Poly::Poly(ExprPool& pool, ExprId expr, std::vector<ExprId> gens, std::optional<Domain> domain)
    : Poly(pool, expr, std::move(gens), std::vector<ExprId>{}, domain) {}

Poly::Poly(ExprPool& pool, ExprId expr, std::vector<ExprId> gens, std::vector<ExprId> coeff_gens,
           std::optional<Domain> domain) {
  if (gens.empty() && !coeff_gens.empty())
    throw InvalidArgument("Poly: coefficient generators need the generators named too");
  Converter c(pool, Mode::Exact, "Poly");
  for (ExprId g : gens) c.scan(g);
  for (ExprId g : coeff_gens) c.scan(g);
  c.scan(expr);
  std::vector<ExprId> order = gens;
  order.insert(order.end(), coeff_gens.begin(), coeff_gens.end());
  // Coefficient generators are inferred (every generator outside gens) only when none are given.
  c.build(order, ORD_LEX, !gens.empty() && coeff_gens.empty());
  const std::vector<ExprId> all = c.gen_exprs();
  const std::size_t ng = gens.empty() ? all.size() : gens.size();
  std::vector<ExprId> main(all.begin(), all.begin() + static_cast<long>(ng));
  std::vector<ExprId> cgens(all.begin() + static_cast<long>(ng), all.end());
  const std::string text = to_string(pool, expr);
  for (ExprId cg : cgens)
    if (any_contains(pool, cg, main))
      throw InvalidArgument("Poly: " + text + " is not a polynomial in " + join_names(pool, main) + ": it contains " +
                            to_string(pool, cg));
  if (!cgens.empty() && (domain == Domain::ZZ || domain == Domain::QQ))
    throw InvalidArgument("Poly: " + text + " has coefficients in " + join_names(pool, cgens) + ", so it is not over " +
                          (domain == Domain::ZZ ? "ZZ" : "QQ") + "; use domain='ZZ[" + join_names(pool, cgens) +
                          "]' (or QQ[...], QQ(...)), or leave the domain out");
  if (cgens.empty() && domain && *domain != Domain::ZZ && *domain != Domain::QQ)
    domain = *domain == Domain::ZZ_poly ? Domain::ZZ : Domain::QQ;
  Ratio r = c.ratio(expr);
  QPoly num = std::move(r.num);
  QPoly den = r.den ? std::move(*r.den) : one_like(num);
  reduce(num, den, "Poly");
  if (!den.is_one()) {
    const auto dd = degrees(den);
    for (std::size_t v = 0; v < ng; ++v)
      if (dd[v] > 0 || cgens.empty())
        throw InvalidArgument("Poly: " + text + " is not a polynomial (it has the denominator " +
                              to_string(pool, c.expr(den)) + ")");
    if (domain && *domain != Domain::QQ_frac)
      throw InvalidArgument("Poly: " + text + " has the denominator " + to_string(pool, c.expr(den)) +
                            ", so it is not over " + (*domain == Domain::ZZ_poly ? "ZZ[" : "QQ[") +
                            join_names(pool, cgens) + "]; use domain='QQ(" + join_names(pool, cgens) + ")'");
  }
  const bool has_cg = !cgens.empty();
  Domain d = domain.value_or(classify(num, den, has_cg, true, false));
  if (zz_like(d) && !integer_content(num))
    throw InvalidArgument("Poly: " + text + " has a non-integer coefficient, so it is not in " +
                          (has_cg ? "ZZ[" + join_names(pool, cgens) + "]; use domain='QQ[" + join_names(pool, cgens) + "]'"
                                  : std::string("ZZ; use domain='QQ'")));
  impl_ = std::make_unique<Impl>(pool, std::move(main), std::move(cgens), d, std::move(num), std::move(den));
}

Poly::Poly(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Poly::Poly(const Poly& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Poly::Poly(Poly&&) noexcept = default;
Poly& Poly::operator=(const Poly& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
Poly& Poly::operator=(Poly&&) noexcept = default;
Poly::~Poly() = default;

ExprPool& Poly::pool() const { return *impl_->pool; }
const std::vector<ExprId>& Poly::gens() const { return impl_->gens; }
const std::vector<ExprId>& Poly::coeff_gens() const { return impl_->coeff_gens; }
Poly::Domain Poly::domain() const { return impl_->domain; }
bool Poly::is_zero() const { return impl_->num.is_zero(); }

std::string Poly::domain_str() const {
  const std::string cg = join_names(*impl_->pool, impl_->coeff_gens);
  switch (impl_->domain) {
    case Domain::ZZ: return "ZZ";
    case Domain::QQ: return "QQ";
    case Domain::ZZ_poly: return "ZZ[" + cg + "]";
    case Domain::QQ_poly: return "QQ[" + cg + "]";
    case Domain::QQ_frac: return "QQ(" + cg + ")";
  }
  return "?";
}

ExprId Poly::as_expr() const {
  if (impl_->den.is_one()) return expr_of(*impl_, impl_->num);
  ExprPool& pool = *impl_->pool;
  std::vector<ExprId> terms;
  for (auto& [exps, c] : coeff_terms()) {
    std::vector<ExprId> fs{c};
    for (std::size_t v = 0; v < exps.size(); ++v)
      if (exps[v] != 0) fs.push_back(pool.pow(impl_->gens[v], pool.integer(exps[v])));
    terms.push_back(pool.mul(fs));
  }
  return terms.empty() ? pool.integer(0) : pool.add(terms);
}

long Poly::degree(std::size_t i) const {
  if (i >= impl_->gens.size())
    throw InvalidArgument("Poly.degree: generator index " + std::to_string(i) + " out of range (" +
                          std::to_string(impl_->gens.size()) + " generators)");
  if (is_zero()) return -1;
  return degrees(impl_->num)[i];
}

std::vector<long> Poly::degree_list() const {
  std::vector<long> out;
  for (std::size_t i = 0; i < impl_->gens.size(); ++i) out.push_back(degree(i));
  return out;
}

long Poly::total_degree() const {
  if (is_zero()) return -1;
  const QPoly& q = impl_->num;
  if (impl_->coeff_gens.empty()) {
    Fmpz d;
    fmpq_mpoly_total_degree_fmpz(d.v, q.get(), q.ctx());
    return static_cast<long>(fmpz_get_si(d.v));
  }
  long best = 0;
  std::vector<slong> exps(static_cast<std::size_t>(q.ctx_ptr()->flint_nvars()));
  for (slong i = 0; i < q.length(); ++i) {
    fmpq_mpoly_get_term_exp_si(exps.data(), q.get(), i, q.ctx());
    long s = 0;
    for (std::size_t v = 0; v < impl_->gens.size(); ++v) s += exps[v];
    best = std::max(best, s);
  }
  return best;
}

std::vector<std::pair<std::vector<long>, Number>> Poly::terms() const {
  if (!impl_->coeff_gens.empty())
    throw InvalidArgument("Poly.terms: the coefficients are in " + domain_str() + ", not numbers (use coeff_terms)");
  const QPoly& q = impl_->num;
  std::vector<std::pair<std::vector<long>, Number>> out;
  std::vector<slong> exps(static_cast<std::size_t>(q.ctx_ptr()->flint_nvars()));
  Fmpq c;
  for (slong i = 0; i < q.length(); ++i) {
    fmpq_mpoly_get_term_coeff_fmpq(c.v, q.get(), i, q.ctx());
    fmpq_mpoly_get_term_exp_si(exps.data(), q.get(), i, q.ctx());
    out.emplace_back(std::vector<long>(exps.begin(), exps.begin() + static_cast<long>(impl_->gens.size())),
                     to_number(c.v));
  }
  return out;
}

std::vector<std::pair<std::vector<long>, ExprId>> Poly::coeff_terms() const {
  std::vector<std::pair<std::vector<long>, ExprId>> out;
  if (impl_->coeff_gens.empty()) {
    for (auto& [e, c] : terms()) out.emplace_back(e, impl_->pool->number(c));
    return out;
  }
  for (MainTerm& t : main_terms(impl_->num, impl_->gens.size()))
    out.emplace_back(t.exps, fraction_expr(*impl_, std::move(t.coeff), impl_->den));
  return out;
}

Number Poly::leading_coeff() const {
  if (!impl_->coeff_gens.empty())
    throw InvalidArgument("Poly.leading_coeff: the coefficients are in " + domain_str() + ", not numbers (use LC)");
  if (is_zero()) return Number(0L);
  return terms().front().second;
}

ExprId Poly::LC() const {
  if (is_zero()) return impl_->pool->integer(0);
  return coeff_terms().front().second;
}

std::vector<long> Poly::leading_monom() const {
  if (is_zero()) return std::vector<long>(impl_->gens.size(), 0);
  const QPoly& q = impl_->num;
  std::vector<slong> exps(static_cast<std::size_t>(q.ctx_ptr()->flint_nvars()));
  fmpq_mpoly_get_term_exp_si(exps.data(), q.get(), 0, q.ctx());
  return std::vector<long>(exps.begin(), exps.begin() + static_cast<long>(impl_->gens.size()));
}

ExprId Poly::eval(std::size_t i, ExprId value) const {
  if (i >= impl_->gens.size())
    throw InvalidArgument("Poly.eval: generator index " + std::to_string(i) + " out of range (" +
                          std::to_string(impl_->gens.size()) + " generators)");
  ExprPool& pool = *impl_->pool;
  return expand(pool, subs(pool, as_expr(), {{impl_->gens[i], value}}));
}

namespace {

// Calls f(a, b) with a and b over the same generators and coefficient generators: the union of the
// coefficient generators (a's first), each rebuilt through its Expr when it lacks some.
template <class F>
auto in_same_ring(const Poly& a, const Poly& b, const char* op, F f) {
  check_same_pool(a.pool(), b.pool());
  if (a.gens() != b.gens())
    throw InvalidArgument(std::string("Poly ") + op + ": the polynomials have different generators (" +
                          std::to_string(a.gens().size()) + " and " + std::to_string(b.gens().size()) +
                          "); build both with the same gens");
  if (a.coeff_gens() == b.coeff_gens()) return f(a, b);
  std::vector<ExprId> cg = a.coeff_gens();
  for (ExprId g : b.coeff_gens())
    if (std::find(cg.begin(), cg.end(), g) == cg.end()) cg.push_back(g);
  auto lift = [&](const Poly& p) {
    if (p.coeff_gens() == cg) return p;
    const Domain d = p.domain() == Domain::ZZ ? Domain::ZZ_poly : p.domain() == Domain::QQ ? Domain::QQ_poly : p.domain();
    return Poly(p.pool(), p.as_expr(), p.gens(), cg, d);
  };
  return f(lift(a), lift(b));
}

}  // namespace

Poly Poly::operator+(const Poly& o) const {
  return in_same_ring(*this, o, "+", [](const Poly& a, const Poly& b) { return a.add(b); });
}

Poly Poly::add(const Poly& b) const {
  const Poly& a = *this;
  const Impl& x = *a.impl_;
  const Impl& y = *b.impl_;
  Frac r = frac_add({x.num, x.den}, {y.num, y.den}, +1, "Poly +");
  const Domain d = classify(r.num, r.den, !x.coeff_gens.empty(), zz_like(x.domain) && zz_like(y.domain),
                            x.domain == Domain::QQ_frac || y.domain == Domain::QQ_frac);
  return Poly(make(x, d, std::move(r.num), std::move(r.den)));
}

Poly Poly::operator-(const Poly& o) const { return *this + (-o); }

Poly Poly::operator*(const Poly& o) const {
  return in_same_ring(*this, o, "*", [](const Poly& a, const Poly& b) { return a.mul(b); });
}

Poly Poly::mul(const Poly& b) const {
  const Poly& a = *this;
  const Impl& x = *a.impl_;
  const Impl& y = *b.impl_;
  Frac r{qmul(x.num, y.num, "Poly *"), x.den};
  if (!x.den.is_one() || !y.den.is_one()) r = frac_mul({x.num, x.den}, {y.num, y.den}, "Poly *");
  const Domain d = classify(r.num, r.den, !x.coeff_gens.empty(), zz_like(x.domain) && zz_like(y.domain),
                            x.domain == Domain::QQ_frac || y.domain == Domain::QQ_frac);
  return Poly(make(x, d, std::move(r.num), std::move(r.den)));
}

Poly Poly::operator-() const {
  QPoly r(impl_->num.ctx_ptr());
  fmpq_mpoly_neg(r.get(), impl_->num.get(), r.ctx());
  return Poly(make(*impl_, impl_->domain, std::move(r), impl_->den));
}

Poly Poly::pow(unsigned long n) const {
  check_power(impl_->num, mpz_class(n), "Poly **");
  QPoly r(impl_->num.ctx_ptr());
  fmpq_mpoly_pow_ui(r.get(), impl_->num.get(), n, r.ctx());
  QPoly d = impl_->den;
  if (!d.is_one()) {
    check_power(impl_->den, mpz_class(n), "Poly **");
    fmpq_mpoly_pow_ui(d.get(), impl_->den.get(), n, d.ctx());
  }
  return Poly(make(*impl_, impl_->domain, std::move(r), std::move(d)));
}

std::pair<Poly, Poly> Poly::divmod(const Poly& o) const {
  return in_same_ring(*this, o, "divmod", [](const Poly& a, const Poly& b) { return a.divmod_same(b); });
}

std::pair<Poly, Poly> Poly::divmod_same(const Poly& b) const {
  const Poly& a = *this;
  const Impl& x = *a.impl_;
  const Impl& y = *b.impl_;
  if (b.is_zero()) throw DivisionByZero("Poly divmod: division by the zero polynomial");
  const bool zz = zz_like(x.domain) && zz_like(y.domain);
  const bool field = x.domain == Domain::QQ_frac || y.domain == Domain::QQ_frac;
  const bool has_cg = !x.coeff_gens.empty();
  check_product(x.num, y.num, "Poly divmod");
  if (!has_cg) {
    QPoly q(x.num.ctx_ptr()), r(x.num.ctx_ptr());
    fmpq_mpoly_divrem(q.get(), r.get(), x.num.get(), y.num.get(), q.ctx());
    const Domain dq = classify(q, x.den, false, zz, false), dr = classify(r, x.den, false, zz, false);
    return {Poly(make(x, dq, std::move(q), x.den)), Poly(make(x, dr, std::move(r), x.den))};
  }
  // Over Q(coeff_gens): divide N = x.num by G = y.num in K[gens] (N = Q*G + R), then
  // x = (Q * y.den / x.den) * y + R / x.den.
  const std::size_t ng = x.gens.size();
  const QPoly& G = y.num;
  const MainTerm lead_g = main_terms(G, ng).front();
  const QPoly one = one_like(G);
  Frac p{x.num, one}, quo{QPoly(G.ctx_ptr()), one}, rem{QPoly(G.ctx_ptr()), one};
  check_algorithm_input(x.num, "Poly divmod", "the dividend");
  check_algorithm_input(G, "Poly divmod", "the divisor");
  while (!p.num.is_zero()) {
    MainTerm lead = main_terms(p.num, ng).front();  // c * gens**m
    bool divisible = true;
    std::vector<long> shift(ng);
    for (std::size_t v = 0; v < ng; ++v) {
      shift[v] = lead.exps[v] - lead_g.exps[v];
      divisible = divisible && shift[v] >= 0;
    }
    if (!divisible) {  // the term goes to the remainder
      Frac t{times_monomial(lead.coeff, lead.exps), p.den};
      rem = frac_add(rem, t, +1, "Poly divmod");
      p = frac_add(p, t, -1, "Poly divmod");
      continue;
    }
    // t = c / (p.den * lc(G)) * gens**shift; p -= t * G; quo += t (with c and lc(G) cancelled).
    QPoly h = poly_gcd(lead.coeff, lead_g.coeff, "Poly divmod");
    QPoly c1(G.ctx_ptr()), l1(G.ctx_ptr());
    fmpq_mpoly_div(c1.get(), lead.coeff.get(), h.get(), G.ctx());
    fmpq_mpoly_div(l1.get(), lead_g.coeff.get(), h.get(), G.ctx());
    Frac t{times_monomial(c1, shift), qmul(p.den, l1, "Poly divmod")};
    reduce(t.num, t.den, "Poly divmod");
    quo = frac_add(quo, t, +1, "Poly divmod");
    p = frac_add(p, frac_mul(t, {G, one}, "Poly divmod"), -1, "Poly divmod");
  }
  Frac q = frac_mul(quo, {y.den, x.den}, "Poly divmod");
  Frac r = frac_mul(rem, {one, x.den}, "Poly divmod");
  const Domain dq = classify(q.num, q.den, true, zz, field), dr = classify(r.num, r.den, true, zz, field);
  return {Poly(make(x, dq, std::move(q.num), std::move(q.den))), Poly(make(x, dr, std::move(r.num), std::move(r.den)))};
}

Poly Poly::gcd(const Poly& o) const {
  return in_same_ring(*this, o, "gcd", [](const Poly& a, const Poly& b) { return a.gcd_same(b); });
}

Poly Poly::gcd_same(const Poly& b) const {
  const Poly& a = *this;
  const Impl& x = *a.impl_;
  const Impl& y = *b.impl_;
  const bool zz = zz_like(x.domain) && zz_like(y.domain);
  const bool field = x.domain == Domain::QQ_frac || y.domain == Domain::QQ_frac;
  QPoly g = poly_gcd(x.num, y.num, "Poly gcd");
  QPoly one = one_like(g);
  if (g.is_zero()) return Poly(make(x, classify(g, one, !x.coeff_gens.empty(), zz, field), std::move(g), one));
  if (!field) {
    if (!zz) fmpq_mpoly_make_monic(g.get(), g.get(), g.ctx());
    const Domain d = classify(g, one, !x.coeff_gens.empty(), zz, false);
    return Poly(make(x, d, std::move(g), std::move(one)));
  }
  // Over Q(coeff_gens): the content in the coefficient generators is a unit; monic in gens.
  const std::size_t ng = x.gens.size();
  std::vector<slong> vars(ng);
  for (std::size_t v = 0; v < ng; ++v) vars[v] = static_cast<slong>(v);
  QPoly content(g.ctx_ptr());
  if (!fmpq_mpoly_content_vars(content.get(), g.get(), vars.data(), static_cast<slong>(ng), g.ctx()))
    throw PolyLimitError("Poly gcd: FLINT could not compute a content (exponents too large)");
  if (!content.is_zero()) fmpq_mpoly_div(g.get(), g.get(), content.get(), g.ctx());
  QPoly lc = main_terms(g, ng).front().coeff;
  reduce(g, lc, "Poly gcd");
  return Poly(make(x, Domain::QQ_frac, std::move(g), std::move(lc)));
}

bool Poly::operator==(const Poly& o) const {
  if (impl_->pool != o.impl_->pool || impl_->gens != o.impl_->gens) return false;
  if (impl_->coeff_gens != o.impl_->coeff_gens) return as_expr() == o.as_expr();  // canonical Exprs
  return impl_->num == o.impl_->num && impl_->den == o.impl_->den;
}

std::string Poly::str() const {
  ExprPool& pool = *impl_->pool;
  // The expression and the generators printed together: x and x{positive} stay apart.
  std::vector<ExprId> ids{as_expr()};
  ids.insert(ids.end(), impl_->gens.begin(), impl_->gens.end());
  const std::vector<std::string> text = to_strings(pool, ids);
  std::string s = "Poly(" + text[0];
  for (std::size_t k = 1; k < text.size(); ++k) s += ", " + text[k];
  s += ", domain='" + domain_str() + "')";
  return s;
}

// ---- coefficients in one generator, for the rest of the library ---------------------------------

std::optional<std::vector<ExprId>> coefficients_in(ExprPool& pool, ExprId expr, ExprId x, long max_degree) {
  Converter c(pool, Mode::Expand, "coefficients_in");
  c.scan(x);
  c.scan(expr);
  const ExprId order[] = {x};
  try {
    c.build(order, ORD_LEX, true);
  } catch (const InvalidArgument&) {
    return std::nullopt;  // x appears only as a root of itself (x**(1/2)) or is no generator
  }
  const std::vector<ExprId> all = c.gen_exprs();
  for (std::size_t v = 1; v < all.size(); ++v)
    if (any_node(pool, all[v], [&](ExprId id, const Node&) { return id == x; })) return std::nullopt;
  const QPoly p = c.poly(expr);  // Expand mode: no denominators (inverse powers are generators)
  if (p.is_zero()) return std::vector<ExprId>{};
  const long d = degrees(p)[0];
  if (d > max_degree) return std::nullopt;
  std::vector<QPoly> by(static_cast<std::size_t>(d + 1), QPoly(p.ctx_ptr()));
  std::vector<ulong> exps(static_cast<std::size_t>(p.ctx_ptr()->flint_nvars()));
  Fmpq q;
  for (slong i = 0; i < p.length(); ++i) {
    fmpq_mpoly_get_term_coeff_fmpq(q.v, p.get(), i, p.ctx());
    fmpq_mpoly_get_term_exp_ui(exps.data(), p.get(), i, p.ctx());
    const std::size_t k = exps[0];
    exps[0] = 0;
    fmpq_mpoly_push_term_fmpq_ui(by[k].get(), q.v, exps.data(), p.ctx());
  }
  std::vector<ExprId> out;
  for (QPoly& b : by) {
    fmpq_mpoly_sort_terms(b.get(), b.ctx());
    fmpq_mpoly_combine_like_terms(b.get(), b.ctx());
    out.push_back(c.expr(b));
  }
  return out;
}

}  // namespace alkahest
