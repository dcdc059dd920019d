// Streaming evaluation: each video's predictions are reduced, as they arrive, to
// what matching and accumulation need (score, category, mean area and one IoU row
// against the ground truth of the same video and category), and the evaluation
// is later rebuilt from those rows alone. Nothing here keeps a mask.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "buckets.hpp"
#include "iou.hpp"
#include "store.hpp"

namespace ytvis {

/// Dense masks of one video's predictions: instances x frames x height x width
/// bytes (any non-zero byte is foreground), addressed by byte strides.
struct DenseMasks {
  const std::uint8_t* data = nullptr;
  std::size_t instances = 0, frames = 0;
  std::uint32_t height = 0, width = 0;
  std::ptrdiff_t instance_stride = 0, frame_stride = 0, row_stride = 0, column_stride = 0;
};

/// Encodes every frame of `masks` (threads across instances and frames) into a
/// finalized prediction store for `video_id`: one instance per mask, with the
/// given categories and scores, every frame present, areas and boxes filled.
std::unique_ptr<InstanceStore> encode_predictions(const DenseMasks& masks, std::int64_t video_id,
                                                  const std::vector<std::int64_t>& category_ids,
                                                  const std::vector<double>& scores, unsigned threads);

/// Per prediction of `dt`, in store order, its IoU against every ground truth of
/// its (video, category) bucket, in bucket order (empty for a category outside
/// `category_ids`). Box IoU needs compute_boxes() done on both stores first.
struct PredictionIous {
  std::vector<std::uint64_t> row_offsets{0};  ///< size dt.size() + 1
  std::vector<double> values;
};

PredictionIous prediction_ious(const InstanceStore& gt, const InstanceStore& dt,
                               const std::vector<std::int64_t>& category_ids, IouType type, unsigned threads);

/// Predictions known by their attributes only (ids numbered from 1 as loadRes
/// does, no frames): what matching and accumulation read.
std::unique_ptr<InstanceStore> attribute_store(const std::vector<std::int64_t>& video_ids,
                                               const std::vector<std::int64_t>& category_ids,
                                               const std::vector<double>& scores,
                                               const std::vector<double>& avg_areas);

/// The IoU matrices of `buckets` assembled from per-prediction rows (`row_offsets`
/// indexes `values` by prediction). Throws InputError where a row's length is not
/// its bucket's ground-truth count (rows computed against other ground truth).
BucketIous bucket_ious_from_rows(const BucketLayout& buckets, const std::vector<std::uint64_t>& row_offsets,
                                 const std::vector<double>& values);

}  // namespace ytvis
