// Conversions between numeric Matrices and FLINT's fmpq_mat.
#include "matrix/rational_matrix.hpp"

#include <flint/fmpz_mat.h>
#include <flint/nmod_mat.h>
#include <flint/ulong_extras.h>
#include <mpfr.h>

#include <cmath>

namespace alkahest::matrix_detail {

bool is_numeric(const Matrix& a) {
  for (ExprId e : a.entries()) {
    const Node& n = a.pool().node(e);
    if (n.kind != Kind::Number) return false;
    if (n.number.is_float() && !std::isfinite(n.number.real())) return false;
  }
  return true;
}

bool has_float_entry(const Matrix& a) {
  for (ExprId e : a.entries())
    if (a.pool().node(e).number.is_float()) return true;
  return false;
}

void to_fmpq_mat(const Matrix& a, RationalMatrix& out) {
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) {
      const Number& n = a.pool().node(a(i, j)).number;
      const mpq_class q = n.is_float() ? mpq_class(n.real()) : n.to_mpq();
      fmpq_set_mpq(fmpq_mat_entry(out.get(), slong(i), slong(j)), q.get_mpq_t());
    }
}

ExprId fmpq_expr(ExprPool& pool, const fmpq_t q, bool as_float) {
  mpq_class v;
  fmpq_get_mpq(v.get_mpq_t(), q);
  if (as_float) {  // rounded to nearest, once
    mpfr_t f;
    mpfr_init2(f, 53);
    mpfr_set_q(f, v.get_mpq_t(), MPFR_RNDN);
    const double d = mpfr_get_d(f, MPFR_RNDN);
    mpfr_clear(f);
    return pool.number(Number(d));
  }
  return pool.number(Number::from_lowest_terms(std::move(v)));  // FLINT keeps every fmpq in lowest terms
}

Matrix from_fmpq_mat(ExprPool& pool, const RationalMatrix& m, bool as_float) {
  std::vector<ExprId> out;
  out.reserve(std::size_t(m.rows() * m.cols()));
  for (slong i = 0; i < m.rows(); ++i)
    for (slong j = 0; j < m.cols(); ++j) out.push_back(fmpq_expr(pool, fmpq_mat_entry(m.get(), i, j), as_float));
  return Matrix(pool, std::size_t(m.rows()), std::size_t(m.cols()), std::move(out));
}

// ---- the multimodular inverse ------------------------------------------------------------------

namespace {

struct FmpzMat {
  fmpz_mat_t m;
  FmpzMat(slong r, slong c) { fmpz_mat_init(m, r, c); }
  FmpzMat(const FmpzMat&) = delete;
  FmpzMat& operator=(const FmpzMat&) = delete;
  ~FmpzMat() { fmpz_mat_clear(m); }
};

struct Fmpz {
  fmpz_t v;
  Fmpz() { fmpz_init(v); }
  Fmpz(const Fmpz&) = delete;
  Fmpz& operator=(const Fmpz&) = delete;
  ~Fmpz() { fmpz_clear(v); }
};

// The images of adj(Z) modulo the primes (nmod_mat_t is an array of one nmod_mat_struct, so a
// vector of structs is the array of nmod_mat_t that fmpz_mat_multi_CRT_ui reads).
struct Residues {
  std::vector<nmod_mat_struct> mats;
  Residues() = default;
  Residues(const Residues&) = delete;
  Residues& operator=(const Residues&) = delete;
  ~Residues() {
    for (nmod_mat_struct& m : mats) nmod_mat_clear(&m);
  }
};

}  // namespace

