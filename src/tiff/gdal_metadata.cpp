// GDAL_METADATA (tag 42112): GDAL's small XML dialect.
//   <GDALMetadata>
//     <Item name="SCALE" sample="0" role="scale">2</Item>
//     <Item name="NAME" domain="TILING_SCHEME">NZTM2000</Item>
//   </GDALMetadata>
// A flat, single-pass scanner: no recursion, work linear in the input. Item values that hold
// nested XML (GDAL's "xml:" domains) are kept raw up to the first "</Item>".
#include <charconv>
#include <string>
#include <string_view>

#include "cogr/tiff.hpp"

namespace cogr::tiff {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the five XML entities and numeric references; anything else stays literal.
std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += s[i++];
      continue;
    }
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    char c = 0;
    if (name == "amp")
      c = '&';
    else if (name == "lt")
      c = '<';
    else if (name == "gt")
      c = '>';
    else if (name == "quot")
      c = '"';
    else if (name == "apos")
      c = '\'';
    if (c != 0) {
      out += c;
      i = semi + 1;
      continue;
    }
    if (name.size() >= 2 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      const std::string_view digits = name.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      auto [end, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty() && cp > 0 &&
          cp <= 0x10FFFF) {
        AppendUtf8(out, cp);
        i = semi + 1;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text) {}

  bool AtEnd() const { return pos_ >= s_.size(); }
  size_t pos() const { return pos_; }
  bool StartsWith(std::string_view p) const { return s_.substr(pos_, p.size()) == p; }
  void SkipSpace() {
    while (pos_ < s_.size() && (IsSpace(s_[pos_]) || s_[pos_] == '\0')) ++pos_;
  }
  // Moves past the next `p`; false (position unchanged) if there is none.
  bool SkipPast(std::string_view p) {
    const size_t at = s_.find(p, pos_);
    if (at == std::string_view::npos) return false;
    pos_ = at + p.size();
    return true;
  }
  // `<name` followed by a space, '>' or '/': true and moves past the name.
  bool OpenTag(std::string_view name) {
    if (!StartsWith("<") || s_.substr(pos_ + 1, name.size()) != name) return false;
    const size_t after = pos_ + 1 + name.size();
    if (after < s_.size() && !IsSpace(s_[after]) && s_[after] != '>' && s_[after] != '/') {
      return false;
    }
    pos_ = after;
    return true;
  }
  // Attributes up to '>' or "/>". Sets self_closing. False on malformed input.
  bool Attributes(std::map<std::string, std::string>& attrs, bool& self_closing) {
    for (;;) {
      SkipSpace();
      if (AtEnd()) return false;
      if (s_[pos_] == '>') {
        ++pos_;
        self_closing = false;
        return true;
      }
      if (StartsWith("/>")) {
        pos_ += 2;
        self_closing = true;
        return true;
      }
      const size_t name_start = pos_;
      while (pos_ < s_.size() && !IsSpace(s_[pos_]) && s_[pos_] != '=' && s_[pos_] != '>' &&
             s_[pos_] != '/') {
        ++pos_;
      }
      if (pos_ == name_start) return false;
      const std::string_view name = s_.substr(name_start, pos_ - name_start);
      SkipSpace();
      if (AtEnd() || s_[pos_] != '=') return false;
      ++pos_;
      SkipSpace();
      if (AtEnd() || (s_[pos_] != '"' && s_[pos_] != '\'')) return false;
      const char quote = s_[pos_++];
      const size_t close = s_.find(quote, pos_);
      if (close == std::string_view::npos) return false;
      attrs.emplace(std::string(name), DecodeEntities(s_.substr(pos_, close - pos_)));
      pos_ = close + 1;
    }
  }
  // Text up to `end_tag` (exclusive); moves past end_tag. False if absent.
  bool TextUntil(std::string_view end_tag, std::string_view& text) {
    const size_t at = s_.find(end_tag, pos_);
    if (at == std::string_view::npos) return false;
    text = s_.substr(pos_, at - pos_);
    pos_ = at + end_tag.size();
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Status Malformed(const std::string& what, size_t pos) {
  return Status::InvalidFile("GDAL_METADATA: " + what + " at offset " + std::to_string(pos));
}

bool ParseDouble(std::string_view s, double& out) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

void AddItem(GdalMetadata& md, const std::map<std::string, std::string>& attrs, std::string value) {
  auto find = [&](const char* key) -> const std::string* {
    auto it = attrs.find(key);
    return it == attrs.end() ? nullptr : &it->second;
  };
  const std::string* name = find("name");
  if (name == nullptr) return;
  const std::string* domain = find("domain");
  // Items of other domains must not shadow default-domain ones: key them "DOMAIN:NAME".
  const std::string key = domain && !domain->empty() ? *domain + ":" + *name : *name;
  const std::string* sample = find("sample");
  if (sample == nullptr) {
    md.dataset_items.insert_or_assign(key, std::move(value));
    return;
  }
  int band = 0;
  const std::string_view sv = Trim(*sample);
  auto [end, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), band);
  // GDAL ignores items naming bands it does not have; a nonsense index is ignored here too.
  if (ec != std::errc() || end != sv.data() + sv.size() || band < 0 || band > 65535) return;

  if (!domain || domain->empty()) {
    const std::string* role_attr = find("role");
    const std::string role = role_attr                ? *role_attr
                             : *name == "SCALE"       ? "scale"
                             : *name == "OFFSET"      ? "offset"
                             : *name == "DESCRIPTION" ? "description"
                                                      : "";
    double number = 0;
    if (role == "scale" && ParseDouble(value, number)) {
      md.scales[band] = number;
    } else if (role == "offset" && ParseDouble(value, number)) {
      md.offsets[band] = number;
    } else if (role == "description") {
      md.descriptions[band] = value;
    }
  }
  // As GDAL: an item whose role attribute is one GDAL consumes is not band metadata.
  const std::string* role_attr = find("role");
  if (role_attr != nullptr &&
      (*role_attr == "scale" || *role_attr == "offset" || *role_attr == "unittype" ||
       *role_attr == "description" || *role_attr == "colorinterp")) {
    return;
  }
  md.band_items[band].insert_or_assign(key, std::move(value));
}

}  // namespace

