// Fast readers of the elements nearly every file has: results (see PlainResult)
// and ground-truth annotations (see PlainAnnotation) of the usual shape are read
// with simdjson's On-Demand API straight from the input text, with no DOM. The
// masks of results are left in the input, borrowed by the store. Everything else
// is declined and goes through the general reader (json_ingest.cpp), which also
// reports errors, so what is read and every message stay those of one path.
#pragma once

#include <simdjson.h>

#include <memory>
#include <string_view>
#include <vector>

#include "json_text.hpp"
#include "store_builder.hpp"

namespace ytvis {

/// What both readers share: an On-Demand parser reused from element to element.
class PlainReader {
 public:
  explicit PlainReader(const JsonText& text);
  PlainReader(const PlainReader&) = delete;
  PlainReader& operator=(const PlainReader&) = delete;
  ~PlainReader();

 protected:
  struct Parser;
  const JsonText& text_;
  std::unique_ptr<Parser> parser_;
};

class PlainResultReader : public PlainReader {
 public:
  using PlainReader::PlainReader;

  /// Reads the element `raw`, a slice of the text, into `out`. Returns false, for
  /// the general reader, on other fields, polygons, uncompressed counts, boxes, a
  /// repeated key, another type, escapes other than a doubled backslash, or
  /// invalid JSON.
  bool read(std::string_view raw, PlainResult& out);
};

class PlainAnnotationReader : public PlainReader {
 public:
  using PlainReader::PlainReader;

  /// Reads the element `raw`, a slice of the text, into `out`, checking its
  /// uncompressed counts (each in 32 bits, summing to the mask's size). Fields
  /// other than PlainAnnotation's (`height`, `width`, `length`, OVIS's
  /// `occlusion`, ...) are passed over, as the general reader does, once checked
  /// to be valid JSON. Returns false, for the general reader, on polygons, falsy
  /// frames other than null and {}, a repeated key among PlainAnnotation's,
  /// another type, escapes other than a doubled backslash, counts that do not
  /// check, or invalid JSON.
  bool read(std::string_view raw, PlainAnnotation& out);
};

/// Reads `element`, a value met in a walk of `text`, in place as PlainResultReader
/// reads a slice: no second pass over its text. Returns false where that reader
/// would decline, and at invalid JSON, which may leave the walk unusable.
bool read_plain_result(simdjson::ondemand::value element, const JsonText& text, PlainResult& out);

}  // namespace ytvis
