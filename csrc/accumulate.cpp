#include "accumulate.hpp"

#include <algorithm>
#include <cfloat>
#include <numeric>
#include <stdexcept>

#include "thread_pool.hpp"

namespace ytvis {

namespace {

/// One prediction entering the (k, a, m) ranking.
struct Ranked {
  double score;
  std::size_t entry;
  std::size_t position;  ///< within the entry's predictions
  std::size_t dcount;    ///< predictions of the entry (row length of its T x D arrays)
};

}  // namespace

Accumulated accumulate(const InstanceStore& dt, const BucketLayout& buckets, const MatchResults& matches,
                       const AccumulateSelection& sel, unsigned threads) {
  const std::size_t T = sel.out_thresholds, R = sel.recall_thresholds.size();
  const std::size_t K = sel.out_categories, A = sel.out_areas, M = sel.max_dets.size();
  if (matches.thresholds > T) {
    throw std::out_of_range("accumulate(): more evaluated IoU thresholds than params.iouThrs");
  }
  Accumulated out;
  out.thresholds = T, out.recall_points = R, out.categories = K, out.areas = A, out.max_dets = M;
  out.precision.assign(T * R * K * A * M, -1.0);
  out.recall.assign(T * K * A * M, -1.0);
  out.scores.assign(T * R * K * A * M, -1.0);
  const std::size_t total_entries = matches.present.size();
  const double eps = DBL_EPSILON;  // np.spacing(1)

  parallel_for(sel.categories.size(), threads, [&](std::size_t k) {
    const std::size_t k0 = sel.categories[k];
    std::vector<Ranked> ranked;
    std::vector<double> tp, fp, rc, pr;
    for (std::size_t a = 0; a < sel.areas.size(); ++a) {
      const std::size_t a0 = sel.areas[a];
      for (std::size_t m = 0; m < M; ++m) {
        const std::int64_t max_det = sel.max_dets[m];
        ranked.clear();
        std::size_t npig = 0;
        bool any = false;
        for (std::size_t v : sel.videos) {
          const std::size_t e = (k0 * matches.areas + a0) * matches.videos + v;
          if (e >= total_entries) {
            throw std::out_of_range("accumulate(): params select an entry that was not evaluated");
          }
          if (!matches.present[e]) continue;
          any = true;
          const std::size_t b = buckets.bucket(v, k0);
          const std::size_t D = buckets.dt_count(b);
          const std::size_t G = buckets.gt_count(b);
          const std::size_t keep =
              max_det < 0 ? 0 : std::min<std::size_t>(D, static_cast<std::size_t>(max_det));
          const std::uint32_t* dts = buckets.dt_index.data() + buckets.dt_offsets[b];
          for (std::size_t d = 0; d < keep; ++d) ranked.push_back({dt.scores()[dts[d]], e, d, D});
          const std::uint8_t* gt_ignore = matches.gt_ignore.data() + matches.gt_offsets[e];
          for (std::size_t g = 0; g < G; ++g) npig += gt_ignore[g] == 0;
        }
        if (!any || npig == 0) continue;
        std::stable_sort(ranked.begin(), ranked.end(),
                         [](const Ranked& x, const Ranked& y) { return score_before(x.score, y.score); });
        const std::size_t nd = ranked.size();
        for (std::size_t t = 0; t < matches.thresholds; ++t) {
          tp.assign(nd, 0.0);
          fp.assign(nd, 0.0);
          double tp_run = 0.0, fp_run = 0.0;
          for (std::size_t i = 0; i < nd; ++i) {
            const Ranked& p = ranked[i];
            const std::size_t at =
                matches.dt_offsets[p.entry] * matches.thresholds + t * p.dcount + p.position;
            const bool ignored = matches.dt_ignore[at] != 0;
            const bool matched = matches.dt_matched_nonzero[at] != 0;
            if (!ignored) (matched ? tp_run : fp_run) += 1.0;
            tp[i] = tp_run;
            fp[i] = fp_run;
          }
          rc.resize(nd);
          pr.resize(nd);
          for (std::size_t i = 0; i < nd; ++i) {
            rc[i] = tp[i] / static_cast<double>(npig);
            pr[i] = tp[i] / (fp[i] + tp[i] + eps);
          }
          const std::size_t rec_at = (t * K + k) * A * M + a * M + m;
          out.recall[rec_at] = nd ? rc[nd - 1] : 0.0;
          for (std::size_t i = nd; i-- > 1;) {
            if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          }
          for (std::size_t r = 0; r < R; ++r) {
            const std::size_t at = (((t * R + r) * K + k) * A + a) * M + m;
            out.precision[at] = 0.0;
            out.scores[at] = 0.0;
          }
          for (std::size_t r = 0; r < R; ++r) {
            const auto found = std::lower_bound(rc.begin(), rc.end(), sel.recall_thresholds[r]);
            const std::size_t index = static_cast<std::size_t>(found - rc.begin());
            if (index >= nd) break;
            const std::size_t at = (((t * R + r) * K + k) * A + a) * M + m;
            out.precision[at] = pr[index];
            out.scores[at] = ranked[index].score;
          }
        }
      }
    }
  });
  return out;
}

double summarize(const Accumulated& acc, const SummarySlice& slice) {
  const std::size_t T = acc.thresholds, R = acc.recall_points, K = acc.categories;
  const std::size_t A = acc.areas, M = acc.max_dets;
  if (slice.area >= A || slice.max_det >= M)
    throw std::out_of_range("summarize(): no such area range or maxDets");
  std::vector<double> defined;
  for (std::size_t t : slice.thresholds) {
    if (t >= T) throw std::out_of_range("summarize(): no such IoU threshold");
    if (slice.precision) {
      for (std::size_t r = 0; r < R; ++r) {
        for (std::size_t k = 0; k < K; ++k) {
          const double value = acc.precision[(((t * R + r) * K + k) * A + slice.area) * M + slice.max_det];
          if (value > -1) defined.push_back(value);
        }
      }
    } else {
      for (std::size_t k = 0; k < K; ++k) {
        const double value = acc.recall[((t * K + k) * A + slice.area) * M + slice.max_det];
        if (value > -1) defined.push_back(value);
      }
    }
  }
  return defined.empty() ? -1.0 : numpy_mean(defined);
}

}  // namespace ytvis
