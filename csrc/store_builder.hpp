// One walker from parsed JSON to an InstanceStore, whatever holds the parsed
// document: simdjson elements (json_ingest.cpp) or Python objects (the bindings).
// It applies the reference's reading rules (Python truthiness for absent frames,
// polygons rasterized at the video's size, uncompressed RLE at its own size, the
// mean of the file's `areas`, given `bboxes`) and, when strict, checks that every
// result names a known video, covers all its frames and has masks of its size.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "polygon.hpp"
#include "rle.hpp"
#include "store.hpp"

namespace ytvis {

/// Input that does not have the expected shape; the message names the place.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct VideoInfo {
  std::int64_t id = 0, height = 0, width = 0, length = -1;  ///< length -1: unknown
};

/// Most frames a video or a segmentations list may have: an hour at 30 fps is
/// about 10^5; more is a broken file, rejected before anything is allocated.
inline constexpr std::int64_t kMaxFrames = 1 << 20;

/// Throws InputError unless the video's height, width and length are in range.
inline void check_video(const VideoInfo& video, std::size_t index) {
  const std::string where = "video " + std::to_string(index) + " (id " + std::to_string(video.id) + "): ";
  try {
    check_size(video.height, video.width);
  } catch (const RleError& error) {
    throw InputError(where + error.what());
  }
  if (video.length > kMaxFrames) {
    throw InputError(where + "length " + std::to_string(video.length) + " is out of range (at most " +
                     std::to_string(kMaxFrames) + " frames)");
  }
}

/// Where we are in the input, for error messages.
struct Place {
  const std::string& label;
  std::size_t index;
  std::optional<std::size_t> frame;

  std::string str() const {
    std::string s = label + " " + std::to_string(index);
    if (frame) s += ", frame " + std::to_string(*frame);
    return s;
  }
};

[[noreturn]] inline void fail(const Place& place, const std::string& what) {
  throw InputError(place.str() + ": " + what);
}

/// A result of the shape nearly every results file has, {"video_id", "category_id",
/// "score", "segmentations": [null, or {"size", "counts": a string}, ...]}, as a
/// fast reader finds it: masks are left where they are in the input text.
struct PlainResult {
  struct Frame {
    bool present = false;
    bool escaped = false;     ///< the text is a JSON string's body whose backslashes are doubled
    bool checked = false;     ///< the mask was decoded for its area (check_result_frame)
    bool summarized = false;  ///< ... and it decoded: `area` is its area
    std::int64_t height = 0, width = 0;
    std::size_t begin = 0, end = 0;  ///< the mask's compressed RLE in the input text
    std::uint64_t area = 0;
  };
  std::size_t begin = 0;  ///< where the element starts in the input text
  std::int64_t video_id = 0, category_id = 0;
  double score = 0.0;
  std::vector<Frame> frames;
};

/// Finds the area of a result's mask in `text` (the input), which validates it:
/// the part of reading a result that needs no videos' table, done while the
/// input is still being walked. A mask that does not decode is left for
/// finalize(), which reports it in its turn. `scratch` holds an escaped mask
/// unescaped. Thread-safe: reads only the text.
inline void check_result_frame(PlainResult::Frame& frame, std::string_view text, std::string& scratch) {
  if (!frame.present || frame.checked) return;
  frame.checked = true;
  const std::string_view body =
      unescaped(text.substr(frame.begin, frame.end - frame.begin), frame.escaped, scratch);
  try {
    check_size(frame.height, frame.width);
    frame.area = compressed_area(body, static_cast<std::uint32_t>(frame.height),
                                 static_cast<std::uint32_t>(frame.width));
    frame.summarized = true;
  } catch (const RleError&) {
    // Reported by finalize(), in input order.
  }
}

