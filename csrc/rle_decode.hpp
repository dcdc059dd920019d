// The decoding kernel of pycocotools' compressed RLE strings, shared by every
// reader of compressed masks in rle.cpp (internal header).
//
// Format: each count is a little-endian list of 5-bit groups, one character
// ('0' + group, plus 0x20 on all but the last) per group, the last group's 0x10
// bit its sign; from the fourth count on, the stored value is the difference
// from the count two places before. Real masks are smooth, so nearly every value
// is a single character: those stretches are decoded 16 characters at a time
// (SSE2, part of every x86-64), everything else one value at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rle.hpp"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define YTVIS_RLE_SSE2 1
#endif

namespace ytvis::rle_detail {

/// Index from which a compressed value is stored as the difference from the
/// count two places before (pycocotools' rleToString/rleFrString use `> 2`).
inline constexpr std::size_t kFirstDelta = 3;

/// Carried counts below which the block decoders run: 16 deltas of at most 16 in
/// size added to counts below 2^26 stay far below 2^31, and their sum below 2^31 too.
inline constexpr std::int64_t kBlockBound = std::int64_t{1} << 26;

/// Throws RleError unless the counts' total is height * width.
void check_total(std::uint64_t total, std::uint32_t height, std::uint32_t width);

/// True when every character is in pycocotools' alphabet ('0' + 0..63) and the
/// last one ends a value, so values can be read without per-character checks.
inline bool well_formed_characters(std::string_view text) {
  // Byte arithmetic only, so the loop vectorizes 16 characters at a time:
  // ch - 48 wraps into 0..63 exactly for the alphabet.
  std::uint8_t outside = 0;
  for (const char ch : text) {
    outside |=
        static_cast<std::uint8_t>(static_cast<std::uint8_t>(static_cast<unsigned char>(ch) - 48u) & 0xc0u);
  }
  return outside == 0 && (text.empty() || ((static_cast<unsigned char>(text.back()) - 48) & 0x20) == 0);
}

/// What every decode yields besides the runs themselves.
struct DecodeTotals {
  std::uint64_t pixels = 0;  ///< sum of all runs (checked against height * width)
  std::uint64_t ones = 0;    ///< sum of the runs of ones: the area
};

#if defined(YTVIS_RLE_SSE2)
/// One step of the block decoder: the run of single-character values at `at`
/// (at most 16; all characters valid, delta coding in force), taken only when
/// every one of them is a valid count and the total stays within `room`. Writes
/// the counts to `out`, returns how many were taken (0: decode one value the
/// slow way, which also reports any error exactly as it would have).
struct SingleCharacterBlock {
  std::size_t taken = 0;
  std::uint64_t pixels = 0, ones = 0;
};

inline SingleCharacterBlock single_character_block(const char* at, std::size_t index,
                                                   std::int64_t before_last, std::int64_t last,
                                                   std::uint64_t room, Count out[16]) {
  SingleCharacterBlock block;
  const __m128i c = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)), _mm_set1_epi8(48));
  // 0x20 marks a continued value; shifted to each byte's top bit for movemask.
  const auto continued = static_cast<unsigned>(_mm_movemask_epi8(_mm_slli_epi16(c, 2)));
  const auto single = static_cast<std::size_t>(__builtin_ctz(continued | 0x10000u));
  if (single == 0) return block;
  // A single character holds a 5-bit signed delta: (c ^ 16) - 16.
  const __m128i sixteen = _mm_set1_epi8(16);
  const __m128i delta8 = _mm_sub_epi8(_mm_xor_si128(c, sixteen), sixteen);
  const __m128i low16 = _mm_srai_epi16(_mm_unpacklo_epi8(delta8, delta8), 8);
  const __m128i high16 = _mm_srai_epi16(_mm_unpackhi_epi8(delta8, delta8), 8);
  const __m128i deltas[4] = {_mm_srai_epi32(_mm_unpacklo_epi16(low16, low16), 16),
                             _mm_srai_epi32(_mm_unpackhi_epi16(low16, low16), 16),
                             _mm_srai_epi32(_mm_unpacklo_epi16(high16, high16), 16),
                             _mm_srai_epi32(_mm_unpackhi_epi16(high16, high16), 16)};
  // count[i] = delta[i] + count[i - 2]: two interleaved prefix sums, four lanes
  // at a time, carried in lanes (before_last, last, before_last, last).
  __m128i carry = _mm_set_epi32(static_cast<int>(last), static_cast<int>(before_last), static_cast<int>(last),
                                static_cast<int>(before_last));
  const __m128i limit = _mm_set1_epi32(static_cast<int>(single));
  const __m128i odd = (index & 1) ? _mm_set_epi32(0, -1, 0, -1) : _mm_set_epi32(-1, 0, -1, 0);
  __m128i all_sum = _mm_setzero_si128(), ones_sum = _mm_setzero_si128();
  unsigned negative = 0;
  for (int v = 0; v < 4; ++v) {
    const __m128i counts = _mm_add_epi32(_mm_add_epi32(deltas[v], _mm_slli_si128(deltas[v], 8)), carry);
    carry = _mm_shuffle_epi32(counts, _MM_SHUFFLE(3, 2, 3, 2));
    const __m128i lanes = _mm_set_epi32(4 * v + 3, 4 * v + 2, 4 * v + 1, 4 * v);
    const __m128i used = _mm_and_si128(counts, _mm_cmplt_epi32(lanes, limit));
    all_sum = _mm_add_epi32(all_sum, used);
    ones_sum = _mm_add_epi32(ones_sum, _mm_and_si128(used, odd));
    negative |= static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(used))) << (4 * v);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 4 * v), counts);
  }
  if (negative != 0) return block;  // a negative count: the slow path reports it
  // Lanes are below 2^31 / 16 (the caller's bound), so 32-bit sums are exact.
  const auto horizontal = [](__m128i x) {
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, _MM_SHUFFLE(1, 0, 3, 2)));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, _MM_SHUFFLE(2, 3, 0, 1)));
    return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_cvtsi128_si32(x)));
  };
  block.pixels = horizontal(all_sum);
  if (block.pixels > room) return block;  // past height * width: the slow path reports where
  block.ones = horizontal(ones_sum);
  block.taken = single;
  return block;
}

