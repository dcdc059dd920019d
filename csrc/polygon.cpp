#include "polygon.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace ytvis {

namespace {

/// pycocotools' rleFrPoly: upsample the outline by 5, walk it densely, keep the
/// points where it crosses a pixel column, and turn those y-boundaries into runs.
void rasterize_polygon(const std::vector<double>& xy, std::uint32_t height, std::uint32_t width,
                       Counts& out) {
  const std::size_t k = xy.size() / 2;
  const double scale = 5;
  const auto h = static_cast<std::int64_t>(height), w = static_cast<std::int64_t>(width);
  std::vector<std::int64_t> x(k + 1), y(k + 1);
  for (std::size_t j = 0; j < k; ++j) {
    // C's (int) cast truncates toward zero.
    x[j] = static_cast<std::int64_t>(std::trunc(scale * xy[j * 2] + .5));
    y[j] = static_cast<std::int64_t>(std::trunc(scale * xy[j * 2 + 1] + .5));
  }
  x[k] = x[0];
  y[k] = y[0];
  std::vector<std::int64_t> u, v;
  for (std::size_t j = 0; j < k; ++j) {
    std::int64_t xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
    const std::int64_t dx = std::llabs(xe - xs), dy = std::llabs(ys - ye);
    const bool flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      std::swap(xs, xe);
      std::swap(ys, ye);
    }
    const double s = dx >= dy ? static_cast<double>(ye - ys) / static_cast<double>(dx)
                              : static_cast<double>(xe - xs) / static_cast<double>(dy);
    if (dx >= dy) {
      for (std::int64_t d = 0; d <= dx; ++d) {
        const std::int64_t t = flip ? dx - d : d;
        u.push_back(t + xs);
        v.push_back(
            static_cast<std::int64_t>(std::trunc(static_cast<double>(ys) + s * static_cast<double>(t) + .5)));
      }
    } else {
      for (std::int64_t d = 0; d <= dy; ++d) {
        const std::int64_t t = flip ? dy - d : d;
        v.push_back(t + ys);
        u.push_back(
            static_cast<std::int64_t>(std::trunc(static_cast<double>(xs) + s * static_cast<double>(t) + .5)));
      }
    }
  }
  // Points on the y-boundary, downsampled back to pixel coordinates.
  std::vector<std::uint64_t> a;
  for (std::size_t j = 1; j < u.size(); ++j) {
    if (u[j] == u[j - 1]) continue;
    double xd = static_cast<double>(u[j] < u[j - 1] ? u[j] : u[j] - 1);
    xd = (xd + .5) / scale - .5;
    if (std::floor(xd) != xd || xd < 0 || xd > static_cast<double>(w - 1)) continue;
    double yd = static_cast<double>(v[j] < v[j - 1] ? v[j] : v[j - 1]);
    yd = (yd + .5) / scale - .5;
    if (yd < 0) {
      yd = 0;
    } else if (yd > static_cast<double>(h)) {
      yd = static_cast<double>(h);
    }
    yd = std::ceil(yd);
    a.push_back(
        static_cast<std::uint64_t>(static_cast<std::int64_t>(xd) * h + static_cast<std::int64_t>(yd)));
  }
  a.push_back(static_cast<std::uint64_t>(h * w));
  std::sort(a.begin(), a.end());
  std::uint64_t previous = 0;
  for (auto& value : a) {
    const std::uint64_t current = value;
    value -= previous;
    previous = current;
  }
  // Zero-length runs fold into the run after the next one.
  out.clear();
  std::size_t j = 0;
  out.push_back(static_cast<Count>(a[j++]));
  while (j < a.size()) {
    if (a[j] > 0) {
      out.push_back(static_cast<Count>(a[j++]));
    } else {
      ++j;
      if (j < a.size()) out.back() += static_cast<Count>(a[j++]);
    }
  }
}

}  // namespace

void rasterize_polygons(const std::vector<std::vector<double>>& polygons, std::uint32_t height,
                        std::uint32_t width, Counts& out) {
  if (polygons.empty()) throw RleError("empty polygon list");
  for (const auto& polygon : polygons) {
    for (double c : polygon) {
      if (!std::isfinite(c) || std::fabs(c) > 1e9) {
        throw RleError("polygon coordinate " + std::to_string(c) + " is not finite or out of range");
      }
    }
  }
  std::vector<std::vector<double>> outlines;
  if (polygons[0].size() == 4) {
    // pycocotools reads a first entry of four numbers as boxes [x, y, w, h].
    for (const auto& box : polygons) {
      if (box.size() != 4) throw RleError("boxes must have 4 numbers [x, y, w, h]");
      const double xs = box[0], ys = box[1], xe = box[0] + box[2], ye = box[1] + box[3];
      outlines.push_back({xs, ys, xs, ye, xe, ye, xe, ys});
    }
  } else if (polygons[0].size() > 4) {
    outlines = polygons;
  } else {
    throw RleError("a polygon needs at least 3 points (6 numbers), got " +
                   std::to_string(polygons[0].size()) + " numbers");
  }
  std::vector<Counts> parts(outlines.size());
  std::vector<RleView> views;
  for (std::size_t i = 0; i < outlines.size(); ++i) {
    if (outlines[i].size() < 2) throw RleError("a polygon needs at least one point");
    rasterize_polygon(outlines[i], height, width, parts[i]);
    views.push_back(RleView{height, width, parts[i].data(), parts[i].size()});
  }
  merge_union(views, out);
}

}  // namespace ytvis
