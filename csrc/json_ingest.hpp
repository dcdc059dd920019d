// Native JSON ingest: ground-truth and results files parsed by simdjson straight
// into the columnar store, with no Python object per annotation or mask.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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

/// Reads a whole file, with spare room for the parser's padding so the text is
/// never copied; throws InputError naming the path.
std::string read_file(const std::string& path);

/// A copy of in-memory JSON with the same spare room as read_file's.
std::string padded_text(std::string_view bytes);

/// Parses ground truth ({"videos", "categories", "annotations", ...}); `source`
/// names the input in errors. Unknown fields are skipped.
GroundTruthFile read_ground_truth(std::string text, const std::string& source, bool strict, unsigned threads);

/// Parses results (a list of {"video_id", "category_id", "score", "segmentations"}).
std::shared_ptr<InstanceStore> read_results(std::string text, const std::string& source,
                                            const std::vector<VideoInfo>& videos, bool strict,
                                            unsigned threads);

}  // namespace ytvis
