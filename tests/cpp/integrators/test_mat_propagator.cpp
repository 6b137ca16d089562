// Propagators of the MAT / AMAT models against the matrix exponential of their
// linear system, computed here independently (Taylor series with scaling and
// squaring in long double).
//
// State x = (I0, I_ex, I_in, V, dtheta, theta_v) with
//   I0' = 0, I_ex' = -I_ex/tau_ex, I_in' = -I_in/tau_in,
//   V' = -V/tau_m + (I0 + I_ex + I_in)/C,
//   dtheta' = -dtheta/tau_v + beta V',   theta_v' = -theta_v/tau_v + dtheta.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "integrators/iaf_propagator.hpp"
#include "integrators/mat_propagator.hpp"

namespace nestkit::integrators {
namespace {

constexpr int kN = 6;
using Matrix = std::array<std::array<long double, kN>, kN>;

Matrix multiply(const Matrix& a, const Matrix& b) {
  Matrix c{};
  for (int i = 0; i < kN; ++i)
    for (int k = 0; k < kN; ++k)
      for (int j = 0; j < kN; ++j) c[i][j] += a[i][k] * b[k][j];
  return c;
}

// exp(A h): scale so that |A h / 2^s| is small, sum the Taylor series, square s times.
Matrix expm(Matrix a, double h) {
  const int s = 20;
  const long double scale = h / std::ldexp(1.0L, s);
  for (auto& row : a)
    for (auto& x : row) x *= scale;
  Matrix result{}, term{};
  for (int i = 0; i < kN; ++i) result[i][i] = term[i][i] = 1.0L;
  for (int k = 1; k < 20; ++k) {
    term = multiply(term, a);
    for (auto& row : term)
      for (auto& x : row) x /= k;
    for (int i = 0; i < kN; ++i)
      for (int j = 0; j < kN; ++j) result[i][j] += term[i][j];
  }
  for (int k = 0; k < s; ++k) result = multiply(result, result);
  return result;
}

struct Case {
  double h, c, beta, tau_m, tau_ex, tau_in, tau_v;
};

Matrix system(const Case& p) {
  enum { I0, IEX, IIN, V, D, TH };
  Matrix a{};
  a[IEX][IEX] = -1.0L / p.tau_ex;
  a[IIN][IIN] = -1.0L / p.tau_in;
  a[V][V] = -1.0L / p.tau_m;
  a[V][I0] = a[V][IEX] = a[V][IIN] = 1.0L / p.c;
  for (int j = 0; j < kN; ++j) a[D][j] = p.beta * a[V][j];
  a[D][D] += -1.0L / p.tau_v;
  a[TH][TH] = -1.0L / p.tau_v;
  a[TH][D] = 1.0L;
  return a;
}

class Amat2PropagatorTest : public ::testing::TestWithParam<Case> {};

TEST_P(Amat2PropagatorTest, MatchesMatrixExponential) {
  const Case p = GetParam();
  const Matrix m = expm(system(p), p.h);
  const Amat2Propagator q(p.h, p.c, p.beta, p.tau_m, p.tau_ex, p.tau_in, p.tau_v);
  enum { I0, IEX, IIN, V, D, TH };
  const struct {
    double got;
    int row, col;
  } entries[] = {{q.p30, V, I0},   {q.p31, V, IEX},  {q.p32, V, IIN}, {q.p33, V, V},  {q.p60, D, I0},
                 {q.p61, D, IEX},  {q.p62, D, IIN},  {q.p63, D, V},   {q.p66, D, D},  {q.p70, TH, I0},
                 {q.p71, TH, IEX}, {q.p72, TH, IIN}, {q.p73, TH, V},  {q.p76, TH, D}, {q.p77, TH, TH}};
  for (const auto& e : entries) {
    const double want = static_cast<double>(m[e.row][e.col]);
    EXPECT_NEAR(e.got, want, 1e-11 * std::abs(want) + 1e-300) << "P" << e.row << e.col;
  }
  // Entries the model leaves out (e.g. theta_v -> V) are zero in the exact solution.
  EXPECT_EQ(m[V][D], 0.0L);
  EXPECT_EQ(m[V][TH], 0.0L);
}

INSTANTIATE_TEST_SUITE_P(Parameters, Amat2PropagatorTest,
                         ::testing::Values(Case{0.1, 200.0, 0.5, 10.0, 1.0, 3.0, 5.0},
                                           Case{0.25, 100.0, -1.5, 7.0, 2.0, 0.5, 20.0},
                                           Case{0.05, 250.0, 0.7, 20.0, 4.0, 8.0, 1.0},
                                           Case{1.0, 50.0, 0.1, 3.0, 10.0, 30.0, 7.0},
                                           Case{0.1, 200.0, 0.0, 10.0, 1.0, 3.0, 5.0}));

}  // namespace
}  // namespace nestkit::integrators
