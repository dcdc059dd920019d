// Grouping of ground truth and predictions into (video, category) buckets, in
// the reference's order: buckets video-major; inside one, file order (with
// useCats=0, category by category in the given category order); predictions
// then sorted by descending score (stable) and cut to the largest maxDets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "store.hpp"

namespace ytvis {

struct BucketLayout {
  std::size_t video_count = 0;
  std::size_t category_count = 0;                           ///< 1 when categories are not used
  std::vector<std::uint64_t> gt_offsets{0}, dt_offsets{0};  ///< size buckets + 1
  std::vector<std::uint32_t> gt_index, dt_index;            ///< instance positions

  std::size_t size() const { return gt_offsets.size() - 1; }
  std::size_t bucket(std::size_t video, std::size_t category) const {
    return video * category_count + category;
  }
  std::size_t gt_count(std::size_t b) const { return gt_offsets[b + 1] - gt_offsets[b]; }
  std::size_t dt_count(std::size_t b) const { return dt_offsets[b + 1] - dt_offsets[b]; }
};

/// True when score a sorts before score b in numpy's argsort of -score:
/// higher first, NaN last.
inline bool score_before(double a, double b) {
  const double ka = -a, kb = -b;
  if (kb != kb) return ka == ka;
  return ka < kb;
}

BucketLayout make_buckets(const InstanceStore& gt, const InstanceStore& dt,
                          const std::vector<std::int64_t>& video_ids,
                          const std::vector<std::int64_t>& category_ids, bool use_cats, std::size_t max_dets);

}  // namespace ytvis
