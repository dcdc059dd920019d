#include "store.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "thread_pool.hpp"

namespace ytvis {

namespace {

/// numpy's pairwise summation (pairwise_sum in loops_utils.h): blocks of up to
/// 128 values summed with eight accumulators, larger ranges split in halves
/// rounded to a multiple of eight.
double pairwise_sum(const double* values, std::size_t n) {
  if (n < 8) {
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += values[i];
    return sum;
  }
  if (n <= 128) {
    double r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = values[j];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (std::size_t j = 0; j < 8; ++j) r[j] += values[i + j];
    }
    double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum += values[i];
    return sum;
  }
  std::size_t half = n / 2;
  half -= half % 8;
  return pairwise_sum(values, half) + pairwise_sum(values + half, n - half);
}

/// Appends the mask written as `escaped`, a JSON string's body whose every escape
/// is a doubled backslash, unescaped.
void append_unescaped(std::string_view escaped, std::string& out) {
  std::size_t from = 0;
  while (from < escaped.size()) {
    const void* hit = std::memchr(escaped.data() + from, '\\', escaped.size() - from);
    const std::size_t at =
        hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - escaped.data()) : escaped.size();
    out.append(escaped, from, at + 1 - from);  // up to the first of the two backslashes
    from = at + 2;
  }
}

}  // namespace

std::string_view unescaped(std::string_view text, bool escaped, std::string& scratch) {
  if (!escaped) return text;
  scratch.clear();
  append_unescaped(text, scratch);
  return scratch;
}

double numpy_mean(const std::vector<double>& values) {
  // add.reduce starts from the identity 0.0; 0.0 + s == s except for -0.0.
  const double sum = 0.0 + pairwise_sum(values.data(), values.size());
  return sum / static_cast<double>(values.size());
}

void InstanceStore::begin_instance(std::int64_t id, std::int64_t video_id, std::int64_t category_id,
                                   double score, double iscrowd) {
  ids_.push_back(id);
  video_ids_.push_back(video_id);
  category_ids_.push_back(category_id);
  scores_.push_back(score);
  iscrowd_.push_back(iscrowd);
  avg_areas_.push_back(0.0);
  avg_area_given_.push_back(0);
  frame_offsets_.push_back(frames_.size());
}

void InstanceStore::add_absent_frame() {
  frames_.emplace_back();
  ++frame_offsets_.back();
}

void InstanceStore::add_compressed_frame(std::string_view text, std::uint32_t height, std::uint32_t width,
                                         bool escaped) {
  std::string& open = texts_[open_block_].owned;
  const std::size_t before = open.size();
  if (escaped) {
    append_unescaped(text, open);
  } else {
    open.append(text);
  }
  add_text_frame(open.size() - before, height, width);
}

void InstanceStore::add_counts_frame(const RleView& mask) {
  std::string& open = texts_[open_block_].owned;
  const std::size_t before = open.size();
  append_compressed(mask.counts, mask.size, open);
  add_text_frame(open.size() - before, mask.height, mask.width);
  // The runs are at hand and valid: take the area now rather than decode the text again.
  FrameRecord& record = frames_.back();
  record.area = ytvis::area(mask);
  record.summarized = true;
}

void InstanceStore::add_text_frame(std::size_t length, std::uint32_t height, std::uint32_t width) {
  const std::size_t end = texts_[open_block_].owned.size();
  add_mask_frame(open_block_, end - length, end, false, height, width);
}

void InstanceStore::add_mask_frame(std::uint32_t block, std::size_t begin, std::size_t end, bool escaped,
                                   std::uint32_t height, std::uint32_t width,
                                   std::optional<std::uint64_t> area) {
  FrameRecord record;
  record.summarized = area.has_value();
  record.area = area.value_or(0);
  record.kind = FrameKind::compressed;
  record.block = block;
  record.begin = begin;
  record.end = end;
  record.escaped = escaped;
  record.height = height;
  record.width = width;
  frames_.push_back(record);
  ++frame_offsets_.back();
}

