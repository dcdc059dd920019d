// Native JSON ingest: ground-truth and results files parsed by simdjson straight
// into the columnar store, with no Python object per annotation or mask.
#pragma once

#include <cstdint>
#include <exception>
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
/// numbering them from `first_id` (1, as loadRes does, for a file on its own).
std::shared_ptr<InstanceStore> read_results(JsonText text, const std::string& source,
                                            const std::vector<VideoInfo>& videos, bool strict,
                                            unsigned threads, std::int64_t first_id = 1);

struct SplitResultsFile;

/// Results files walked once by the On-Demand parser (elements found, the input
/// kept mapped) but not parsed: the serial part of reading results, which can run
/// while the ground truth is read, before the videos' table that parsing needs
/// is known.
class SplitResults {
 public:
  SplitResults();
  SplitResults(SplitResults&&) noexcept;
  SplitResults& operator=(SplitResults&&) noexcept;
  ~SplitResults();

  /// Walks one more file (its results follow the previous files').
  void add(JsonText text, std::string source);

  /// Parses every file's results into one store, as if one list in the given
  /// order; returns it and the position of each file's first result. Each file's
  /// input is released once parsed; the object is empty afterwards.
  std::pair<std::shared_ptr<InstanceStore>, std::vector<std::size_t>> build(
      const std::vector<VideoInfo>& videos, bool strict, unsigned threads);

 private:
  friend std::shared_ptr<InstanceStore> read_results(JsonText, const std::string&,
                                                     const std::vector<VideoInfo>&, bool, unsigned,
                                                     std::int64_t);
  friend SplitResults split_results(std::vector<std::string> paths);
  std::vector<SplitResultsFile> files_;
  std::exception_ptr failed_;  ///< the error of the file after the last one split
};

/// Maps and walks the results files at `paths`, in order. The first file that
/// fails (missing, not JSON, not a list) ends the walk; build() throws its error
/// after parsing the files before it, as reading the files in turn would.
SplitResults split_results(std::vector<std::string> paths);

}  // namespace ytvis
