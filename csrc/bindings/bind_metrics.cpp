// Metrics beyond AP across the seam: association counts (HOTA, CLEAR, Identity)
// per (category, video), computed with the GIL released and returned as arrays.
#include <memory>
#include <utility>
#include <vector>

#include "association.hpp"
#include "bindings.hpp"
#include "json_text.hpp"
#include "occlusion_labels.hpp"
#include "pair_ious.hpp"
#include "store.hpp"
#include "thread_pool.hpp"

namespace ytvis::bindings {

namespace {

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

}  // namespace

void register_metrics(py::module_& m) {
  m.def(
      "video_tube_ious",
      [](std::shared_ptr<InstanceStore> gt, std::shared_ptr<InstanceStore> dt,
         std::vector<std::uint32_t> dt_instances, std::vector<std::int64_t> category_ids, double floor,
         int threads) {
        VideoIous ious;
        {
          py::gil_scoped_release release;
          ious = video_tube_ious(*gt, *dt, dt_instances, category_ids, floor, resolve_threads(threads));
        }
        const auto pairs = static_cast<py::ssize_t>(ious.values.size());
        const auto rows = static_cast<py::ssize_t>(ious.offsets.size());
        return py::make_tuple(adopt(std::move(ious.offsets), {rows}),
                              adopt(std::move(ious.gt_index), {pairs}),
                              adopt(std::move(ious.values), {pairs}));
      },
      py::arg("gt"), py::arg("dt"), py::arg("dt_instances"), py::arg("category_ids"), py::arg("floor") = 0.0,
      py::arg("threads") = 0,
      "For each prediction, its spatio-temporal mask IoU with every ground truth of its video in the given "
      "categories other than its own: (offsets per prediction, ground-truth instances, IoUs); pairs that "
      "cannot reach `floor` are reported as 0.");

  m.def(
      "good_frame_counts",
      [](std::shared_ptr<InstanceStore> gt, std::shared_ptr<InstanceStore> dt,
         std::vector<std::uint32_t> gt_instances, std::vector<std::uint32_t> dt_instances, double threshold,
         int threads) {
        std::vector<std::uint32_t> counts;
        {
          py::gil_scoped_release release;
          counts =
              good_frame_counts(*gt, *dt, gt_instances, dt_instances, threshold, resolve_threads(threads));
        }
        const auto size = static_cast<py::ssize_t>(counts.size());
        return adopt(std::move(counts), {size});
      },
      py::arg("gt"), py::arg("dt"), py::arg("gt_instances"), py::arg("dt_instances"), py::arg("threshold"),
      py::arg("threads") = 0,
      "Per (gt, dt) instance pair, the number of frames (walked in step up to the shorter list) whose mask "
      "IoU exceeds `threshold`.");

  m.def(
      "read_occlusion_scores",
      [](py::object path) {
        const std::string name = py::str(py::module_::import("os").attr("fspath")(path));
        std::vector<double> scores;
        {
          py::gil_scoped_release release;
          scores = read_occlusion_scores(JsonText::from_file(name), name);
        }
        const auto size = static_cast<py::ssize_t>(scores.size());
        return adopt(std::move(scores), {size});
      },
      py::arg("path"),
      "OVIS occlusion score of every annotation of a ground-truth file, in file order; NaN where an "
      "annotation has no 'occlusion' list or no labelled frame.");

  m.def(
      "association_counts",
      [](std::shared_ptr<InstanceStore> gt, std::shared_ptr<InstanceStore> dt,
         std::vector<std::int64_t> video_ids, std::vector<std::int64_t> video_lengths,
         std::vector<std::int64_t> category_ids, Doubles alphas, double clear_threshold,
         double identity_threshold, int threads) {
        AssociationParams params;
        params.video_ids = std::move(video_ids);
        params.video_lengths = std::move(video_lengths);
        params.category_ids = std::move(category_ids);
        params.alphas.assign(alphas.data(), alphas.data() + alphas.size());
        params.clear_threshold = clear_threshold;
        params.identity_threshold = identity_threshold;
        AssociationCounts counts;
        {
          py::gil_scoped_release release;
          counts = association_counts(*gt, *dt, params, resolve_threads(threads));
        }
        const auto K = static_cast<py::ssize_t>(counts.categories);
        const auto V = static_cast<py::ssize_t>(counts.videos);
        const auto A = static_cast<py::ssize_t>(counts.alphas);
        return py::make_tuple(
            adopt(std::move(counts.hota), {K, V, static_cast<py::ssize_t>(kHotaFields), A}),
            adopt(std::move(counts.clear), {K, V, static_cast<py::ssize_t>(kClearFields)}),
            adopt(std::move(counts.identity), {K, V, static_cast<py::ssize_t>(kIdentityFields)}));
      },
      py::arg("gt"), py::arg("dt"), py::arg("video_ids"), py::arg("video_lengths"), py::arg("category_ids"),
      py::arg("alphas"), py::arg("clear_threshold") = 0.5, py::arg("identity_threshold") = 0.5,
      py::arg("threads") = 0,
      "Per (category, video) sequence, TrackEval's per-sequence HOTA fields [K, V, 7, A] (TP, FN, FP, AssA, "
      "AssRe, AssPr, LocA), CLEAR counts [K, V, 10] (TP, FN, FP, IDSW, MT, PT, ML, Frag, frames, MOTP sum) "
      "and Identity counts [K, V, 3] (IDTP, IDFN, IDFP), on per-frame mask IoU.");
}

}  // namespace ytvis::bindings
