#include "plain_elements.hpp"

#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace ytvis {

namespace ondemand = simdjson::ondemand;

struct PlainReader::Parser {
  ondemand::parser parser;
  simdjson::dom::parser validator;  ///< for the values of fields read past

  /// Iterates `raw`, an element inside the padded input, in place.
  bool open(const JsonText& text, std::string_view raw, ondemand::document& doc) {
    const auto capacity = static_cast<std::size_t>(text.data() + text.capacity() - raw.data());
    return !parser.iterate(raw.data(), raw.size(), capacity).get(doc);
  }

  /// Passes over `value` if it is valid JSON, as json.load requires of every
  /// field, even those the evaluation ignores (the On-Demand walk does not check
  /// what it skips). Integers, what such fields mostly hold, need no second parse.
  bool skip_valid(ondemand::value value) {
    std::int64_t integer = 0;
    if (!value.get_int64().get(integer)) return true;
    std::string_view raw;
    if (value.raw_json().get(raw)) return false;
    simdjson::dom::element ignored;
    // The value lies inside the padded input: parsed in place.
    return !validator.parse(raw.data(), raw.size(), false).get(ignored);
  }
};

namespace {

/// A number as the general reader converts it: a double, or an int64 made a double.
bool read_number(ondemand::value value, double& out) {
  ondemand::number_type type{};
  if (value.get_number_type().get(type)) return false;
  if (type == ondemand::number_type::floating_point_number) return !value.get_double().get(out);
  std::int64_t integer = 0;
  if (type != ondemand::number_type::signed_integer || value.get_int64().get(integer)) return false;
  out = static_cast<double>(integer);
  return true;
}

template <class Frame>
bool read_size(ondemand::value value, Frame& frame) {
  ondemand::array array;
  if (value.get_array().get(array)) return false;
  std::int64_t sides[2] = {0, 0};
  std::size_t n = 0;
  for (auto item : array) {
    if (n == 2 || item.get_int64().get(sides[n])) return false;
    ++n;
  }
  frame.height = sides[0];
  frame.width = sides[1];
  return n == 2;
}

/// Whether the body of a JSON string holds escapes: none, only doubled
/// backslashes (true), or another (nullopt: the fast readers leave it alone).
std::optional<bool> doubled_backslashes(std::string_view body) {
  bool escaped = false;
  for (std::size_t from = 0; from < body.size();) {
    const void* hit = std::memchr(body.data() + from, '\\', body.size() - from);
    if (!hit) break;
    const auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - body.data());
    if (at + 1 >= body.size() || body[at + 1] != '\\') return std::nullopt;
    escaped = true;
    from = at + 2;
  }
  return escaped;
}

/// Finds the string's body in the text; a backslash must come doubled. (The scan
/// for backslashes also brings the text after the string into the cache ahead of
/// the walk, which would otherwise wait on memory at every mask.)
template <class Frame>
bool read_counts_text(ondemand::value value, const JsonText& text, Frame& frame) {
  std::string_view token = value.raw_json_token();  // "...", then any spaces
  ondemand::raw_json_string ignored;
  if (value.get_raw_json_string().get(ignored)) return false;  // a string, and consumed
  while (!token.empty() && std::string_view(" \t\n\r").find(token.back()) != std::string_view::npos) {
    token.remove_suffix(1);
  }
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') return false;
  const std::string_view body = token.substr(1, token.size() - 2);
  const std::optional<bool> escaped = doubled_backslashes(body);
  if (!escaped) return false;
  frame.escaped = *escaped;
  frame.begin = static_cast<std::size_t>(body.data() - text.data());
  frame.end = frame.begin + body.size();
  return true;
}

/// What read_field() returns for a field read past: one the general reader ignores.
constexpr unsigned kIgnoredField = 1u << 31;

/// Reads the fields of `object` in order with `read_field(key, value)`, which
/// returns the field's bit, kIgnoredField, or 0 for a field it does not know or
/// cannot read. Returns the bits of all fields; nothing on such a field, a
/// repeated key (but one read past) or invalid JSON.
template <class ReadField>
std::optional<unsigned> read_fields(ondemand::object object, ReadField&& read_field) {
  unsigned seen = 0;
  for (auto item : object) {
    ondemand::field field;
    if (std::move(item).get(field)) return std::nullopt;
    const unsigned bit = read_field(field.key(), field.value());
    if (bit == kIgnoredField) continue;
    if (bit == 0 || (seen & bit)) return std::nullopt;
    seen |= bit;
  }
  return seen;
}

