// OVIS occlusion scores of the ground truth, read straight from the JSON text:
// only each annotation's "occlusion" list is looked at, so no Python view of the
// file is ever built for them.
#pragma once

#include <string>
#include <vector>

#include "json_text.hpp"

namespace ytvis {

/// Per annotation (file order) its OVIS occlusion score: the per-frame labels
/// no / slight / severe occlusion count 0 / 0.25 / 0.75, null frames are dropped,
/// and the mean of the top ceil(n / 2) is the score. NaN where the annotation has
/// no "occlusion" list or no labelled frame (the caller names the annotation);
/// an unknown label throws InputError naming the annotation and the frame.
std::vector<double> read_occlusion_scores(const JsonText& text, const std::string& source);

/// The score of per-frame label counts (no, slight, severe), NaN if all are zero.
double occlusion_score(std::size_t no, std::size_t slight, std::size_t severe);

}  // namespace ytvis
