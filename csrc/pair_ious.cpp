#include "pair_ious.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "thread_pool.hpp"

namespace ytvis {

namespace {

/// The frames of some instances, decoded on first use.
class LazyFrames {
 public:
  LazyFrames(const InstanceStore& store, const std::vector<std::uint32_t>& instances)
      : store_(store), masks_(store, count_frames(store, instances)) {
    std::size_t slot = 0;
    for (std::uint32_t instance : instances) {
      begin_.emplace(instance, slot);
      slot += store.frame_count(instance);
    }
  }
  RleView view(std::uint32_t instance, std::size_t frame) {
    return masks_.view(begin_.at(instance) + frame, store_.frame(instance, frame));
  }

 private:
  static std::size_t count_frames(const InstanceStore& store, const std::vector<std::uint32_t>& instances) {
    std::size_t total = 0;
    for (std::uint32_t instance : instances) total += store.frame_count(instance);
    return total;
  }

  const InstanceStore& store_;
  std::unordered_map<std::uint32_t, std::size_t> begin_;
  LazyMasks masks_;
};

/// An upper bound of the spatio-temporal IoU from the areas alone: each frame's
/// intersection is at most the smaller area, and I / (A + B - I) grows with I.
double iou_bound(const InstanceStore& gt, std::uint32_t g, const InstanceStore& dt, std::uint32_t d,
                 std::size_t frames) {
  double most = 0, areas = 0;
  for (std::size_t t = 0; t < frames; ++t) {
    const FrameRecord& gf = gt.frame(g, t);
    const FrameRecord& df = dt.frame(d, t);
    const bool g_present = gf.kind != FrameKind::absent, d_present = df.kind != FrameKind::absent;
    if (g_present && d_present) {
      if (gf.height != df.height || gf.width != df.width) continue;
      areas += static_cast<double>(gf.area + df.area);
      most += static_cast<double>(std::min(gf.area, df.area));
    } else if (g_present) {
      areas += static_cast<double>(gf.area);
    } else if (d_present) {
      areas += static_cast<double>(df.area);
    }
  }
  return areas - most > 0 ? most / (areas - most) : (most > 0 ? 1.0 : 0.0);
}

}  // namespace

double frame_mask_iou(const FrameRecord& a, const RleView& a_view, const FrameRecord& b,
                      const RleView& b_view) {
  if (a.area == 0 || b.area == 0 || !ForegroundSpan(a_view).meets(ForegroundSpan(b_view))) return 0.0;
  const std::uint64_t common = intersection_area(a_view, b_view);
  if (common == 0) return 0.0;
  return static_cast<double>(common) / static_cast<double>(a.area + b.area - common);
}

std::vector<std::uint32_t> good_frame_counts(const InstanceStore& gt, const InstanceStore& dt,
                                             const std::vector<std::uint32_t>& gt_instances,
                                             const std::vector<std::uint32_t>& dt_instances, double threshold,
                                             unsigned threads) {
  if (gt_instances.size() != dt_instances.size())
    throw std::invalid_argument("good_frame_counts: one gt per dt");
  for (std::size_t i = 0; i < gt_instances.size(); ++i) {
    if (gt_instances[i] >= gt.size() || dt_instances[i] >= dt.size()) {
      throw std::out_of_range("good_frame_counts: instance index out of range");
    }
  }
  std::vector<std::uint32_t> out(gt_instances.size(), 0);
  parallel_for(gt_instances.size(), threads, [&](std::size_t i) {
    const std::uint32_t g = gt_instances[i], d = dt_instances[i];
    const std::size_t frames = std::min(gt.frame_count(g), dt.frame_count(d));
    Counts g_counts, d_counts;
    for (std::size_t t = 0; t < frames; ++t) {
      const FrameRecord& gf = gt.frame(g, t);
      const FrameRecord& df = dt.frame(d, t);
      // The IoU is at most the smaller area over the larger: decode only frames that can pass.
      if (gf.kind == FrameKind::absent || df.kind == FrameKind::absent || gf.area == 0 || df.area == 0 ||
          gf.height != df.height || gf.width != df.width ||
          static_cast<double>(std::min(gf.area, df.area)) / static_cast<double>(std::max(gf.area, df.area)) <=
              threshold) {
        continue;
      }
      out[i] += frame_mask_iou(gf, gt.view(gf, g_counts), df, dt.view(df, d_counts)) > threshold;
    }
  });
  return out;
}

VideoIous video_tube_ious(const InstanceStore& gt, const InstanceStore& dt,
                          const std::vector<std::uint32_t>& dt_instances,
                          const std::vector<std::int64_t>& category_ids, double floor, unsigned threads) {
  const std::unordered_set<std::int64_t> categories(category_ids.begin(), category_ids.end());
  std::unordered_map<std::int64_t, std::vector<std::uint32_t>> gt_of_video;
  for (std::size_t g = 0; g < gt.size(); ++g) {
    if (categories.count(gt.category_ids()[g])) {
      gt_of_video[gt.video_ids()[g]].push_back(static_cast<std::uint32_t>(g));
    }
  }
  // Group the predictions by video (first-seen order) so that each video's masks
  // are decoded once, in one worker.
  std::unordered_map<std::int64_t, std::size_t> group_of;
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < dt_instances.size(); ++i) {
    if (dt_instances[i] >= dt.size()) throw std::out_of_range("video_tube_ious: instance index out of range");
    const auto [at, added] = group_of.emplace(dt.video_ids()[dt_instances[i]], groups.size());
    if (added) groups.emplace_back();
    groups[at->second].push_back(i);
  }
  VideoIous out;
  const std::vector<std::uint32_t> none;
  const auto gts_of = [&](std::size_t i) -> const std::vector<std::uint32_t>& {
    const auto found = gt_of_video.find(dt.video_ids()[dt_instances[i]]);
    return found == gt_of_video.end() ? none : found->second;
  };
  for (std::size_t i = 0; i < dt_instances.size(); ++i) {
    const std::int64_t own = dt.category_ids()[dt_instances[i]];
    for (std::uint32_t g : gts_of(i)) {
      if (gt.category_ids()[g] != own) out.gt_index.push_back(g);
    }
    out.offsets.push_back(out.gt_index.size());
  }
  out.values.assign(out.gt_index.size(), 0.0);
  parallel_for(groups.size(), threads, [&](std::size_t group) {
    const auto& members = groups[group];
    const auto& gts = gts_of(members.front());
    std::vector<std::uint32_t> dts;
    for (std::size_t i : members) dts.push_back(dt_instances[i]);
    LazyFrames gt_frames(gt, gts), dt_frames(dt, dts);
    for (std::size_t i : members) {
      const std::uint32_t d = dt_instances[i];
      for (std::uint64_t pair = out.offsets[i]; pair < out.offsets[i + 1]; ++pair) {
        const std::uint32_t g = out.gt_index[pair];
        const std::size_t frames = std::min(gt.frame_count(g), dt.frame_count(d));
        if (floor > 0 && iou_bound(gt, g, dt, d, frames) < floor) continue;  // reported as 0
        std::uint64_t inter = 0, uni = 0;
        for (std::size_t t = 0; t < frames; ++t) {
          const FrameRecord& gf = gt.frame(g, t);
          const FrameRecord& df = dt.frame(d, t);
          const bool g_present = gf.kind != FrameKind::absent, d_present = df.kind != FrameKind::absent;
          if (g_present && d_present) {
            if (gf.height != df.height || gf.width != df.width) continue;  // pycocotools: empty merge
            std::uint64_t common = 0;
            if (gf.area != 0 && df.area != 0) {
              const RleView gv = gt_frames.view(g, t);
              const RleView dv = dt_frames.view(d, t);
              if (ForegroundSpan(gv).meets(ForegroundSpan(dv))) common = intersection_area(gv, dv);
            }
            inter += common;
            uni += gf.area + df.area - common;
          } else if (g_present) {
            uni += gf.area;
          } else if (d_present) {
            uni += df.area;
          }
        }
        out.values[pair] = uni > 0 ? static_cast<double>(inter) / static_cast<double>(uni) : 0.0;
      }
    }
  });
  return out;
}

}  // namespace ytvis