/// A ground-truth annotation of the shape YouTube-VIS and OVIS files have,
/// {"id", "video_id", "category_id", "iscrowd", "segmentations": [null, or {"size",
/// "counts": runs or a string}, ...], "areas", "bboxes"}, as a fast reader finds
/// it: runs already checked, compressed masks left in the input text.
struct PlainAnnotation {
  struct Frame {
    bool present = false;
    bool compressed = false;  ///< counts are a string: `begin`, `end` are in the input text
    bool escaped = false;     ///< ... a JSON string's body whose backslashes are doubled
    std::int64_t height = 0, width = 0;
    std::size_t begin = 0, end = 0;  ///< the runs in `runs`, or the string in the input
  };
  std::int64_t id = 0, video_id = 0, category_id = 0;
  double iscrowd = 0.0;
  std::vector<Frame> frames;
  Counts runs;  ///< every frame's runs, back to back
  bool has_areas = false;
  std::vector<double> areas;                       ///< the truthy entries of `areas`
  std::vector<std::pair<std::size_t, Box>> boxes;  ///< the non-null entries of `bboxes`
};

/// `Json` adapts one document representation: a Node type and static functions
/// present, is_object, is_array, get, size, each, truthy, as_int, as_number,
/// as_text, type_name and int_array (all elements as integers, false if one is
/// not; the fast path for uncompressed RLE). See json_ingest.cpp for one.
template <class Json>
class StoreBuilder {
  using Node = typename Json::Node;

 public:
  /// Results are numbered first_result_id, first_result_id + 1, ... in input
  /// order, as loadRes numbers them from 1 (later files of one list continue).
  StoreBuilder(const std::vector<VideoInfo>& videos, bool results, bool strict,
               std::int64_t first_result_id = 1)
      : results_(results),
        strict_(strict),
        first_result_id_(first_result_id),
        label_(results ? "result" : "annotation") {
    for (std::size_t i = 0; i < videos.size(); ++i) {
      check_video(videos[i], i);
      videos_.emplace(videos[i].id, videos[i]);
    }
    store_->set_label(label_);
  }

  void add(Node ann, std::size_t index) {
    const Place place{label_, index, std::nullopt};
    if (!Json::is_object(ann)) fail(place, "expected an object, got " + Json::type_name(ann));
    const std::int64_t video_id = to_int(Json::get(ann, "video_id"), place, "video_id");
    const std::int64_t category_id = to_int(Json::get(ann, "category_id"), place, "category_id");
    const auto video = videos_.find(video_id);
    const VideoInfo* info = video == videos_.end() ? nullptr : &video->second;
    if (results_ && !info) {
      fail(place, "video_id " + std::to_string(video_id) + " is not a video of the ground truth");
    }
    if (strict_ && !info) {
      fail(place, "video_id " + std::to_string(video_id) + " is not in the ground truth's 'videos'");
    }
    std::int64_t id = first_result_id_ + static_cast<std::int64_t>(index);
    double score = 0.0, iscrowd = 0.0;
    if (results_) {
      score = to_number(Json::get(ann, "score"), place, "score");
      if (strict_ && !(std::isfinite(score) && score >= 0.0)) {
        fail(place, "'score' must be finite and non-negative, got " + number_text(score));
      }
    } else {
      id = to_int(Json::get(ann, "id"), place, "id");
      if (Node crowd = Json::get(ann, "iscrowd"); Json::present(crowd)) {
        iscrowd = to_number(crowd, place, "iscrowd");
      }
    }
    store_->begin_instance(id, video_id, category_id, score, iscrowd);

    Node segs = Json::get(ann, "segmentations");
    Node boxes = Json::get(ann, "bboxes");
    const bool has_boxes = Json::present(boxes) && Json::is_array(boxes);
    if (!Json::present(segs) && has_boxes) {
      // Box-only predictions (for iouType="bbox"): every frame's mask is absent.
      const std::size_t frames = Json::size(boxes);
      check_frames(frames, place, "bboxes");
      for (std::size_t f = 0; f < frames; ++f) store_->add_absent_frame();
      add_boxes(boxes, frames, index);
      return;
    }
    if (!Json::present(segs)) fail(place, "missing 'segmentations'");
    if (!Json::is_array(segs)) {
      fail(place, "'segmentations' must be a list, got " + Json::type_name(segs));
    }
    const std::size_t frames = Json::size(segs);
    check_frames(frames, place, "segmentations");
    if (strict_ && info->length >= 0 && static_cast<std::int64_t>(frames) != info->length) {
      fail(place, "video " + std::to_string(video_id) + " has " + std::to_string(info->length) +
                      " frames but 'segmentations' has " + std::to_string(frames));
    }
    Json::each(segs,
               [&](std::size_t f, Node seg) { add_frame(seg, info, video_id, Place{label_, index, f}); });

    if (!results_) {
      if (Node areas = Json::get(ann, "areas"); Json::present(areas) && Json::is_array(areas)) {
        std::vector<double> kept;
        Json::each(areas, [&](std::size_t, Node a) {
          if (Json::truthy(a)) kept.push_back(to_number(a, place, "areas"));
        });
        store_->set_avg_area(kept.empty() ? 0.0 : numpy_mean(kept));
      }
    }
    if (has_boxes) add_boxes(boxes, frames, index);
  }

