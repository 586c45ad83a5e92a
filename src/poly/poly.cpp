// Poly: a FLINT polynomial over Q in fixed generators (lex order), with the domain ZZ or QQ.
#include "poly/convert.hpp"

namespace alkahest {

using namespace poly_detail;

struct Poly::Impl {
  Impl(ExprPool& p, std::vector<ExprId> g, Domain d, QPoly q) : pool(&p), gens(std::move(g)), domain(d), poly(std::move(q)) {}
  ExprPool* pool;
  std::vector<ExprId> gens;
  Domain domain;
  QPoly poly;
};

namespace {

Poly::Domain infer(const QPoly& q) { return integer_content(q) ? Poly::Domain::ZZ : Poly::Domain::QQ; }

}  // namespace

Poly::Poly(ExprPool& pool, ExprId expr, std::vector<ExprId> gens, std::optional<Domain> domain) {
  Converter c(pool, Mode::Exact, "Poly");
  for (ExprId g : gens) c.scan(g);
  c.scan(expr);
  c.build(gens);
  QPoly q = c.poly(expr);
  const Domain d = domain.value_or(infer(q));
  if (d == Domain::ZZ && !integer_content(q))
    throw InvalidArgument("Poly: " + to_string(pool, expr) +
                          " has a non-integer coefficient, so it is not in ZZ; use domain='QQ'");
  impl_ = std::make_unique<Impl>(pool, c.gen_exprs(), d, std::move(q));
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
Poly::Domain Poly::domain() const { return impl_->domain; }
bool Poly::is_zero() const { return impl_->poly.is_zero(); }

ExprId Poly::as_expr() const {
  ExprPool& pool = *impl_->pool;
  const QPoly& q = impl_->poly;
  std::vector<ExprId> terms;
  for (auto& [exps, c] : this->terms()) {
    std::vector<ExprId> fs{pool.number(c)};
    for (std::size_t v = 0; v < exps.size(); ++v)
      if (exps[v] != 0) fs.push_back(pool.pow(impl_->gens[v], pool.integer(exps[v])));
    terms.push_back(pool.mul(fs));
  }
  (void)q;
  return terms.empty() ? pool.integer(0) : pool.add(terms);
}

long Poly::degree(std::size_t i) const {
  if (i >= impl_->gens.size())
    throw InvalidArgument("Poly.degree: generator index " + std::to_string(i) + " out of range (" +
                          std::to_string(impl_->gens.size()) + " generators)");
  if (is_zero()) return -1;
  return degrees(impl_->poly)[i];
}

std::vector<long> Poly::degree_list() const {
  std::vector<long> out;
  for (std::size_t i = 0; i < impl_->gens.size(); ++i) out.push_back(degree(i));
  return out;
}

long Poly::total_degree() const {
  if (is_zero()) return -1;
  Fmpz d;
  fmpq_mpoly_total_degree_fmpz(d.v, impl_->poly.get(), impl_->poly.ctx());
  return static_cast<long>(fmpz_get_si(d.v));
}

std::vector<std::pair<std::vector<long>, Number>> Poly::terms() const {
  const QPoly& q = impl_->poly;
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

Number Poly::leading_coeff() const {
  if (is_zero()) return Number(0L);
  return terms().front().second;
}

std::vector<long> Poly::leading_monom() const {
  if (is_zero()) return std::vector<long>(impl_->gens.size(), 0);
  return terms().front().first;
}

namespace {

void same_ring(const Poly& a, const Poly& b, const char* op) {
  check_same_pool(a.pool(), b.pool());
  if (a.gens() != b.gens())
    throw InvalidArgument(std::string("Poly ") + op + ": the polynomials have different generators (" +
                          std::to_string(a.gens().size()) + " and " + std::to_string(b.gens().size()) +
                          "); build both with the same gens");
}

}  // namespace

Poly Poly::operator+(const Poly& o) const {
  same_ring(*this, o, "+");
  QPoly r(impl_->poly.ctx_ptr());
  fmpq_mpoly_add(r.get(), impl_->poly.get(), o.impl_->poly.get(), r.ctx());
  const Domain d = impl_->domain == Domain::ZZ && o.impl_->domain == Domain::ZZ ? Domain::ZZ : Domain::QQ;
  return Poly(std::make_unique<Impl>(*impl_->pool, impl_->gens, d, std::move(r)));
}

Poly Poly::operator-(const Poly& o) const {
  same_ring(*this, o, "-");
  QPoly r(impl_->poly.ctx_ptr());
  fmpq_mpoly_sub(r.get(), impl_->poly.get(), o.impl_->poly.get(), r.ctx());
  const Domain d = impl_->domain == Domain::ZZ && o.impl_->domain == Domain::ZZ ? Domain::ZZ : Domain::QQ;
  return Poly(std::make_unique<Impl>(*impl_->pool, impl_->gens, d, std::move(r)));
}

Poly Poly::operator*(const Poly& o) const {
  same_ring(*this, o, "*");
  check_product(impl_->poly, o.impl_->poly, "Poly *");
  QPoly r(impl_->poly.ctx_ptr());
  fmpq_mpoly_mul(r.get(), impl_->poly.get(), o.impl_->poly.get(), r.ctx());
  const Domain d = impl_->domain == Domain::ZZ && o.impl_->domain == Domain::ZZ ? Domain::ZZ : Domain::QQ;
  return Poly(std::make_unique<Impl>(*impl_->pool, impl_->gens, d, std::move(r)));
}

Poly Poly::operator-() const {
  QPoly r(impl_->poly.ctx_ptr());
  fmpq_mpoly_neg(r.get(), impl_->poly.get(), r.ctx());
  return Poly(std::make_unique<Impl>(*impl_->pool, impl_->gens, impl_->domain, std::move(r)));
}

Poly Poly::pow(unsigned long n) const {
  check_power(impl_->poly, mpz_class(n), "Poly **");
  QPoly r(impl_->poly.ctx_ptr());
  fmpq_mpoly_pow_ui(r.get(), impl_->poly.get(), n, r.ctx());
  return Poly(std::make_unique<Impl>(*impl_->pool, impl_->gens, impl_->domain, std::move(r)));
}

std::pair<Poly, Poly> Poly::divmod(const Poly& o) const {
  same_ring(*this, o, "divmod");
  if (o.is_zero()) throw DivisionByZero("Poly divmod: division by the zero polynomial");
  check_product(impl_->poly, o.impl_->poly, "Poly divmod");
  QPoly q(impl_->poly.ctx_ptr()), r(impl_->poly.ctx_ptr());
  fmpq_mpoly_divrem(q.get(), r.get(), impl_->poly.get(), o.impl_->poly.get(), q.ctx());
  const bool zz = impl_->domain == Domain::ZZ && o.impl_->domain == Domain::ZZ;
  const Domain dq = zz && integer_content(q) ? Domain::ZZ : Domain::QQ;
  const Domain dr = zz && integer_content(r) ? Domain::ZZ : Domain::QQ;
  return {Poly(std::make_unique<Impl>(*impl_->pool, impl_->gens, dq, std::move(q))),
          Poly(std::make_unique<Impl>(*impl_->pool, impl_->gens, dr, std::move(r)))};
}

bool Poly::operator==(const Poly& o) const {
  return impl_->pool == o.impl_->pool && impl_->gens == o.impl_->gens && impl_->poly == o.impl_->poly;
}

std::string Poly::str() const {
  ExprPool& pool = *impl_->pool;
  std::string s = "Poly(" + to_string(pool, as_expr());
  for (ExprId g : impl_->gens) s += ", " + to_string(pool, g);
  s += std::string(", domain='") + (impl_->domain == Domain::ZZ ? "ZZ" : "QQ") + "')";
  return s;
}

}  // namespace alkahest
