// Native JSON ingest: ground-truth and results files parsed by simdjson straight
// into the columnar store, with no Python object per annotation or mask.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
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
/// numbered from 1 as loadRes does.
std::shared_ptr<InstanceStore> read_results(JsonText text, const std::string& source,
                                            const std::vector<VideoInfo>& videos, bool strict,
                                            unsigned threads);

struct SplitResultsFile;

/// Results files as one list, in order. Walking a file (the On-Demand pass that
/// finds its elements, the input kept mapped) is the serial part of reading it
/// and needs nothing from the ground truth, so walk() can run while the ground
/// truth is read; build() parses, which needs the videos' table.
class SplitResults {
 public:
  /// The files at `paths`, none walked yet.
  explicit SplitResults(std::vector<std::string> paths);
  /// One document (a mapped file or bytes), walked at once on up to `threads`
  /// threads; `source` names it.
  SplitResults(JsonText text, std::string source, unsigned threads);
  SplitResults(SplitResults&&) noexcept;
  SplitResults& operator=(SplitResults&&) noexcept;
  ~SplitResults();

  /// Walks the files not walked yet, in order, up to the first that fails
  /// (missing, not JSON, not a list); build() reports that one in its turn.
  /// The walk itself is serial; up to `threads` - 1 other threads check the
  /// masks of the results it has read while it goes on.
  void walk(unsigned threads);

  /// walk(), with the first file walked on a thread of its own while the calling
  /// thread runs beside() (reading the ground truth, say) and then checks the
  /// masks of the results the walk has read. An exception from beside() is
  /// rethrown once the walk is over.
  void walk_beside(unsigned threads, const std::function<void()>& beside);

  /// Parses every file's results into one store, as if one list in the given
  /// order, walking each file not walked yet just before; returns the store and
  /// the position of each file's first result. Each file's input is released
  /// once parsed, so unwalked files are mapped one at a time. The object is empty
  /// afterwards. With `borrow`, the store instead reads its masks from the mapped
  /// files, without copying them, and keeps them mapped while it lives: only for
  /// a store that does not outlive its files' contents (a file truncated while
  /// mapped can no longer be read).
  std::pair<std::shared_ptr<InstanceStore>, std::vector<std::size_t>> build(
      const std::vector<VideoInfo>& videos, bool strict, unsigned threads, bool borrow = false);

 private:
  std::vector<SplitResultsFile> files_;
};

}  // namespace ytvis
