#include "plain_results.hpp"

#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace ytvis {

namespace ondemand = simdjson::ondemand;

struct PlainResultReader::Parser {
  ondemand::parser parser;
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

bool read_size(ondemand::value value, PlainResult::Frame& frame) {
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

/// Finds the string's body in the text; a backslash must come doubled.
bool read_counts(ondemand::value value, const JsonText& text, PlainResult::Frame& frame) {
  std::string_view token = value.raw_json_token();  // "...", then any spaces
  ondemand::raw_json_string ignored;
  if (value.get_raw_json_string().get(ignored)) return false;  // a string, and consumed
  while (!token.empty() && std::string_view(" \t\n\r").find(token.back()) != std::string_view::npos) {
    token.remove_suffix(1);
  }
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') return false;
  const std::string_view body = token.substr(1, token.size() - 2);
  for (std::size_t from = 0; from < body.size();) {
    const void* hit = std::memchr(body.data() + from, '\\', body.size() - from);
    if (!hit) break;
    const auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - body.data());
    if (at + 1 >= body.size() || body[at + 1] != '\\') return false;
    frame.escaped = true;
    from = at + 2;
  }
  frame.begin = static_cast<std::size_t>(body.data() - text.data());
  frame.end = frame.begin + body.size();
  return true;
}

/// Reads the fields of `object` in order with `read_field(key, value)`, which
/// returns the field's bit, or 0 for a field it does not know or cannot read.
/// Returns the bits of all fields; nothing on such a field, a repeated key or
/// invalid JSON.
template <class ReadField>
std::optional<unsigned> read_fields(ondemand::object object, ReadField&& read_field) {
  unsigned seen = 0;
  for (auto item : object) {
    ondemand::field field;
    if (std::move(item).get(field)) return std::nullopt;
    const unsigned bit = read_field(field.key(), field.value());
    if (bit == 0 || (seen & bit)) return std::nullopt;
    seen |= bit;
  }
  return seen;
}

/// {"size": [h, w], "counts": "..."}, or {} (falsy: the frame is absent).
bool read_rle(ondemand::value value, const JsonText& text, PlainResult::Frame& frame) {
  ondemand::object object;
  if (value.get_object().get(object)) return false;
  const std::optional<unsigned> seen =
      read_fields(object, [&](const ondemand::raw_json_string& key, ondemand::value field) -> unsigned {
        if (key == "size") return read_size(field, frame) ? 1 : 0;
        if (key == "counts") return read_counts(field, text, frame) ? 2 : 0;
        return 0;
      });
  if (!seen || (*seen != 0 && *seen != 3)) return false;
  frame.present = *seen != 0;
  return true;
}

bool read_frames(ondemand::value value, const JsonText& text, std::vector<PlainResult::Frame>& frames) {
  ondemand::array array;
  if (value.get_array().get(array)) return false;
  for (auto item : array) {
    ondemand::value entry;
    ondemand::json_type type{};
    if (item.get(entry) || entry.type().get(type)) return false;
    PlainResult::Frame& frame = frames.emplace_back();
    if (type == ondemand::json_type::null) {
      bool is_null = false;
      if (entry.is_null().get(is_null) || !is_null) return false;
    } else if (type != ondemand::json_type::object || !read_rle(entry, text, frame)) {
      return false;
    }
  }
  return true;
}

}  // namespace

PlainResultReader::PlainResultReader(const JsonText& text)
    : text_(text), parser_(std::make_unique<Parser>()) {}

PlainResultReader::~PlainResultReader() = default;

bool PlainResultReader::read(std::string_view raw, PlainResult& out) {
  out.frames.clear();
  // The element lies inside the padded input: the parser reads it in place.
  const auto capacity = static_cast<std::size_t>(text_.data() + text_.capacity() - raw.data());
  ondemand::document doc;
  if (parser_->parser.iterate(raw.data(), raw.size(), capacity).get(doc)) return false;
  ondemand::object object;
  if (doc.get_object().get(object)) return false;
  const std::optional<unsigned> seen =
      read_fields(object, [&](const ondemand::raw_json_string& key, ondemand::value value) -> unsigned {
        if (key == "video_id") return value.get_int64().get(out.video_id) ? 0 : 1;
        if (key == "category_id") return value.get_int64().get(out.category_id) ? 0 : 2;
        if (key == "score") return read_number(value, out.score) ? 4 : 0;
        if (key == "segmentations") return read_frames(value, text_, out.frames) ? 8 : 0;
        return 0;
      });
  return seen == 15u;
}

}  // namespace ytvis