  /// Adds a result read by a fast reader, its masks borrowed from the store's
  /// borrowed block; returns false, having added nothing, where add() would reject
  /// it, so that the caller can go through add() for the message.
  bool add_plain(PlainResult& result, std::size_t index, std::string_view text) {
    const auto video = videos_.find(result.video_id);
    if (!results_ || video == videos_.end()) return false;
    const VideoInfo& info = video->second;
    if (strict_ && !(std::isfinite(result.score) && result.score >= 0.0)) return false;
    const std::size_t frames = result.frames.size();
    if (frames > static_cast<std::size_t>(kMaxFrames)) return false;
    if (strict_ && info.length >= 0 && static_cast<std::int64_t>(frames) != info.length) return false;
    for (PlainResult::Frame& frame : result.frames) {
      if (!frame.present) continue;
      if (!side_in_range(frame.height) || !side_in_range(frame.width)) return false;
      if (strict_ && (frame.height != info.height || frame.width != info.width)) return false;
      check_result_frame(frame, text, unescaped_);
    }
    store_->begin_instance(first_result_id_ + static_cast<std::int64_t>(index), result.video_id,
                           result.category_id, result.score, 0.0);
    for (const PlainResult::Frame& frame : result.frames) {
      if (frame.present) {
        store_->add_borrowed_frame(
            frame.begin, frame.end, frame.escaped, static_cast<std::uint32_t>(frame.height),
            static_cast<std::uint32_t>(frame.width),
            frame.summarized ? std::optional<std::uint64_t>(frame.area) : std::nullopt);
      } else {
        store_->add_absent_frame();
      }
    }
    return true;
  }

