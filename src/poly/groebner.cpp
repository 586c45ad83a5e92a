// groebner: reduced Groebner bases over Q by Buchberger's algorithm with the sugar strategy
// (Giovini, Mora, Niesi, Robbiano, Traverso 1991) and Buchberger's two criteria, on FLINT's fmpq_mpoly
// (S-polynomials by FLINT multiplication, normal forms by fmpq_mpoly_divrem_ideal), every basis
// element kept monic; then made minimal and inter-reduced. FLINT's own naive Buchberger
// (fmpz_mpoly_buchberger_naive_with_limits, from Calcium) works over Z without inter-reduction: on
// three random quadrics in 3 variables its coefficients reach 600,000 bits, where this stays small.
// Every step is bounded (PolyLimits::groebner_*): the basis length, pairs processed, and the terms,
// coefficient bits and degree of each new element; past a bound it throws PolyLimitError.
#include <algorithm>
#include <numeric>

#include "poly/convert.hpp"

namespace alkahest {

namespace {

using poly_detail::QPoly;

struct Elem {
  QPoly p;
  std::vector<ulong> lm;
  ulong sugar;
  bool live = true;
};

struct Pair {
  std::size_t i, j;
  ulong sugar;
  std::vector<ulong> lcm;
  ulong lcm_degree;
};

std::vector<ulong> leading_monomial(const QPoly& p) {
  std::vector<ulong> e(static_cast<std::size_t>(p.ctx_ptr()->flint_nvars()));
  fmpq_mpoly_get_term_exp_ui(e.data(), p.get(), 0, p.ctx());
  return e;
}

bool divides(const std::vector<ulong>& a, const std::vector<ulong>& b) {
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k] > b[k]) return false;
  return true;
}

ulong degree_of(const std::vector<ulong>& m) { return std::accumulate(m.begin(), m.end(), ulong(0)); }

ulong total_degree(const QPoly& p) {
  poly_detail::Fmpz d;
  fmpq_mpoly_total_degree_fmpz(d.v, p.get(), p.ctx());
  return fmpz_get_ui(d.v);
}

class Buchberger {
 public:
  explicit Buchberger(poly_detail::CtxPtr ctx) : ctx_(std::move(ctx)) {}

  // Remainder of p on division by the live basis elements.
  QPoly normal_form(const QPoly& p, std::size_t skip = static_cast<std::size_t>(-1)) const {
    std::vector<fmpq_mpoly_struct*> divisors;  // FLINT only reads them
    for (std::size_t k = 0; k < basis_.size(); ++k)
      if (basis_[k].live && k != skip) divisors.push_back(const_cast<fmpq_mpoly_struct*>(basis_[k].p.get()));
    QPoly r(ctx_);
    if (divisors.empty()) {
      r = p;
      return r;
    }
    std::vector<QPoly> quotients(divisors.size(), QPoly(ctx_));
    std::vector<fmpq_mpoly_struct*> qs;
    for (QPoly& q : quotients) qs.push_back(q.get());
    fmpq_mpoly_divrem_ideal(qs.data(), r.get(), p.get(), divisors.data(), static_cast<slong>(divisors.size()),
                            ctx_->q());
    return r;
  }

  void add(QPoly p, ulong sugar) {
    check_element(p);
    fmpq_mpoly_make_monic(p.get(), p.get(), ctx_->q());
    Elem e{std::move(p), {}, sugar};
    e.lm = leading_monomial(e.p);
    basis_.push_back(std::move(e));
    const std::size_t n = basis_.size() - 1;
    if (static_cast<long>(basis_.size()) > PolyLimits::groebner_max_basis)
      limit("the basis has more than " + std::to_string(PolyLimits::groebner_max_basis) + " elements");
    for (std::size_t i = 0; i < n; ++i) {
      if (!basis_[i].live) continue;
      Pair pr{i, n, 0, basis_[i].lm, 0};
      for (std::size_t k = 0; k < pr.lcm.size(); ++k) pr.lcm[k] = std::max(pr.lcm[k], basis_[n].lm[k]);
      pr.lcm_degree = degree_of(pr.lcm);
      pr.sugar = std::max(basis_[i].sugar + pr.lcm_degree - degree_of(basis_[i].lm),
                          basis_[n].sugar + pr.lcm_degree - degree_of(basis_[n].lm));
      pairs_.push_back(std::move(pr));
    }
  }

  void run() {
    long steps = 0;
    while (!pairs_.empty()) {
      if (++steps > PolyLimits::groebner_max_pairs)
        limit(std::to_string(PolyLimits::groebner_max_pairs) + " S-polynomials were reduced");
      // The pair of least sugar (then of least lcm degree, then the oldest).
      auto best = std::min_element(pairs_.begin(), pairs_.end(), [](const Pair& a, const Pair& b) {
        if (a.sugar != b.sugar) return a.sugar < b.sugar;
        if (a.lcm_degree != b.lcm_degree) return a.lcm_degree < b.lcm_degree;
        return std::make_pair(a.j, a.i) < std::make_pair(b.j, b.i);
      });
      Pair pr = *best;
      pairs_.erase(best);
      done_.push_back({pr.i, pr.j});
      if (criteria_skip(pr)) continue;
      QPoly s = spoly(pr);
      QPoly r = normal_form(s);
      if (r.is_zero()) continue;
      add(std::move(r), pr.sugar);
    }
  }

