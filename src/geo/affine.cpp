// Affine transforms with the arithmetic of Python's affine 2.x, and rasterio 1.3's
// transform.xy / transform.rowcol on top of them.
//
// Every formula keeps affine's operand order so results are bit-for-bit those of
// rasterio: floating-point addition is not associative.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "cogr/geo.hpp"

namespace cogr::geo {

namespace {

// The shortest "%.{p}g" text that reads back as `v` (Python's repr digits): messages stay
// short for any value (std::to_string prints 1e308 with 309 digits).
std::string ShortNumber(double v) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// affine.cos_sin_deg: exact values at right angles so that Rotation(90) is a pure
// axis swap, cos/sin of math.radians(deg % 360) otherwise.
std::pair<double, double> CosSinDeg(double degrees) {
  // Python's float % has the sign of the divisor; fmod has the sign of the dividend.
  double deg = std::fmod(degrees, 360.0);
  if (deg < 0) deg += 360.0;
  if (deg == 360.0) deg = 0.0;  // -1e-20 % 360.0 == 360.0 in Python, same angle
  if (deg == 90.0) return {0.0, 1.0};
  if (deg == 180.0) return {-1.0, 0.0};
  if (deg == 270.0) return {0.0, -1.0};
  // math.radians(x) is x * (pi / 180) with the constant computed once.
  constexpr double kDegToRad = 3.14159265358979323846 / 180.0;
  const double rad = deg * kDegToRad;
  return {std::cos(rad), std::sin(rad)};
}

}  // namespace

Affine Affine::Rotation(double degrees) {
  const auto [ca, sa] = CosSinDeg(degrees);
  return {ca, -sa, 0.0, sa, ca, 0.0};
}

Affine Affine::operator*(const Affine& o) const {
  return {a * o.a + b * o.d, a * o.b + b * o.e, a * o.c + b * o.f + c,
          d * o.a + e * o.d, d * o.b + e * o.e, d * o.c + e * o.f + f};
}

std::pair<double, double> Affine::Apply(double col, double row) const {
  return {col * a + row * b + c, col * d + row * e + f};
}

Result<Affine> Affine::Inverse() const {
  const double det = Determinant();
  // affine 2.x: degenerate means a determinant of exactly zero (no epsilon).
  if (det == 0.0 || !std::isfinite(det)) {
    return Status::InvalidArgument("cannot invert degenerate transform (determinant " +
                                   std::to_string(det) + ")");
  }
  const double idet = 1.0 / det;
  const double ra = e * idet;
  const double rb = -b * idet;
  const double rd = -d * idet;
  const double re = a * idet;
  return Affine{ra, rb, -c * ra - f * rb, rd, re, -c * rd - f * re};
}

std::pair<double, double> Xy(const Affine& transform, double row, double col, PixelOffset offset) {
  double coff = 0.5, roff = 0.5;
  switch (offset) {
    case PixelOffset::kCenter:
      coff = 0.5;
      roff = 0.5;
      break;
    case PixelOffset::kUl:
      coff = 0.0;
      roff = 0.0;
      break;
    case PixelOffset::kUr:
      coff = 1.0;
      roff = 0.0;
      break;
    case PixelOffset::kLl:
      coff = 0.0;
      roff = 1.0;
      break;
    case PixelOffset::kLr:
      coff = 1.0;
      roff = 1.0;
      break;
  }
  // rasterio shifts (col, row) with Affine.translation(coff, roff) before applying the
  // transform; going through Apply keeps its exact arithmetic.
  const auto [shifted_col, shifted_row] = Affine::Translation(coff, roff).Apply(col, row);
  return transform.Apply(shifted_col, shifted_row);
}

Result<std::pair<int64_t, int64_t>> RowCol(const Affine& transform, double x, double y) {
  return RowCol(transform, x, y, RoundOp::kFloor);
}

Result<std::pair<int64_t, int64_t>> RowCol(const Affine& transform, double x, double y,
                                           RoundOp op) {
  // rasterio 1.3 applies ~transform and rounds with op; the epsilon of 1.2 is gone
  // (rasterio#2432).
  auto inverse = transform.Inverse();
  if (!inverse.ok()) return inverse.status();
  const auto [fcol, frow] = inverse->Apply(x, y);
  auto round = [op](double v) {
    switch (op) {
      case RoundOp::kFloor: return std::floor(v);
      case RoundOp::kCeil: return std::ceil(v);
      case RoundOp::kRound: break;
    }
    // Python's round(): half to even. nearbyint rounds that way in the default FE_TONEAREST
    // mode, which cogr never changes.
    return std::nearbyint(v);
  };
  const double col = round(fcol);
  const double row = round(frow);
  // 2^63 as a double; anything at or past it (or NaN) does not fit an int64_t.
  constexpr double kLimit = 9223372036854775808.0;
  if (!(col >= -kLimit && col < kLimit) || !(row >= -kLimit && row < kLimit)) {
    return Status::InvalidArgument("point (" + ShortNumber(x) + ", " + ShortNumber(y) +
                                   ") is at pixel (row " + ShortNumber(frow) + ", col " +
                                   ShortNumber(fcol) +
                                   "): not representable as a 64-bit row and column");
  }
  return std::pair<int64_t, int64_t>{static_cast<int64_t>(row), static_cast<int64_t>(col)};
}

std::string_view RoundOpName(RoundOp op) {
  switch (op) {
    case RoundOp::kFloor: return "floor";
    case RoundOp::kRound: return "round";
    case RoundOp::kCeil: return "ceil";
  }
  return "floor";
}

Result<RoundOp> ParseRoundOp(std::string_view name) {
  for (RoundOp op : {RoundOp::kFloor, RoundOp::kRound, RoundOp::kCeil}) {
    if (name == RoundOpName(op)) return op;
  }
  return Status::InvalidArgument("unknown rounding op '" + std::string(name) +
                                 "' (expected floor, round or ceil)");
}

std::string_view PixelOffsetName(PixelOffset offset) {
  switch (offset) {
    case PixelOffset::kCenter: return "center";
    case PixelOffset::kUl: return "ul";
    case PixelOffset::kUr: return "ur";
    case PixelOffset::kLl: return "ll";
    case PixelOffset::kLr: return "lr";
  }
  return "center";
}

Result<PixelOffset> ParsePixelOffset(std::string_view name) {
  for (PixelOffset o : {PixelOffset::kCenter, PixelOffset::kUl, PixelOffset::kUr, PixelOffset::kLl,
                        PixelOffset::kLr}) {
    if (name == PixelOffsetName(o)) return o;
  }
  return Status::InvalidArgument("unknown pixel offset '" + std::string(name) +
                                 "' (expected center, ul, ur, ll or lr)");
}

}  // namespace cogr::geo
