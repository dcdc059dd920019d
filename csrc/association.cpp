#include "association.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "assignment.hpp"
#include "pair_ious.hpp"
#include "thread_pool.hpp"

namespace ytvis {

namespace {

constexpr double kEps = DBL_EPSILON;  // np.finfo(float).eps
constexpr std::size_t kNoId = std::numeric_limits<std::size_t>::max();

/// The instances of one (category, video), in file order.
struct SequenceInstances {
  std::vector<std::uint32_t> gt, dt;
};

/// What the metrics read of one timestep: the ids of the ground truth and of the
/// predictions present (file order) and their IoU matrix, ground truth as rows.
struct Timestep {
  std::vector<std::size_t> gt_ids, dt_ids;
  std::vector<double> iou;

  double at(std::size_t g, std::size_t d) const { return iou[g * dt_ids.size() + d]; }
};

struct Sequence {
  std::vector<Timestep> steps;
  std::size_t gt_tracks = 0, dt_tracks = 0;
  std::size_t gt_dets = 0, dt_dets = 0;
};

/// Decoded frames of the instances of one sequence (absent frames: null views).
class DecodedFrames {
 public:
  DecodedFrames(const InstanceStore& store, const std::vector<std::uint32_t>& instances, std::size_t steps)
      : steps_(steps), records_(instances.size() * steps, nullptr), masks_(store, instances.size() * steps) {
    for (std::size_t n = 0; n < instances.size(); ++n) {
      const std::size_t frames = std::min(store.frame_count(instances[n]), steps);
      for (std::size_t t = 0; t < frames; ++t) {
        const FrameRecord& record = store.frame(instances[n], t);
        if (record.kind != FrameKind::absent) records_[n * steps + t] = &record;
      }
    }
  }
  const FrameRecord* record(std::size_t n, std::size_t t) const { return records_[n * steps_ + t]; }
  /// The mask of a present frame, decoded on first use: frames that meet no
  /// present frame of the other side are never decoded.
  RleView view(std::size_t n, std::size_t t) {
    return masks_.view(n * steps_ + t, *records_[n * steps_ + t]);
  }

