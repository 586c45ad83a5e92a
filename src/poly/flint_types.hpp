// RAII owners of the FLINT objects src/poly works on, and the conversions between FLINT numbers
// and kernel Numbers. Internal to src/poly.
#pragma once
#include <memory>
#include <utility>

#include "alkahest/number.hpp"
#include "poly/flint_compat.hpp"

namespace alkahest::poly_detail {

/// A context of `nvars` generators (at least one, so a constant has a context too).
class MpolyCtx {
 public:
  explicit MpolyCtx(slong nvars, ordering_t ord = ORD_LEX) : nvars_(nvars) {
    fmpq_mpoly_ctx_init(q_, nvars < 1 ? 1 : nvars, ord);
  }
  MpolyCtx(const MpolyCtx&) = delete;
  MpolyCtx& operator=(const MpolyCtx&) = delete;
  ~MpolyCtx() { fmpq_mpoly_ctx_clear(q_); }
  const fmpq_mpoly_ctx_struct* q() const { return q_; }
  fmpq_mpoly_ctx_struct* q() { return q_; }
  const fmpz_mpoly_ctx_struct* z() const { return q_->zctx; }
  fmpz_mpoly_ctx_struct* z() { return q_->zctx; }
  /// Generators in use (the FLINT context may have one more, unused, when this is 0).
  slong nvars() const { return nvars_; }
  slong flint_nvars() const { return nvars_ < 1 ? 1 : nvars_; }

 private:
  fmpq_mpoly_ctx_t q_;
  slong nvars_;
};
using CtxPtr = std::shared_ptr<MpolyCtx>;

/// A polynomial over Q in the generators of `ctx`.
class QPoly {
 public:
  explicit QPoly(CtxPtr ctx) : ctx_(std::move(ctx)) { fmpq_mpoly_init(p_, ctx_->q()); }
  QPoly(const QPoly& o) : ctx_(o.ctx_) {
    fmpq_mpoly_init(p_, ctx_->q());
    fmpq_mpoly_set(p_, o.p_, ctx_->q());
  }
  QPoly(QPoly&& o) noexcept : ctx_(o.ctx_) {
    fmpq_mpoly_init(p_, ctx_->q());
    fmpq_mpoly_swap(p_, o.p_, ctx_->q());
  }
  QPoly& operator=(const QPoly& o) {
    if (this != &o) fmpq_mpoly_set(p_, o.p_, ctx_->q());
    return *this;
  }
  QPoly& operator=(QPoly&& o) noexcept {
    fmpq_mpoly_swap(p_, o.p_, ctx_->q());
    return *this;
  }
  ~QPoly() { fmpq_mpoly_clear(p_, ctx_->q()); }

  fmpq_mpoly_struct* get() { return p_; }
  const fmpq_mpoly_struct* get() const { return p_; }
  const fmpq_mpoly_ctx_struct* ctx() const { return ctx_->q(); }
  const CtxPtr& ctx_ptr() const { return ctx_; }
  slong length() const { return fmpq_mpoly_length(p_, ctx_->q()); }
  bool is_zero() const { return fmpq_mpoly_is_zero(p_, ctx_->q()) != 0; }
  bool is_one() const { return fmpq_mpoly_is_one(p_, ctx_->q()) != 0; }
  bool is_constant() const { return fmpq_mpoly_is_fmpq(p_, ctx_->q()) != 0; }
  bool operator==(const QPoly& o) const { return fmpq_mpoly_equal(p_, o.p_, ctx_->q()) != 0; }

 private:
  CtxPtr ctx_;
  fmpq_mpoly_t p_;
};

/// RAII fmpq / fmpz scalars.
struct Fmpq {
  Fmpq() { fmpq_init(v); }
  Fmpq(const Fmpq&) = delete;
  Fmpq& operator=(const Fmpq&) = delete;
  ~Fmpq() { fmpq_clear(v); }
  fmpq_t v;
};
struct Fmpz {
  Fmpz() { fmpz_init(v); }
  Fmpz(const Fmpz&) = delete;
  Fmpz& operator=(const Fmpz&) = delete;
  ~Fmpz() { fmpz_clear(v); }
  fmpz_t v;
};

inline void to_fmpq(fmpq_t out, const mpq_class& q) { fmpq_set_mpq(out, q.get_mpq_t()); }
inline mpq_class to_mpq(const fmpq_t q) {
  mpq_class r;
  fmpq_get_mpq(r.get_mpq_t(), q);
  return r;
}
inline mpz_class to_mpz(const fmpz_t z) {
  mpz_class r;
  fmpz_get_mpz(r.get_mpz_t(), z);
  return r;
}
inline void to_fmpz(fmpz_t out, const mpz_class& z) { fmpz_set_mpz(out, z.get_mpz_t()); }
/// An exact kernel Number (an integer stays an Integer).
inline Number to_number(const fmpq_t q) {
  if (fmpz_is_one(fmpq_denref(q))) return Number(to_mpz(fmpq_numref(q)));
  return Number(to_mpq(q));
}

}  // namespace alkahest::poly_detail
