#include "occlusion_labels.hpp"

#include <simdjson.h>

#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

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

/// What reading one occurrence of a field found wrong, to report unless a later
/// occurrence of the same key replaces it (json.load keeps the last): where, then
/// what. Errors of the JSON itself are thrown at once.
using Complaint = std::optional<std::string>;

/// Throws InputError unless `error` is success; a wrong type is the caller's to handle.
void check(simdjson::error_code error, const std::string& source, const std::string& where) {
  if (error) fail_at(source, where, simdjson::error_message(error));
}

/// One annotation's score from its "occlusion" value, read in place: NaN if it is
/// not a list; a complaint naming the frame on a label of another kind.
double score_of_labels(ondemand::value value, const std::string& source, const std::string& where,
                       Complaint& complaint) {
  ondemand::array labels;
  if (value.get_array().get(labels) != simdjson::SUCCESS) {
    return std::numeric_limits<double>::quiet_NaN();  // not a list: the caller says so
  }
  std::size_t counts[3] = {0, 0, 0}, frame = 0;
  for (auto label : labels) {
    bool is_null = false;
    check(label.is_null().get(is_null), source, where);
    if (!is_null) {
      const std::string at = where + ", frame " + std::to_string(frame) + ": ";
      std::string_view name;
      if (label.get_string().get(name) != simdjson::SUCCESS) {
        complaint = at + "occlusion label is not a string";
        return std::numeric_limits<double>::quiet_NaN();
      }
      if (name == "no_occlusion") {
        ++counts[0];
      } else if (name == "slight_occlusion") {
        ++counts[1];
      } else if (name == "severe_occlusion") {
        ++counts[2];
      } else {
        complaint = at + "occlusion label '" + std::string(name) +
                    "' is not one of no_occlusion, slight_occlusion, severe_occlusion";
        return std::numeric_limits<double>::quiet_NaN();
      }
    }
    ++frame;
  }
  return occlusion_score(counts[0], counts[1], counts[2]);
}

/// The scores of one "annotations" value, read in place, each annotation's last
/// "occlusion" counting; the first annotation found wrong ends the list.
void read_annotations(ondemand::value value, const std::string& source, std::vector<double>& scores,
                      Complaint& complaint) {
  ondemand::array annotations;
  const auto list_error = value.get_array().get(annotations);
  if (list_error == simdjson::INCORRECT_TYPE) {
    complaint = std::string("annotations: ") + simdjson::error_message(list_error);
    return;
  }
  check(list_error, source, "annotations");
  for (auto item : annotations) {
    const std::string where = "annotation " + std::to_string(scores.size());
    ondemand::object annotation;
    const auto error = item.get_object().get(annotation);
    if (error == simdjson::INCORRECT_TYPE) {
      complaint = where + ": " + simdjson::error_message(error);
      return;
    }
    check(error, source, where);
    double score = std::numeric_limits<double>::quiet_NaN();  // no "occlusion": the caller says so
    Complaint labels_complaint;
    for (auto field : annotation) {
      std::string_view key;
      check(field.unescaped_key().get(key), source, where);
      if (key != "occlusion") continue;
      ondemand::value labels;
      check(field.value().get(labels), source, where);
      labels_complaint.reset();
      score = score_of_labels(labels, source, where, labels_complaint);
    }
    if (labels_complaint) {
      complaint = std::move(labels_complaint);
      return;
    }
    scores.push_back(score);
  }
}

}  // namespace

std::vector<double> read_occlusion_scores(const JsonText& text, const std::string& source) {
  ondemand::parser parser;
  ondemand::document document;
  check(parser.iterate(simdjson::padded_string_view(text.data(), text.size(), text.capacity())).get(document),
        source, "JSON");
  ondemand::object root;
  check(document.get_object().get(root), source, "top level");
  // One pass; a repeated "annotations" is read again, and the last counts.
  bool found = false;
  std::vector<double> scores;
  Complaint complaint;
  for (auto field : root) {
    std::string_view key;
    check(field.unescaped_key().get(key), source, "top level");
    if (key != "annotations") continue;
    ondemand::value value;
    check(field.value().get(value), source, "annotations");
    found = true;
    scores.clear();
    complaint.reset();
    read_annotations(value, source, scores, complaint);
  }
  if (!found) check(simdjson::NO_SUCH_FIELD, source, "annotations");
  if (complaint) throw InputError(source + ": " + *complaint);
  return scores;
}

}  // namespace ytvis
