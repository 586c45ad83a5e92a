// The exporters from C++ alone: exact C text for small programs, temporaries, names, float32,
// batch, several outputs; the StableHLO module's signature, ops and composites; bad names.
#include <gtest/gtest.h>

#include <string>

#include "alkahest/alkahest.hpp"
#include "alkahest/export.hpp"
#include "alkahest/program.hpp"

using namespace alkahest;

namespace {

struct Export : ::testing::Test {
  ExprPool pool;
  ExprId x = pool.symbol("x"), y = pool.symbol("y");
  Program lower_text(const char* s, std::vector<ExprId> vars) {
    const ExprId e = parse(pool, s);
    return lower(pool, std::span<const ExprId>(&e, 1), vars);
  }
};

TEST_F(Export, CSmallExpressionIsOneLine) {
  EmitCOptions o;
  o.fn_name = "damped_sin";
  o.input_names = {"x"};
  EXPECT_EQ(emit_c(lower_text("sin(x)*exp(-x)", {x}), o),
            "double damped_sin(double x) { return sin(x) * exp(-x); }\n");
}

TEST_F(Export, CTemporariesPowersAndFloat32) {
  EmitCOptions o;
  o.input_names = {"x", "y"};
  o.type = ExportType::F32;
  const std::string c = emit_c(lower_text("sin(x*y)**2 + x**4/3", {x, y}), o);
  EXPECT_NE(c.find("float f(float x, float y) {"), std::string::npos) << c;
  EXPECT_NE(c.find("const float t1 = sinf(x * y);"), std::string::npos) << c;
  EXPECT_NE(c.find("return t0 * t0 / 3.0f + t1 * t1;"), std::string::npos) << c;
  EXPECT_EQ(c.find("pow"), std::string::npos) << c;
  EXPECT_NE(c.find("3.0f"), std::string::npos) << c;
}

TEST_F(Export, CBatchSeveralOutputsAndNames) {
  const ExprId outs[] = {parse(pool, "x + y"), parse(pool, "sign(x)")};
  const ExprId vars[] = {x, y};
  EmitCOptions o;
  o.fn_name = "two";
  o.input_names = {"double", "y"};
  o.batch = true;
  o.includes = true;
  const std::string c = emit_c(lower(pool, outs, vars), o);
  EXPECT_EQ(c.rfind("#include <math.h>\n#include <stddef.h>\n", 0), 0u) << c;
  EXPECT_NE(c.find("void two(double double_, double y, double *out) {"), std::string::npos) << c;
  EXPECT_NE(c.find("out[1] = ak_sign(double_);"), std::string::npos) << c;
  EXPECT_NE(c.find("void two_batch(const double *double_, const double *y, double *out, size_t n)"),
            std::string::npos)
      << c;
  EXPECT_NE(c.find("two(double_[i], y[i], out + i * 2);"), std::string::npos) << c;
}

TEST_F(Export, CParameterNames) {
  EXPECT_EQ(c_parameter_names({"x", "x", "", "sinf", "t12", "__a"}, 7, "f"),
            (std::vector<std::string>{"x", "x_2", "x2", "sinf_", "t12_", "v__a", "x6"}));
  EXPECT_EQ(c_parameter_names({"g"}, 1, "g"), std::vector<std::string>{"g_"});
}

TEST_F(Export, CBadFunctionNames) {
  EmitCOptions o;
  for (const char* bad : {"my kernel", "1f", "double", "exp", "__f", ""}) {
    o.fn_name = bad;
    EXPECT_THROW(emit_c(lower_text("x", {x}), o), InvalidArgument) << bad;
  }
}

TEST_F(Export, StableHlo) {
  StableHloOptions o;
  o.fn_name = "k";
  o.shape = {3};
  const std::string m = emit_stablehlo(lower_text("sinh(x)*y + gamma(x) + 0.5", {x, y}), o);
  EXPECT_NE(m.find("func.func public @k(%arg0: tensor<3xf64>, %arg1: tensor<3xf64>) -> (tensor<3xf64>)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("chlo.sinh %arg0 : tensor<3xf64> -> tensor<3xf64>"), std::string::npos) << m;
  EXPECT_NE(m.find("chlo.lgamma"), std::string::npos) << m;
  EXPECT_NE(m.find("stablehlo.constant dense<5.0e-01> : tensor<3xf64>"), std::string::npos) << m;
  EXPECT_NE(m.find("func.func public @main("), std::string::npos) << m;  // XLA's entry, calling @k
  o.fn_name = "main";
  o.shape = {};
  o.type = ExportType::F32;
  const std::string s = emit_stablehlo(lower_text("x", {x}), o);
  EXPECT_EQ(s,
            "module @alkahest {\n  func.func public @main(%arg0: tensor<f32>) -> (tensor<f32>) {\n"
            "    return %arg0 : tensor<f32>\n  }\n}\n");
  o.fn_name = "my kernel";
  EXPECT_THROW(emit_stablehlo(lower_text("x", {x}), o), InvalidArgument);
}

}  // namespace

#include "alkahest/cuda.hpp"

namespace {

TEST(Cuda, KernelSourceIsAGridStrideLoopOverThePointFunction) {
  ExprPool pool;
  const ExprId x = pool.symbol("x"), y = pool.symbol("y");
  const ExprId outs[] = {parse(pool, "sin(x)*y"), parse(pool, "sign(y)")};
  const ExprId vars[] = {x, y};
  const std::string s = cuda::kernel_source(lower(pool, outs, vars), ExportType::F32);
  EXPECT_NE(s.find("static __device__ void ak_point(float x0, float x1, float *out) {"), std::string::npos) << s;
  EXPECT_NE(s.find("static __device__ float ak_signf(float v)"), std::string::npos) << s;
  EXPECT_NE(s.find("extern \"C\" __global__ void alkahest_kernel(const float *in0, long long s0, const float *in1, "
                   "long long s1, float *out, long long n) {"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("ak_point(in0[i * s0], in1[i * s1], out + i * 2);"), std::string::npos) << s;
}

TEST(Cuda, WithoutADriverDeviceCallsSayWhy) {
  std::string why;
  if (cuda::device_count(&why) > 0) GTEST_SKIP() << "this machine has a CUDA device";
  EXPECT_NE(why.find("no CUDA device"), std::string::npos) << why;
  EXPECT_THROW(cuda::pointer_device(0x1000, "input 0"), cuda::CudaUnavailable);
  EXPECT_THROW(cuda::Kernel("", 0), cuda::CudaUnavailable);
}

}  // namespace
