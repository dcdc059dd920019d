// RLE utilities for Python: whole masks and whole batches cross the seam.
#include "bindings.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "polygon.hpp"
#include "rle.hpp"
#include "thread_pool.hpp"

namespace ytvis::bindings {

namespace {

Counts decode(const std::string& text, std::uint32_t height, std::uint32_t width) {
  check_size(height, width);
  Counts counts;
  decode_compressed(text, height, width, counts);
  return counts;
}

RleView view_of(const Counts& counts, std::uint32_t height, std::uint32_t width) {
  return RleView{height, width, counts.data(), counts.size()};
}

}  // namespace

void register_rle(py::module_& m) {
  py::register_exception<RleError>(m, "RleError", PyExc_ValueError);

  m.def(
      "rle_decode",
      [](const std::string& counts, std::uint32_t height, std::uint32_t width) {
        const Counts runs = decode(counts, height, width);
        // Column-major decoding written straight into a Fortran-ordered array.
        py::array_t<std::uint8_t, py::array::f_style> out({height, width});
        decode_mask(view_of(runs, height, width), out.mutable_data());
        return out;
      },
      py::arg("counts"), py::arg("height"), py::arg("width"),
      "Decodes a compressed RLE string into an (H, W) uint8 mask.");

  m.def(
      "rle_counts",
      [](const std::string& counts, std::uint32_t height, std::uint32_t width) {
        const Counts runs = decode(counts, height, width);
        py::array_t<Count> out(static_cast<py::ssize_t>(runs.size()));
        std::copy(runs.begin(), runs.end(), out.mutable_data());
        return out;
      },
      py::arg("counts"), py::arg("height"), py::arg("width"),
      "The run lengths of a compressed RLE string (column-major, zeros first), validated.");

  m.def(
      "rle_encode",
      [](py::array masks, int threads) {
        py::array_t<std::uint8_t> pixels;
        if (py::isinstance<py::array_t<bool>>(masks) || py::isinstance<py::array_t<std::uint8_t>>(masks)) {
          pixels = py::reinterpret_borrow<py::array_t<std::uint8_t>>(masks.attr("view")("uint8"));
        } else {
          pixels = py::array_t<std::uint8_t>::ensure(masks.attr("__ne__")(0).attr("view")("uint8"));
        }
        const bool single = pixels.ndim() == 2;
        if (pixels.ndim() != 2 && pixels.ndim() != 3)
          throw py::value_error("masks must have shape (H, W) or (N, H, W)");
        const py::ssize_t n = single ? 1 : pixels.shape(0);
        const py::ssize_t h = pixels.shape(single ? 0 : 1), w = pixels.shape(single ? 1 : 2);
        check_size(h, w);
        const py::ssize_t s_n = single ? 0 : pixels.strides(0);
        const py::ssize_t s_h = pixels.strides(single ? 0 : 1), s_w = pixels.strides(single ? 1 : 2);
        const std::uint8_t* base = pixels.data();
        std::vector<std::string> encoded(static_cast<std::size_t>(n));
        {
          py::gil_scoped_release release;
          parallel_for(static_cast<std::size_t>(n), resolve_threads(threads), [&](std::size_t i) {
            Counts counts;
            encode_mask(base + static_cast<py::ssize_t>(i) * s_n, static_cast<std::uint32_t>(h),
                        static_cast<std::uint32_t>(w), s_h, s_w, counts);
            encoded[i] = encode_compressed(counts.data(), counts.size());
          });
        }
        if (single) return py::object(py::str(encoded[0]));
        return py::object(py::cast(encoded));
      },
      py::arg("masks"), py::arg("threads") = 0,
      "Encodes an (H, W) mask to a compressed RLE string, or (N, H, W) masks to a list of them "
      "(any non-zero value is foreground; any memory layout).");

  m.def(
      "rle_encode_counts",
      [](py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> counts, std::uint32_t height,
         std::uint32_t width) {
        check_size(height, width);
        Counts runs;
        from_uncompressed(counts.data(), static_cast<std::size_t>(counts.size()), height, width, runs);
        return encode_compressed(runs.data(), runs.size());
      },
      py::arg("counts"), py::arg("height"), py::arg("width"),
      "Compresses uncompressed RLE counts (validated to sum to height * width).");

  m.def(
      "rle_area",
      [](const std::string& counts, std::uint32_t height, std::uint32_t width) {
        return compressed_area(counts, height, width);
      },
      py::arg("counts"), py::arg("height"), py::arg("width"), "Foreground pixels of a compressed RLE.");

  m.def(
      "rle_bbox",
      [](const std::string& counts, std::uint32_t height, std::uint32_t width) {
        const Box box = bbox(view_of(decode(counts, height, width), height, width));
        return std::vector<double>{box.x, box.y, box.w, box.h};
      },
      py::arg("counts"), py::arg("height"), py::arg("width"),
      "[x, y, w, h] of a compressed RLE, as pycocotools' toBbox.");

  m.def(
      "rle_intersection",
      [](const std::string& a, const std::string& b, std::uint32_t height, std::uint32_t width) {
        const Counts ra = decode(a, height, width), rb = decode(b, height, width);
        return intersection_area(view_of(ra, height, width), view_of(rb, height, width));
      },
      py::arg("a"), py::arg("b"), py::arg("height"), py::arg("width"),
      "Pixels in both masks, computed on the runs.");

  m.def(
      "rle_merge",
      [](const std::vector<std::string>& masks, std::uint32_t height, std::uint32_t width) {
        std::vector<Counts> runs;
        runs.reserve(masks.size());
        std::vector<RleView> views;
        for (const auto& text : masks) {
          runs.push_back(decode(text, height, width));
          views.push_back(view_of(runs.back(), height, width));
        }
        Counts merged;
        merge_union(views, merged);
        return encode_compressed(merged.data(), merged.size());
      },
      py::arg("masks"), py::arg("height"), py::arg("width"), "Union of masks of one size.");

  m.def(
      "rle_from_polygons",
      [](const std::vector<std::vector<double>>& polygons, std::uint32_t height, std::uint32_t width) {
        check_size(height, width);
        Counts runs;
        rasterize_polygons(polygons, height, width, runs);
        return encode_compressed(runs.data(), runs.size());
      },
      py::arg("polygons"), py::arg("height"), py::arg("width"),
      "Rasterizes polygons ([[x0, y0, x1, y1, ...], ...]) exactly as pycocotools does.");
}

}  // namespace ytvis::bindings