void InstanceStore::reserve(std::size_t instances, std::size_t frames) {
  ids_.reserve(instances);
  video_ids_.reserve(instances);
  category_ids_.reserve(instances);
  scores_.reserve(instances);
  iscrowd_.reserve(instances);
  avg_areas_.reserve(instances);
  avg_area_given_.reserve(instances);
  frame_offsets_.reserve(instances + 1);
  frames_.reserve(frames);
}

void InstanceStore::append(InstanceStore&& part) {
  const auto extend = [](auto& into, const auto& from) { into.insert(into.end(), from.begin(), from.end()); };
  extend(ids_, part.ids_);
  extend(video_ids_, part.video_ids_);
  extend(category_ids_, part.category_ids_);
  extend(scores_, part.scores_);
  extend(iscrowd_, part.iscrowd_);
  extend(avg_areas_, part.avg_areas_);
  extend(avg_area_given_, part.avg_area_given_);
  const std::uint64_t frame_base = frames_.size();
  for (std::size_t i = 1; i < part.frame_offsets_.size(); ++i) {
    frame_offsets_.push_back(frame_base + part.frame_offsets_[i]);
  }
  // Offsets stay valid: the part's blocks keep their text and only get new numbers.
  const auto block_base = static_cast<std::uint32_t>(texts_.size());
  for (FrameRecord record : part.frames_) {
    record.block += block_base;
    frames_.push_back(record);
  }
  for (TextBlock& block : part.texts_) texts_.push_back(std::move(block));
}

void InstanceStore::borrow_text(std::string_view text, std::shared_ptr<const void> owner) {
  texts_.push_back(TextBlock{{}, text, std::move(owner)});
  borrowed_block_ = static_cast<std::uint32_t>(texts_.size() - 1);
}

void InstanceStore::add_borrowed_frame(std::size_t begin, std::size_t end, bool escaped, std::uint32_t height,
                                       std::uint32_t width, std::optional<std::uint64_t> area) {
  add_mask_frame(borrowed_block_, begin, end, escaped, height, width, area);
}

void InstanceStore::own_text() {
  std::vector<std::string> copies(texts_.size());
  std::vector<std::size_t> bytes(texts_.size(), 0);
  for (const FrameRecord& record : frames_) {
    if (record.kind != FrameKind::absent) bytes[record.block] += record.end - record.begin;
  }
  for (std::size_t b = 0; b < texts_.size(); ++b) {
    if (texts_[b].owner) copies[b].reserve(bytes[b]);  // an upper bound: escapes shrink
  }
  for (FrameRecord& record : frames_) {
    if (record.kind == FrameKind::absent || !texts_[record.block].owner) continue;
    std::string& copy = copies[record.block];
    const std::size_t begin = copy.size();
    if (record.escaped) {
      append_unescaped(text(record), copy);
    } else {
      copy.append(text(record));
    }
    record.begin = begin;
    record.end = copy.size();
    record.escaped = false;
  }
  for (std::size_t b = 0; b < texts_.size(); ++b) {
    if (texts_[b].owner) texts_[b] = TextBlock{std::move(copies[b]), {}, nullptr};
  }
}

std::string_view InstanceStore::mask_text(const FrameRecord& record, std::string& scratch) const {
  return unescaped(text(record), record.escaped, scratch);
}

void InstanceStore::set_given_box(std::size_t frame, const Box& box) {
  FrameRecord& record = frames_[frame_offsets_[frame_offsets_.size() - 2] + frame];
  record.box = box;
  record.box_given = true;
  record.box_present = true;
}

void InstanceStore::set_avg_area(double avg_area) {
  avg_areas_.back() = avg_area;
  avg_area_given_.back() = 1;
}

RleView InstanceStore::view(const FrameRecord& record, Counts& scratch) const {
  std::string unescaped;
  decode_compressed(mask_text(record, unescaped), record.height, record.width, scratch);
  return RleView{record.height, record.width, scratch.data(), scratch.size()};
}