bool rational_inverse(const RationalMatrix& a, RationalMatrix& out) {
  const slong n = a.rows();
  if (n != a.cols() || out.rows() != n || out.cols() != n)
    throw InvalidArgument("rational_inverse: the matrices must be square and of one shape");
  if (n <= 2) return fmpq_mat_inv(out.get(), a.get()) != 0;  // FLINT's closed forms
  FmpzMat z(n, n);
  std::vector<fmpz> den_storage(std::size_t(n), fmpz(0));  // fmpz 0 is a valid initialised value
  fmpz* den = den_storage.data();
  struct DenGuard {
    fmpz* d;
    slong n;
    ~DenGuard() {
      for (slong i = 0; i < n; ++i) fmpz_clear(d + i);
    }
  } den_guard{den, n};
  fmpq_mat_get_fmpz_mat_rowwise(z.m, den, a.get());  // row i of A times den[i] is row i of Z

  Fmpz d;
  fmpz_mat_det(d.v, z.m);
  if (fmpz_is_zero(d.v)) return false;

  // Every entry of adj(Z) is, up to sign, a minor of order n-1: by Hadamard at most the product
  // of the norms of n-1 rows of Z, so at most sqrt(prod_k |row_k|^2) = sqrt(norms) (each nonzero
  // integer row has norm >= 1, and det != 0 means no row is zero). The symmetric CRT recovers
  // values of absolute value < M/2, so M is grown until M^2 > 4 * norms.
  Fmpz norms, s, modulus, m2;
  fmpz_one(norms.v);
  for (slong i = 0; i < n; ++i) {
    fmpz_zero(s.v);
    for (slong j = 0; j < n; ++j) fmpz_addmul(s.v, fmpz_mat_entry(z.m, i, j), fmpz_mat_entry(z.m, i, j));
    fmpz_mul(norms.v, norms.v, s.v);
  }
  fmpz_mul_ui(norms.v, norms.v, 4);
  fmpz_one(modulus.v);

  Residues residues;
  residues.mats.reserve(std::size_t(fmpz_bits(norms.v) / (2 * NMOD_MAT_OPTIMAL_MODULUS_BITS) + 2));
  mp_limb_t p = UWORD(1) << NMOD_MAT_OPTIMAL_MODULUS_BITS;
  for (;;) {
    fmpz_mul(m2.v, modulus.v, modulus.v);
    if (fmpz_cmp(m2.v, norms.v) > 0) break;
    p = n_nextprime(p, 1);
    const mp_limb_t dp = fmpz_fdiv_ui(d.v, p);
    if (dp == 0) continue;  // p divides det(Z): Z is singular mod p
    nmod_mat_t zp;
    nmod_mat_init(zp, n, n, p);
    fmpz_mat_get_nmod_mat(zp, z.m);
    residues.mats.emplace_back();
    nmod_mat_init(&residues.mats.back(), n, n, p);
    const int ok = nmod_mat_inv(&residues.mats.back(), zp);
    nmod_mat_clear(zp);
    if (!ok) throw AlkahestError("rational_inverse: a matrix with nonzero determinant mod p was not inverted mod p");
    nmod_mat_scalar_mul(&residues.mats.back(), &residues.mats.back(), dp);  // adj(Z) = det(Z) Z^-1
    fmpz_mul_ui(modulus.v, modulus.v, p);
  }
  FmpzMat adj(n, n);
  fmpz_mat_multi_CRT_ui(adj.m, reinterpret_cast<nmod_mat_t*>(residues.mats.data()), slong(residues.mats.size()), 1);

  // A^-1[i][j] = adj[i][j] den[j] / d in lowest terms. Instead of a gcd with d per entry (~10 us
  // each at 1,000 bits), one gcd g = gcd(prod of the nonzero numerators mod |d|, |d|): every
  // gcd(num, d) divides g (a common prime power of num and d divides the product and d, hence
  // the product mod d), so gcd(num, d) = gcd(num, g), and g is small for all but special
  // matrices (its primes are those of the row denominators and the few that d shares with adj).
  Fmpz dabs, prod, g, h;
  fmpz_abs(dabs.v, d.v);
  fmpz_one(prod.v);
  for (slong i = 0; i < n; ++i)
    for (slong j = 0; j < n; ++j) {
      fmpz* e = fmpz_mat_entry(adj.m, i, j);
      if (fmpz_is_zero(e)) continue;
      fmpz_mul(e, e, den + j);
      fmpz_mul(prod.v, prod.v, e);
      fmpz_mod(prod.v, prod.v, dabs.v);
    }
  fmpz_gcd(g.v, prod.v, dabs.v);
  const bool coprime = fmpz_is_one(g.v);
  const int dsign = fmpz_sgn(d.v);
  for (slong i = 0; i < n; ++i)
    for (slong j = 0; j < n; ++j) {
      fmpz* e = fmpz_mat_entry(adj.m, i, j);
      fmpq* q = fmpq_mat_entry(out.get(), i, j);
      if (fmpz_is_zero(e)) {
        fmpq_zero(q);
        continue;
      }
      if (coprime || (fmpz_gcd(h.v, e, g.v), fmpz_is_one(h.v))) {
        fmpz_swap(fmpq_numref(q), e);
        fmpz_set(fmpq_denref(q), dabs.v);
      } else {
        fmpz_divexact(fmpq_numref(q), e, h.v);
        fmpz_divexact(fmpq_denref(q), dabs.v, h.v);
      }
      if (dsign < 0) fmpz_neg(fmpq_numref(q), fmpq_numref(q));
    }
  return true;
}

}  // namespace alkahest::matrix_detail
