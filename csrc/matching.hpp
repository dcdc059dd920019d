// Greedy matching of predictions to ground truth per (category, area range,
// video), at every IoU threshold, exactly as the reference's evaluateVid.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "buckets.hpp"
#include "iou.hpp"
#include "store.hpp"

namespace ytvis {

/// Results of all evaluated (category, area range, video) entries, in the
/// reference's evalImgs order: e = (k * areas + a) * videos + v.
struct MatchResults {
  std::size_t thresholds = 0;
  std::size_t categories = 0, areas = 0, videos = 0;
  std::vector<std::uint8_t> present;  ///< 0 where the bucket has neither gt nor predictions
  std::vector<std::uint64_t> gt_offsets{0}, dt_offsets{0};  ///< per entry, into the arrays below
  /// Ground truth of the entry in matching order (not ignored first): bucket positions.
  std::vector<std::uint32_t> gt_order;
  std::vector<std::uint8_t> gt_ignore;  ///< in matching order
  /// [T x D] per entry (at dt_offsets * T): matched position in gt_order, or -1.
  std::vector<std::int32_t> dt_match;
  std::vector<std::uint8_t> dt_ignore;  ///< [T x D], final ignore flags
  /// [T x D]: matched to a ground truth whose id is non-zero (the reference's dtm != 0).
  std::vector<std::uint8_t> dt_matched_nonzero;
  std::vector<std::int32_t> gt_match;  ///< [T x G] per entry: matched prediction, or -1

  std::size_t entry(std::size_t k, std::size_t a, std::size_t v) const {
    return (k * areas + a) * videos + v;
  }
};

MatchResults match_all(const InstanceStore& gt, const InstanceStore& dt, const BucketLayout& buckets,
                       const BucketIous& ious, const std::vector<double>& iou_thresholds,
                       const std::vector<std::array<double, 2>>& area_ranges, unsigned threads);

/// A second filter on ground truth beside the area range, as OVIS's occlusion
/// ranges: ground truth g is also ignored when keys[g] is outside ranges[a]
/// (ends inside). Unmatched predictions stay filtered by area only, as in OVIS.
struct GtKeyFilter {
  std::vector<double> keys;                   ///< per ground-truth instance
  std::vector<std::array<double, 2>> ranges;  ///< one per area range
};

MatchResults match_all(const InstanceStore& gt, const InstanceStore& dt, const BucketLayout& buckets,
                       const BucketIous& ious, const std::vector<double>& iou_thresholds,
                       const std::vector<std::array<double, 2>>& area_ranges, const GtKeyFilter& filter,
                       unsigned threads);

}  // namespace ytvis
