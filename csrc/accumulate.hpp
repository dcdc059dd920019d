// Precision / recall accumulation over videos, as the reference's accumulate().
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "buckets.hpp"
#include "matching.hpp"
#include "store.hpp"

namespace ytvis {

/// Which evaluated entries to accumulate: the reference maps the accumulate()
/// params to indices of the evaluate() params.
struct AccumulateSelection {
  std::vector<std::size_t> categories;  ///< k0 per output k
  std::vector<std::size_t> areas;       ///< a0 per output a
  std::vector<std::int64_t> max_dets;   ///< maxDet value per output m
  std::vector<std::size_t> videos;      ///< video positions, in order
  std::size_t out_thresholds = 0;       ///< T of the output arrays
  std::size_t out_categories = 0;       ///< K of the output arrays
  std::size_t out_areas = 0;            ///< A of the output arrays
  std::vector<double> recall_thresholds;
};

struct Accumulated {
  std::size_t thresholds = 0, recall_points = 0, categories = 0, areas = 0, max_dets = 0;  ///< T, R, K, A, M
  std::vector<double> precision;  ///< [T, R, K, A, M], -1 where undefined
  std::vector<double> recall;     ///< [T, K, A, M]
  std::vector<double> scores;     ///< [T, R, K, A, M]
};

/// One of the summary figures: precision (AP) or recall (AR) at the given IoU
/// thresholds, one area range and one max-detections column.
struct SummarySlice {
  bool precision = true;
  std::vector<std::size_t> thresholds;  ///< positions in T, in order
  std::size_t area = 0;
  std::size_t max_det = 0;
};

/// The reference's summarize() for one figure: the mean of the slice's entries
/// above -1, taken in numpy's order (thresholds, recall points, categories) and
/// summed as numpy does; -1 when there are none.
double summarize(const Accumulated& accumulated, const SummarySlice& slice);

Accumulated accumulate(const InstanceStore& dt, const BucketLayout& buckets, const MatchResults& matches,
                       const AccumulateSelection& selection, unsigned threads);

}  // namespace ytvis
