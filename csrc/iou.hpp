// Spatio-temporal IoU of every (prediction, ground truth) pair of each bucket:
// sum over frames of intersections over sum over frames of unions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "buckets.hpp"
#include "store.hpp"

namespace ytvis {

enum class IouType : std::uint8_t { segm = 0, bbox = 1 };

struct BucketIous {
  /// Row-major D x G matrix of bucket b starts at offsets[b] (predictions in
  /// bucket order, ground truth in bucket order).
  std::vector<std::uint64_t> offsets{0};
  std::vector<double> values;
  /// Per bucket, the pairs whose union was zero (the reference warns on them).
  std::vector<std::uint64_t> zero_union_pairs;

  const double* matrix(std::size_t b) const { return values.data() + offsets[b]; }
};

/// Computes every bucket's matrix on `threads` threads; each bucket's masks are
/// decoded once inside its worker. Frames are walked in step and stop at the
/// shorter sequence (the reference's zip); a frame whose two masks differ in size
/// adds nothing (pycocotools' merge gives an empty mask). Box IoU needs
/// compute_boxes() done on both stores first.
BucketIous compute_ious(const InstanceStore& gt, const InstanceStore& dt, const BucketLayout& buckets,
                        IouType type, unsigned threads);

}  // namespace ytvis
