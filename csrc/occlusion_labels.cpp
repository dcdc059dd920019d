#include "occlusion_labels.hpp"

#include <simdjson.h>

#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "store_builder.hpp"

namespace ytvis {

double occlusion_score(std::size_t no, std::size_t slight, std::size_t severe) {
  const std::size_t labelled = no + slight + severe;
  if (labelled == 0) return std::numeric_limits<double>::quiet_NaN();
  // The top ceil(n / 2) scores: severe ones first, then slight, then none. Sums of
  // quarters are exact, so the order of the additions does not matter.
  std::size_t top = (labelled + 1) / 2;
  const std::size_t from_severe = std::min(top, severe);
  const std::size_t from_slight = std::min(top - from_severe, slight);
  const double sum = 0.75 * static_cast<double>(from_severe) + 0.25 * static_cast<double>(from_slight);
  return sum / static_cast<double>(top);
}

namespace {

namespace ondemand = simdjson::ondemand;

[[noreturn]] void fail_at(const std::string& source, const std::string& where, const std::string& what) {
  throw InputError(source + ": " + where + ": " + what);
}

/// One annotation's score from its "occlusion" list: NaN if it is not a list,
/// an InputError (naming `where` and the frame) on a label of another kind.
double score_of_labels(ondemand::document& labels_document, const std::string& source,
                       const std::string& where) {
  ondemand::array labels;
  if (labels_document.get_array().get(labels) != simdjson::SUCCESS) {
    return std::numeric_limits<double>::quiet_NaN();  // not a list: the caller says so
  }
  std::size_t counts[3] = {0, 0, 0}, frame = 0;
  for (auto label : labels) {
    bool is_null = false;
    if (const auto error = label.is_null().get(is_null)) {
      fail_at(source, where, simdjson::error_message(error));
    }
    if (!is_null) {
      std::string_view name;
      if (label.get_string().get(name) != simdjson::SUCCESS) {
        fail_at(source, where + ", frame " + std::to_string(frame), "occlusion label is not a string");
      }
      if (name == "no_occlusion") {
        ++counts[0];
      } else if (name == "slight_occlusion") {
        ++counts[1];
      } else if (name == "severe_occlusion") {
        ++counts[2];
      } else {
        fail_at(source, where + ", frame " + std::to_string(frame),
                "occlusion label '" + std::string(name) +
                    "' is not one of no_occlusion, slight_occlusion, severe_occlusion");
      }
    }
    ++frame;
  }
  return occlusion_score(counts[0], counts[1], counts[2]);
}

/// Reads JSON text found inside `text` (the views point into its padded buffer).
class Reparser {
 public:
  Reparser(const JsonText& text, std::string source) : text_(text), source_(std::move(source)) {}

  void check(simdjson::error_code error, const std::string& where) const {
    if (error) fail_at(source_, where, simdjson::error_message(error));
  }

  ondemand::document iterate(ondemand::parser& parser, std::string_view raw, const std::string& where) const {
    const std::size_t padded = text_.capacity() - static_cast<std::size_t>(raw.data() - text_.data());
    ondemand::document document;
    check(parser.iterate(simdjson::padded_string_view(raw.data(), raw.size(), padded)).get(document), where);
    return document;
  }

  /// The raw JSON of the last field named `key`: json.load keeps the last of a
  /// repeated key, so an earlier one, however it reads, does not count.
  std::optional<std::string_view> last_field(ondemand::object object, std::string_view key,
                                             const std::string& where) const {
    std::optional<std::string_view> found;
    for (auto field : object) {
      std::string_view name, raw;
      check(field.unescaped_key().get(name), where);
      ondemand::value value;
      check(field.value().get(value), where);
      if (name == key) {
        check(value.raw_json().get(raw), where);
        found = raw;
      }
    }
    return found;
  }

 private:
  const JsonText& text_;
  std::string source_;
};

}  // namespace

std::vector<double> read_occlusion_scores(const JsonText& text, const std::string& source) {
  const Reparser reparser(text, source);
  // One parser for the whole text, then for the annotations list alone: its
  // index is the large allocation, made once. The label lists get their own.
  ondemand::parser parser, labels_parser;
  ondemand::object root;
  const std::string_view whole(text.data(), text.size());
  std::optional<std::string_view> list_text;
  {
    ondemand::document document = reparser.iterate(parser, whole, "JSON");
    reparser.check(document.get_object().get(root), "top level");
    list_text = reparser.last_field(root, "annotations", "top level");
  }
  if (!list_text) reparser.check(simdjson::NO_SUCH_FIELD, "annotations");
  ondemand::document list_document = reparser.iterate(parser, *list_text, "annotations");
  ondemand::array annotations;
  reparser.check(list_document.get_array().get(annotations), "annotations");
  std::vector<double> scores;
  for (auto item : annotations) {
    const std::string where = "annotation " + std::to_string(scores.size());
    ondemand::object annotation;
    reparser.check(item.get_object().get(annotation), where);
    double score = std::numeric_limits<double>::quiet_NaN();  // no "occlusion": the caller says so
    if (const auto labels_text = reparser.last_field(annotation, "occlusion", where)) {
      ondemand::document labels = reparser.iterate(labels_parser, *labels_text, where);
      score = score_of_labels(labels, source, where);
    }
    scores.push_back(score);
  }
  return scores;
}

}  // namespace ytvis