void InstanceStore::finalize(unsigned threads, std::size_t first_position, std::size_t instances) {
  parallel_for(std::min(instances, size()), threads, [&](std::size_t instance) {
    std::vector<double> nonzero_areas;
    std::string unescaped;
    const std::uint64_t first = frame_offsets_[instance];
    const std::uint64_t last = frame_offsets_[instance + 1];
    for (std::uint64_t i = first; i < last; ++i) {
      FrameRecord& record = frames_[i];
      if (record.kind == FrameKind::absent) continue;
      if (!record.summarized) {
        try {
          // One pass over the string: validation and area, no runs stored.
          record.area = compressed_area(mask_text(record, unescaped), record.height, record.width);
          record.summarized = true;
        } catch (const RleError& error) {
          throw RleError(label_ + " " + std::to_string(first_position + instance) + " (id " +
                         std::to_string(ids_[instance]) + ", video " + std::to_string(video_ids_[instance]) +
                         "), frame " + std::to_string(i - first) + ": " + error.what());
        }
      }
      if (record.area != 0) nonzero_areas.push_back(static_cast<double>(record.area));
    }
    if (!avg_area_given_[instance]) {
      avg_areas_[instance] = nonzero_areas.empty() ? 0.0 : numpy_mean(nonzero_areas);
    }
  });
}

void InstanceStore::compute_boxes(unsigned threads) {
  std::call_once(boxes_computed_, [&] {
    parallel_for(size(), threads, [&](std::size_t instance) {
      Counts runs;
      for (std::uint64_t i = frame_offsets_[instance]; i < frame_offsets_[instance + 1]; ++i) {
        FrameRecord& record = frames_[i];
        if (record.kind == FrameKind::absent || record.box_given) continue;
        record.box = bbox(view(record, runs));
        record.box_present = true;
      }
    });
  });
}

std::optional<RepeatedId> first_repeated_id(const InstanceStore& store) {
  std::unordered_map<std::int64_t, std::size_t> first_of;
  first_of.reserve(store.size());
  const std::vector<std::int64_t>& ids = store.ids();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto [where, inserted] = first_of.emplace(ids[i], i);
    if (!inserted) return RepeatedId{i, where->second};
  }
  return std::nullopt;
}

std::optional<CategoriesOutside> categories_outside(const InstanceStore& store,
                                                    const std::vector<std::int64_t>& known) {
  const std::unordered_set<std::int64_t> allowed(known.begin(), known.end());
  std::optional<CategoriesOutside> outside;
  const std::vector<std::int64_t>& categories = store.category_ids();
  for (std::size_t i = 0; i < categories.size(); ++i) {
    if (allowed.count(categories[i])) continue;
    if (!outside) outside = CategoriesOutside{i, 0};
    ++outside->count;
  }
  return outside;
}

std::vector<std::int64_t> count_per_category(const InstanceStore& store,
                                             const std::vector<std::int64_t>& videos,
                                             const std::vector<std::int64_t>& categories, bool skip_crowd) {
  const std::unordered_set<std::int64_t> wanted_videos(videos.begin(), videos.end());
  std::unordered_map<std::int64_t, std::int64_t> per_category;
  for (std::int64_t c : categories) per_category.emplace(c, 0);
  for (std::size_t i = 0; i < store.size(); ++i) {
    if (skip_crowd && store.iscrowd()[i] != 0.0) continue;  // NaN counts as crowd, as numpy's != 0 does
    if (!wanted_videos.count(store.video_ids()[i])) continue;
    const auto found = per_category.find(store.category_ids()[i]);
    if (found != per_category.end()) ++found->second;
  }
  std::vector<std::int64_t> counts;
  counts.reserve(categories.size());
  for (std::int64_t c : categories) counts.push_back(per_category[c]);
  return counts;
}

}  // namespace ytvis
