// parse -> diff -> compile -> evaluate -> emit C, with the C++ library alone.
#include <alkahest/alkahest.hpp>
#include <alkahest/interpreter.hpp>
#include <alkahest/program.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
  using namespace alkahest;
  ExprPool pool;
  const ExprId x = pool.symbol("x");
  const ExprId f = parse(pool, "sin(x)**2 + x");
  const ExprId df = diff(pool, f, x);
  std::printf("f  = %s\nf' = %s\n", to_string(pool, f).c_str(), to_string(pool, df).c_str());

  // One Program computing f and f' together; the interpreter runs it over a whole array.
  const ExprId outputs[] = {f, df};
  const ExprId vars[] = {x};
  Interpreter interp(lower(pool, outputs, vars));
  std::vector<double> xs(1000), out(2 * xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = 0.001 * static_cast<double>(i);
  const ArrayView in[] = {{xs.data(), {1}}};
  const std::int64_t shape[] = {static_cast<std::int64_t>(xs.size())};
  interp.run<double>(in, shape, out.data(), /*threads=*/0);

  double worst = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double s = std::sin(xs[i]);
    worst = std::fmax(worst, std::fabs(out[2 * i] - (s * s + xs[i])));
    worst = std::fmax(worst, std::fabs(out[2 * i + 1] - (2 * s * std::cos(xs[i]) + 1)));
  }
  std::printf("f(0.5) = %.17g, f'(0.5) = %.17g, largest difference from <cmath>: %.3g\n", out[1000],
              out[1001], worst);

  EmitCOptions opt;
  opt.fn_name = "f_and_df";
  opt.input_names = {"x"};
  std::printf("%s", emit_c(interp.program(), opt).c_str());
  return worst < 1e-14 ? 0 : 1;
}
