#include "rle.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "rle_decode.hpp"

namespace ytvis {

namespace rle_detail {

void check_total(std::uint64_t total, std::uint32_t height, std::uint32_t width) {
  const std::uint64_t expected = static_cast<std::uint64_t>(height) * width;
  if (total != expected) {
    throw RleError("RLE counts sum to " + std::to_string(total) + " but the mask is " +
                   std::to_string(height) + "x" + std::to_string(width) + " (" + std::to_string(expected) +
                   " pixels)");
  }
}

}  // namespace rle_detail

namespace {

using rle_detail::check_total;
using rle_detail::kFirstDelta;

/// Splits pixel positions into (column, row) for a fixed height with one
/// multiplication by a precomputed reciprocal and an exact correction, instead of
/// two integer divisions per run.
class ColumnSplitter {
 public:
  explicit ColumnSplitter(std::uint32_t height) : height_(height), inverse_(1.0 / height) {}

  void split(std::uint32_t position, std::uint32_t& column, std::uint32_t& row) const {
    auto q = static_cast<std::uint32_t>(static_cast<double>(position) * inverse_);
    const std::uint64_t h = height_;
    if (static_cast<std::uint64_t>(q) * h > position) {
      --q;
    } else if ((static_cast<std::uint64_t>(q) + 1) * h <= position) {
      ++q;
    }
    column = q;
    row = position - static_cast<std::uint32_t>(static_cast<std::uint64_t>(q) * h);
  }

 private:
  std::uint32_t height_;
  double inverse_;
};

/// pycocotools' rleToBbox (2.0.8+), fed one run at a time: runs of ones only,
/// zero-length ones skipped, a run spanning columns widens the box to the full
/// height. Its unsigned 32-bit arithmetic is kept, so a mask without foreground
/// gets the same odd box as from pycocotools. (rleToBbox drops an odd last count,
/// always a run of zeros, which never changes the box.)
class BoxBuilder {
 public:
  BoxBuilder(std::uint32_t height, std::uint32_t width)
      : splitter_(height == 0 ? 1 : height), h_(height), xs_(width), ys_(height) {}

  void add(std::size_t index, Count count) {
    const std::uint32_t start = cc_;
    cc_ += count;
    runs_ = index + 1;
    if (index % 2 == 0 || count == 0) return;
    std::uint32_t x_start, y_start, x_end, y_end;
    splitter_.split(start, x_start, y_start);
    splitter_.split(cc_ - 1, x_end, y_end);
    xs_ = std::min(xs_, x_start);
    xe_ = std::max(xe_, x_end);
    if (x_start < x_end) {
      ys_ = 0;
      ye_ = h_ - 1;
    } else {
      ys_ = std::min(ys_, y_start);
      ye_ = std::max(ye_, y_end);
    }
  }

  Box box() const {
    if (runs_ < 2 || h_ == 0) return Box{};
    return Box{static_cast<double>(xs_), static_cast<double>(ys_),
               static_cast<double>(static_cast<std::uint32_t>(xe_ - xs_ + 1)),
               static_cast<double>(static_cast<std::uint32_t>(ye_ - ys_ + 1))};
  }

 private:
  ColumnSplitter splitter_;
  std::uint32_t h_, xs_, ys_, xe_ = 0, ye_ = 0, cc_ = 0;
  std::size_t runs_ = 0;
};

/// The runs of ones of a mask, one [start, end) pixel interval at a time.
class OnesCursor {
 public:
  explicit OnesCursor(const RleView& mask) : counts_(mask.counts), size_(mask.size) { advance(); }

  bool valid() const { return valid_; }
  std::uint64_t start() const { return start_; }
  std::uint64_t end() const { return end_; }

  void advance() {
    if (next_ + 1 >= size_) {  // no run of ones left (at most a trailing run of zeros)
      valid_ = false;
      return;
    }
    start_ = end_ + counts_[next_];
    end_ = start_ + counts_[next_ + 1];
    next_ += 2;
  }

