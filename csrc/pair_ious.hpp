// IoUs of chosen (ground truth, prediction) pairs, outside the bucket matrices:
// what error analysis asks about a few predictions (every ground truth of their
// video, of any category; the frames of one pair).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "rle.hpp"
#include "store.hpp"

namespace ytvis {

/// Masks of some frames of one store, decoded on first use back to back into one
/// buffer (no allocation per frame). Frames are named by a dense slot number. A
/// view stays valid until the next decode by the same object.
class LazyMasks {
 public:
  LazyMasks(const InstanceStore& store, std::size_t slots)
      : store_(store), offsets_(slots, kNotDecoded), sizes_(slots, 0) {}

  RleView view(std::size_t slot, const FrameRecord& record) {
    if (offsets_[slot] == kNotDecoded) {
      offsets_[slot] = runs_.size();
      append_decoded(store_.mask_text(record, unescaped_), record.height, record.width, runs_);
      sizes_[slot] = runs_.size() - offsets_[slot];
    }
    return RleView{record.height, record.width, runs_.data() + offsets_[slot], sizes_[slot]};
  }

 private:
  static constexpr std::size_t kNotDecoded = static_cast<std::size_t>(-1);
  const InstanceStore& store_;
  std::vector<std::size_t> offsets_, sizes_;
  Counts runs_;
  std::string unescaped_;
};

/// pycocotools' IoU of two present frames of the same size. The intersection is
/// walked only when both masks have foreground and their column-major spans of
/// foreground (leading and trailing zeros cut off) meet.
double frame_mask_iou(const FrameRecord& a, const RleView& a_view, const FrameRecord& b,
                      const RleView& b_view);

/// For each pair (gt[i], dt[i]) of instances, the number of frames, walked in
/// step up to the shorter list, whose mask IoU exceeds `threshold` (frames whose
/// masks differ in size count as no overlap). Error analysis reads it to tell a
/// tube that follows its object with poor masks from one that loses or swaps it.
std::vector<std::uint32_t> good_frame_counts(const InstanceStore& gt, const InstanceStore& dt,
                                             const std::vector<std::uint32_t>& gt_instances,
                                             const std::vector<std::uint32_t>& dt_instances, double threshold,
                                             unsigned threads);

/// Spatio-temporal IoUs of predictions with every ground truth of their video.
struct VideoIous {
  std::vector<std::uint64_t> offsets{0};  ///< per prediction, into the arrays below
  std::vector<std::uint32_t> gt_index;    ///< ground-truth instances, file order
  std::vector<double> values;
};

/// The spatio-temporal mask IoU of each prediction in `dt_instances` with each
/// ground truth of its video whose category is in `category_ids` but is not the
/// prediction's own (same-category IoUs are in the AP buckets already), as the
/// reference computes it (frames walked in step up to the shorter list, a frame
/// whose masks differ in size adding nothing). Pairs whose IoU provably stays
/// below `floor` (from the areas alone) are reported as 0 without decoding.
VideoIous video_tube_ious(const InstanceStore& gt, const InstanceStore& dt,
                          const std::vector<std::uint32_t>& dt_instances,
                          const std::vector<std::int64_t>& category_ids, double floor, unsigned threads);

}  // namespace ytvis
