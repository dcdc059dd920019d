#include "buckets.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace ytvis {

namespace {

struct PairHash {
  std::size_t operator()(const std::pair<std::int64_t, std::int64_t>& key) const {
    return std::hash<std::int64_t>()(key.first) * 1000003u ^ std::hash<std::int64_t>()(key.second);
  }
};

using InstancesByKey =
    std::unordered_map<std::pair<std::int64_t, std::int64_t>, std::vector<std::uint32_t>, PairHash>;

InstancesByKey group(const InstanceStore& store) {
  InstancesByKey groups;
  for (std::size_t i = 0; i < store.size(); ++i) {
    groups[{store.video_ids()[i], store.category_ids()[i]}].push_back(static_cast<std::uint32_t>(i));
  }
  return groups;
}

/// Appends the instances of one bucket: with categories, the (video, category)
/// group; without, the groups of every category in order (duplicates included,
/// as the reference's list comprehension does).
void append_bucket(const InstancesByKey& groups, std::int64_t video,
                   const std::vector<std::int64_t>& categories, std::vector<std::uint32_t>& out) {
  for (std::int64_t category : categories) {
    auto found = groups.find({video, category});
    if (found != groups.end()) out.insert(out.end(), found->second.begin(), found->second.end());
  }
}

}  // namespace

BucketLayout make_buckets(const InstanceStore& gt, const InstanceStore& dt,
                          const std::vector<std::int64_t>& video_ids,
                          const std::vector<std::int64_t>& category_ids, bool use_cats,
                          std::size_t max_dets) {
  BucketLayout layout;
  layout.video_count = video_ids.size();
  layout.category_count = use_cats ? category_ids.size() : 1;
  const InstancesByKey gt_groups = group(gt);
  const InstancesByKey dt_groups = group(dt);
  std::vector<std::int64_t> one_category(1);
  std::vector<std::uint32_t> bucket_dts;
  for (std::int64_t video : video_ids) {
    for (std::size_t k = 0; k < layout.category_count; ++k) {
      const std::vector<std::int64_t>* categories = &category_ids;
      if (use_cats) {
        one_category[0] = category_ids[k];
        categories = &one_category;
      }
      append_bucket(gt_groups, video, *categories, layout.gt_index);
      layout.gt_offsets.push_back(layout.gt_index.size());

      bucket_dts.clear();
      append_bucket(dt_groups, video, *categories, bucket_dts);
      std::stable_sort(bucket_dts.begin(), bucket_dts.end(), [&](std::uint32_t a, std::uint32_t b) {
        return score_before(dt.scores()[a], dt.scores()[b]);
      });
      if (bucket_dts.size() > max_dets) bucket_dts.resize(max_dets);
      layout.dt_index.insert(layout.dt_index.end(), bucket_dts.begin(), bucket_dts.end());
      layout.dt_offsets.push_back(layout.dt_index.size());
    }
  }
  return layout;
}

}  // namespace ytvis
