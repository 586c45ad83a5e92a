// RootOf(f, k): the k-th root of a univariate polynomial over Q in one fixed, exact order (real roots
// first, increasing; then the others by real part, then imaginary part). The roots are Calcium's
// exact algebraic numbers (qqbar), so the order is decided by exact comparisons, never by rounded
// values, and does not depend on the precision asked for; values come from their certified
// enclosures at the precision asked.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "poly/convert.hpp"
#include "poly/rootof.hpp"

// Calcium's qqbar.h (FLINT 2's calcium/qqbar.h, FLINT 3's flint/qqbar.h) converts void* implicitly
// in inline functions, which C++ rejects; the few declarations used here are repeated instead (the
// same struct and functions in both versions).
extern "C" {
typedef struct {
  fmpz_poly_struct poly;
  acb_struct enclosure;
} qqbar_struct;
void qqbar_init(qqbar_struct* res);
void qqbar_clear(qqbar_struct* res);
void qqbar_roots_fmpz_poly(qqbar_struct* res, const fmpz_poly_struct* poly, int flags);
int qqbar_cmp_re(const qqbar_struct* x, const qqbar_struct* y);
int qqbar_cmp_im(const qqbar_struct* x, const qqbar_struct* y);
int qqbar_sgn_im(const qqbar_struct* x);
void qqbar_get_acb(acb_struct* res, const qqbar_struct* x, slong prec);
}

namespace alkahest {

namespace poly_detail {
void univariate_integer_poly(fmpz_poly_t out, Converter& c, ExprId poly, ExprId x, const char* who);

namespace {
std::string short_text(const ExprPool& pool, ExprId e) {
  std::string s = to_string(pool, e);
  return s.size() > 200 ? s.substr(0, 200) + "..." : s;
}
}  // namespace
}  // namespace poly_detail

namespace {

using namespace poly_detail;

bool is_real_root(const qqbar_struct* x) { return qqbar_sgn_im(x) == 0; }

// The roots of an integer polynomial (with multiplicity) in RootOf order.
class OrderedRoots {
 public:
  OrderedRoots(ExprPool& pool, ExprId poly, ExprId x, const char* who) {
    Converter c(pool, Mode::Exact, who);
    fmpz_poly_t z;
    fmpz_poly_init(z);
    try {
      univariate_integer_poly(z, c, poly, x, who);
    } catch (...) {
      fmpz_poly_clear(z);
      throw;
    }
    n_ = fmpz_poly_degree(z);
    if (n_ < 1) {
      fmpz_poly_clear(z);
      throw InvalidArgument(std::string(who) + ": the polynomial " + short_text(pool, poly) +
                            " is constant and has no roots");
    }
    v_ = static_cast<qqbar_struct*>(flint_malloc(static_cast<std::size_t>(n_) * sizeof(qqbar_struct)));
    for (slong i = 0; i < n_; ++i) qqbar_init(v_ + i);
    qqbar_roots_fmpz_poly(v_, z, 0);
    fmpz_poly_clear(z);
    order_.resize(static_cast<std::size_t>(n_));
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [this](slong a, slong b) { return less(v_ + a, v_ + b); });
  }
  OrderedRoots(const OrderedRoots&) = delete;
  OrderedRoots& operator=(const OrderedRoots&) = delete;
  ~OrderedRoots() {
    for (slong i = 0; i < n_; ++i) qqbar_clear(v_ + i);
    flint_free(v_);
  }

  slong size() const { return n_; }
  const qqbar_struct* at(slong k) const { return v_ + order_[static_cast<std::size_t>(k)]; }

 private:
  static bool less(const qqbar_struct* a, const qqbar_struct* b) {
    const bool ra = is_real_root(a), rb = is_real_root(b);
    if (ra != rb) return ra;
    const int re = qqbar_cmp_re(a, b);
    if (re != 0) return re < 0;
    return qqbar_cmp_im(a, b) < 0;
  }
  slong n_ = 0;
  qqbar_struct* v_ = nullptr;
  std::vector<slong> order_;
};

std::string part_text(const arb_t v, long digits) {
  if (arb_is_zero(v)) return "0";
  char* s = arb_get_str(v, digits, ARB_STR_NO_RADIUS);
  std::string out(s);
  flint_free(s);
  return out;
}

}  // namespace

RootOfValue rootof_value(ExprPool& pool, ExprId poly, ExprId x, long k, long digits) {
  if (digits < 1 || digits > PolyLimits::max_digits)
    throw InvalidArgument("RootOf: digits must be between 1 and " + std::to_string(PolyLimits::max_digits));
  OrderedRoots roots(pool, poly, x, "RootOf");
  if (k < 0 || k >= roots.size())
    throw InvalidArgument("RootOf: index " + std::to_string(k) + " out of range: " + short_text(pool, poly) +
                          " has " + std::to_string(roots.size()) + " roots (0 to " + std::to_string(roots.size() - 1) + ")");
  const qqbar_struct* r = roots.at(k);
  const slong want = static_cast<slong>(std::ceil(static_cast<double>(digits) * 3.3219280948873626)) + 8;
  acb_t z;
  acb_init(z);
  RootOfValue out;
  for (slong prec = want + 16;; prec *= 2) {
    qqbar_get_acb(z, r, prec);
    if (acb_rel_accuracy_bits(z) >= want || prec > 64 * want + (1 << 16)) break;
  }
  out.real = is_real_root(r);
  if (out.real) arb_zero(acb_imagref(z));
  out.re = part_text(acb_realref(z), digits);
  out.im = part_text(acb_imagref(z), digits);
  out.re_double = arf_get_d(arb_midref(acb_realref(z)), ARF_RND_NEAR);
  out.im_double = arf_get_d(arb_midref(acb_imagref(z)), ARF_RND_NEAR);
  out.degree = static_cast<long>(roots.size());
  acb_clear(z);
  return out;
}

long rootof_real_count(ExprPool& pool, ExprId poly, ExprId x) {
  OrderedRoots roots(pool, poly, x, "RootOf");
  long n = 0;
  for (slong k = 0; k < roots.size(); ++k) n += is_real_root(roots.at(k)) ? 1 : 0;
  return n;
}

namespace poly_detail {

void rootof_acb(ExprPool& pool, ExprId poly, ExprId x, long k, slong prec, acb_t out) {
  OrderedRoots roots(pool, poly, x, "RootOf");
  if (k < 0 || k >= roots.size())
    throw InvalidArgument("RootOf: index " + std::to_string(k) + " out of range for " + short_text(pool, poly));
  qqbar_get_acb(out, roots.at(k), prec);
  if (is_real_root(roots.at(k))) arb_zero(acb_imagref(out));
}

}  // namespace poly_detail

}  // namespace alkahest