/// Where a decode that needs only the totals stands: at value `index`, character
/// `position`, after the counts `before_last` and `last`.
struct SumState {
  std::size_t index = 0, position = 0;
  std::int64_t before_last = 0, last = 0;
  DecodeTotals totals;
};

/// The lowest prefix sum of eight deltas held as 16-bit values plus 16.
inline std::int64_t lowest_prefix_sum(__m128i biased) {
  __m128i sums = _mm_sub_epi16(biased, _mm_set1_epi16(16));
  sums = _mm_add_epi16(sums, _mm_slli_si128(sums, 2));
  sums = _mm_add_epi16(sums, _mm_slli_si128(sums, 4));
  sums = _mm_add_epi16(sums, _mm_slli_si128(sums, 8));
  sums = _mm_min_epi16(sums, _mm_shuffle_epi32(sums, _MM_SHUFFLE(1, 0, 3, 2)));
  sums = _mm_min_epi16(sums, _mm_shuffle_epi32(sums, _MM_SHUFFLE(2, 3, 0, 1)));
  sums = _mm_min_epi16(sums, _mm_shufflelo_epi16(sums, _MM_SHUFFLE(2, 3, 0, 1)));
  return static_cast<std::int16_t>(_mm_cvtsi128_si32(sums) & 0xffff);
}

/// Sums blocks of 16 single-character values for a decode that needs only the
/// totals (the area), for as long as they come and no count goes negative or past
/// height * width. Count i of a block is the carried count of its parity plus a
/// prefix sum of the deltas, so the block's sums are 8 times each carried count
/// plus weighted sums of the deltas. Prefix sums are needed only where a carried
/// count is below 128 (8 deltas of at least -16 cannot take a larger one below
/// zero), and the next block's place is known without waiting for this one's, so
/// blocks overlap in the pipeline.
inline void sum_single_character_blocks(std::string_view text, std::uint64_t expected, SumState& state) {
  // Delta i of a parity enters counts i, i + 2, ..., 14 or 15: 8 - i / 2 of them.
  const __m128i weights = _mm_set_epi16(1, 2, 3, 4, 5, 6, 7, 8);
  const __m128i ones = _mm_set1_epi16(1);
  // Lanes hold each delta plus 16; the weights' total (36) and count (8) of 16s go.
  const __m128i bias = _mm_set_epi32(16 * 8, 16 * 8, 16 * 36, 16 * 36);
  while (state.position + 16 <= text.size() && state.before_last < kBlockBound && state.last < kBlockBound) {
    const __m128i c = _mm_sub_epi8(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + state.position)), _mm_set1_epi8(48));
    if (_mm_movemask_epi8(_mm_slli_epi16(c, 2)) != 0) return;  // a value of several characters
    // c ^ 16 is the 5-bit signed delta plus 16; even and odd lanes as 16-bit values.
    const __m128i biased = _mm_xor_si128(c, _mm_set1_epi8(16));
    const __m128i even = _mm_and_si128(biased, _mm_set1_epi16(0xff));
    const __m128i odd = _mm_srli_epi16(biased, 8);
    if ((state.before_last < 128 || state.last < 128) &&
        (state.before_last + lowest_prefix_sum(even) < 0 || state.last + lowest_prefix_sum(odd) < 0)) {
      return;  // a negative count: the caller reports it
    }
    const __m128i weighted_even = _mm_madd_epi16(even, weights), weighted_odd = _mm_madd_epi16(odd, weights);
    const __m128i sum_even = _mm_madd_epi16(even, ones), sum_odd = _mm_madd_epi16(odd, ones);
    // Four horizontal sums at once: (weighted even, weighted odd, sum even, sum odd).
    const __m128i weighted = _mm_add_epi32(_mm_unpacklo_epi32(weighted_even, weighted_odd),
                                           _mm_unpackhi_epi32(weighted_even, weighted_odd));
    const __m128i plain =
        _mm_add_epi32(_mm_unpacklo_epi32(sum_even, sum_odd), _mm_unpackhi_epi32(sum_even, sum_odd));
    const __m128i sums = _mm_sub_epi32(
        _mm_add_epi32(_mm_unpacklo_epi64(weighted, plain), _mm_unpackhi_epi64(weighted, plain)), bias);
    alignas(16) std::int32_t lane[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(lane), sums);
    // Even lanes carry on from before_last, odd ones from last.
    const std::int64_t even_total = 8 * state.before_last + lane[0];
    const std::int64_t odd_total = 8 * state.last + lane[1];
    const auto pixels = static_cast<std::uint64_t>(even_total + odd_total);
    if (pixels > expected - state.totals.pixels) return;  // past height * width: reported elsewhere
    state.totals.pixels += pixels;
    // Odd positions of the whole mask are runs of ones.
    state.totals.ones += static_cast<std::uint64_t>((state.index & 1) ? even_total : odd_total);
    // The block ends on an odd lane: the last count is the odd lanes'.
    state.before_last += lane[2];
    state.last += lane[3];
    state.index += 16;
    state.position += 16;
  }
}
#endif