 private:
  std::size_t steps_;
  std::vector<const FrameRecord*> records_;
  LazyMasks masks_;
};

Sequence build_sequence(const InstanceStore& gt, const InstanceStore& dt, const SequenceInstances& members,
                        std::size_t steps, std::int64_t video_id, std::int64_t category_id) {
  DecodedFrames gt_frames(gt, members.gt, steps), dt_frames(dt, members.dt, steps);
  // Ground-truth ids: the annotation ids of the tracks present somewhere, relabelled
  // 0.. in increasing order; predictions: their file order.
  std::vector<std::int64_t> raw_ids;
  std::vector<bool> gt_seen(members.gt.size()), dt_seen(members.dt.size());
  for (std::size_t n = 0; n < members.gt.size(); ++n) {
    for (std::size_t t = 0; t < steps && !gt_seen[n]; ++t) gt_seen[n] = gt_frames.record(n, t) != nullptr;
    if (gt_seen[n]) raw_ids.push_back(gt.ids()[members.gt[n]]);
  }
  std::sort(raw_ids.begin(), raw_ids.end());
  raw_ids.erase(std::unique(raw_ids.begin(), raw_ids.end()), raw_ids.end());
  std::vector<std::size_t> gt_label(members.gt.size(), kNoId), dt_label(members.dt.size(), kNoId);
  for (std::size_t n = 0; n < members.gt.size(); ++n) {
    if (!gt_seen[n]) continue;
    const auto at = std::lower_bound(raw_ids.begin(), raw_ids.end(), gt.ids()[members.gt[n]]);
    gt_label[n] = static_cast<std::size_t>(at - raw_ids.begin());
  }
  Sequence seq;
  for (std::size_t n = 0; n < members.dt.size(); ++n) {
    for (std::size_t t = 0; t < steps && !dt_seen[n]; ++t) dt_seen[n] = dt_frames.record(n, t) != nullptr;
    if (dt_seen[n]) dt_label[n] = seq.dt_tracks++;
  }
  seq.gt_tracks = raw_ids.size();

  seq.steps.resize(steps);
  std::vector<std::size_t> gt_here, dt_here;
  std::vector<std::uint8_t> label_used(seq.gt_tracks);
  for (std::size_t t = 0; t < steps; ++t) {
    Timestep& step = seq.steps[t];
    gt_here.clear();
    dt_here.clear();
    for (std::size_t n = 0; n < members.gt.size(); ++n) {
      if (gt_frames.record(n, t) == nullptr) continue;
      if (label_used[gt_label[n]]) {
        throw std::invalid_argument("video " + std::to_string(video_id) + ", category " +
                                    std::to_string(category_id) + ", frame " + std::to_string(t) +
                                    ": two ground-truth annotations with id " +
                                    std::to_string(gt.ids()[members.gt[n]]) + " in one frame");
      }
      label_used[gt_label[n]] = 1;
      gt_here.push_back(n);
      step.gt_ids.push_back(gt_label[n]);
    }
    for (std::size_t n : gt_here) label_used[gt_label[n]] = 0;
    for (std::size_t n = 0; n < members.dt.size(); ++n) {
      if (dt_frames.record(n, t) == nullptr) continue;
      dt_here.push_back(n);
      step.dt_ids.push_back(dt_label[n]);
    }
    seq.gt_dets += gt_here.size();
    seq.dt_dets += dt_here.size();
    step.iou.assign(gt_here.size() * dt_here.size(), 0.0);
    for (std::size_t i = 0; i < gt_here.size(); ++i) {
      const FrameRecord& g = *gt_frames.record(gt_here[i], t);
      for (std::size_t j = 0; j < dt_here.size(); ++j) {
        const FrameRecord& d = *dt_frames.record(dt_here[j], t);
        if (g.height != d.height || g.width != d.width) {
          throw std::invalid_argument("video " + std::to_string(video_id) + ", frame " + std::to_string(t) +
                                      ": a prediction's mask size differs from the ground truth's");
        }
        if (g.area != 0 && d.area != 0) {
          step.iou[i * dt_here.size() + j] =
              frame_mask_iou(g, gt_frames.view(gt_here[i], t), d, dt_frames.view(dt_here[j], t));
        }
      }
    }
  }
  return seq;
}

/// HOTA of one sequence (TrackEval's HOTA.eval_sequence), into out[field * A + a].
void hota_sequence(const Sequence& seq, const std::vector<double>& alphas, double* out) {
  const std::size_t A = alphas.size();
  const auto field = [&](HotaField f, std::size_t a) -> double& { return out[f * A + a]; };
  if (seq.dt_dets == 0 || seq.gt_dets == 0) {
    for (std::size_t a = 0; a < A; ++a) {
      field(seq.dt_dets == 0 ? hota_fn : hota_fp, a) =
          static_cast<double>(seq.dt_dets == 0 ? seq.gt_dets : seq.dt_dets);
      field(hota_loc_a, a) = 1.0;
    }
    return;
  }
  const std::size_t G = seq.gt_tracks, D = seq.dt_tracks;
  std::vector<double> potential(G * D, 0.0), gt_count(G, 0.0), dt_count(D, 0.0);
  std::vector<double> row_sum, col_sum;
  for (const Timestep& step : seq.steps) {
    const std::size_t g_n = step.gt_ids.size(), d_n = step.dt_ids.size();
    row_sum.assign(g_n, 0.0);
    col_sum.assign(d_n, 0.0);
    for (std::size_t i = 0; i < g_n; ++i) {
      for (std::size_t j = 0; j < d_n; ++j) {
        row_sum[i] += step.at(i, j);
        col_sum[j] += step.at(i, j);
      }
    }
    for (std::size_t i = 0; i < g_n; ++i) {
      for (std::size_t j = 0; j < d_n; ++j) {
        const double denom = col_sum[j] + row_sum[i] - step.at(i, j);
        if (denom > 0 + kEps) potential[step.gt_ids[i] * D + step.dt_ids[j]] += step.at(i, j) / denom;
      }
    }
    for (std::size_t g : step.gt_ids) gt_count[g] += 1;
    for (std::size_t d : step.dt_ids) dt_count[d] += 1;
  }
  std::vector<double> alignment(G * D);
  for (std::size_t g = 0; g < G; ++g) {
    for (std::size_t d = 0; d < D; ++d) {
      const double p = potential[g * D + d];
      alignment[g * D + d] = p / (gt_count[g] + dt_count[d] - p);
    }
  }
  std::vector<double> matches(A * G * D, 0.0), loc_sum(A, 0.0), cost;
  for (const Timestep& step : seq.steps) {
    const std::size_t g_n = step.gt_ids.size(), d_n = step.dt_ids.size();
    if (g_n == 0 || d_n == 0) {
      for (std::size_t a = 0; a < A; ++a) {
        field(g_n == 0 ? hota_fp : hota_fn, a) += static_cast<double>(g_n == 0 ? d_n : g_n);
      }
      continue;
    }
    cost.resize(g_n * d_n);
    for (std::size_t i = 0; i < g_n; ++i) {
      for (std::size_t j = 0; j < d_n; ++j) {
        cost[i * d_n + j] = -(alignment[step.gt_ids[i] * D + step.dt_ids[j]] * step.at(i, j));
      }
    }
    const auto pairs = min_cost_assignment(cost.data(), g_n, d_n);
    for (std::size_t a = 0; a < A; ++a) {
      std::size_t matched = 0;
      double similarity_sum = 0;
      for (const auto& [i, j] : pairs) {
        if (!(step.at(i, j) >= alphas[a] - kEps)) continue;
        ++matched;
        similarity_sum += step.at(i, j);
        matches[(a * G + step.gt_ids[i]) * D + step.dt_ids[j]] += 1;
      }
      field(hota_tp, a) += static_cast<double>(matched);
      field(hota_fn, a) += static_cast<double>(g_n - matched);
      field(hota_fp, a) += static_cast<double>(d_n - matched);
      loc_sum[a] += similarity_sum;
    }
  }
  for (std::size_t a = 0; a < A; ++a) {
    double ass_a = 0, ass_re = 0, ass_pr = 0;
    for (std::size_t g = 0; g < G; ++g) {
      for (std::size_t d = 0; d < D; ++d) {
        const double m = matches[(a * G + g) * D + d];
        ass_a += m * (m / std::max(1.0, gt_count[g] + dt_count[d] - m));
        ass_re += m * (m / std::max(1.0, gt_count[g]));
        ass_pr += m * (m / std::max(1.0, dt_count[d]));
      }
    }
    const double tp = std::max(1.0, field(hota_tp, a));
    field(hota_ass_a, a) = ass_a / tp;
    field(hota_ass_re, a) = ass_re / tp;
    field(hota_ass_pr, a) = ass_pr / tp;
    field(hota_loc_a, a) = std::max(1e-10, loc_sum[a]) / std::max(1e-10, field(hota_tp, a));
  }
}

/// CLEAR of one sequence (TrackEval's CLEAR.eval_sequence), summed fields only.
void clear_sequence(const Sequence& seq, double threshold, double* out) {
  if (seq.dt_dets == 0) {
    out[clr_fn] = static_cast<double>(seq.gt_dets);
    out[clr_ml] = static_cast<double>(seq.gt_tracks);
    return;
  }
  if (seq.gt_dets == 0) {
    out[clr_fp] = static_cast<double>(seq.dt_dets);
    return;
  }
  const std::size_t G = seq.gt_tracks;
  std::vector<double> gt_count(G, 0.0), matched_count(G, 0.0), frag_count(G, 0.0);
  std::vector<std::size_t> previous(G, kNoId), previous_step(G, kNoId);
  std::vector<double> cost;
  for (const Timestep& step : seq.steps) {
    const std::size_t g_n = step.gt_ids.size(), d_n = step.dt_ids.size();
    if (g_n == 0) {
      out[clr_fp] += static_cast<double>(d_n);
      continue;
    }
    if (d_n == 0) {
      // As TrackEval: the ground truth is counted, the previous step's matches are kept.
      out[clr_fn] += static_cast<double>(g_n);
      for (std::size_t g : step.gt_ids) gt_count[g] += 1;
      continue;
    }
    cost.resize(g_n * d_n);
    for (std::size_t i = 0; i < g_n; ++i) {
      for (std::size_t j = 0; j < d_n; ++j) {
        const double iou = step.at(i, j);
        const bool continues = previous_step[step.gt_ids[i]] == step.dt_ids[j];
        const double score = iou < threshold - kEps ? 0.0 : 1000.0 * continues + iou;
        cost[i * d_n + j] = -score;
      }
    }
    const auto pairs = min_cost_assignment(cost.data(), g_n, d_n);
    std::size_t matched = 0;
    double similarity_sum = 0;
    std::vector<std::uint8_t> tracked_before(G);
    for (std::size_t g = 0; g < G; ++g) tracked_before[g] = previous_step[g] != kNoId;
    std::vector<std::pair<std::size_t, std::size_t>> matched_ids;
    for (const auto& [i, j] : pairs) {
      if (!(-cost[i * d_n + j] > 0 + kEps)) continue;
      matched_ids.emplace_back(step.gt_ids[i], step.dt_ids[j]);
      similarity_sum += step.at(i, j);
      ++matched;
    }
    for (const auto& [g, d] : matched_ids) {
      if (previous[g] != kNoId && previous[g] != d) out[clr_idsw] += 1;
    }
    for (std::size_t g : step.gt_ids) gt_count[g] += 1;
    for (const auto& [g, d] : matched_ids) {
      matched_count[g] += 1;
      previous[g] = d;
    }
    std::fill(previous_step.begin(), previous_step.end(), kNoId);
    for (const auto& [g, d] : matched_ids) previous_step[g] = d;
    for (std::size_t g = 0; g < G; ++g) frag_count[g] += (!tracked_before[g] && previous_step[g] != kNoId);
    out[clr_tp] += static_cast<double>(matched);
    out[clr_fn] += static_cast<double>(g_n - matched);
    out[clr_fp] += static_cast<double>(d_n - matched);
    out[clr_motp_sum] += similarity_sum;
  }
  double mt = 0, pt = 0, frag = 0;
  for (std::size_t g = 0; g < G; ++g) {
    if (gt_count[g] > 0) {
      const double ratio = matched_count[g] / gt_count[g];
      mt += ratio > 0.8;
      pt += ratio >= 0.2;
    }
    if (frag_count[g] > 0) frag += frag_count[g] - 1;
  }
  out[clr_mt] = mt;
  out[clr_pt] = pt - mt;
  out[clr_ml] = static_cast<double>(G) - mt - (pt - mt);
  out[clr_frag] = frag;
  out[clr_frames] = static_cast<double>(seq.steps.size());
}

/// Identity of one sequence (TrackEval's Identity.eval_sequence): IDTP, IDFN, IDFP.
void identity_sequence(const Sequence& seq, double threshold, double* out) {
  if (seq.dt_dets == 0) {
    out[id_fn] = static_cast<double>(seq.gt_dets);
    return;
  }
  if (seq.gt_dets == 0) {
    out[id_fp] = static_cast<double>(seq.dt_dets);
    return;
  }
  const std::size_t G = seq.gt_tracks, D = seq.dt_tracks, N = G + D;
  std::vector<double> potential(G * D, 0.0), gt_count(G, 0.0), dt_count(D, 0.0);
  for (const Timestep& step : seq.steps) {
    for (std::size_t i = 0; i < step.gt_ids.size(); ++i) {
      for (std::size_t j = 0; j < step.dt_ids.size(); ++j) {
        if (step.at(i, j) >= threshold) potential[step.gt_ids[i] * D + step.dt_ids[j]] += 1;
      }
    }
    for (std::size_t g : step.gt_ids) gt_count[g] += 1;
    for (std::size_t d : step.dt_ids) dt_count[d] += 1;
  }
  // Rows: ground-truth tracks, then one dummy per prediction; columns: predictions,
  // then one dummy per ground-truth track. A dummy match leaves a track unmatched.
  std::vector<double> fn(N * N, 0.0), fp(N * N, 0.0), cost(N * N);
  for (std::size_t r = G; r < N; ++r) {
    for (std::size_t c = 0; c < D; ++c) fp[r * N + c] = 1e10;
  }
  for (std::size_t g = 0; g < G; ++g) {
    for (std::size_t c = D; c < N; ++c) fn[g * N + c] = 1e10;
    for (std::size_t c = 0; c < D; ++c) fn[g * N + c] = gt_count[g];
    fn[g * N + D + g] = gt_count[g];
  }
  for (std::size_t d = 0; d < D; ++d) {
    for (std::size_t g = 0; g < G; ++g) fp[g * N + d] = dt_count[d];
    fp[(d + G) * N + d] = dt_count[d];
  }
  for (std::size_t g = 0; g < G; ++g) {
    for (std::size_t d = 0; d < D; ++d) {
      fn[g * N + d] -= potential[g * D + d];
      fp[g * N + d] -= potential[g * D + d];
    }
  }
  for (std::size_t k = 0; k < N * N; ++k) cost[k] = fn[k] + fp[k];
  double id_fn_sum = 0, id_fp_sum = 0, gt_total = 0;
  for (const auto& [r, c] : min_cost_assignment(cost.data(), N, N)) {
    id_fn_sum += fn[r * N + c];
    id_fp_sum += fp[r * N + c];
  }
  for (double count : gt_count) gt_total += count;
  // TrackEval truncates the sums to integers (.astype(int)).
  out[id_fn] = std::trunc(id_fn_sum);
  out[id_fp] = std::trunc(id_fp_sum);
  out[id_tp] = std::trunc(gt_total - out[id_fn]);
}

}  // namespace

AssociationCounts association_counts(const InstanceStore& gt, const InstanceStore& dt,
                                     const AssociationParams& params, unsigned threads) {
  const std::size_t V = params.video_ids.size(), K = params.category_ids.size(), A = params.alphas.size();
  if (params.video_lengths.size() != V) throw std::invalid_argument("association: one length per video");
  std::unordered_map<std::int64_t, std::size_t> video_at, category_at;
  for (std::size_t v = 0; v < V; ++v) {
    if (params.video_lengths[v] < 0) {
      throw std::invalid_argument("video " + std::to_string(params.video_ids[v]) + ": unknown length");
    }
    video_at.emplace(params.video_ids[v], v);
  }
  for (std::size_t k = 0; k < K; ++k) category_at.emplace(params.category_ids[k], k);
  std::vector<SequenceInstances> sequences(K * V);
  const auto assign = [&](const InstanceStore& store, bool is_gt) {
    for (std::size_t n = 0; n < store.size(); ++n) {
      const auto v = video_at.find(store.video_ids()[n]);
      const auto k = category_at.find(store.category_ids()[n]);
      if (v == video_at.end() || k == category_at.end()) continue;
      auto& members = sequences[k->second * V + v->second];
      (is_gt ? members.gt : members.dt).push_back(static_cast<std::uint32_t>(n));
    }
  };
  assign(gt, true);
  assign(dt, false);

  AssociationCounts out;
  out.categories = K;
  out.videos = V;
  out.alphas = A;
  out.hota.assign(K * V * kHotaFields * A, 0.0);
  out.clear.assign(K * V * kClearFields, 0.0);
  out.identity.assign(K * V * kIdentityFields, 0.0);
  parallel_for(K * V, threads, [&](std::size_t s) {
    const std::size_t k = s / V, v = s % V;
    const Sequence seq =
        build_sequence(gt, dt, sequences[s], static_cast<std::size_t>(params.video_lengths[v]),
                       params.video_ids[v], params.category_ids[k]);
    hota_sequence(seq, params.alphas, out.hota.data() + s * kHotaFields * A);
    clear_sequence(seq, params.clear_threshold, out.clear.data() + s * kClearFields);
    identity_sequence(seq, params.identity_threshold, out.identity.data() + s * kIdentityFields);
  });
  return out;
}

}  // namespace ytvis
