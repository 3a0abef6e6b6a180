// cogr_fuzz_replay TARGET FILE...: prints the Status each input gives through TARGET's entry
// point (util/fuzz.hpp), e.g. to write the .expected file of a new regression input:
//   build/fuzz/fuzz/cogr_fuzz_replay read_window crash-... > fuzz/regressions/<class>/<name>.expected
// With one FILE only the status is printed; with several, "FILE: status" lines.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "util/fuzz.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s TARGET FILE...\n", argv[0]);
    return 2;
  }
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    const cogr::Status st = cogr::internal::FuzzReplay(argv[1], bytes.data(), bytes.size());
    if (argc == 3) {
      std::printf("%s\n", st.ToString().c_str());
    } else {
      std::printf("%s: %s\n", argv[i], st.ToString().c_str());
    }
  }
  return 0;
}