 private:
  const Count* counts_;
  std::size_t size_;
  std::size_t next_ = 0;  ///< index of the next run of zeros
  std::uint64_t start_ = 0, end_ = 0;
  bool valid_ = true;
};

}  // namespace

void check_size(std::int64_t height, std::int64_t width) {
  if (height < 0 || width < 0 || static_cast<std::uint64_t>(height) > kMaxSide ||
      static_cast<std::uint64_t>(width) > kMaxSide) {
    throw RleError("mask size " + std::to_string(height) + "x" + std::to_string(width) +
                   " is out of range (each side must be between 0 and " + std::to_string(kMaxSide) + ")");
  }
}

void decode_compressed(std::string_view text, std::uint32_t height, std::uint32_t width, Counts& out) {
  out.clear();
  append_decoded(text, height, width, out);
}

void append_decoded(std::string_view text, std::uint32_t height, std::uint32_t width, Counts& out) {
  struct Append {
    static constexpr bool wants_counts() { return true; }
    Counts& out;
    void one(Count count) { out.push_back(count); }
    void many(const Count* counts, std::size_t n) { out.insert(out.end(), counts, counts + n); }
  };
  // At most one count per character: make room once, growing geometrically as
  // callers append many masks to one buffer.
  if (out.capacity() - out.size() < text.size())
    out.reserve(std::max(2 * out.capacity(), out.size() + text.size()));
  Append sink{out};
  rle_detail::for_each_count(text, height, width, sink);
}

std::uint64_t compressed_area(std::string_view text, std::uint32_t height, std::uint32_t width) {
  struct Discard {
    static constexpr bool wants_counts() { return false; }
    void one(Count) {}
    void many(const Count*, std::size_t) {}
  };
  Discard sink;
  return rle_detail::for_each_count(text, height, width, sink).ones;
}

void append_compressed(const Count* counts, std::size_t size, std::string& out) {
  // Seven characters hold any 32-bit count or delta (35 bits): write into room made
  // once, then trim, instead of growing the string one character at a time.
  const std::size_t begin = out.size();
  out.resize(begin + size * 7);
  char* write = out.data() + begin;
  std::size_t i = 0;
  while (i < size) {
#if defined(YTVIS_RLE_SSE2)
    // Smooth masks: nearly every delta takes one character ('0' + its five bits).
    // Four at a time while all four do and the counts are below 2^31, where the
    // 32-bit differences are exact.
    if (i >= kFirstDelta && i + 4 <= size) {
      const __m128i current = _mm_loadu_si128(reinterpret_cast<const __m128i*>(counts + i));
      const __m128i before = _mm_loadu_si128(reinterpret_cast<const __m128i*>(counts + i - 2));
      const __m128i delta = _mm_sub_epi32(current, before);
      const __m128i outside =
          _mm_srli_epi32(_mm_add_epi32(delta, _mm_set1_epi32(16)), 5);  // not in [-16, 16)
      const __m128i large = _mm_or_si128(current, before);              // a count >= 2^31
      if (_mm_movemask_epi8(_mm_cmpeq_epi32(outside, _mm_setzero_si128())) == 0xffff &&
          _mm_movemask_ps(_mm_castsi128_ps(large)) == 0) {
        const __m128i characters =
            _mm_add_epi32(_mm_and_si128(delta, _mm_set1_epi32(0x1f)), _mm_set1_epi32(48));
        const __m128i packed = _mm_packus_epi16(_mm_packs_epi32(characters, characters), _mm_setzero_si128());
        const auto four = static_cast<std::uint32_t>(_mm_cvtsi128_si32(packed));
        std::memcpy(write, &four, 4);
        write += 4;
        i += 4;
        continue;
      }
    }
#endif
    std::int64_t value = counts[i];
    if (i >= kFirstDelta) value -= counts[i - 2];
    bool more = true;
    while (more) {
      int c = static_cast<int>(value & 0x1f);
      value >>= 5;  // arithmetic shift keeps the sign
      more = (c & 0x10) ? value != -1 : value != 0;
      if (more) c |= 0x20;
      *write++ = static_cast<char>(c + 48);
    }
    ++i;
  }
  out.resize(static_cast<std::size_t>(write - out.data()));
}

std::string encode_compressed(const Count* counts, std::size_t size) {
  std::string text;
  append_compressed(counts, size, text);
  return text;
}

void from_uncompressed(const std::int64_t* values, std::size_t size, std::uint32_t height,
                       std::uint32_t width, Counts& out) {
  out.clear();
  out.reserve(size);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < size; ++i) {
    if (values[i] < 0) {
      throw RleError("negative run length " + std::to_string(values[i]) + " at position " +
                     std::to_string(i) + " of RLE counts");
    }
    if (values[i] > 0xffffffffLL) {
      throw RleError("run length " + std::to_string(values[i]) + " overflows 32 bits");
    }
    total += static_cast<std::uint64_t>(values[i]);
    out.push_back(static_cast<Count>(values[i]));
  }
  check_total(total, height, width);
}