  /// Adds an annotation read by a fast reader, whose compressed masks are in
  /// `text`; returns false, having added nothing, where add() would reject it.
  bool add_plain(const PlainAnnotation& ann, std::string_view text) {
    const auto video = videos_.find(ann.video_id);
    if (results_ || (strict_ && video == videos_.end())) return false;
    const std::size_t frames = ann.frames.size();
    if (frames > static_cast<std::size_t>(kMaxFrames)) return false;
    if (strict_) {
      const VideoInfo& info = video->second;
      if (info.length >= 0 && static_cast<std::int64_t>(frames) != info.length) return false;
      for (const PlainAnnotation::Frame& frame : ann.frames) {
        if (frame.present && (frame.height != info.height || frame.width != info.width)) return false;
      }
    }
    for (const PlainAnnotation::Frame& frame : ann.frames) {
      if (frame.present && (!side_in_range(frame.height) || !side_in_range(frame.width))) return false;
    }
    store_->begin_instance(ann.id, ann.video_id, ann.category_id, 0.0, ann.iscrowd);
    for (const PlainAnnotation::Frame& frame : ann.frames) {
      const auto height = static_cast<std::uint32_t>(frame.height);
      const auto width = static_cast<std::uint32_t>(frame.width);
      if (!frame.present) {
        store_->add_absent_frame();
      } else if (frame.compressed) {
        store_->add_compressed_frame(text.substr(frame.begin, frame.end - frame.begin), height, width,
                                     frame.escaped);
      } else {
        store_->add_counts_frame(
            RleView{height, width, ann.runs.data() + frame.begin, frame.end - frame.begin});
      }
    }
    if (ann.has_areas) store_->set_avg_area(ann.areas.empty() ? 0.0 : numpy_mean(ann.areas));
    for (const auto& [frame, box] : ann.boxes) {
      if (frame < frames) store_->set_given_box(frame, box);
    }
    return true;
  }

  InstanceStore& store() { return *store_; }

  /// Throws, as finish() would, for the first of the first `instances` instances
  /// with a mask that does not decode: of two errors in a chunk, the earlier is
  /// reported, as when they fall in different chunks.
  void check_masks(std::size_t instances, std::size_t first_position) {
    try {
      store_->finalize(1, first_position, instances);
    } catch (const RleError& error) {
      throw InputError(error.what());
    }
  }

  /// Decodes and checks every mask (GIL-free work), and hands the store over;
  /// `first_position` is the input position of the first instance added.
  std::shared_ptr<InstanceStore> finish(unsigned threads, std::size_t first_position = 0) {
    try {
      store_->finalize(threads, first_position);
    } catch (const RleError& error) {
      throw InputError(error.what());
    }
    return std::move(store_);
  }

 private:
  static std::int64_t to_int(Node node, const Place& place, const char* field) {
    if (!Json::present(node)) fail(place, std::string("missing '") + field + "'");
    const std::optional<std::int64_t> value = Json::as_int(node);
    if (!value) fail(place, std::string("'") + field + "' must be an integer, got " + Json::type_name(node));
    return *value;
  }

  static double to_number(Node node, const Place& place, const char* field) {
    if (!Json::present(node)) fail(place, std::string("missing '") + field + "'");
    const std::optional<double> value = Json::as_number(node);
    if (!value) fail(place, std::string("'") + field + "' must be a number, got " + Json::type_name(node));
    return *value;
  }

  static void check_frames(std::size_t frames, const Place& place, const char* field) {
    if (frames > static_cast<std::size_t>(kMaxFrames)) {
      fail(place, std::string("'") + field + "' has " + std::to_string(frames) + " frames, more than the " +
                      std::to_string(kMaxFrames) + " accepted");
    }
  }

  /// A score as Python prints it (nan, inf, -0.5), for messages.
  static std::string number_text(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    std::ostringstream out;
    out << value;
    return out.str();
  }

  static bool side_in_range(std::int64_t value) {
    try {
      check_size(value, value);
    } catch (const RleError&) {
      return false;
    }
    return true;
  }

  static std::uint32_t checked_side(std::int64_t value, const Place& place) {
    try {
      check_size(value, value);
    } catch (const RleError& error) {
      fail(place, error.what());
    }
    return static_cast<std::uint32_t>(value);
  }

  /// Boxes given in the `bboxes` field (kept by loadRes where present).
  void add_boxes(Node boxes, std::size_t frames, std::size_t index) {
    Json::each(boxes, [&](std::size_t f, Node box) {
      if (f >= frames || !Json::truthy(box)) return;
      const Place at{label_, index, f};
      if (!Json::is_array(box) || Json::size(box) != 4) fail(at, "a box must be [x, y, w, h]");
      double xywh[4];
      Json::each(box, [&](std::size_t i, Node v) { xywh[i] = to_number(v, at, "bboxes"); });
      store_->set_given_box(f, Box{xywh[0], xywh[1], xywh[2], xywh[3]});
    });
  }

