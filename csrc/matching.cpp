#include "matching.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "thread_pool.hpp"

namespace ytvis {

namespace {

bool outside(double area, const std::array<double, 2>& range) {
  return area < range[0] || area > range[1];
}

}  // namespace

MatchResults match_all(const InstanceStore& gt, const InstanceStore& dt, const BucketLayout& buckets,
                       const BucketIous& ious, const std::vector<double>& iou_thresholds,
                       const std::vector<std::array<double, 2>>& area_ranges, unsigned threads) {
  return match_all(gt, dt, buckets, ious, iou_thresholds, area_ranges, GtKeyFilter{}, threads);
}

MatchResults match_all(const InstanceStore& gt, const InstanceStore& dt, const BucketLayout& buckets,
                       const BucketIous& ious, const std::vector<double>& iou_thresholds,
                       const std::vector<std::array<double, 2>>& area_ranges, const GtKeyFilter& filter,
                       unsigned threads) {
  const bool keyed = !filter.ranges.empty();
  if (keyed && (filter.ranges.size() != area_ranges.size() || filter.keys.size() != gt.size())) {
    throw std::invalid_argument(
        "match_all(): need one key per ground truth and one key range per area range");
  }
  MatchResults r;
  const std::size_t T = iou_thresholds.size();
  r.thresholds = T;
  r.categories = buckets.category_count;
  r.areas = area_ranges.size();
  r.videos = buckets.video_count;
  const std::size_t entries = r.categories * r.areas * r.videos;
  r.present.assign(entries, 0);
  for (std::size_t k = 0; k < r.categories; ++k) {
    for (std::size_t a = 0; a < r.areas; ++a) {
      for (std::size_t v = 0; v < r.videos; ++v) {
        const std::size_t b = buckets.bucket(v, k);
        const std::size_t G = buckets.gt_count(b), D = buckets.dt_count(b);
        r.present[r.entry(k, a, v)] = (G + D) > 0;
        r.gt_offsets.push_back(r.gt_offsets.back() + G);
        r.dt_offsets.push_back(r.dt_offsets.back() + D);
      }
    }
  }
  r.gt_order.assign(r.gt_offsets.back(), 0);
  r.gt_ignore.assign(r.gt_offsets.back(), 0);
  r.gt_match.assign(r.gt_offsets.back() * T, -1);
  r.dt_match.assign(r.dt_offsets.back() * T, -1);
  r.dt_ignore.assign(r.dt_offsets.back() * T, 0);
  r.dt_matched_nonzero.assign(r.dt_offsets.back() * T, 0);

  // Reference: best = min(t, 1 - 1e-10).
  std::vector<double> start(T);
  for (std::size_t t = 0; t < T; ++t) start[t] = std::min(iou_thresholds[t], 1 - 1e-10);

  parallel_for(entries, threads, [&](std::size_t e) {
    if (!r.present[e]) return;
    const std::size_t v = e % r.videos;
    const std::size_t a = (e / r.videos) % r.areas;
    const std::size_t k = e / (r.videos * r.areas);
    const std::size_t b = buckets.bucket(v, k);
    const std::size_t G = buckets.gt_count(b), D = buckets.dt_count(b);
    const std::uint32_t* gts = buckets.gt_index.data() + buckets.gt_offsets[b];
    const std::uint32_t* dts = buckets.dt_index.data() + buckets.dt_offsets[b];
    const double* iou = ious.matrix(b);
    const auto& range = area_ranges[a];

    // Ground truth: ignored if crowd or outside the area range; stable sort puts
    // ignored ones last.
    std::vector<std::uint8_t> bucket_ignore(G);
    for (std::size_t j = 0; j < G; ++j) {
      const std::uint32_t g = gts[j];
      bucket_ignore[j] = gt.iscrowd()[g] != 0.0 || outside(gt.avg_areas()[g], range) ||
                         (keyed && outside(filter.keys[g], filter.ranges[a]));
    }
    std::uint32_t* order = r.gt_order.data() + r.gt_offsets[e];
    std::iota(order, order + G, 0u);
    std::stable_sort(order, order + G,
                     [&](std::uint32_t x, std::uint32_t y) { return bucket_ignore[x] < bucket_ignore[y]; });
    std::uint8_t* gt_ignore = r.gt_ignore.data() + r.gt_offsets[e];
    std::vector<std::uint8_t> crowd(G);
    std::vector<std::uint8_t> zero_id(G);
    for (std::size_t j = 0; j < G; ++j) {
      const std::uint32_t g = gts[order[j]];
      gt_ignore[j] = bucket_ignore[order[j]];
      // int(iscrowd) in the reference: truncation toward zero.
      crowd[j] = static_cast<std::int64_t>(gt.iscrowd()[g]) != 0;
      zero_id[j] = gt.ids()[g] == 0;
    }

    std::int32_t* gt_match = r.gt_match.data() + r.gt_offsets[e] * T;
    std::int32_t* dt_match = r.dt_match.data() + r.dt_offsets[e] * T;
    std::uint8_t* dt_ignore = r.dt_ignore.data() + r.dt_offsets[e] * T;
    std::uint8_t* dt_nonzero = r.dt_matched_nonzero.data() + r.dt_offsets[e] * T;
    if (G > 0 && D > 0) {
      for (std::size_t t = 0; t < T; ++t) {
        std::int32_t* gtm = gt_match + t * G;
        for (std::size_t d = 0; d < D; ++d) {
          double best = start[t];
          std::ptrdiff_t m = -1;
          const double* row = iou + d * G;
          for (std::size_t j = 0; j < G; ++j) {
            if (gtm[j] >= 0 && !crowd[j]) continue;
            if (m > -1 && gt_ignore[m] == 0 && gt_ignore[j] == 1) break;
            const double value = row[order[j]];
            if (value < best) continue;
            best = value;
            m = static_cast<std::ptrdiff_t>(j);
          }
          if (m == -1) continue;
          dt_ignore[t * D + d] = gt_ignore[m];
          dt_match[t * D + d] = static_cast<std::int32_t>(m);
          dt_nonzero[t * D + d] = !zero_id[static_cast<std::size_t>(m)];
          gtm[m] = static_cast<std::int32_t>(d);
        }
      }
    }
    // Unmatched predictions (dtm == 0, which includes a match to gt id 0) outside
    // the area range are ignored.
    for (std::size_t d = 0; d < D; ++d) {
      if (!outside(dt.avg_areas()[dts[d]], range)) continue;
      for (std::size_t t = 0; t < T; ++t) {
        if (!dt_nonzero[t * D + d]) dt_ignore[t * D + d] = 1;
      }
    }
  });
  return r;
}

}  // namespace ytvis