/// Calls sink.one(count) for each count of `text` and sink.many(counts, n) for
/// stretches decoded together, in order, validating the alphabet, termination,
/// overflow, signs and the total (pycocotools checks none). `Checked` checks every
/// character as it goes; the unchecked instance only runs on text that passed
/// well_formed_characters().
template <bool Checked, class Sink>
DecodeTotals decode_values(std::string_view text, std::uint32_t height, std::uint32_t width, Sink& sink) {
  DecodeTotals totals;
  const std::uint64_t expected = static_cast<std::uint64_t>(height) * width;
  std::int64_t before_last = 0, last = 0;  // the two previous counts, for delta coding
  std::size_t index = 0, p = 0;
  while (p < text.size()) {
#if defined(YTVIS_RLE_SSE2)
    if constexpr (!Checked) {
      if constexpr (!Sink::wants_counts()) {
        if (index >= kFirstDelta) {
          SumState state{index, p, before_last, last, totals};
          sum_single_character_blocks(text, expected, state);
          if (state.position != p) {
            index = state.index;
            p = state.position;
            before_last = state.before_last;
            last = state.last;
            totals = state.totals;
            continue;
          }
        }
      }
      if (index >= kFirstDelta && p + 16 <= text.size() && last < kBlockBound && before_last < kBlockBound) {
        Count counts[16];
        const SingleCharacterBlock block = single_character_block(text.data() + p, index, before_last, last,
                                                                  expected - totals.pixels, counts);
        if (block.taken != 0) {
          sink.many(counts, block.taken);
          totals.pixels += block.pixels;
          totals.ones += block.ones;
          before_last = block.taken >= 2 ? counts[block.taken - 2] : last;
          last = counts[block.taken - 1];
          index += block.taken;
          p += block.taken;
          continue;
        }
      }
    }
#endif
    std::int64_t value = 0;
    unsigned shift = 0;
    bool more = true;
    const std::size_t start = p;
    while (more) {
      if (Checked && p >= text.size()) {
        throw RleError("compressed RLE ends in the middle of a value (position " + std::to_string(start) +
                       ")");
      }
      const int c = static_cast<unsigned char>(text[p]) - 48;
      if (Checked && (c < 0 || c > 63)) {
        throw RleError(std::string("invalid character '") + text[p] + "' at position " + std::to_string(p) +
                       " in compressed RLE");
      }
      if (shift > 30) {
        throw RleError("compressed RLE value at position " + std::to_string(start) + " overflows 32 bits");
      }
      value |= static_cast<std::int64_t>(c & 0x1f) << shift;
      more = (c & 0x20) != 0;
      ++p;
      shift += 5;
      if (!more && (c & 0x10)) value -= std::int64_t{1} << shift;  // sign extension
    }
    if (index >= kFirstDelta) value += before_last;
    if (value < 0) {
      throw RleError("negative run length " + std::to_string(value) + " in compressed RLE (value " +
                     std::to_string(index) + ")");
    }
    if (value > 0xffffffffLL) {
      throw RleError("run length " + std::to_string(value) + " in compressed RLE overflows 32 bits");
    }
    totals.pixels += static_cast<std::uint64_t>(value);
    if (totals.pixels > expected) check_total(totals.pixels, height, width);
    totals.ones += (index & 1) ? static_cast<std::uint64_t>(value) : 0;
    sink.one(static_cast<Count>(value));
    ++index;
    before_last = last;
    last = value;
  }
  check_total(totals.pixels, height, width);
  return totals;
}

/// Decodes `text`, choosing the unchecked instance when the characters allow.
template <class Sink>
DecodeTotals for_each_count(std::string_view text, std::uint32_t height, std::uint32_t width, Sink& sink) {
  if (well_formed_characters(text)) return decode_values<false>(text, height, width, sink);
  return decode_values<true>(text, height, width, sink);
}

}  // namespace ytvis::rle_detail
