#include "mask_encode.hpp"

#include <cstring>

namespace ytvis {

namespace {

inline bool foreground(std::uint8_t value) {
  return value != 0;
}

inline std::uint64_t load_word(const std::uint8_t* at) {
  std::uint64_t word;
  std::memcpy(&word, at, sizeof word);
  return word;
}

/// Records every x in [begin, end) where the foreground flag of `row` differs from `above`.
void collect_changes(const std::uint8_t* row, const std::uint8_t* above, std::uint32_t begin,
                     std::uint32_t end, std::uint32_t y, RowEncodeScratch& scratch) {
  for (std::uint32_t x = begin; x < end; ++x) {
    if (foreground(row[x]) != foreground(above[x])) {
      scratch.change_columns.push_back(x);
      scratch.change_rows.push_back(y);
    }
  }
}

}  // namespace

void encode_mask_rows(const std::uint8_t* pixels, std::uint32_t height, std::uint32_t width,
                      std::ptrdiff_t row_stride, RowEncodeScratch& scratch, Counts& out) {
  out.clear();
  const std::uint64_t total = static_cast<std::uint64_t>(height) * width;
  if (total == 0) {
    out.push_back(0);
    return;
  }
  scratch.change_columns.clear();
  scratch.change_rows.clear();
  // Row 0 of column x continues the run of the last pixel of column x - 1.
  const std::uint8_t* last_row = pixels + static_cast<std::ptrdiff_t>(height - 1) * row_stride;
  for (std::uint32_t x = 0; x < width; ++x) {
    const bool before = x > 0 && foreground(last_row[x - 1]);
    if (foreground(pixels[x]) != before) {
      scratch.change_columns.push_back(x);
      scratch.change_rows.push_back(0);
    }
  }
  constexpr std::uint32_t kWord = sizeof(std::uint64_t);
  for (std::uint32_t y = 1; y < height; ++y) {
    const std::uint8_t* row = pixels + static_cast<std::ptrdiff_t>(y) * row_stride;
    const std::uint8_t* above = row - row_stride;
    // Most rows of a mask repeat the row above; equal bytes mean equal flags.
    if (std::memcmp(row, above, width) == 0) continue;
    std::uint32_t x = 0;
    for (; x + kWord <= width; x += kWord) {
      if (load_word(row + x) != load_word(above + x)) collect_changes(row, above, x, x + kWord, y, scratch);
    }
    collect_changes(row, above, x, width, y, scratch);
  }

  // Counting sort of the changes by column; rows stay ascending within a column.
  const std::size_t changes = scratch.change_columns.size();
  scratch.column_starts.assign(static_cast<std::size_t>(width) + 1, 0);
  for (std::uint32_t x : scratch.change_columns) ++scratch.column_starts[x + 1];
  for (std::uint32_t x = 0; x < width; ++x) scratch.column_starts[x + 1] += scratch.column_starts[x];
  scratch.sorted_rows.resize(changes);
  for (std::size_t i = 0; i < changes; ++i) {
    scratch.sorted_rows[scratch.column_starts[scratch.change_columns[i]]++] = scratch.change_rows[i];
  }

  // column_starts[x] now holds the end of column x's changes.
  out.reserve(changes + 1);
  std::uint64_t previous = 0;
  std::size_t i = 0;
  for (std::uint32_t x = 0; x < width; ++x) {
    const std::uint64_t column_base = static_cast<std::uint64_t>(x) * height;
    for (; i < scratch.column_starts[x]; ++i) {
      const std::uint64_t position = column_base + scratch.sorted_rows[i];
      out.push_back(static_cast<Count>(position - previous));
      previous = position;
    }
  }
  out.push_back(static_cast<Count>(total - previous));
}

}  // namespace ytvis
