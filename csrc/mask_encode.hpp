// COCO RLE encoding of dense masks stored row by row (C order), the layout deep
// learning frameworks produce. Runs are column-major, so rather than walking
// every column with a stride, each row is compared with the row above it and
// only the pixels where the mask changes are kept, then ordered column by column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rle.hpp"

namespace ytvis {

/// Working memory of encode_mask_rows, reusable from one frame to the next.
struct RowEncodeScratch {
  std::vector<std::uint32_t> change_columns, change_rows;  ///< changes in row-scan order
  std::vector<std::uint64_t> column_starts;                ///< counting sort by column
  std::vector<std::uint32_t> sorted_rows;
};

/// Encodes an (H, W) mask whose pixels are contiguous within a row and rows are
/// `row_stride` bytes apart; any non-zero byte is foreground. Gives the same
/// counts as encode_mask. Reads each row once with word-wide comparisons, so the
/// cost is the memory bandwidth plus the number of changes.
void encode_mask_rows(const std::uint8_t* pixels, std::uint32_t height, std::uint32_t width,
                      std::ptrdiff_t row_stride, RowEncodeScratch& scratch, Counts& out);

}  // namespace ytvis
