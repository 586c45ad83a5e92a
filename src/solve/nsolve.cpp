// Batched damped Newton (include/alkahest/nsolve.hpp). The lanes are independent; the evaluators
// run once per round on the gathered lanes that still need a value, so a round costs one compiled
// evaluation over the batch plus O(n^3) scalar work per lane.
#include "alkahest/nsolve.hpp"

#include <cmath>
#include <limits>

#include "alkahest/errors.hpp"

namespace alkahest {

namespace {

// Gaussian elimination with partial pivoting; Fixed > 0 fixes n at compile time (the loops unroll:
// a 2 x 2 system costs a few nanoseconds), with the same operations in the same order.
template <std::size_t Fixed>
inline void solve_impl(std::size_t n_dyn, double* a, double* b, double* x) {
  const std::size_t n = Fixed ? Fixed : n_dyn;
  for (std::size_t k = 0; k < n; ++k) {
    if (k + 1 < n) {
      std::size_t piv = k;
      double best = std::fabs(a[k * n + k]);
      for (std::size_t i = k + 1; i < n; ++i)
        if (std::fabs(a[i * n + k]) > best) best = std::fabs(a[i * n + k]), piv = i;
      if (piv != k) {
        for (std::size_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[piv * n + j]);
        std::swap(b[k], b[piv]);
      }
    }
    const double pivot = a[k * n + k];
    for (std::size_t i = k + 1; i < n; ++i) {
      const double f = a[i * n + k] / pivot;
      for (std::size_t j = k; j < n; ++j) a[i * n + j] -= f * a[k * n + j];
      b[i] -= f * b[k];
    }
  }
  for (std::size_t k = n; k-- > 0;) {
    double s = 0.0;
    for (std::size_t i = k + 1; i < n; ++i) s += a[k * n + i] * x[i];
    x[k] = (b[k] - s) / a[k * n + k];
  }
}

// The Newton steps of m lanes: jac (m x n x n) dx = -f[lane[k]]; the positions of lanes whose
// step is not finite (a singular Jacobian) are appended to `singular`.
template <std::size_t Fixed>
void solve_lanes(std::size_t n_dyn, std::size_t m, const double* jac, const double* fx, const std::size_t* lane,
                 double* dx, std::vector<std::size_t>* singular) {
  const std::size_t n = Fixed ? Fixed : n_dyn;
  std::vector<double> a(n * n), b(n);
  for (std::size_t k = 0; k < m; ++k) {
    for (std::size_t i = 0; i < n * n; ++i) a[i] = jac[k * n * n + i];
    for (std::size_t i = 0; i < n; ++i) b[i] = -fx[lane[k] * n + i];
    solve_impl<Fixed>(n, a.data(), b.data(), &dx[k * n]);
    if (singular) {
      double s = 0.0;
      for (std::size_t i = 0; i < n; ++i) s += dx[k * n + i];
      if (!std::isfinite(s)) singular->push_back(k);
    }
  }
}

void solve_all(std::size_t n, std::size_t m, const double* jac, const double* fx, const std::size_t* lane, double* dx,
               std::vector<std::size_t>* singular) {
  switch (n) {
    case 1: return solve_lanes<1>(n, m, jac, fx, lane, dx, singular);
    case 2: return solve_lanes<2>(n, m, jac, fx, lane, dx, singular);
    case 3: return solve_lanes<3>(n, m, jac, fx, lane, dx, singular);
    case 4: return solve_lanes<4>(n, m, jac, fx, lane, dx, singular);
    default: return solve_lanes<0>(n, m, jac, fx, lane, dx, singular);
  }
}

}  // namespace

void solve_pivoted(std::size_t n, double* a, double* b, double* x) { solve_impl<0>(n, a, b, x); }

namespace {

double max_abs(const double* f, std::size_t n) {
  double m = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = std::fabs(f[i]);
    if (std::isnan(v)) return v;  // as NumPy's max: NaN propagates
    if (v > m) m = v;
  }
  return m;
}

// The lanes `idx` of the state, as contiguous input columns for an evaluator.
class Gather {
 public:
  Gather(std::size_t n, const std::vector<std::vector<double>>& params) : n_(n), params_(params) {
    cols_.resize(n + params.size());
  }
  // xs: lane-major points (one row of n per entry of idx, or per lane when rows_by_position).
  const std::vector<const double*>& columns(const std::vector<std::size_t>& idx, const double* xs) {
    const std::size_t m = idx.size();
    for (std::size_t k = 0; k < cols_.size(); ++k) cols_[k].resize(m);
    for (std::size_t r = 0; r < m; ++r) {
      for (std::size_t i = 0; i < n_; ++i) cols_[i][r] = xs[r * n_ + i];
      for (std::size_t j = 0; j < params_.size(); ++j) cols_[n_ + j][r] = params_[j][idx[r]];
    }
    ptrs_.resize(cols_.size());
    for (std::size_t k = 0; k < cols_.size(); ++k) ptrs_[k] = cols_[k].data();
    return ptrs_;
  }