  // Minimal, then inter-reduced, monic, largest leading monomial first.
  std::vector<QPoly> reduced() {
    for (std::size_t i = 0; i < basis_.size(); ++i) basis_[i].live = true;
    for (std::size_t i = 0; i < basis_.size(); ++i)
      for (std::size_t j = 0; j < basis_.size(); ++j)
        if (i != j && basis_[i].live && basis_[j].live && divides(basis_[j].lm, basis_[i].lm) &&
            (basis_[j].lm != basis_[i].lm || j < i))
          basis_[i].live = false;
    std::vector<QPoly> out;
    for (std::size_t i = 0; i < basis_.size(); ++i) {
      if (!basis_[i].live) continue;
      QPoly r = normal_form(basis_[i].p, i);
      fmpq_mpoly_make_monic(r.get(), r.get(), ctx_->q());
      out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(), [&](const QPoly& a, const QPoly& b) {
      return fmpz_mpoly_cmp(a.get()->zpoly, b.get()->zpoly, ctx_->z()) > 0;
    });
    return out;
  }

 private:
  [[noreturn]] void limit(const std::string& what) const {
    throw PolyLimitError("groebner: " + what + " (PolyLimits::groebner_*); no basis was returned");
  }

  void check_element(const QPoly& p) const {
    if (p.length() > PolyLimits::groebner_max_terms)
      limit("an element has " + std::to_string(p.length()) + " terms");
    const long bits = poly_detail::coefficient_bits(p);
    if (bits > PolyLimits::groebner_max_bits) limit("an element has " + std::to_string(bits) + "-bit coefficients");
    if (total_degree(p) > static_cast<ulong>(PolyLimits::groebner_max_element_degree))
      limit("an element has total degree " + std::to_string(total_degree(p)));
  }

  // Buchberger's criteria: coprime leading monomials (the product criterion), or a third element
  // whose leading monomial divides the lcm and whose pairs with both are already treated (chain).
  bool criteria_skip(const Pair& pr) const {
    const auto& a = basis_[pr.i].lm;
    const auto& b = basis_[pr.j].lm;
    bool coprime = true;
    for (std::size_t k = 0; k < a.size(); ++k)
      if (a[k] != 0 && b[k] != 0) coprime = false;
    if (coprime) return true;
    for (std::size_t k = 0; k < basis_.size(); ++k) {
      if (k == pr.i || k == pr.j || !divides(basis_[k].lm, pr.lcm)) continue;
      if (treated(pr.i, k) && treated(pr.j, k)) return true;
    }
    return false;
  }

  bool treated(std::size_t a, std::size_t b) const {
    const auto key = std::make_pair(std::min(a, b), std::max(a, b));
    for (const auto& d : done_)
      if (d == key) return true;
    return false;
  }

  QPoly spoly(const Pair& pr) const {
    auto mono = [&](const std::vector<ulong>& lm) {
      std::vector<ulong> e(pr.lcm.size());
      for (std::size_t k = 0; k < e.size(); ++k) e[k] = pr.lcm[k] - lm[k];
      QPoly m(ctx_);
      poly_detail::Fmpq one;
      fmpq_one(one.v);
      fmpq_mpoly_set_coeff_fmpq_ui(m.get(), one.v, e.data(), ctx_->q());
      return m;
    };
    QPoly a(ctx_), b(ctx_);
    QPoly ma = mono(basis_[pr.i].lm), mb = mono(basis_[pr.j].lm);
    fmpq_mpoly_mul(a.get(), basis_[pr.i].p.get(), ma.get(), ctx_->q());
    fmpq_mpoly_mul(b.get(), basis_[pr.j].p.get(), mb.get(), ctx_->q());
    fmpq_mpoly_sub(a.get(), a.get(), b.get(), ctx_->q());
    return a;
  }

  poly_detail::CtxPtr ctx_;
  std::vector<Elem> basis_;
  std::vector<Pair> pairs_;
  std::vector<std::pair<std::size_t, std::size_t>> done_;
};

}  // namespace

std::vector<ExprId> groebner(ExprPool& pool, std::span<const ExprId> polys, std::span<const ExprId> gens,
                             MonomialOrder order) {
  using namespace poly_detail;
  Converter c(pool, Mode::Exact, "groebner");
  for (ExprId g : gens) c.scan(g);
  for (ExprId p : polys) c.scan(p);
  c.build(gens, order == MonomialOrder::Lex ? ORD_LEX : ORD_DEGREVLEX);
  if (static_cast<long>(c.nvars()) > PolyLimits::groebner_max_gens)
    throw PolyLimitError("groebner: " + std::to_string(c.nvars()) + " generators, above the limit " +
                         std::to_string(PolyLimits::groebner_max_gens) + " (PolyLimits::groebner_max_gens)");
  Buchberger bb(c.ctx());
  for (ExprId e : polys) {
    QPoly q = c.poly(e);
    if (q.is_zero()) continue;
    check_algorithm_input(q, "groebner", "a polynomial");
    const ulong d = total_degree(q);
    if (d > static_cast<ulong>(PolyLimits::groebner_max_degree))
      throw PolyLimitError("groebner: a polynomial has total degree " + std::to_string(d) + ", above the limit " +
                           std::to_string(PolyLimits::groebner_max_degree) + " (PolyLimits::groebner_max_degree)");
    bb.add(std::move(q), d);
  }
  bb.run();
  std::vector<ExprId> out;
  for (const QPoly& q : bb.reduced()) out.push_back(c.expr(q));
  return out;
}

}  // namespace alkahest
