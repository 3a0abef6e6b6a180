#include "test_util.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

namespace cogr::test {

std::string DataPath(const std::string& name) {
  // Fixture files live once, in tests/data/fixtures/ (answers in fixtures/expected/); tests may
  // name them by bare file name.
  const std::string root = std::string(COGR_TEST_DATA_DIR) + "/";
  for (const std::string& dir :
       {std::string(), std::string("fixtures/"), std::string("fixtures/expected/")}) {
    std::ifstream probe(root + dir + name, std::ios::binary);
    if (probe.good()) return root + dir + name;
  }
  return root + name;
}

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

size_t CoalescedRuns(std::vector<ByteRange> ranges, uint64_t hole) {
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  size_t runs = 0;
  uint64_t end = 0;
  for (const ByteRange& r : ranges) {
    if (runs == 0 || r.offset > end + hole) ++runs;
    end = std::max(end, r.end());
  }
  return runs;
}

std::string ReadFileText(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Npy ParseNpy(const std::vector<uint8_t>& b) {
  Npy out;
  if (b.size() < 10 || b[0] != 0x93 || std::string(b.begin() + 1, b.begin() + 6) != "NUMPY") {
    out.error = "not an npy file";
    return out;
  }
  uint8_t major = b[6];
  size_t header_len, pos;
  if (major == 1) {
    header_len = b[8] | (b[9] << 8);
    pos = 10;
  } else {
    if (b.size() < 12) {
      out.error = "short npy";
      return out;
    }
    header_len = b[8] | (b[9] << 8) | (size_t(b[10]) << 16) | (size_t(b[11]) << 24);
    pos = 12;
  }
  if (pos + header_len > b.size()) {
    out.error = "short npy header";
    return out;
  }
  std::string h(b.begin() + pos, b.begin() + pos + header_len);
  auto d = h.find("'descr':");
  auto q1 = h.find('\'', d + 8);
  auto q2 = h.find('\'', q1 + 1);
  out.descr = h.substr(q1 + 1, q2 - q1 - 1);
  if (h.find("'fortran_order': True") != std::string::npos) {
    out.error = "fortran order";
    return out;
  }
  auto s = h.find("'shape':");
  auto p1 = h.find('(', s);
  auto p2 = h.find(')', p1);
  std::string dims = h.substr(p1 + 1, p2 - p1 - 1);
  std::stringstream ss(dims);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    if (tok.find_first_not_of(' ') == std::string::npos) continue;
    out.shape.push_back(std::stoull(tok));
  }
  out.data.assign(b.begin() + pos + header_len, b.end());
  out.ok = true;
  return out;
}

Npy LoadNpy(const std::string& path) {
  auto bytes = ReadFileBytes(path);
  if (bytes.empty()) {
    Npy n;
    n.error = "cannot read " + path;
    return n;
  }
  return ParseNpy(bytes);
}

}  // namespace cogr::test