Result<GdalMetadata> ParseGdalMetadata(const std::string& xml) {
  GdalMetadata md;
  Scanner sc(xml);
  // Prolog: optional BOM, XML declaration, comments.
  if (sc.StartsWith("\xEF\xBB\xBF")) sc.SkipPast("\xEF\xBB\xBF");
  for (;;) {
    sc.SkipSpace();
    if (sc.StartsWith("<?")) {
      if (!sc.SkipPast("?>")) return Malformed("unterminated XML declaration", sc.pos());
    } else if (sc.StartsWith("<!--")) {
      if (!sc.SkipPast("-->")) return Malformed("unterminated comment", sc.pos());
    } else {
      break;
    }
  }
  if (!sc.OpenTag("GDALMetadata")) return Malformed("no <GDALMetadata> element", sc.pos());
  std::map<std::string, std::string> root_attrs;
  bool self_closing = false;
  if (!sc.Attributes(root_attrs, self_closing)) {
    return Malformed("bad <GDALMetadata> tag", sc.pos());
  }
  if (self_closing) return md;

  for (;;) {
    sc.SkipSpace();
    if (sc.AtEnd()) return Malformed("no </GDALMetadata>", sc.pos());
    if (sc.StartsWith("<!--")) {
      if (!sc.SkipPast("-->")) return Malformed("unterminated comment", sc.pos());
      continue;
    }
    if (sc.StartsWith("</GDALMetadata")) {
      if (!sc.SkipPast(">")) return Malformed("unterminated </GDALMetadata", sc.pos());
      break;
    }
    const size_t item_pos = sc.pos();
    if (!sc.OpenTag("Item")) return Malformed("expected <Item> or </GDALMetadata>", item_pos);
    std::map<std::string, std::string> attrs;
    if (!sc.Attributes(attrs, self_closing)) return Malformed("bad <Item> tag", item_pos);
    std::string value;
    if (!self_closing) {
      std::string_view raw;
      if (!sc.TextUntil("</Item>", raw)) return Malformed("<Item> without </Item>", item_pos);
      // Text values are entity-decoded; nested XML (format="xml" items) stays as written.
      value = raw.find('<') == std::string_view::npos ? DecodeEntities(raw) : std::string(raw);
    }
    AddItem(md, attrs, std::move(value));
  }
  // Anything after the root element other than whitespace is malformed.
  sc.SkipSpace();
  if (!sc.AtEnd()) return Malformed("text after </GDALMetadata>", sc.pos());
  return md;
}

}  // namespace cogr::tiff
