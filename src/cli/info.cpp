// `cogr info`: the metadata of a file, as JSON (the stable contract) or as a readable summary.
#include <cmath>
#include <cstdio>
#include <string>

#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"
#include "commands.hpp"
#include "json_writer.hpp"
#include "stats.hpp"
#include "trace_output.hpp"

namespace cogr::cli {
namespace {

// rasterio's names (lower-case GDAL PHOTOMETRIC values) of the TIFF Photometric codes.
std::string PhotometricName(uint16_t code) {
  switch (code) {
    case 0: return "miniswhite";
    case 1: return "minisblack";
    case 2: return "rgb";
    case 3: return "palette";
    case 4: return "mask";
    case 5: return "cmyk";
    case 6: return "ycbcr";
    case 8: return "cielab";
    case 9: return "icclab";
    case 10: return "itulab";
    default: return "";
  }
}

std::string InfoJson(const Dataset& ds) {
  JsonWriter w;
  w.BeginObject();
  // The contract keys, in the contract's order.
  w.Key("width").UInt(ds.width());
  w.Key("height").UInt(ds.height());
  w.Key("count").Int(ds.count());
  w.Key("dtype").String(DataTypeName(ds.dtype()));
  auto block = ds.block_shape();
  w.Key("block_shape").BeginArray().UInt(block[0]).UInt(block[1]).EndArray();
  w.Key("compression").String(ds.compression());
  w.Key("interleave").String(ds.interleave());
  if (auto epsg = ds.crs_epsg()) {
    w.Key("crs_epsg").Int(*epsg);
  } else {
    w.Key("crs_epsg").Null();
  }
  if (auto wkt = ds.crs_wkt()) {
    w.Key("crs_wkt").String(*wkt);
  } else {
    w.Key("crs_wkt").Null();
  }
  w.Key("transform").BeginArray();
  for (double v : ds.transform().ToArray()) w.Double(v);
  w.EndArray();
  if (auto nodata = ds.nodata()) {
    w.Key("nodata").DoubleOrString(*nodata);
  } else {
    w.Key("nodata").Null();
  }
  w.Key("overviews").BeginArray();
  for (int factor : ds.overviews()) w.Int(factor);
  w.EndArray();
  geo::Bounds b = ds.bounds();
  w.Key("bounds")
      .BeginArray()
      .Double(b.left)
      .Double(b.bottom)
      .Double(b.right)
      .Double(b.top)
      .EndArray();
  w.Key("is_cog").Bool(ds.is_cog());

  // Extras: allowed after the contract keys.
  auto [res_x, res_y] = ds.res();
  w.Key("res").BeginArray().Double(res_x).Double(res_y).EndArray();
  uint16_t photometric = ds.photometric();
  if (std::string name = PhotometricName(photometric); !name.empty()) {
    w.Key("photometric").String(name);
  } else {
    w.Key("photometric").UInt(photometric);
  }
  w.Key("pixel_is_point").Bool(ds.pixel_is_point());
  w.Key("has_mask").Bool(ds.has_mask());
  w.Key("scales").BeginArray();
  for (double v : ds.scales()) w.DoubleOrString(v);
  w.EndArray();
  w.Key("offsets").BeginArray();
  for (double v : ds.offsets()) w.DoubleOrString(v);
  w.EndArray();
  w.Key("descriptions").BeginArray();
  for (const std::string& d : ds.descriptions()) w.String(d);
  w.EndArray();
  w.EndObject();
  return w.str();
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

// Values the way Python prints them, but without the quotes JSON would add to "nan".
std::string Num(double v) { return FormatDouble(v); }

void PrintLine(const char* label, const std::string& value) {
  std::printf("%-13s%s\n", label, value.c_str());
}

void PrintSummary(const Dataset& ds) {
  PrintLine("File:", ds.uri());
  PrintLine("Driver:", "GTiff/GeoTIFF");
  PrintLine("Layout:", ds.is_cog() ? "COG (cloud-optimized)" : "GTiff (not cloud-optimized)");
  PrintLine("Size:", std::to_string(ds.width()) + " x " + std::to_string(ds.height()) +
                         " pixels (width x height)");
  PrintLine("Bands:", std::to_string(ds.count()));
  PrintLine("Data type:", std::string(DataTypeName(ds.dtype())));
  auto block = ds.block_shape();
  PrintLine("Block:",
            std::to_string(block[1]) + " x " + std::to_string(block[0]) + " (width x height)");
  PrintLine("Compression:", ds.compression());
  PrintLine("Interleave:", ds.interleave());
  std::string photometric = PhotometricName(ds.photometric());
  PrintLine("Photometric:", photometric.empty() ? std::to_string(ds.photometric()) : photometric);

  auto epsg = ds.crs_epsg();
  auto wkt = ds.crs_wkt();
  if (!epsg && !wkt) {
    PrintLine("CRS:", "none");
  } else {
    // "EPSG:32631 (WGS 84 / UTM zone 31N)": the code and the CRS's name, as PROJ reads the
    // WKT (the name alone when there is no code).
    std::string name;
    if (wkt) {
      if (auto crs = geo::Crs::FromUserInput(*wkt); crs.ok()) name = crs->Name();
    }
    std::string line = epsg ? "EPSG:" + std::to_string(*epsg) : "(no EPSG code)";
    if (!name.empty()) line = epsg ? line + " (" + name + ")" : name + " (no EPSG code)";
    PrintLine("CRS:", line);
    if (wkt) {
      // The first line of the WKT, cut short: enough to recognise the CRS.
      constexpr size_t kMaxWktChars = 100;
      std::string first = wkt->substr(0, wkt->find('\n'));
      if (first.size() > kMaxWktChars) first = first.substr(0, kMaxWktChars) + "...";
      PrintLine("", first);
    }
  }
  const geo::Affine& t = ds.transform();
  PrintLine("Transform:", "(" + Num(t.a) + ", " + Num(t.b) + ", " + Num(t.c) + ", " + Num(t.d) +
                              ", " + Num(t.e) + ", " + Num(t.f) + ")");
  PrintLine("Origin:", "(" + Num(t.c) + ", " + Num(t.f) + ")");
  auto [res_x, res_y] = ds.res();
  PrintLine("Resolution:", "(" + Num(res_x) + ", " + Num(res_y) + ")");
  geo::Bounds b = ds.bounds();
  PrintLine("Bounds:", "left " + Num(b.left) + ", bottom " + Num(b.bottom) + ", right " +
                           Num(b.right) + ", top " + Num(b.top));
  PrintLine("Pixel type:", ds.pixel_is_point() ? "Point" : "Area");
  PrintLine("NoData:", ds.nodata() ? Num(*ds.nodata()) : "none");
  std::vector<std::string> factors;
  for (int f : ds.overviews()) factors.push_back(std::to_string(f));
  PrintLine("Overviews:", factors.empty() ? "none" : Join(factors));
  PrintLine("Mask:", ds.has_mask() ? "internal" : "none");

  // Per-band metadata, only where it says something.
  for (int i = 0; i < ds.count(); ++i) {
    size_t k = static_cast<size_t>(i);
    std::vector<std::string> parts;
    if (k < ds.descriptions().size() && !ds.descriptions()[k].empty()) {
      parts.push_back("\"" + ds.descriptions()[k] + "\"");
    }
    if (k < ds.scales().size() && ds.scales()[k] != 1.0) {
      parts.push_back("scale " + Num(ds.scales()[k]));
    }
    if (k < ds.offsets().size() && ds.offsets()[k] != 0.0) {
      parts.push_back("offset " + Num(ds.offsets()[k]));
    }
    if (!parts.empty()) PrintLine(("Band " + std::to_string(i + 1) + ":").c_str(), Join(parts));
  }
}

int RunInfoTraced(const InfoArgs& args, std::shared_ptr<Trace> trace) {
  OpenOptions open_options;
  open_options.trace = std::move(trace);
  args.bounds.ApplyTo(open_options);
  auto opened = Dataset::Open(args.path, open_options);
  if (!opened.ok()) {
    PrintError(args.bounds.Explain(opened.status()), args.path);
    return kExitFailure;
  }
  const Dataset& ds = **opened;
  if (args.json) {
    std::string line = InfoJson(ds);
    line += '\n';
    std::fputs(line.c_str(), stdout);
  } else {
    PrintSummary(ds);
  }
  if (!FinishStdout()) return kExitFailure;
  if (args.stats) PrintIoStats(ds.io_stats());
  return 0;
}

}  // namespace

int RunInfo(const InfoArgs& args) {
  return RunWithTrace(args.trace,
                      [&args](std::shared_ptr<Trace> trace) { return RunInfoTraced(args, trace); });
}

}  // namespace cogr::cli