 private:
  std::size_t n_;
  const std::vector<std::vector<double>>& params_;
  std::vector<std::vector<double>> cols_;
  std::vector<const double*> ptrs_;
};

}  // namespace

NewtonBatchResult newton_batch(std::size_t n, std::vector<double> x0, const std::vector<std::vector<double>>& params,
                               const BatchEval& residual, const BatchEval& jacobian,
                               const LeastSquaresStep& least_squares, double tol, int maxiter) {
  if (n == 0 || x0.size() % n != 0) throw InvalidArgument("newton_batch: x0 must hold N rows of n values");
  const std::size_t N = x0.size() / n;
  for (const auto& p : params)
    if (p.size() != N) throw InvalidArgument("newton_batch: every parameter needs one value per point");
  NewtonBatchResult r;
  r.x = std::move(x0);
  r.residual.assign(N, 0.0);
  r.iterations.assign(N, 0);
  Gather gather(n, params);
  std::vector<double> fx(N * n);
  std::vector<std::size_t> all(N);
  for (std::size_t i = 0; i < N; ++i) all[i] = i;
  if (N == 0) return r;
  residual(N, gather.columns(all, r.x.data()), fx.data());
  std::vector<char> done(N);
  for (std::size_t i = 0; i < N; ++i) {
    r.residual[i] = max_abs(&fx[i * n], n);
    done[i] = r.residual[i] <= tol || !std::isfinite(r.residual[i]);
  }

  std::vector<std::size_t> active, bad, bad_pos, singular;
  std::vector<double> xa, jac, dx, xn, fn, rn, t, sub_x, sub_f, sub_j, sub_dx;
  // The Newton steps jac dx = -F at the rows `lanes` of x (their values into xa, the Jacobians
  // into jac, the steps into dx; lanes whose Jacobian is singular into *singular_lanes).
  auto newton_steps = [&](const std::vector<std::size_t>& lanes, std::vector<std::size_t>* singular_lanes) {
    const std::size_t m = lanes.size();
    xa.resize(m * n);
    for (std::size_t k = 0; k < m; ++k)
      for (std::size_t i = 0; i < n; ++i) xa[k * n + i] = r.x[lanes[k] * n + i];
    jac.resize(m * n * n);
    jacobian(m, gather.columns(lanes, xa.data()), jac.data());
    dx.resize(m * n);
    solve_all(n, m, jac.data(), fx.data(), lanes.data(), dx.data(), singular_lanes);
  };
  for (int iter = 0; iter < maxiter; ++iter) {
    active.clear();
    for (std::size_t i = 0; i < N; ++i)
      if (!done[i]) active.push_back(i);
    const std::size_t m = active.size();
    if (m == 0) break;
    singular.clear();
    newton_steps(active, &singular);
    if (!singular.empty()) {  // least squares where the Jacobian is singular
      const std::size_t ks = singular.size();
      sub_j.resize(ks * n * n);
      sub_f.resize(ks * n);
      sub_dx.resize(ks * n);
      for (std::size_t s = 0; s < ks; ++s) {
        const std::size_t k = singular[s];
        std::copy(&jac[k * n * n], &jac[(k + 1) * n * n], &sub_j[s * n * n]);
        std::copy(&fx[active[k] * n], &fx[(active[k] + 1) * n], &sub_f[s * n]);
      }
      least_squares(ks, sub_j.data(), sub_f.data(), sub_dx.data());
      for (std::size_t s = 0; s < ks; ++s) std::copy(&sub_dx[s * n], &sub_dx[(s + 1) * n], &dx[singular[s] * n]);
    }
    // Damping: halve the step where the residual does not decrease enough.
    t.assign(m, 1.0);
    xn.resize(m * n);
    for (std::size_t j = 0; j < m * n; ++j) xn[j] = xa[j] + dx[j];
    fn.resize(m * n);
    residual(m, gather.columns(active, xn.data()), fn.data());
    rn.resize(m);
    for (std::size_t k = 0; k < m; ++k) rn[k] = max_abs(&fn[k * n], n);
    for (int halving = 0; halving < 30; ++halving) {
      bad.clear();
      bad_pos.clear();
      for (std::size_t k = 0; k < m; ++k) {
        const double r0 = r.residual[active[k]];
        if (!(rn[k] <= (1 - 1e-4 * t[k]) * r0) && !(rn[k] <= tol)) {
          bad_pos.push_back(k);
          bad.push_back(active[k]);
        }
      }
      if (bad.empty()) break;
      const std::size_t kb = bad.size();
      sub_x.resize(kb * n);
      for (std::size_t b = 0; b < kb; ++b) {
        const std::size_t k = bad_pos[b];
        t[k] *= 0.5;
        for (std::size_t i = 0; i < n; ++i) {
          xn[k * n + i] = xa[k * n + i] + t[k] * dx[k * n + i];
          sub_x[b * n + i] = xn[k * n + i];
        }
      }
      sub_f.resize(kb * n);
      residual(kb, gather.columns(bad, sub_x.data()), sub_f.data());
      for (std::size_t b = 0; b < kb; ++b) {
        const std::size_t k = bad_pos[b];
        std::copy(&sub_f[b * n], &sub_f[(b + 1) * n], &fn[k * n]);
        rn[k] = max_abs(&fn[k * n], n);
      }
    }
    for (std::size_t k = 0; k < m; ++k) {
      const std::size_t lane = active[k];
      const bool improved = rn[k] < r.residual[lane];
      if (improved) {
        std::copy(&xn[k * n], &xn[(k + 1) * n], &r.x[lane * n]);
        std::copy(&fn[k * n], &fn[(k + 1) * n], &fx[lane * n]);
        r.residual[lane] = rn[k];
      }
      r.iterations[lane] += 1;
      // Done: converged, or no damped step improves any more (stalled).
      done[lane] = r.residual[lane] <= tol || !improved;
    }
  }

  // One more Newton step for the converged lanes (quadratic convergence: the tolerance on the
  // residual leaves up to tol/|F'| in x), kept where it does not increase the residual.
  std::vector<std::size_t> polish;
  for (std::size_t i = 0; i < N; ++i)
    if (r.residual[i] <= tol && r.residual[i] > 0) polish.push_back(i);
  if (!polish.empty()) {
    const std::size_t m = polish.size();
    newton_steps(polish, nullptr);
    xn.resize(m * n);
    for (std::size_t j = 0; j < m * n; ++j) xn[j] = xa[j] + dx[j];
    fn.resize(m * n);
    residual(m, gather.columns(polish, xn.data()), fn.data());
    for (std::size_t k = 0; k < m; ++k) {
      const double rp = max_abs(&fn[k * n], n);
      if (rp <= r.residual[polish[k]]) {  // false for NaN (a singular Jacobian)
        std::copy(&xn[k * n], &xn[(k + 1) * n], &r.x[polish[k] * n]);
        r.residual[polish[k]] = rp;
      }
    }
  }
  return r;
}

}  // namespace alkahest
