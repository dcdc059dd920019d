// Columnar store of video instances (ground truth or predictions): per instance
// its ids, score, crowd flag and mean area; per frame one record pointing into a
// shared text buffer where every mask is kept as compact compressed RLE.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rle.hpp"

namespace ytvis {

enum class FrameKind : std::uint8_t {
  absent = 0,      ///< falsy entry (null, [], {}): the instance is not in this frame
  compressed = 1,  ///< compressed RLE string, decoded on demand
};

struct FrameRecord {
  std::uint64_t begin = 0;  ///< into the store's text block `block`
  std::uint64_t end = 0;
  std::uint32_t height = 0;
  std::uint32_t width = 0;
  FrameKind kind = FrameKind::absent;
  std::uint32_t block = 0;
  bool box_present = false;  ///< `box` is known: given, or computed from the mask
  bool box_given = false;    ///< the box came from the file, not from the mask
  bool summarized = false;   ///< `area` is known (at once for masks given as runs)
  bool escaped = false;      ///< borrowed JSON text: each backslash of the mask is written twice
  std::uint64_t area = 0;    ///< mask area, filled when added as runs or by finalize()
  Box box;                   ///< given box, or the mask's box after compute_boxes()
};

/// A mask as borrowed from JSON text: `text` itself, or, when `escaped` (a JSON
/// string's body whose every escape is a doubled backslash, the only escape the
/// readers borrow), its unescaped copy in `scratch`.
std::string_view unescaped(std::string_view text, bool escaped, std::string& scratch);

/// Numpy-compatible mean of the values (pairwise summation as numpy's add.reduce
/// does for contiguous float64, then one division), so averages match bit for bit.
double numpy_mean(const std::vector<double>& values);

class InstanceStore {
 public:
  /// Starts a new instance; frames added next belong to it.
  void begin_instance(std::int64_t id, std::int64_t video_id, std::int64_t category_id, double score,
                      double iscrowd);
  void add_absent_frame();
  /// Copies a compressed mask into the store; `escaped`: `text` is a JSON string's
  /// body whose every backslash is written twice.
  void add_compressed_frame(std::string_view text, std::uint32_t height, std::uint32_t width,
                            bool escaped = false);
  /// Room for `bytes` of compressed masks, so the text never moves while growing
  /// (untouched capacity costs no resident memory).
  void reserve_text(std::size_t bytes) { texts_[open_block_].owned.reserve(bytes); }
  /// Makes `text`, kept valid by `owner`, the block that borrowed frames point into:
  /// masks read straight from a mapped input, without a copy.
  void borrow_text(std::string_view text, std::shared_ptr<const void> owner);
  /// Records a mask frame whose compressed RLE is `text[begin, end)` of the borrowed
  /// block, `escaped` when it is a JSON string's body whose backslashes are doubled;
  /// `area` when already found (the mask then decodes), else finalize() finds it.
  void add_borrowed_frame(std::size_t begin, std::size_t end, bool escaped, std::uint32_t height,
                          std::uint32_t width, std::optional<std::uint64_t> area = std::nullopt);
  /// Copies every borrowed mask into text of the store's own and lets go of the
  /// owners, so that the store no longer depends on its inputs.
  void own_text();
  /// Stores decoded runs (uncompressed RLE, polygons) compressed: a quarter of
  /// the memory, and one representation for every later stage.
  void add_counts_frame(const RleView& mask);
  /// Gives the box of frame `frame` of the current instance (from a `bboxes` field).
  void set_given_box(std::size_t frame, const Box& box);
  /// Mean area of the current instance from the file's `areas` field; without it
  /// finalize() averages the non-zero mask areas (what loadRes does for results).
  void set_avg_area(double avg_area);

  /// Decodes every compressed frame not yet summarized (validating it), fills
  /// areas, and averages mask areas where no `areas` field was given, for the
  /// first `instances` instances (all by default). Throws RleError naming the
  /// instance's position in the input (`first_position` for this store's first
  /// instance) and the frame; with one thread, the first such instance.
  void finalize(unsigned threads, std::size_t first_position = 0, std::size_t instances = SIZE_MAX);

