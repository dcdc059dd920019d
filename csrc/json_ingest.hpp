// Native JSON ingest: ground-truth and results files parsed by simdjson straight
// into the columnar store, with no Python object per annotation or mask.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "json_text.hpp"
#include "store.hpp"
#include "store_builder.hpp"

namespace ytvis {

struct CategoryInfo {
  std::int64_t id = 0;
  std::string name;
};

struct GroundTruthFile {
  std::vector<VideoInfo> videos;
  std::vector<CategoryInfo> categories;
  std::shared_ptr<InstanceStore> annotations;
};

/// Parses ground truth ({"videos", "categories", "annotations", ...}); `source`
/// names the input in errors. Unknown fields are skipped.
GroundTruthFile read_ground_truth(JsonText text, const std::string& source, bool strict, unsigned threads);

/// Parses results (a list of {"video_id", "category_id", "score", "segmentations"}),
/// numbering them from `first_id` (1, as loadRes does, for a file on its own).
std::shared_ptr<InstanceStore> read_results(JsonText text, const std::string& source,
                                            const std::vector<VideoInfo>& videos, bool strict,
                                            unsigned threads, std::int64_t first_id = 1);

}  // namespace ytvis
