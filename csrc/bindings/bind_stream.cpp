// Streaming evaluation across the seam: one call per video turns its dense masks
// (or an already built prediction store) into per-prediction IoU rows with the
// GIL released; evaluate_rows in bind_eval.cpp rebuilds the evaluation from them.
#include "bindings.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "iou.hpp"
#include "store.hpp"
#include "store_builder.hpp"
#include "stream.hpp"
#include "thread_pool.hpp"

namespace ytvis::bindings {

namespace {

using Int64s = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

IouType parse_iou_type(const std::string& name) {
  if (name == "segm") return IouType::segm;
  if (name == "bbox") return IouType::bbox;
  throw py::value_error("iouType must be 'segm' or 'bbox', got '" + name + "'");
}

template <class T, class Array>
std::vector<T> to_vector(const Array& array) {
  return std::vector<T>(array.data(), array.data() + array.size());
}

/// (mean areas, IoU row offsets, IoU values) of the predictions of `dt`.
py::tuple rows_of(InstanceStore& gt, InstanceStore& dt, const std::vector<std::int64_t>& categories,
                  IouType type, unsigned threads) {
  PredictionIous rows;
  {
    py::gil_scoped_release release;
    if (type == IouType::bbox) {  // boxes are computed on first use
      gt.compute_boxes(threads);
      dt.compute_boxes(threads);
    }
    rows = prediction_ious(gt, dt, categories, type, threads);
  }
  std::vector<double> areas = dt.avg_areas();
  const auto n = static_cast<py::ssize_t>(areas.size());
  const auto offsets = static_cast<py::ssize_t>(rows.row_offsets.size());
  const auto values = static_cast<py::ssize_t>(rows.values.size());
  return py::make_tuple(adopt(std::move(areas), {n}), adopt(std::move(rows.row_offsets), {offsets}),
                        adopt(std::move(rows.values), {values}));
}

}  // namespace

void register_stream(py::module_& m) {
  m.def(
      "stream_masks",
      [](InstanceStore& gt, const py::array& masks, std::int64_t video_id, const Int64s& labels,
         const Doubles& scores, const std::vector<std::int64_t>& category_ids, const std::string& iou_type,
         int threads) {
        const IouType type = parse_iou_type(iou_type);
        const char kind = masks.dtype().kind();
        if (masks.itemsize() != 1 || (kind != 'b' && kind != 'u')) {
          throw py::type_error("masks must be bool or uint8");
        }
        if (masks.ndim() != 4) throw py::value_error("masks must have shape (N, T, H, W)");
        DenseMasks dense;
        dense.data = static_cast<const std::uint8_t*>(masks.data());
        dense.instances = static_cast<std::size_t>(masks.shape(0));
        dense.frames = static_cast<std::size_t>(masks.shape(1));
        check_size(masks.shape(2), masks.shape(3));
        dense.height = static_cast<std::uint32_t>(masks.shape(2));
        dense.width = static_cast<std::uint32_t>(masks.shape(3));
        dense.instance_stride = masks.strides(0);
        dense.frame_stride = masks.strides(1);
        dense.row_stride = masks.strides(2);
        dense.column_stride = masks.strides(3);
        if (static_cast<std::size_t>(labels.size()) != dense.instances ||
            static_cast<std::size_t>(scores.size()) != dense.instances) {
          throw py::value_error("one label and one score per mask are required");
        }
        const std::vector<std::int64_t> label_values = to_vector<std::int64_t>(labels);
        const std::vector<double> score_values = to_vector<double>(scores);
        const unsigned workers = resolve_threads(threads);
        std::unique_ptr<InstanceStore> dt;
        {
          py::gil_scoped_release release;
          dt = encode_predictions(dense, video_id, label_values, score_values, workers);
        }
        return rows_of(gt, *dt, category_ids, type, workers);
      },
      py::arg("gt"), py::arg("masks"), py::arg("video_id"), py::arg("labels"), py::arg("scores"),
      py::arg("category_ids"), py::arg("iou_type") = "segm", py::arg("threads") = 0,
      "Encodes one video's (N, T, H, W) masks and returns per prediction its mean area, and its IoU row "
      "against the ground truth of its category (row offsets, values).");

  m.def(
      "stream_store",
      [](InstanceStore& gt, InstanceStore& dt, const std::vector<std::int64_t>& category_ids,
         const std::string& iou_type, int threads) {
        return rows_of(gt, dt, category_ids, parse_iou_type(iou_type), resolve_threads(threads));
      },
      py::arg("gt"), py::arg("dt"), py::arg("category_ids"), py::arg("iou_type") = "segm",
      py::arg("threads") = 0,
      "Per prediction of a store: its mean area, and its IoU row against the ground truth of its (video, "
      "category) (row offsets, values).");
}

}  // namespace ytvis::bindings