  void add_frame(Node seg, const VideoInfo* info, std::int64_t video_id, const Place& place) {
    if (!Json::truthy(seg)) {
      store_->add_absent_frame();
      return;
    }
    if (Json::is_object(seg)) {
      add_rle(seg, info, video_id, place);
    } else if (Json::is_array(seg)) {
      add_polygons(seg, info, video_id, place);
    } else {
      fail(place, "unsupported segmentation of type " + Json::type_name(seg));
    }
  }

  void add_rle(Node seg, const VideoInfo* info, std::int64_t video_id, const Place& place) {
    Node size = Json::get(seg, "size");
    Node counts = Json::get(seg, "counts");
    if (!Json::present(size)) fail(place, "RLE without 'size'");
    if (!Json::present(counts)) fail(place, "RLE without 'counts'");
    if (!Json::is_array(size) || Json::size(size) != 2) fail(place, "RLE 'size' must be [height, width]");
    std::int64_t hw[2] = {0, 0};
    Json::each(size, [&](std::size_t i, Node v) { hw[i] = to_int(v, place, "size"); });
    const std::uint32_t height = checked_side(hw[0], place), width = checked_side(hw[1], place);
    if (strict_ && (height != info->height || width != info->width)) {
      fail(place, "mask is " + std::to_string(height) + "x" + std::to_string(width) + " but video " +
                      std::to_string(video_id) + " is " + std::to_string(info->height) + "x" +
                      std::to_string(info->width));
    }
    if (const auto text = Json::as_text(counts)) {
      store_->add_compressed_frame(*text, height, width);
      return;
    }
    if (!Json::is_array(counts)) {
      fail(place, "RLE 'counts' must be a string or a list of integers, got " + Json::type_name(counts));
    }
    values_.clear();
    if (!Json::int_array(counts, values_)) {  // fast path failed: find the culprit for the message
      values_.clear();
      Json::each(counts, [&](std::size_t, Node v) { values_.push_back(to_int(v, place, "counts")); });
    }
    try {
      from_uncompressed(values_.data(), values_.size(), height, width, scratch_);
    } catch (const RleError& error) {
      fail(place, error.what());
    }
    store_->add_counts_frame(RleView{height, width, scratch_.data(), scratch_.size()});
  }

  void add_polygons(Node seg, const VideoInfo* info, std::int64_t video_id, const Place& place) {
    if (!info) {
      fail(place, "polygons need the video's size, but video " + std::to_string(video_id) + " is unknown");
    }
    const std::uint32_t height = checked_side(info->height, place);
    const std::uint32_t width = checked_side(info->width, place);
    std::vector<std::vector<double>> polygons;
    Json::each(seg, [&](std::size_t, Node poly) {
      if (!Json::is_array(poly)) {
        fail(place, "a polygon must be a list of coordinates, got " + Json::type_name(poly));
      }
      std::vector<double>& coords = polygons.emplace_back();
      Json::each(poly, [&](std::size_t, Node c) { coords.push_back(to_number(c, place, "polygon")); });
    });
    try {
      rasterize_polygons(polygons, height, width, scratch_);
    } catch (const RleError& error) {
      fail(place, error.what());
    }
    store_->add_counts_frame(RleView{height, width, scratch_.data(), scratch_.size()});
  }

  std::unordered_map<std::int64_t, VideoInfo> videos_;
  bool results_, strict_;
  std::int64_t first_result_id_;
  std::string label_;
  std::shared_ptr<InstanceStore> store_ = std::make_shared<InstanceStore>();
  std::vector<std::int64_t> values_;
  Counts scratch_;
  std::string unescaped_;  ///< an escaped mask of a result, while its area is found
};

}  // namespace ytvis
