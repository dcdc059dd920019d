// Fuzz target: the JSON ingest and the evaluation behind it. The first byte
// picks ground truth or results, strict or not, one thread or two, masks copied
// or borrowed from the input (what evaluate() does); the rest is
// the document. A store that reads without error is then evaluated against
// itself (segm and bbox IoU, matching, accumulation), so hostile stores (masks
// of mixed sizes, absent frames, odd ids) go through every native stage.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "accumulate.hpp"
#include "buckets.hpp"
#include "iou.hpp"
#include "json_ingest.hpp"
#include "matching.hpp"

namespace {

void evaluate_against_itself(const ytvis::InstanceStore& store, unsigned threads) {
  // Unique and sorted, as evaluate() passes them (np.unique of the params).
  const std::set<std::int64_t> video_set(store.video_ids().begin(), store.video_ids().end());
  const std::set<std::int64_t> category_set(store.category_ids().begin(), store.category_ids().end());
  const std::vector<std::int64_t> videos(video_set.begin(), video_set.end());
  const std::vector<std::int64_t> categories(category_set.begin(), category_set.end());
  const std::vector<double> thresholds{0.5, 0.75, 0.95};
  const std::vector<std::array<double, 2>> ranges{{0.0, 1e10}, {0.0, 16.0}, {16.0, 1e10}};
  for (const ytvis::IouType type : {ytvis::IouType::segm, ytvis::IouType::bbox}) {
    for (const bool use_cats : {true, false}) {
      const ytvis::BucketLayout buckets = ytvis::make_buckets(store, store, videos, categories, use_cats, 3);
      const ytvis::BucketIous ious = ytvis::compute_ious(store, store, buckets, type, threads);
      const ytvis::MatchResults matches =
          ytvis::match_all(store, store, buckets, ious, thresholds, ranges, threads);
      ytvis::AccumulateSelection selection;
      for (std::size_t k = 0; k < buckets.category_count; ++k) selection.categories.push_back(k);
      selection.areas = {0, 1, 2};
      selection.max_dets = {1, 3};
      for (std::size_t v = 0; v < buckets.video_count; ++v) selection.videos.push_back(v);
      selection.out_thresholds = thresholds.size();
      selection.out_categories = buckets.category_count;
      selection.out_areas = ranges.size();
      selection.recall_thresholds = {0.0, 0.5, 1.0};
      ytvis::accumulate(store, buckets, matches, selection, threads);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool results = data[0] & 1, strict = data[0] & 2, borrow = data[0] & 8;
  const unsigned threads = (data[0] & 4) ? 2 : 1;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::vector<ytvis::VideoInfo> videos{{1, 4, 4, 2}, {2, 3, 5, -1}, {3, 0, 0, 1}};
  try {
    std::shared_ptr<ytvis::InstanceStore> store =
        results ? ytvis::SplitResults(ytvis::JsonText::from_bytes(bytes), "<fuzz>", threads)
                      .build(videos, strict, threads, borrow)
                      .first
                : ytvis::read_ground_truth(ytvis::JsonText::from_bytes(bytes), "<fuzz>", strict, threads)
                      .annotations;
    if (store->size() == 0) return -1;  // nothing for the evaluation to chew on
    evaluate_against_itself(*store, threads);
  } catch (const ytvis::InputError&) {
    return -1;  // rejected with a message, as it should be; not worth mutating further
  }
  return 0;
}