std::uint64_t area(const RleView& rle) {
  std::uint64_t sum = 0;
  for (std::size_t i = 1; i < rle.size; i += 2) sum += rle.counts[i];
  return sum;
}

Box bbox(const RleView& rle) {
  BoxBuilder box(rle.height, rle.width);
  for (std::size_t j = 0; j < rle.size; ++j) box.add(j, rle.counts[j]);
  return box.box();
}

std::uint64_t intersection_area(const RleView& a, const RleView& b) {
  // Merge the two lists of runs of ones; the runs of zeros only move the cursors.
  std::uint64_t common = 0;
  OnesCursor x(a), y(b);
  while (x.valid() && y.valid()) {
    const std::uint64_t lo = std::max(x.start(), y.start()), hi = std::min(x.end(), y.end());
    if (hi > lo) common += hi - lo;
    if (x.end() <= y.end()) {
      x.advance();
    } else {
      y.advance();
    }
  }
  return common;
}

void merge_union(const std::vector<RleView>& masks, Counts& out) {
  out.clear();
  if (masks.empty()) return;
  if (masks.size() == 1) {
    out.assign(masks[0].counts, masks[0].counts + masks[0].size);
    return;
  }
  // Boundaries where any mask toggles, then runs of the union; equal to
  // pycocotools' pairwise rleMerge, which drops zero-length runs inside.
  const std::uint64_t total = static_cast<std::uint64_t>(masks[0].height) * masks[0].width;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ones;  // [start, end) of runs of ones
  for (const RleView& m : masks) {
    std::uint64_t pos = 0;
    for (std::size_t k = 0; k < m.size; ++k) {
      if (k % 2 == 1 && m.counts[k] > 0) ones.emplace_back(pos, pos + m.counts[k]);
      pos += m.counts[k];
    }
  }
  std::sort(ones.begin(), ones.end());
  std::uint64_t pos = 0;
  std::size_t k = 0;
  while (k < ones.size()) {
    std::uint64_t start = ones[k].first, end = ones[k].second;
    for (++k; k < ones.size() && ones[k].first <= end; ++k) end = std::max(end, ones[k].second);
    out.push_back(static_cast<Count>(start - pos));
    out.push_back(static_cast<Count>(end - start));
    pos = end;
  }
  if (pos < total || out.empty()) out.push_back(static_cast<Count>(total - pos));
}

void encode_mask(const std::uint8_t* pixels, std::uint32_t height, std::uint32_t width,
                 std::ptrdiff_t row_stride, std::ptrdiff_t col_stride, Counts& out) {
  out.clear();
  std::uint8_t previous = 0;
  Count run = 0;
  for (std::uint32_t x = 0; x < width; ++x) {
    const std::uint8_t* column = pixels + static_cast<std::ptrdiff_t>(x) * col_stride;
    for (std::uint32_t y = 0; y < height; ++y) {
      const std::uint8_t value = column[static_cast<std::ptrdiff_t>(y) * row_stride] != 0;
      if (value != previous) {
        out.push_back(run);
        run = 0;
        previous = value;
      }
      ++run;
    }
  }
  out.push_back(run);
}

void decode_mask(const RleView& rle, std::uint8_t* out) {
  std::uint64_t pos = 0;
  for (std::size_t k = 0; k < rle.size; ++k) {
    std::fill(out + pos, out + pos + rle.counts[k], static_cast<std::uint8_t>(k % 2));
    pos += rle.counts[k];
  }
}

}  // namespace ytvis