  /// Fills the box of every mask frame without a given box (pycocotools' toBbox).
  /// Only box IoU and the Python view need boxes, so they are computed on first
  /// use rather than at ingest; later calls return at once.
  void compute_boxes(unsigned threads);

  /// Room for the instances and frames of stores about to be appended.
  void reserve(std::size_t instances, std::size_t frames);
  /// Appends every instance of `part` after this store's, in order. The part's
  /// text blocks are moved over, not copied.
  void append(InstanceStore&& part);

  /// What one instance is called in error messages ("annotation", "result").
  void set_label(std::string label) { label_ = std::move(label); }
  const std::string& label() const { return label_; }

  std::size_t size() const { return ids_.size(); }
  std::size_t frame_count(std::size_t instance) const {
    return frame_offsets_[instance + 1] - frame_offsets_[instance];
  }
  const FrameRecord& frame(std::size_t instance, std::size_t f) const {
    return frames_[frame_offsets_[instance] + f];
  }
  /// Mask of a present frame, decoded into `scratch`.
  RleView view(const FrameRecord& record, Counts& scratch) const;

  const std::vector<std::int64_t>& ids() const { return ids_; }
  const std::vector<std::int64_t>& video_ids() const { return video_ids_; }
  const std::vector<std::int64_t>& category_ids() const { return category_ids_; }
  const std::vector<double>& scores() const { return scores_; }
  const std::vector<double>& iscrowd() const { return iscrowd_; }
  const std::vector<double>& avg_areas() const { return avg_areas_; }
  const std::vector<std::uint64_t>& frame_offsets() const { return frame_offsets_; }
  const std::vector<FrameRecord>& frames() const { return frames_; }
  /// The compressed RLE of a present frame; a borrowed escaped mask is unescaped
  /// into `scratch`, which the view then points into.
  std::string_view mask_text(const FrameRecord& record, std::string& scratch) const;

 private:
  /// Compressed masks: text of the store's own, or borrowed from an input that
  /// `owner` keeps alive.
  struct TextBlock {
    std::string owned;
    std::string_view borrowed;
    std::shared_ptr<const void> owner;

    std::string_view view() const { return owner ? borrowed : std::string_view(owned); }
  };

  std::string_view text(const FrameRecord& record) const {
    return texts_[record.block].view().substr(record.begin, record.end - record.begin);
  }

  /// Records a mask frame whose text is the last `length` bytes of the open block.
  void add_text_frame(std::size_t length, std::uint32_t height, std::uint32_t width);
  void add_mask_frame(std::uint32_t block, std::size_t begin, std::size_t end, bool escaped,
                      std::uint32_t height, std::uint32_t width,
                      std::optional<std::uint64_t> area = std::nullopt);

  std::vector<std::int64_t> ids_, video_ids_, category_ids_;
  std::vector<double> scores_, iscrowd_, avg_areas_;
  std::vector<std::uint8_t> avg_area_given_;
  std::vector<std::uint64_t> frame_offsets_{0};
  std::vector<FrameRecord> frames_;
  std::vector<TextBlock> texts_ = std::vector<TextBlock>(1);
  std::uint32_t open_block_ = 0;      ///< the owned block that added masks are copied into
  std::uint32_t borrowed_block_ = 0;  ///< the block that borrowed frames point into
  std::string label_ = "annotation";
  std::once_flag boxes_computed_;
};

/// An instance whose id an earlier instance already has: its position and the earlier one's.
struct RepeatedId {
  std::size_t position = 0;
  std::size_t earlier = 0;
};
/// The first instance, in store order, whose id is repeated; none if ids are unique.
std::optional<RepeatedId> first_repeated_id(const InstanceStore& store);

/// Instances whose category is not one of `known`: the first one's position and how many.
struct CategoriesOutside {
  std::size_t first = 0;
  std::size_t count = 0;
};
std::optional<CategoriesOutside> categories_outside(const InstanceStore& store,
                                                    const std::vector<std::int64_t>& known);

/// Instances per category of `categories` (in that order) within `videos`, crowd
/// instances (iscrowd != 0) left out when `skip_crowd`.
std::vector<std::int64_t> count_per_category(const InstanceStore& store,
                                             const std::vector<std::int64_t>& videos,
                                             const std::vector<std::int64_t>& categories, bool skip_crowd);

}  // namespace ytvis
