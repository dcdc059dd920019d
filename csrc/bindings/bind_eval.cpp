// The evaluation pipeline across the seam: buckets, IoU matrices and matching in
// one call with the GIL released; accumulation in another; results as numpy views
// made on request.
#include "bindings.hpp"

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "accumulate.hpp"
#include "buckets.hpp"
#include "iou.hpp"
#include "matching.hpp"
#include "store.hpp"
#include "store_builder.hpp"
#include "stream.hpp"
#include "thread_pool.hpp"

namespace ytvis::bindings {

namespace {

/// Everything evaluate() computed; immutable once built.
struct Evaluation {
  std::shared_ptr<const InstanceStore> gt, dt;
  BucketLayout buckets;
  BucketIous ious;
  MatchResults matches;
};

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Int64s = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using UInt64s = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>;

template <class T, class Array>
std::vector<T> to_vector(const Array& array) {
  return std::vector<T>(array.data(), array.data() + array.size());
}

/// Thresholds and area ranges as matching takes them.
std::vector<std::array<double, 2>> area_ranges_of(const Doubles& area_ranges) {
  if (area_ranges.ndim() != 2 || (area_ranges.size() > 0 && area_ranges.shape(1) != 2)) {
    throw py::value_error("area ranges must have shape (A, 2)");
  }
  std::vector<std::array<double, 2>> ranges(static_cast<std::size_t>(area_ranges.shape(0)));
  for (std::size_t a = 0; a < ranges.size(); ++a) ranges[a] = {area_ranges.at(a, 0), area_ranges.at(a, 1)};
  return ranges;
}

}  // namespace

void register_eval(py::module_& m) {
  py::class_<Accumulated, std::shared_ptr<Accumulated>>(
      m, "Accumulation",
      "Precision, recall and scores of accumulate(); numpy arrays only when asked for, so that an "
      "evaluation that needs only its summary never imports numpy.")
      .def_property_readonly(
          "precision",
          [](py::object self) {
            auto& a = self.cast<Accumulated&>();
            return writable_view(a.precision,
                                 {a.thresholds, a.recall_points, a.categories, a.areas, a.max_dets}, self);
          },
          "[T, R, K, A, M], -1 where undefined.")
      .def_property_readonly(
          "recall",
          [](py::object self) {
            auto& a = self.cast<Accumulated&>();
            return writable_view(a.recall, {a.thresholds, a.categories, a.areas, a.max_dets}, self);
          },
          "[T, K, A, M].")
      .def_property_readonly(
          "scores",
          [](py::object self) {
            auto& a = self.cast<Accumulated&>();
            return writable_view(a.scores, {a.thresholds, a.recall_points, a.categories, a.areas, a.max_dets},
                                 self);
          },
          "[T, R, K, A, M].")
      .def(
          "summarize",
          [](const Accumulated& a, bool precision, std::vector<std::size_t> thresholds, std::size_t area,
             std::size_t max_det) {
            SummarySlice slice;
            slice.precision = precision;
            slice.thresholds = std::move(thresholds);
            slice.area = area;
            slice.max_det = max_det;
            return summarize(a, slice);
          },
          py::arg("precision"), py::arg("thresholds"), py::arg("area"), py::arg("max_det"),
          "Mean of the entries above -1 of precision (or recall) at these IoU threshold positions, area "
          "range and maxDets position, as the reference's summarize() computes it; -1 if none.");

  py::class_<Evaluation, std::shared_ptr<Evaluation>> evaluation(
      m, "Evaluation", "Buckets, IoU matrices and matches of one evaluate() run.");
#define YTVIS_VIEW(name, expr)      \
  evaluation.def_property_readonly( \
      name, [](py::object self) { return readonly_view(self.cast<Evaluation&>().expr, self); })
  YTVIS_VIEW("bucket_gt_offsets", buckets.gt_offsets);
  YTVIS_VIEW("bucket_dt_offsets", buckets.dt_offsets);
  YTVIS_VIEW("bucket_gt_index", buckets.gt_index);
  YTVIS_VIEW("bucket_dt_index", buckets.dt_index);
  YTVIS_VIEW("iou_offsets", ious.offsets);
  YTVIS_VIEW("iou_values", ious.values);
  YTVIS_VIEW("present", matches.present);
  YTVIS_VIEW("entry_gt_offsets", matches.gt_offsets);
  YTVIS_VIEW("entry_dt_offsets", matches.dt_offsets);
  YTVIS_VIEW("gt_order", matches.gt_order);
  YTVIS_VIEW("gt_ignore", matches.gt_ignore);
  YTVIS_VIEW("gt_match", matches.gt_match);
  YTVIS_VIEW("dt_match", matches.dt_match);
  YTVIS_VIEW("dt_ignore", matches.dt_ignore);
  YTVIS_VIEW("dt_matched_nonzero", matches.dt_matched_nonzero);
#undef YTVIS_VIEW
  evaluation.def_property_readonly(
      "zero_union_buckets",
      [](const Evaluation& e) {
        std::vector<std::pair<std::size_t, std::uint64_t>> found;
        const auto& counts = e.ious.zero_union_pairs;
        for (std::size_t b = 0; b < counts.size(); ++b) {
          if (counts[b] != 0) found.emplace_back(b, counts[b]);
        }
        return found;
      },
      "(bucket, pairs) of every bucket with pairs whose union is empty.");
  evaluation.def_property_readonly("video_count", [](const Evaluation& e) { return e.buckets.video_count; });
  evaluation.def_property_readonly("category_count",
                                   [](const Evaluation& e) { return e.buckets.category_count; });
  evaluation.def_property_readonly("area_count", [](const Evaluation& e) { return e.matches.areas; });
  evaluation.def_property_readonly("threshold_count",
                                   [](const Evaluation& e) { return e.matches.thresholds; });

  evaluation.def(
      "accumulate",
      [](const Evaluation& e, std::vector<std::size_t> categories, std::vector<std::size_t> areas,
         std::vector<std::int64_t> max_dets, std::vector<std::size_t> videos, std::size_t out_thresholds,
         std::size_t out_categories, std::size_t out_areas, std::vector<double> recall_thresholds,
         int threads) {
        AccumulateSelection sel;
        sel.categories = std::move(categories);
        sel.areas = std::move(areas);
        sel.max_dets = std::move(max_dets);
        sel.videos = std::move(videos);
        sel.out_thresholds = out_thresholds;
        sel.out_categories = out_categories;
        sel.out_areas = out_areas;
        sel.recall_thresholds = std::move(recall_thresholds);
        if (sel.categories.size() > out_categories || sel.areas.size() > out_areas) {
          throw py::index_error("accumulate(): more categories or area ranges selected than params hold");
        }
        auto acc = std::make_shared<Accumulated>();
        {
          py::gil_scoped_release release;
          *acc = accumulate(*e.dt, e.buckets, e.matches, sel, resolve_threads(threads));
        }
        return acc;
      },
      py::arg("categories"), py::arg("areas"), py::arg("max_dets"), py::arg("videos"),
      py::arg("out_thresholds"), py::arg("out_categories"), py::arg("out_areas"),
      py::arg("recall_thresholds"), py::arg("threads") = 0,
      "Precision, recall and scores of the selected entries (an Accumulation).");

  evaluation.def(
      "rematch",
      [](const Evaluation& e, Doubles iou_thresholds, Doubles area_ranges, Doubles gt_keys,
         Doubles key_ranges, int threads) {
        const auto ranges_of = [](const Doubles& array, const char* what) {
          if (array.ndim() != 2 || (array.size() > 0 && array.shape(1) != 2)) {
            throw py::value_error(std::string(what) + " must have shape (A, 2)");
          }
          std::vector<std::array<double, 2>> ranges(static_cast<std::size_t>(array.shape(0)));
          for (std::size_t a = 0; a < ranges.size(); ++a) ranges[a] = {array.at(a, 0), array.at(a, 1)};
          return ranges;
        };
        const auto areas = ranges_of(area_ranges, "area ranges");
        GtKeyFilter filter;
        filter.ranges = ranges_of(key_ranges, "key ranges");
        filter.keys.assign(gt_keys.data(), gt_keys.data() + gt_keys.size());
        if (filter.ranges.size() != areas.size() || filter.keys.size() != e.gt->size()) {
          throw py::value_error("rematch(): need one key per ground truth and one key range per area range");
        }
        std::vector<double> thresholds(iou_thresholds.data(), iou_thresholds.data() + iou_thresholds.size());
        // The buckets and IoU matrices are reused; only the matching runs again.
        auto result = std::make_shared<Evaluation>();
        result->gt = e.gt;
        result->dt = e.dt;
        {
          py::gil_scoped_release release;
          result->buckets = e.buckets;
          result->ious = e.ious;
          result->matches = match_all(*e.gt, *e.dt, result->buckets, result->ious, thresholds, areas, filter,
                                      resolve_threads(threads));
        }
        return result;
      },
      py::arg("iou_thresholds"), py::arg("area_ranges"), py::arg("gt_keys"), py::arg("key_ranges"),
      py::arg("threads") = 0,
      "The same buckets and IoU matrices matched again, ground truth also ignored where its key is "
      "outside the key range of each area range (OVIS's occlusion ranges).");

  m.def(
      "evaluate",
      [](std::shared_ptr<InstanceStore> gt, std::shared_ptr<InstanceStore> dt,
         std::vector<std::int64_t> video_ids, std::vector<std::int64_t> category_ids, bool use_cats,
         std::vector<double> thresholds, std::vector<std::array<double, 2>> ranges, std::int64_t max_dets,
         const std::string& iou_type, int threads) {
        if (max_dets < 0) throw py::value_error("maxDets must be non-negative");
        IouType type;
        if (iou_type == "segm") {
          type = IouType::segm;
        } else if (iou_type == "bbox") {
          type = IouType::bbox;
        } else {
          throw py::value_error("iouType must be 'segm' or 'bbox', got '" + iou_type + "'");
        }
        auto result = std::make_shared<Evaluation>();
        result->gt = gt;
        result->dt = dt;
        {
          py::gil_scoped_release release;
          const unsigned workers = resolve_threads(threads);
          if (type == IouType::bbox) {
            gt->compute_boxes(workers);
            dt->compute_boxes(workers);
          }
          result->buckets =
              make_buckets(*gt, *dt, video_ids, category_ids, use_cats, static_cast<std::size_t>(max_dets));
          result->ious = compute_ious(*gt, *dt, result->buckets, type, workers);
          result->matches = match_all(*gt, *dt, result->buckets, result->ious, thresholds, ranges, workers);
        }
        return result;
      },
      py::arg("gt"), py::arg("dt"), py::arg("video_ids"), py::arg("category_ids"), py::arg("use_cats"),
      py::arg("iou_thresholds"), py::arg("area_ranges"), py::arg("max_dets"), py::arg("iou_type") = "segm",
      py::arg("threads") = 0,
      "Buckets ground truth and predictions by (video, category), computes every IoU matrix and the greedy "
      "matching at every threshold and area range.");

  m.def(
      "evaluate_rows",
      [](std::shared_ptr<InstanceStore> gt, const Int64s& dt_video_ids, const Int64s& dt_category_ids,
         const Doubles& dt_scores, const Doubles& dt_areas, const UInt64s& iou_row_offsets,
         const Doubles& iou_values, std::vector<std::int64_t> video_ids,
         std::vector<std::int64_t> category_ids, bool use_cats, Doubles iou_thresholds, Doubles area_ranges,
         std::int64_t max_dets, int threads) {
        if (max_dets < 0) throw py::value_error("maxDets must be non-negative");
        if (!use_cats) throw py::value_error("IoU rows are per category: useCats must be 1");
        const std::vector<std::array<double, 2>> ranges = area_ranges_of(area_ranges);
        const std::vector<double> thresholds = to_vector<double>(iou_thresholds);
        std::shared_ptr<InstanceStore> dt =
            attribute_store(to_vector<std::int64_t>(dt_video_ids), to_vector<std::int64_t>(dt_category_ids),
                            to_vector<double>(dt_scores), to_vector<double>(dt_areas));
        if (static_cast<std::size_t>(iou_row_offsets.size()) != dt->size() + 1) {
          throw py::value_error("IoU row offsets must have one entry per prediction, plus one");
        }
        const std::vector<std::uint64_t> offsets = to_vector<std::uint64_t>(iou_row_offsets);
        const std::vector<double> values = to_vector<double>(iou_values);
        auto result = std::make_shared<Evaluation>();
        result->gt = gt;
        result->dt = dt;
        {
          py::gil_scoped_release release;
          const unsigned workers = resolve_threads(threads);
          result->buckets =
              make_buckets(*gt, *dt, video_ids, category_ids, use_cats, static_cast<std::size_t>(max_dets));
          result->ious = bucket_ious_from_rows(result->buckets, offsets, values);
          result->matches = match_all(*gt, *dt, result->buckets, result->ious, thresholds, ranges, workers);
        }
        return result;
      },
      py::arg("gt"), py::arg("dt_video_ids"), py::arg("dt_category_ids"), py::arg("dt_scores"),
      py::arg("dt_areas"), py::arg("iou_row_offsets"), py::arg("iou_values"), py::arg("video_ids"),
      py::arg("category_ids"), py::arg("use_cats"), py::arg("iou_thresholds"), py::arg("area_ranges"),
      py::arg("max_dets"), py::arg("threads") = 0,
      "evaluate() from predictions given by their attributes and their IoU rows against the ground truth of "
      "their (video, category), as the streaming evaluator keeps them.");
}

}  // namespace ytvis::bindings
