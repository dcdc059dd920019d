// Polygon rasterization exactly as pycocotools' frPyObjects + merge does it.
#pragma once

#include <cstdint>
#include <vector>

#include "rle.hpp"

namespace ytvis {

/// Rasterizes one frame's polygon list ([[x0, y0, x1, y1, ...], ...]) the way
/// pycocotools' annToRLE does: frPyObjects(polygons, h, w) then merge. Quirks kept:
/// when the first polygon has exactly 4 numbers, every entry is read as a box
/// [x, y, w, h]; an odd trailing coordinate is dropped. Throws RleError for
/// shapes pycocotools rejects (empty list, first polygon shorter than 4 numbers).
void rasterize_polygons(const std::vector<std::vector<double>>& polygons, std::uint32_t height,
                        std::uint32_t width, Counts& out);

}  // namespace ytvis
