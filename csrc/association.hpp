// Association metrics of video instance segmentation as TrackEval computes them
// for YouTube-VIS: per (category, video), per-frame mask IoU between the ground
// truth and the predictions present in the frame, then the counts behind HOTA
// (per alpha), CLEAR (MOTA, MOTP, ID switches, ...) and Identity (IDF1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "store.hpp"

namespace ytvis {

/// Per-sequence fields, in the order of the arrays of AssociationCounts.
enum HotaField : std::size_t { hota_tp, hota_fn, hota_fp, hota_ass_a, hota_ass_re, hota_ass_pr, hota_loc_a };
inline constexpr std::size_t kHotaFields = 7;
enum ClearField : std::size_t {
  clr_tp,
  clr_fn,
  clr_fp,
  clr_idsw,
  clr_mt,
  clr_pt,
  clr_ml,
  clr_frag,
  clr_frames,
  clr_motp_sum
};
inline constexpr std::size_t kClearFields = 10;
enum IdentityField : std::size_t { id_tp, id_fn, id_fp };
inline constexpr std::size_t kIdentityFields = 3;

struct AssociationCounts {
  std::size_t categories = 0, videos = 0, alphas = 0;
  /// [K, V, kHotaFields, alphas]: TP, FN, FP (counts), AssA, AssRe, AssPr, LocA of each sequence.
  std::vector<double> hota;
  std::vector<double> clear;     ///< [K, V, kClearFields]
  std::vector<double> identity;  ///< [K, V, kIdentityFields]
};

struct AssociationParams {
  std::vector<std::int64_t> video_ids;
  std::vector<std::int64_t> video_lengths;  ///< frames per video (timesteps)
  std::vector<std::int64_t> category_ids;
  std::vector<double> alphas;  ///< HOTA's localisation thresholds
  double clear_threshold = 0.5;
  double identity_threshold = 0.5;
};

/// Evaluates every (category, video) sequence on `threads` threads. Ground-truth
/// ids are the annotations' ids (ground truth sharing an id in one sequence is one
/// track, an error if both are in one frame); prediction ids are their positions.
AssociationCounts association_counts(const InstanceStore& gt, const InstanceStore& dt,
                                     const AssociationParams& params, unsigned threads);

}  // namespace ytvis
