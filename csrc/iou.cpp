#include "iou.hpp"

#include <algorithm>
#include <string>

#include "thread_pool.hpp"

namespace ytvis {

namespace {

/// Decoded masks of the instances of one bucket, back to back in one buffer:
/// per instance a range of frames, each a view (counts == nullptr where absent).
class DecodedInstances {
 public:
  void add(const InstanceStore& store, std::uint32_t instance) {
    const std::size_t frames = store.frame_count(instance);
    begin.push_back(views.size());
    length.push_back(frames);
    for (std::size_t f = 0; f < frames; ++f) {
      const FrameRecord& record = store.frame(instance, f);
      RleView view;
      const bool present = record.kind != FrameKind::absent;
      if (present) {
        const std::size_t start = runs_.size();
        append_decoded(store.mask_text(record, unescaped_), record.height, record.width, runs_);
        view = RleView{record.height, record.width, nullptr, runs_.size() - start};
      }
      views.push_back(view);
      present_.push_back(present);
    }
  }

  /// Points the views into the buffer, which no longer grows, and finds their spans.
  void finish() {
    std::size_t start = 0;
    spans.reserve(views.size());
    for (std::size_t k = 0; k < views.size(); ++k) {
      RleView& view = views[k];
      if (!present_[k]) {
        spans.emplace_back();
        continue;
      }
      view.counts = runs_.data() + start;
      start += view.size;
      spans.emplace_back(view);
    }
  }

  std::vector<RleView> views;         ///< one per frame
  std::vector<ForegroundSpan> spans;  ///< one per frame
  std::vector<std::size_t> begin, length;

 private:
  Counts runs_;
  std::string unescaped_;
  std::vector<std::uint8_t> present_;
};

double box_intersection(const Box& a, const Box& b) {
  const double w = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
  const double h = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
  return (w > 0 && h > 0) ? w * h : 0.0;
}

/// Mask IoU of one pair, integer sums as the reference's float64 sums of
/// integers are exact.
double mask_iou(const InstanceStore& dt, std::uint32_t d, const DecodedInstances& dm, std::size_t dpos,
                const InstanceStore& gt, std::uint32_t g, const DecodedInstances& gm, std::size_t gpos,
                bool& zero_union) {
  const std::size_t frames = std::min(dm.length[dpos], gm.length[gpos]);
  std::uint64_t inter = 0, uni = 0;
  for (std::size_t f = 0; f < frames; ++f) {
    const FrameRecord& df = dt.frame(d, f);
    const FrameRecord& gf = gt.frame(g, f);
    const bool d_present = df.kind != FrameKind::absent;
    const bool g_present = gf.kind != FrameKind::absent;
    if (d_present && g_present) {
      if (df.height != gf.height || df.width != gf.width) continue;
      std::uint64_t common = 0;
      const std::size_t d_at = dm.begin[dpos] + f, g_at = gm.begin[gpos] + f;
      if (df.area != 0 && gf.area != 0 && dm.spans[d_at].meets(gm.spans[g_at])) {
        common = intersection_area(dm.views[d_at], gm.views[g_at]);
      }
      inter += common;
      uni += df.area + gf.area - common;
    } else if (g_present) {
      uni += gf.area;
    } else if (d_present) {
      uni += df.area;
    }
  }
  zero_union = uni == 0;
  return uni == 0 ? 0.0 : static_cast<double>(inter) / static_cast<double>(uni);
}

/// Tube box IoU: sum over frames of box intersections over sum of box unions.
double box_iou(const InstanceStore& dt, std::uint32_t d, const InstanceStore& gt, std::uint32_t g,
               bool& zero_union) {
  const std::size_t frames = std::min(dt.frame_count(d), gt.frame_count(g));
  double inter = 0.0, uni = 0.0;
  for (std::size_t f = 0; f < frames; ++f) {
    const FrameRecord& df = dt.frame(d, f);
    const FrameRecord& gf = gt.frame(g, f);
    const double d_area = df.box_present ? df.box.w * df.box.h : 0.0;
    const double g_area = gf.box_present ? gf.box.w * gf.box.h : 0.0;
    if (df.box_present && gf.box_present) {
      const double common = box_intersection(df.box, gf.box);
      inter += common;
      uni += d_area + g_area - common;
    } else if (gf.box_present) {
      uni += g_area;
    } else if (df.box_present) {
      uni += d_area;
    }
  }
  zero_union = !(uni > 0.0);
  return uni > 0.0 ? inter / uni : 0.0;
}

}  // namespace

BucketIous compute_ious(const InstanceStore& gt, const InstanceStore& dt, const BucketLayout& buckets,
                        IouType type, unsigned threads) {
  BucketIous result;
  const std::size_t count = buckets.size();
  for (std::size_t b = 0; b < count; ++b) {
    result.offsets.push_back(result.offsets.back() + buckets.gt_count(b) * buckets.dt_count(b));
  }
  result.values.assign(result.offsets.back(), 0.0);
  result.zero_union_pairs.assign(count, 0);
  parallel_for(count, threads, [&](std::size_t b) {
    const std::size_t n_gt = buckets.gt_count(b), n_dt = buckets.dt_count(b);
    if (n_gt == 0 || n_dt == 0) return;
    const std::uint32_t* gts = buckets.gt_index.data() + buckets.gt_offsets[b];
    const std::uint32_t* dts = buckets.dt_index.data() + buckets.dt_offsets[b];
    double* out = result.values.data() + result.offsets[b];
    std::uint64_t zero_unions = 0;
    if (type == IouType::segm) {
      DecodedInstances gm, dm;
      for (std::size_t j = 0; j < n_gt; ++j) gm.add(gt, gts[j]);
      for (std::size_t i = 0; i < n_dt; ++i) dm.add(dt, dts[i]);
      gm.finish();
      dm.finish();
      for (std::size_t i = 0; i < n_dt; ++i) {
        for (std::size_t j = 0; j < n_gt; ++j) {
          bool zero_union = false;
          out[i * n_gt + j] = mask_iou(dt, dts[i], dm, i, gt, gts[j], gm, j, zero_union);
          zero_unions += zero_union;
        }
      }
    } else {
      for (std::size_t i = 0; i < n_dt; ++i) {
        for (std::size_t j = 0; j < n_gt; ++j) {
          bool zero_union = false;
          out[i * n_gt + j] = box_iou(dt, dts[i], gt, gts[j], zero_union);
          zero_unions += zero_union;
        }
      }
    }
    result.zero_union_pairs[b] = zero_unions;
  });
  return result;
}

}  // namespace ytvis
