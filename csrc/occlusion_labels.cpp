#include "occlusion_labels.hpp"

#include <simdjson.h>

#include <limits>
#include <string_view>

#include "store_builder.hpp"

namespace ytvis {

namespace {

namespace ondemand = simdjson::ondemand;

[[noreturn]] void fail_at(const std::string& source, const std::string& where, const std::string& what) {
  throw InputError(source + ": " + where + ": " + what);
}

}  // namespace

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

std::vector<double> read_occlusion_scores(const JsonText& text, const std::string& source) {
  ondemand::parser parser;
  ondemand::document document;
  const auto check = [&](simdjson::error_code error, const std::string& where) {
    if (error) fail_at(source, where, simdjson::error_message(error));
  };
  check(parser.iterate(simdjson::padded_string_view(text.data(), text.size(), text.capacity())).get(document),
        "JSON");
  ondemand::object root;
  check(document.get_object().get(root), "top level");
  ondemand::array annotations;
  check(root.find_field_unordered("annotations").get_array().get(annotations), "annotations");
  std::vector<double> scores;
  for (auto item : annotations) {
    const std::string where = "annotation " + std::to_string(scores.size());
    ondemand::object annotation;
    check(item.get_object().get(annotation), where);
    ondemand::value labels_value;
    const auto found = annotation.find_field_unordered("occlusion").get(labels_value);
    if (found == simdjson::NO_SUCH_FIELD) {
      scores.push_back(std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    check(found, where);
    ondemand::array labels;
    if (labels_value.get_array().get(labels) != simdjson::SUCCESS) {
      scores.push_back(std::numeric_limits<double>::quiet_NaN());  // not a list: the caller says so
      continue;
    }
    std::size_t counts[3] = {0, 0, 0}, frame = 0;
    for (auto label : labels) {
      bool is_null = false;
      check(label.is_null().get(is_null), where);
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
    scores.push_back(occlusion_score(counts[0], counts[1], counts[2]));
  }
  return scores;
}

}  // namespace ytvis
