// Batched damped Newton for square systems F(x; p) = 0 over many points at once (alkahest.nsolve).
// The caller supplies batch evaluators of the residual and its Jacobian (in Python: the compiled
// CompiledFns) and a least-squares step for lanes whose Jacobian is singular; the iteration, the
// n x n solves with partial pivoting and the damping run here, per lane, with the evaluators
// called once per iteration (and per halving round) on the lanes still active.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace alkahest {

/// Evaluates at m lanes. inputs[k] points to m doubles (the n unknowns, then the parameters);
/// out receives m * width doubles, lane by lane (width n for the residual, n*n row-major for the
/// Jacobian).
using BatchEval = std::function<void(std::size_t m, const std::vector<const double*>& inputs, double* out)>;
/// For k lanes with a singular Jacobian: jac (k x n x n), f (k x n) -> dx (k x n), the
/// least-squares (pseudo-inverse) solution of jac dx = -f.
using LeastSquaresStep = std::function<void(std::size_t k, const double* jac, const double* f, double* dx)>;

struct NewtonBatchResult {
  std::vector<double> x;                 // N x n: the final iterates
  std::vector<double> residual;          // N: max |F| at x (NaN when F is not finite there)
  std::vector<std::int64_t> iterations;  // N: Newton steps taken
};

/// Damped Newton from x0 (N x n, lane-major) with parameters params[j] (N values each). A lane
/// stops when max |F| <= tol (converged), when no step halved up to 30 times decreases its
/// residual (stalled), when its residual is not finite, or after maxiter steps. Converged lanes
/// (residual > 0) then take one more Newton step, kept when it does not increase the residual.
/// Singular Jacobians (a non-finite solution of the pivoted elimination) take the least-squares
/// step in the iteration, and no step in the final polish.
NewtonBatchResult newton_batch(std::size_t n, std::vector<double> x0, const std::vector<std::vector<double>>& params,
                               const BatchEval& residual, const BatchEval& jacobian,
                               const LeastSquaresStep& least_squares, double tol, int maxiter);

/// Solves a x = b for one n x n system by Gaussian elimination with partial pivoting; a (row-major)
/// and b are overwritten. A zero pivot leaves inf or NaN in x.
void solve_pivoted(std::size_t n, double* a, double* b, double* x);

}  // namespace alkahest
