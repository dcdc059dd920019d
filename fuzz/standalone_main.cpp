// A small fuzzing engine for compilers without libFuzzer (GCC): runs the seed
// files given, then mutated copies of them (bit flips, byte edits, cuts,
// duplicated ranges, JSON and RLE tokens, splices; mutants are mutated again)
// until the time is up.
// Coverage is not measured, so it finds less than libFuzzer, but under
// AddressSanitizer and UndefinedBehaviorSanitizer every input is checked.
//
//   fuzz_ingest [-seconds=N] [-seed=S] [-max_len=BYTES] SEED_FILE_OR_DIR...
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;

const char* const kTokens[] = {"{",
                               "}",
                               "[",
                               "]",
                               ",",
                               ":",
                               "\"",
                               "null",
                               "true",
                               "false",
                               "0",
                               "-1",
                               "1e309",
                               "-0",
                               "1.5",
                               "4294967296",
                               "9223372036854775808",
                               "\"size\"",
                               "\"counts\"",
                               "\"video_id\"",
                               "\"category_id\"",
                               "\"score\"",
                               "\"segmentations\"",
                               "\"bboxes\"",
                               "\"areas\"",
                               "\"id\"",
                               "\"videos\"",
                               "\"annotations\"",
                               "\"categories\"",
                               "\"height\"",
                               "\"width\"",
                               "\"length\"",
                               "\"iscrowd\"",
                               "[4, 4]",
                               "[0, 0]",
                               "[65536, 65537]",
                               "\"0\"",
                               "\"\"",
                               "\"@\"",
                               "\"P\"",
                               "\"04\"",
                               "\\u0000",
                               "NaN",
                               "[[1, 2, 3, 4, 5, 6]]",
                               "[16]",
                               "[0, 16]",
                               "[1, -1, 16]"};

Bytes read_bytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

void mutate(Bytes& input, const std::vector<Bytes>& seeds, std::mt19937_64& rng, std::size_t max_len) {
  auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const std::size_t at = pick(input.size() + 1);
    switch (rng() % 8) {
      case 0:  // flip a bit
        if (!input.empty()) input[pick(input.size())] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        break;
      case 1:  // overwrite a byte
        if (!input.empty()) input[pick(input.size())] = static_cast<std::uint8_t>(rng());
        break;
      case 2:  // insert a byte
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng()));
        break;
      case 3: {  // erase a range
        const std::size_t n = pick(std::min<std::size_t>(16, input.size() - at) + 1);
        input.erase(input.begin() + static_cast<std::ptrdiff_t>(at),
                    input.begin() + static_cast<std::ptrdiff_t>(at + n));
        break;
      }
      case 4: {  // duplicate a range
        if (input.empty()) break;
        const std::size_t from = pick(input.size());
        const std::size_t n = 1 + pick(std::min<std::size_t>(64, input.size() - from));
        const Bytes range(input.begin() + static_cast<std::ptrdiff_t>(from),
                          input.begin() + static_cast<std::ptrdiff_t>(from + n));
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), range.begin(), range.end());
        break;
      }
      case 5:
      case 6: {  // insert a token
        const std::string token = kTokens[pick(std::size(kTokens))];
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), token.begin(), token.end());
        break;
      }
      default: {  // splice: our head, another seed's tail
        const Bytes& other = seeds[pick(seeds.size())];
        const std::size_t from = pick(other.size() + 1);
        input.resize(at);
        input.insert(input.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
        break;
      }
    }
  }
  if (input.size() > max_len) input.resize(max_len);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 10;
  std::uint64_t seed = 1;
  std::size_t max_len = 4096;
  std::vector<Bytes> seeds;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("-seconds=", 0) == 0) {
      seconds = std::atof(arg.c_str() + 9);
    } else if (arg.rfind("-seed=", 0) == 0) {
      seed = std::strtoull(arg.c_str() + 6, nullptr, 10);
    } else if (arg.rfind("-max_len=", 0) == 0) {
      max_len = std::strtoull(arg.c_str() + 9, nullptr, 10);
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) seeds.push_back(read_bytes(entry));
    } else {
      seeds.push_back(read_bytes(arg));
    }
  }
  if (seeds.empty()) seeds.push_back(Bytes{});
  for (const Bytes& s : seeds) LLVMFuzzerTestOneInput(s.data(), s.size());

  // Accepted mutants (the target returns 0, not -1 as for rejected input) join
  // the pool now and then, so edits pile up over runs on input that gets deep.
  std::vector<Bytes> pool = seeds;
  constexpr std::size_t kPoolSize = 4096;
  std::mt19937_64 rng(seed);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::uint64_t runs = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    for (int batch = 0; batch < 64; ++batch, ++runs) {
      // Half the time a seed, so the pool cannot drift away from them entirely.
      const std::vector<Bytes>& source = (rng() % 2) ? seeds : pool;
      Bytes input = source[static_cast<std::size_t>(rng() % source.size())];
      mutate(input, seeds, rng, max_len);
      const int outcome = LLVMFuzzerTestOneInput(input.data(), input.size());
      if (outcome == 0 && rng() % 4 == 0) {
        if (pool.size() < kPoolSize) {
          pool.push_back(std::move(input));
        } else {
          pool[seeds.size() + static_cast<std::size_t>(rng() % (kPoolSize - seeds.size()))] =
              std::move(input);
        }
      }
    }
  }
  std::printf("%s: %llu runs in %.0f s, seed %llu, no failure\n", argv[0],
              static_cast<unsigned long long>(runs + seeds.size()), seconds,
              static_cast<unsigned long long>(seed));
  return 0;
}