/// Reads the entries of the list `value` in order with read(index, entry, type);
/// a null entry is checked to be one before `read` sees it. Returns false where
/// `read` declines, and on invalid JSON.
template <class Read>
bool read_entries(ondemand::value value, Read&& read) {
  ondemand::array array;
  if (value.get_array().get(array)) return false;
  std::size_t index = 0;
  for (auto item : array) {
    ondemand::value entry;
    ondemand::json_type type{};
    if (item.get(entry) || entry.type().get(type)) return false;
    if (type == ondemand::json_type::null) {
      bool is_null = false;
      if (entry.is_null().get(is_null) || !is_null) return false;
    }
    if (!read(index++, entry, type)) return false;
  }
  return true;
}

/// {"size": [h, w], "counts": "..."}, or {} (falsy: the frame is absent).
bool read_rle(ondemand::value value, const JsonText& text, PlainResult::Frame& frame) {
  ondemand::object object;
  if (value.get_object().get(object)) return false;
  const std::optional<unsigned> seen =
      read_fields(object, [&](const ondemand::raw_json_string& key, ondemand::value field) -> unsigned {
        if (key == "size") return read_size(field, frame) ? 1 : 0;
        if (key == "counts") return read_counts_text(field, text, frame) ? 2 : 0;
        return 0;
      });
  if (!seen || (*seen != 0 && *seen != 3)) return false;
  frame.present = *seen != 0;
  return true;
}

bool read_frames(ondemand::value value, const JsonText& text, std::vector<PlainResult::Frame>& frames) {
  return read_entries(value, [&](std::size_t, ondemand::value entry, ondemand::json_type type) {
    PlainResult::Frame& frame = frames.emplace_back();
    return type == ondemand::json_type::null ||
           (type == ondemand::json_type::object && read_rle(entry, text, frame));
  });
}

/// Uncompressed counts, appended to `runs` as checked 32-bit runs; `total` is their sum.
bool read_runs(ondemand::value value, Counts& runs, std::uint64_t& total) {
  ondemand::array array;
  if (value.get_array().get(array)) return false;
  total = 0;
  for (auto item : array) {
    std::uint64_t count = 0;
    if (item.get_uint64().get(count) || count > 0xffffffffu) return false;
    total += count;
    runs.push_back(static_cast<Count>(count));
  }
  return true;
}

/// {"size": [h, w], "counts": [runs] or "..."}, or {} (falsy: the frame is absent).
bool read_annotation_rle(ondemand::value value, const JsonText& text, PlainAnnotation& ann,
                         PlainAnnotation::Frame& frame) {
  ondemand::object object;
  if (value.get_object().get(object)) return false;
  std::uint64_t total = 0;
  frame.begin = ann.runs.size();
  const std::optional<unsigned> seen =
      read_fields(object, [&](const ondemand::raw_json_string& key, ondemand::value field) -> unsigned {
        if (key == "size") return read_size(field, frame) ? 1 : 0;
        if (key != "counts") return 0;
        ondemand::json_type type{};
        if (field.type().get(type)) return 0;
        frame.compressed = type == ondemand::json_type::string;
        if (frame.compressed) return read_counts_text(field, text, frame) ? 2 : 0;
        if (!read_runs(field, ann.runs, total)) return 0;
        frame.end = ann.runs.size();
        return 2;
      });
  if (!seen || (*seen != 0 && *seen != 3)) return false;
  frame.present = *seen != 0;
  // Runs must cover the mask exactly (compressed masks are checked when decoded).
  return !frame.present || frame.compressed ||
         (frame.height >= 0 && frame.width >= 0 &&
          total == static_cast<std::uint64_t>(frame.height) * static_cast<std::uint64_t>(frame.width));
}

bool read_annotation_frames(ondemand::value value, const JsonText& text, PlainAnnotation& ann) {
  return read_entries(value, [&](std::size_t, ondemand::value entry, ondemand::json_type type) {
    PlainAnnotation::Frame& frame = ann.frames.emplace_back();
    return type == ondemand::json_type::null ||
           (type == ondemand::json_type::object && read_annotation_rle(entry, text, ann, frame));
  });
}

