#include "plain_results.hpp"

#include <simdjson.h>

#include <cstdint>
#include <cstring>
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
  frame.escaped = false;
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

/// {"size": [h, w], "counts": "..."}, or {} (falsy: the frame is absent).
bool read_rle(ondemand::value value, const JsonText& text, PlainResult::Frame& frame) {
  ondemand::object object;
  if (value.get_object().get(object)) return false;
  unsigned seen = 0;
  for (auto item : object) {
    ondemand::field field;
    if (std::move(item).get(field)) return false;
    const ondemand::raw_json_string key = field.key();
    unsigned bit = 0;
    bool ok = false;
    if (key == "size") {
      bit = 1;
      ok = read_size(field.value(), frame);
    } else if (key == "counts") {
      bit = 2;
      ok = read_counts(field.value(), text, frame);
    }
    if (!ok || (seen & bit)) return false;
    seen |= bit;
  }
  frame.present = seen != 0;
  return seen == 0 || seen == 3;
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
  unsigned seen = 0;
  for (auto item : object) {
    ondemand::field field;
    if (std::move(item).get(field)) return false;
    const ondemand::raw_json_string key = field.key();
    ondemand::value value = field.value();
    unsigned bit = 0;
    bool ok = false;
    if (key == "video_id") {
      bit = 1;
      ok = !value.get_int64().get(out.video_id);
    } else if (key == "category_id") {
      bit = 2;
      ok = !value.get_int64().get(out.category_id);
    } else if (key == "score") {
      bit = 4;
      ok = read_number(value, out.score);
    } else if (key == "segmentations") {
      bit = 8;
      ok = read_frames(value, text_, out.frames);
    }
    if (!ok || (seen & bit)) return false;
    seen |= bit;
  }
  return seen == 15;
}

}  // namespace ytvis