/// The truthy entries of `areas` (nulls and zeros are skipped, as the reference does).
bool read_areas(ondemand::value value, std::vector<double>& kept) {
  return read_entries(value, [&](std::size_t, ondemand::value entry, ondemand::json_type type) {
    if (type == ondemand::json_type::null) return true;
    double area = 0.0;
    if (!read_number(entry, area)) return false;
    if (area != 0.0) kept.push_back(area);
    return true;
  });
}

/// The entries of `bboxes` with their frame: null, or [x, y, w, h].
bool read_boxes(ondemand::value value, std::vector<std::pair<std::size_t, Box>>& boxes) {
  return read_entries(value, [&](std::size_t frame, ondemand::value entry, ondemand::json_type type) {
    if (type == ondemand::json_type::null) return true;
    ondemand::array xywh;
    if (entry.get_array().get(xywh)) return false;
    double v[4] = {0, 0, 0, 0};
    std::size_t n = 0;
    for (auto coordinate : xywh) {
      ondemand::value number;
      if (n == 4 || coordinate.get(number) || !read_number(number, v[n])) return false;
      ++n;
    }
    if (n != 4) return false;
    boxes.emplace_back(frame, Box{v[0], v[1], v[2], v[3]});
    return true;
  });
}

/// The fields of a result: video_id, category_id, score, segmentations, once each.
bool read_result(ondemand::object object, const JsonText& text, PlainResult& out) {
  out.frames.clear();
  const std::optional<unsigned> seen =
      read_fields(object, [&](const ondemand::raw_json_string& key, ondemand::value value) -> unsigned {
        if (key == "video_id") return value.get_int64().get(out.video_id) ? 0 : 1;
        if (key == "category_id") return value.get_int64().get(out.category_id) ? 0 : 2;
        if (key == "score") return read_number(value, out.score) ? 4 : 0;
        if (key == "segmentations") return read_frames(value, text, out.frames) ? 8 : 0;
        return 0;
      });
  return seen == 15u;
}

}  // namespace

PlainReader::PlainReader(const JsonText& text) : text_(text), parser_(std::make_unique<Parser>()) {}

PlainReader::~PlainReader() = default;

bool PlainResultReader::read(std::string_view raw, PlainResult& out) {
  ondemand::document doc;
  ondemand::object object;
  if (!parser_->open(text_, raw, doc) || doc.get_object().get(object)) return false;
  out.begin = static_cast<std::size_t>(raw.data() - text_.data());
  return read_result(object, text_, out);
}

bool read_plain_result(ondemand::value element, const JsonText& text, PlainResult& out) {
  ondemand::object object;
  out.begin = static_cast<std::size_t>(element.raw_json_token().data() - text.data());
  return !element.get_object().get(object) && read_result(object, text, out);
}

bool PlainAnnotationReader::read(std::string_view raw, PlainAnnotation& out) {
  out.frames.clear();
  out.runs.clear();
  out.areas.clear();
  out.boxes.clear();
  out.iscrowd = 0.0;
  out.has_areas = false;
  ondemand::document doc;
  ondemand::object object;
  if (!parser_->open(text_, raw, doc) || doc.get_object().get(object)) return false;
  const std::optional<unsigned> seen =
      read_fields(object, [&](const ondemand::raw_json_string& key, ondemand::value value) -> unsigned {
        if (key == "segmentations") return read_annotation_frames(value, text_, out) ? 1 : 0;
        if (key == "id") return value.get_int64().get(out.id) ? 0 : 2;
        if (key == "video_id") return value.get_int64().get(out.video_id) ? 0 : 4;
        if (key == "category_id") return value.get_int64().get(out.category_id) ? 0 : 8;
        if (key == "iscrowd") return read_number(value, out.iscrowd) ? 16 : 0;
        if (key == "areas") return (out.has_areas = read_areas(value, out.areas)) ? 32 : 0;
        if (key == "bboxes") return read_boxes(value, out.boxes) ? 64 : 0;
        // Every other field (height, width and length as YouTube-VIS writes them,
        // OVIS's occlusion labels, ...) the general reader skips. But a key with
        // an escape may be one of the above in disguise ("i\u0064"): declined.
        for (const char* c = key.raw(); *c != '"'; ++c) {
          if (*c == '\\') return 0;
        }
        return parser_->skip_valid(value) ? kIgnoredField : 0;
      });
  constexpr unsigned kRequired = 1 | 2 | 4 | 8;
  return seen && (*seen & kRequired) == kRequired;
}

}  // namespace ytvis
