// cogr._cogr: the pybind11 binding of cogr's public C++ API. The Python package (cogr/)
// gives it rasterio's names; this file only converts arguments and results.
//
// Rules kept here: every open and read runs with the GIL released; a read's numpy array is the
// C++ result's own memory (a capsule owns the cogr::Array, no copy); a failed Status becomes the
// cogr.errors class of its code with the message unchanged.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cogr/catalog.hpp"
#include "cogr/cogr.hpp"
#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"
#include "cogr/geo.hpp"
#include "cogr/mask.hpp"
#include "cogr/quicklook.hpp"
#include "cogr/threads.hpp"
#include "cogr/version.hpp"
#include "cogr/write.hpp"

namespace py = pybind11;

namespace {

using cogr::Array;
using cogr::Code;
using cogr::Dataset;
using cogr::DataType;
using cogr::Status;

/// The cogr.errors class name of a code.
const char* ErrorClassName(Code code) {
  switch (code) {
    case Code::kOk: break;
    case Code::kInvalidFile: return "InvalidFile";
    case Code::kUnsupported: return "Unsupported";
    case Code::kLimitExceeded: return "LimitExceeded";
    case Code::kIoError: return "IoError";
    case Code::kUnavailable: return "Unavailable";
    case Code::kNotFound: return "NotFound";
    case Code::kOutOfRange: return "OutOfRange";
    case Code::kInvalidArgument: return "InvalidArgument";
    case Code::kCancelled: return "Cancelled";
  }
  return "CogrError";
}

/// A cogr.errors exception object for `status` (GIL held).
py::object ErrorObject(const Status& status) {
  py::object cls = py::module_::import("cogr.errors").attr(ErrorClassName(status.code()));
  return cls(py::str(status.message()));
}

/// Raises the cogr.errors class of `status` (GIL held).
[[noreturn]] void Raise(const Status& status) {
  py::object exc = ErrorObject(status);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw py::error_already_set();
}

void Check(const Status& status) {
  if (!status.ok()) Raise(status);
}

template <class T>
T Take(cogr::Result<T>&& result) {
  if (!result.ok()) Raise(result.status());
  return std::move(result).value();
}

/// numpy dtype of a cogr DataType; complex integers are (re, im) records as in `cogr read`'s .npy.
py::dtype NumpyDtype(DataType t) {
  switch (t) {
    case DataType::kCInt16:
    case DataType::kCInt32: {
      const char* part = t == DataType::kCInt16 ? "<i2" : "<i4";
      py::list fields;
      fields.append(py::make_tuple("re", part));
      fields.append(py::make_tuple("im", part));
      return py::dtype::from_args(fields);
    }
    default: break;
  }
  std::string_view name = cogr::DataTypeName(t);
  if (name.empty()) throw py::value_error("unknown data type");
  return py::dtype(std::string(name));
}

DataType ParseDtype(const std::string& name) {
  static const DataType all[] = {DataType::kUInt8,    DataType::kInt8,    DataType::kUInt16,
                                 DataType::kInt16,    DataType::kUInt32,  DataType::kInt32,
                                 DataType::kUInt64,   DataType::kInt64,   DataType::kFloat32,
                                 DataType::kFloat64,  DataType::kCInt16,  DataType::kCInt32,
                                 DataType::kCFloat32, DataType::kCFloat64};
  for (DataType t : all) {
    if (cogr::DataTypeName(t) == name) return t;
  }
  Raise(Status::InvalidArgument("unknown dtype '" + name + "'"));
}

using Bytes = decltype(Array::data);

/// Memory of freed read results, handed to the next read (Dataset::ReadInto reuses an Array's
/// memory when the size matches): a loop of same-sized reads into fresh numpy arrays then costs
/// what reads into one kept array cost, with no allocation, page faults or release of hundreds
/// of MB per read. Holds at most kMaxBuffers buffers and capacity() bytes (set_buffer_pool_bytes;
/// 0 = off); buffers under 1 MiB are not kept (malloc is cheap there).
class BufferPool {
 public:
  static constexpr size_t kMinBytes = 1 << 20;
  static constexpr size_t kMaxBuffers = 4;

  static BufferPool& Get() {
    static BufferPool* pool =
        new BufferPool;  // never destroyed: arrays may outlive static destructors
    return *pool;
  }
  /// The most recently returned buffer (empty when none): the likeliest size for the next read.
  Bytes Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.empty()) return {};
    Bytes b = std::move(free_.back());
    free_.pop_back();
    held_ -= b.size();
    return b;
  }
  void Give(Bytes&& bytes) {
    if (bytes.size() < kMinBytes) return;
    std::vector<Bytes> dropped;  // released outside the lock
    std::lock_guard<std::mutex> lock(mu_);
    if (bytes.size() > capacity_) return;
    held_ += bytes.size();
    free_.push_back(std::move(bytes));
    while (held_ > capacity_ || free_.size() > kMaxBuffers) {
      held_ -= free_.front().size();
      dropped.push_back(std::move(free_.front()));
      free_.erase(free_.begin());
    }
  }
  void SetCapacity(size_t bytes) {
    std::vector<Bytes> dropped;
    std::lock_guard<std::mutex> lock(mu_);
    capacity_ = bytes;
    while (held_ > capacity_ && !free_.empty()) {
      held_ -= free_.front().size();
      dropped.push_back(std::move(free_.front()));
      free_.erase(free_.begin());
    }
  }
  size_t capacity() {
    std::lock_guard<std::mutex> lock(mu_);
    return capacity_;
  }
  size_t held() {
    std::lock_guard<std::mutex> lock(mu_);
    return held_;
  }

 private:
  std::mutex mu_;
  std::vector<Bytes> free_;
  size_t held_ = 0;
  size_t capacity_ = size_t{256} << 20;  // one 10240² uint16 image and some change
};

/// Reads into an Array whose memory comes from the pool (GIL released by the caller).
cogr::Result<Array> PooledRead(const Dataset& ds, const cogr::ReadOptions& options) {
  Array a;
  a.data = BufferPool::Get().Take();
  const Status st = ds.ReadInto(options, a);
  if (!st.ok()) {
    BufferPool::Get().Give(std::move(a.data));
    return st;
  }
  return a;
}

/// A numpy array over the memory of `array` (shape (bands, height, width)); it owns the Array
/// and gives its memory back to the pool when numpy frees it.
py::array ToNumpy(Array&& array) {
  auto* owned = new Array(std::move(array));
  py::capsule owner(owned, [](void* p) {
    auto* a = static_cast<Array*>(p);
    BufferPool::Get().Give(std::move(a->data));
    delete a;
  });
  const py::dtype dt = NumpyDtype(owned->dtype);
  const auto item = static_cast<py::ssize_t>(cogr::DataTypeSize(owned->dtype));
  const std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(owned->bands),
                                       static_cast<py::ssize_t>(owned->height),
                                       static_cast<py::ssize_t>(owned->width)};
  const std::vector<py::ssize_t> strides{shape[1] * shape[2] * item, shape[2] * item, item};
  return py::array(dt, shape, strides, owned->data.data(), owner);
}

/// (array, failed, stats) of a stack read: failed = [(scene index, message)], stats one dict
/// per scene (ms, requests, bytes_fetched).
py::tuple StackReadTuple(py::object array, const cogr::StackRead& result) {
  py::list failed;
  for (size_t i = 0; i < result.failed.size(); ++i) {
    failed.append(py::make_tuple(result.failed[i], result.failed_messages[i]));
  }
  py::list stats;
  for (const auto& r : result.scenes) {
    py::dict d;
    d["ms"] = r.ms;
    d["requests"] = r.io.requests;
    d["bytes_fetched"] = r.io.bytes_fetched;
    stats.append(d);
  }
  return py::make_tuple(std::move(array), failed, stats);
}

py::tuple AffineTuple(const cogr::geo::Affine& t) {
  return py::make_tuple(t.a, t.b, t.c, t.d, t.e, t.f);
}

cogr::geo::Affine AffineFrom(const std::vector<double>& v) {
  if (v.size() != 6) throw py::value_error("a transform has 6 coefficients (a, b, c, d, e, f)");
  return {v[0], v[1], v[2], v[3], v[4], v[5]};
}

template <class T>
T Cast(const py::handle& value, const char* key) {
  try {
    return value.cast<T>();
  } catch (const py::cast_error&) {
    throw py::type_error(std::string("option '") + key + "' has the wrong type");
  }
}

/// An integer option given as a Python int or a numeric string (GDAL creation options are text).
template <class T>
T Int(const py::handle& value, const char* key) {
  try {
    return py::int_(py::reinterpret_borrow<py::object>(value)).cast<T>();
  } catch (const py::error_already_set&) {
    throw py::type_error(std::string("option '") + key + "' must be an integer");
  } catch (const py::cast_error&) {
    throw py::type_error(std::string("option '") + key + "' is out of range");
  }
}

/// OpenOptions from keyword arguments (the names are the C++ fields; docs/python.md lists them).
cogr::OpenOptions OpenOptionsFrom(const py::dict& kw) {
  cogr::OpenOptions o;
  for (auto item : kw) {
    const std::string key = py::str(item.first);
    const py::handle v = item.second;
    if (v.is_none()) continue;
    if (key == "header_read_bytes")
      o.header_read_bytes = Cast<uint64_t>(v, "header_read_bytes");
    else if (key == "block_cache_bytes")
      o.block_cache_bytes = Cast<uint64_t>(v, "block_cache_bytes");
    else if (key == "timeout_ms")
      o.timeout_ms = Cast<uint32_t>(v, "timeout_ms");
    else if (key == "max_read_bytes")
      o.limits.max_read_bytes = Cast<uint64_t>(v, "max_read_bytes");
    else if (key == "max_header_bytes")
      o.limits.max_header_bytes = Cast<uint64_t>(v, "max_header_bytes");
    else if (key == "max_block_bytes")
      o.limits.max_block_bytes = Cast<uint64_t>(v, "max_block_bytes");
    else if (key == "prefix_bytes")
      o.io.prefix_bytes = Cast<uint64_t>(v, "prefix_bytes");
    else if (key == "hole_size_limit")
      o.io.hole_size_limit = Cast<uint64_t>(v, "hole_size_limit");
    else if (key == "range_size_limit")
      o.io.range_size_limit = Cast<uint64_t>(v, "range_size_limit");
    else if (key == "max_concurrent_requests")
      o.io.max_concurrent_requests = Cast<uint32_t>(v, "max_concurrent_requests");
    else if (key == "connect_timeout_ms")
      o.io.connect_timeout_ms = Cast<uint32_t>(v, "connect_timeout_ms");
    else if (key == "request_timeout_ms")
      o.io.request_timeout_ms = Cast<uint32_t>(v, "request_timeout_ms");
    else if (key == "max_retries")
      o.io.retry.max_retries = Cast<uint32_t>(v, "max_retries");
    else if (key == "ca_bundle")
      o.io.ca_bundle = Cast<std::string>(v, "ca_bundle");
    else if (key == "proxy")
      o.io.proxy = Cast<std::string>(v, "proxy");
    else if (key == "verify_tls")
      o.io.verify_tls = Cast<bool>(v, "verify_tls");
    else if (key == "headers")
      o.io.headers = Cast<std::vector<std::string>>(v, "headers");
    else if (key == "memory_header_cache")
      o.io.memory_header_cache = Cast<bool>(v, "memory_header_cache");
    else if (key == "persisted_header_cache")
      o.io.persisted_header_cache = Cast<bool>(v, "persisted_header_cache");
    else if (key == "header_cache_dir")
      o.io.header_cache_dir = Cast<std::string>(v, "header_cache_dir");
    else if (key == "s3_region")
      o.io.s3.region = Cast<std::string>(v, "s3_region");
    else if (key == "s3_endpoint_url")
      o.io.s3.endpoint_url = Cast<std::string>(v, "s3_endpoint_url");
    else if (key == "s3_path_style")
      o.io.s3.path_style = Cast<bool>(v, "s3_path_style");
    else if (key == "s3_no_sign_request")
      o.io.s3.no_sign_request = Cast<bool>(v, "s3_no_sign_request");
    else if (key == "s3_requester_pays")
      o.io.s3.requester_pays = Cast<bool>(v, "s3_requester_pays");
    else if (key == "gcs_endpoint_url")
      o.io.gcs.endpoint_url = Cast<std::string>(v, "gcs_endpoint_url");
    else if (key == "gcs_access_token")
      o.io.gcs.access_token = Cast<std::string>(v, "gcs_access_token");
    else if (key == "trace")
      o.trace = Cast<std::shared_ptr<cogr::Trace>>(v, "trace");
    else
      throw py::type_error("open() got an unexpected keyword argument '" + key + "'");
  }
  return o;
}

cogr::ReadOptions ReadOptionsFrom(const std::vector<int>& bands,
                                  const std::optional<std::vector<double>>& window, bool boundless,
                                  std::optional<double> fill, std::optional<int> overview,
                                  const std::optional<std::pair<uint64_t, uint64_t>>& out_shape,
                                  const std::string& resampling, uint32_t timeout_ms,
                                  std::shared_ptr<cogr::Trace> trace = nullptr) {
  cogr::ReadOptions o;
  o.trace = std::move(trace);
  o.bands = bands;
  if (window) {
    if (window->size() != 4) throw py::value_error("a window is (col_off, row_off, width, height)");
    o.window = cogr::geo::Window{(*window)[0], (*window)[1], (*window)[2], (*window)[3]};
  }
  o.boundless = boundless;
  o.fill = fill;
  o.overview = overview;
  o.out_shape = out_shape;
  o.resampling = Take(cogr::ParseResampling(resampling));
  o.timeout_ms = timeout_ms;
  return o;
}

/// Checks the caller's `out` before a read: C-contiguous, writable, the read's dtype.
void CheckOut(const py::array& out, DataType dtype) {
  if (!(out.flags() & py::array::c_style)) throw py::value_error("out must be C-contiguous");
  if (!out.writeable()) throw py::value_error("out must be writable");
  if (!out.dtype().is(NumpyDtype(dtype)) && !out.dtype().equal(NumpyDtype(dtype))) {
    throw py::value_error("out has dtype " + std::string(py::str(out.dtype())) +
                          ", the read gives " + std::string(py::str(NumpyDtype(dtype))));
  }
}

/// A Python callable held by C++ callbacks: released under the GIL wherever the last copy of
/// the callback dies (an executor thread holds no GIL).
std::shared_ptr<py::object> KeepCallback(py::object done) {
  return std::shared_ptr<py::object>(new py::object(std::move(done)), [](py::object* p) {
    if (!Py_IsInitialized()) return;  // interpreter gone: leak rather than crash
    py::gil_scoped_acquire gil;
    delete p;
  });
}

/// The binding's Dataset: a shared, thread-safe cogr::Dataset.
class PyDataset {
 public:
  explicit PyDataset(std::shared_ptr<Dataset> ds) : ds_(std::move(ds)) {}

  static PyDataset Open(const std::string& uri, const py::dict& kw) {
    cogr::OpenOptions options = OpenOptionsFrom(kw);
    cogr::Result<std::shared_ptr<Dataset>> r = [&] {
      py::gil_scoped_release nogil;
      return Dataset::Open(uri, options);
    }();
    return PyDataset(Take(std::move(r)));
  }

  /// Starts Dataset::OpenAsync; `done(dataset, None)` or `done(None, exception)` runs on a cogr
  /// executor thread with the GIL held.
  static void OpenAsync(const std::string& uri, const py::dict& kw, py::object done) {
    cogr::OpenOptions options = OpenOptionsFrom(kw);
    std::shared_ptr<py::object> cb = KeepCallback(std::move(done));
    py::gil_scoped_release nogil;
    Dataset::OpenAsync(uri, std::move(options),
                       [cb](cogr::Result<std::shared_ptr<Dataset>> result) {
                         if (!Py_IsInitialized()) return;
                         py::gil_scoped_acquire gil;
                         try {
                           if (result.ok()) {
                             (*cb)(py::cast(PyDataset(std::move(result).value())), py::none());
                           } else {
                             (*cb)(py::none(), ErrorObject(result.status()));
                           }
                         } catch (py::error_already_set& e) {
                           e.discard_as_unraisable("cogr open_async callback");
                         }
                       });
  }

  const Dataset& ds() const { return *ds_; }
  const std::shared_ptr<Dataset>& shared() const { return ds_; }

  py::array Read(const cogr::ReadOptions& options, const std::optional<py::array>& out) const {
    if (!out) {
      cogr::Result<Array> r = [&] {
        py::gil_scoped_release nogil;
        return PooledRead(*ds_, options);
      }();
      return ToNumpy(Take(std::move(r)));
    }
    CheckOut(*out, ds_->dtype());
    // The caller's array is the destination: its shape is checked against the read's, then
    // the read writes every byte of it (Dataset::ReadInto with a view), no copy.
    const Array shape = Take(ds_->ReadShape(options));
    const std::vector<py::ssize_t> want{static_cast<py::ssize_t>(shape.bands),
                                        static_cast<py::ssize_t>(shape.height),
                                        static_cast<py::ssize_t>(shape.width)};
    std::vector<py::ssize_t> have(out->shape(), out->shape() + out->ndim());
    // A 2-D out takes a one-band read.
    if (have.size() == 2 && want[0] == 1) have.insert(have.begin(), 1);
    if (have != want) {
      throw py::value_error("out has shape " +
                            std::string(py::str(py::cast(std::vector<py::ssize_t>(
                                out->shape(), out->shape() + out->ndim())))) +
                            ", the read gives " + std::string(py::str(py::cast(want))));
    }
    py::array dest = *out;
    const cogr::ArrayView view = cogr::ArrayView::Contiguous(
        dest.mutable_data(), shape.dtype, shape.bands, shape.height, shape.width);
    Status st;
    {
      py::gil_scoped_release nogil;
      st = ds_->ReadInto(options, view);
    }
    Check(st);
    return dest;
  }

  py::array ReadMask(const cogr::ReadOptions& options) const {
    cogr::Result<Array> r = [&] {
      py::gil_scoped_release nogil;
      return ds_->ReadMask(options);
    }();
    return ToNumpy(Take(std::move(r)));
  }

  /// Starts ds.ReadAsync(options); `done(array, None)` or `done(None, exception)` runs on a
  /// cogr executor thread with the GIL held.
  void ReadAsync(cogr::ReadOptions options, py::object done) const {
    std::shared_ptr<py::object> cb = KeepCallback(std::move(done));
    py::gil_scoped_release nogil;
    ds_->ReadAsync(std::move(options), [cb](cogr::Result<Array> result) {
      if (!Py_IsInitialized()) return;
      py::gil_scoped_acquire gil;
      try {
        if (result.ok()) {
          py::array a = ToNumpy(std::move(result).value());
          (*cb)(a, py::none());
        } else {
          (*cb)(py::none(), ErrorObject(result.status()));
        }
      } catch (py::error_already_set& e) {
        e.discard_as_unraisable("cogr read_async callback");
      }
    });
  }

 private:
  std::shared_ptr<Dataset> ds_;
};

std::vector<cogr::mask::Geometry> ParseShapes(const std::vector<std::string>& geojson) {
  std::vector<cogr::mask::Geometry> shapes;
  for (const std::string& text : geojson) {
    auto parsed = Take(cogr::mask::ParseGeoJson(text));
    for (auto& g : parsed) shapes.push_back(std::move(g));
  }
  return shapes;
}

/// cogr::write::Profile from rasterio's profile keys (lower-case; GDAL creation options in any case).
cogr::write::Profile ProfileFrom(const py::dict& p) {
  cogr::write::Profile out;
  for (auto item : p) {
    std::string key = py::str(item.first);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const py::handle v = item.second;
    if (key == "driver" || key == "sparse_ok" || key == "photometric") continue;  // GTiff/COG only
    if (key == "width")
      out.width = Cast<uint64_t>(v, "width");
    else if (key == "height")
      out.height = Cast<uint64_t>(v, "height");
    else if (key == "count")
      out.count = Cast<int>(v, "count");
    else if (key == "dtype")
      out.dtype = ParseDtype(Cast<std::string>(py::str(v), "dtype"));
    else if (key == "crs") {
      if (v.is_none()) continue;
      if (py::isinstance<py::int_>(v))
        out.crs_epsg = Cast<int>(v, "crs");
      else
        out.crs_wkt = Cast<std::string>(v, "crs");
    } else if (key == "transform") {
      if (!v.is_none()) out.transform = AffineFrom(Cast<std::vector<double>>(v, "transform"));
    } else if (key == "nodata") {
      if (!v.is_none()) out.nodata = Cast<double>(v, "nodata");
    } else if (key == "tiled") {
      out.tiled =
          py::isinstance<py::str>(v)
              ? (Cast<std::string>(v, "tiled") == "YES" || Cast<std::string>(v, "tiled") == "yes" ||
                 Cast<std::string>(v, "tiled") == "TRUE" || Cast<std::string>(v, "tiled") == "true")
              : Cast<bool>(v, "tiled");
    } else if (key == "blockxsize")
      out.blockxsize = Int<uint32_t>(v, "blockxsize");
    else if (key == "blockysize")
      out.blockysize = Int<uint32_t>(v, "blockysize");
    else if (key == "blocksize")
      out.blockxsize = out.blockysize = Int<uint32_t>(v, "blocksize");
    else if (key == "compress") {
      if (!v.is_none())
        out.compress =
            Take(cogr::write::ParseCompression(Cast<std::string>(py::str(v), "compress")));
    } else if (key == "predictor")
      out.predictor = Int<int>(v, "predictor");
    else if (key == "interleave") {
      std::string s = Cast<std::string>(py::str(v), "interleave");
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (s == "pixel")
        out.interleave = cogr::write::Interleave::kPixel;
      else if (s == "band")
        out.interleave = cogr::write::Interleave::kBand;
      else
        Raise(Status::InvalidArgument("interleave must be 'pixel' or 'band', not '" + s + "'"));
    } else if (key == "bigtiff") {
      std::string s = Cast<std::string>(py::str(v), "bigtiff");
      for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (s == "YES" || s == "TRUE")
        out.bigtiff = cogr::write::BigTiff::kYes;
      else if (s == "NO" || s == "FALSE")
        out.bigtiff = cogr::write::BigTiff::kNo;
      else if (s == "IF_NEEDED" || s == "IF_SAFER" || s == "AUTO")
        out.bigtiff = cogr::write::BigTiff::kAuto;
      else
        Raise(Status::InvalidArgument("bigtiff must be YES, NO or IF_NEEDED, not '" + s + "'"));
    } else if (key == "zlevel")
      out.deflate_level = Int<int>(v, "zlevel");
    else if (key == "zstd_level")
      out.zstd_level = Int<int>(v, "zstd_level");
    else if (key == "overviews")
      out.overviews = Cast<std::vector<int>>(v, "overviews");
    else if (key == "overview_resampling") {
      std::string s = Cast<std::string>(py::str(v), "overview_resampling");
      if (s == "nearest")
        out.overview_resampling = cogr::write::OverviewResampling::kNearest;
      else if (s == "average")
        out.overview_resampling = cogr::write::OverviewResampling::kAverage;
      else
        Raise(Status::InvalidArgument("overview_resampling must be 'nearest' or 'average', not '" +
                                      s + "'"));
    } else if (key == "descriptions")
      out.descriptions = Cast<std::vector<std::string>>(v, "descriptions");
    else if (key == "scales")
      out.scales = Cast<std::vector<double>>(v, "scales");
    else if (key == "offsets")
      out.offsets = Cast<std::vector<double>>(v, "offsets");
    else
      throw py::type_error("unsupported profile key '" + std::string(py::str(item.first)) + "'");
  }
  return out;
}

}  // namespace

/// The binding's Catalog (cogr/catalog.hpp): shared, calls serialised by the C++ class.
struct PyCatalog {
  std::shared_ptr<cogr::Catalog> catalog;
};

py::dict BoundsDict(const cogr::geo::Bounds& b) {
  py::dict d;
  d["left"] = b.left;
  d["bottom"] = b.bottom;
  d["right"] = b.right;
  d["top"] = b.top;
  return d;
}

PYBIND11_MODULE(_cogr, m) {
  m.doc() = "cogr's C++ API (use the cogr package, not this module)";
  m.attr("__version__") = std::string(COGR_VERSION_STRING);

  // The request timeline (cogr/trace.hpp): attached with open(..., trace=t) / read(..., trace=t).
  py::class_<cogr::Trace, std::shared_ptr<cogr::Trace>>(m, "Trace")
      .def(py::init<>())
      .def("to_chrome_json", &cogr::Trace::ToChromeJson)
      .def("clear", &cogr::Trace::Clear)
      .def_property_readonly("requests",
                             [](const cogr::Trace& t) {
                               py::list out;
                               for (const cogr::Trace::Request& r : t.requests()) {
                                 py::list ranges;
                                 for (const cogr::ByteRange& b : r.ranges)
                                   ranges.append(py::make_tuple(b.offset, b.length));
                                 py::dict d;
                                 d["uri"] = r.uri;
                                 d["kind"] = r.kind;
                                 d["ranges"] = ranges;
                                 d["start_us"] = r.start_us;
                                 d["first_byte_us"] = r.first_byte_us;
                                 d["end_us"] = r.end_us;
                                 d["bytes"] = r.bytes;
                                 d["status"] = r.status;
                                 d["retry"] = r.retry;
                                 d["new_connection"] = r.new_connection;
                                 d["remote"] = r.remote;
                                 d["error"] = r.error;
                                 out.append(d);
                               }
                               return out;
                             })
      .def_property_readonly("decodes", [](const cogr::Trace& t) {
        py::list out;
        for (const cogr::Trace::Decode& e : t.decodes()) {
          py::dict d;
          d["uri"] = e.uri;
          d["block"] = e.block;
          d["codec"] = e.codec;
          d["start_us"] = e.start_us;
          d["end_us"] = e.end_us;
          d["thread"] = e.thread;
          d["bytes_in"] = e.bytes_in;
          d["bytes_out"] = e.bytes_out;
          out.append(d);
        }
        return out;
      });

  py::class_<PyDataset>(m, "Dataset")
      .def_static("open", &PyDataset::Open, py::arg("uri"), py::arg("options"))
      .def_static("open_async", &PyDataset::OpenAsync, py::arg("uri"), py::arg("options"),
                  py::arg("done"))
      .def_property_readonly("uri", [](const PyDataset& d) { return d.ds().uri(); })
      .def_property_readonly("width", [](const PyDataset& d) { return d.ds().width(); })
      .def_property_readonly("height", [](const PyDataset& d) { return d.ds().height(); })
      .def_property_readonly("count", [](const PyDataset& d) { return d.ds().count(); })
      .def_property_readonly(
          "dtype",
          [](const PyDataset& d) { return std::string(cogr::DataTypeName(d.ds().dtype())); })
      .def_property_readonly("numpy_dtype",
                             [](const PyDataset& d) { return NumpyDtype(d.ds().dtype()); })
      .def_property_readonly("nodata", [](const PyDataset& d) { return d.ds().nodata(); })
      .def_property_readonly("transform",
                             [](const PyDataset& d) { return AffineTuple(d.ds().transform()); })
      .def_property_readonly("crs_epsg", [](const PyDataset& d) { return d.ds().crs_epsg(); })
      .def_property_readonly("crs_wkt", [](const PyDataset& d) { return d.ds().crs_wkt(); })
      .def_property_readonly("bounds",
                             [](const PyDataset& d) {
                               const auto b = d.ds().bounds();
                               return py::make_tuple(b.left, b.bottom, b.right, b.top);
                             })
      .def_property_readonly("res", [](const PyDataset& d) { return d.ds().res(); })
      .def_property_readonly("block_shape", [](const PyDataset& d) { return d.ds().block_shape(); })
      .def_property_readonly("compression", [](const PyDataset& d) { return d.ds().compression(); })
      .def_property_readonly("interleave", [](const PyDataset& d) { return d.ds().interleave(); })
      .def_property_readonly("photometric", [](const PyDataset& d) { return d.ds().photometric(); })
      .def_property_readonly("is_cog", [](const PyDataset& d) { return d.ds().is_cog(); })
      .def_property_readonly(
          "tiled",
          [](const PyDataset& d) {
            return d.ds().tiff().ifds[static_cast<size_t>(d.ds().levels()[0].ifd_index)].tiled();
          })
      .def_property_readonly("has_mask", [](const PyDataset& d) { return d.ds().has_mask(); })
      .def_property_readonly("pixel_is_point",
                             [](const PyDataset& d) { return d.ds().pixel_is_point(); })
      .def_property_readonly("scales", [](const PyDataset& d) { return d.ds().scales(); })
      .def_property_readonly("offsets", [](const PyDataset& d) { return d.ds().offsets(); })
      .def_property_readonly("descriptions",
                             [](const PyDataset& d) { return d.ds().descriptions(); })
      .def_property_readonly("overviews", [](const PyDataset& d) { return d.ds().overviews(); })
      .def_property_readonly("level_shapes",
                             [](const PyDataset& d) {
                               std::vector<std::pair<uint64_t, uint64_t>> shapes;
                               for (const auto& l : d.ds().levels())
                                 shapes.emplace_back(l.height, l.width);
                               return shapes;
                             })
      .def_property_readonly("io_stats",
                             [](const PyDataset& d) {
                               const cogr::io::IoStats s = d.ds().io_stats();
                               py::dict out;
                               out["requests"] = s.requests;
                               out["bytes_fetched"] = s.bytes_fetched;
                               out["bytes_used"] = s.bytes_used;
                               out["retries"] = s.retries;
                               out["cache_hits"] = s.cache_hits;
                               return out;
                             })
      .def_property_readonly("alpha_band", [](const PyDataset& d) { return d.ds().alpha_band(); })
      .def("crs",
           [](const PyDataset& d) {
             // (wkt, epsg) of Dataset::crs(), (None, None) without a CRS; other errors raise.
             cogr::Result<std::pair<std::string, std::optional<int>>> r =
                 [&]() -> cogr::Result<std::pair<std::string, std::optional<int>>> {
               py::gil_scoped_release nogil;
               COGR_ASSIGN_OR_RETURN(cogr::geo::Crs crs, d.ds().crs());
               COGR_ASSIGN_OR_RETURN(std::string wkt, crs.ToWkt());
               return std::make_pair(wkt, crs.ToEpsg());
             }();
             if (!r.ok() && r.status().code() == Code::kNotFound)
               return py::make_tuple(py::none(), py::none());
             auto v = Take(std::move(r));
             return py::make_tuple(v.first, v.second);
           })
      .def("profile",
           [](const PyDataset& d) {
             cogr::DatasetProfile p = [&] {
               py::gil_scoped_release nogil;
               return d.ds().profile();
             }();
             py::dict out;
             out["driver"] = p.driver;
             out["dtype"] = std::string(cogr::DataTypeName(p.dtype));
             out["nodata"] = p.nodata;
             out["width"] = p.width;
             out["height"] = p.height;
             out["count"] = p.count;
             out["transform"] = AffineTuple(p.transform);
             if (p.blockxsize) out["blockxsize"] = *p.blockxsize;
             out["blockysize"] = p.blockysize;
             out["tiled"] = p.tiled;
             if (p.compress) out["compress"] = *p.compress;
             out["interleave"] = p.interleave;
             if (p.photometric) out["photometric"] = *p.photometric;
             return out;
           })
      .def(
          "tags",
          [](const PyDataset& d, int band, const std::string& ns) {
            auto r = [&] {
              py::gil_scoped_release nogil;
              return d.ds().tags(band, ns);
            }();
            return Take(std::move(r));
          },
          py::arg("band"), py::arg("ns"))
      .def(
          "colormap",
          [](const PyDataset& d, int band) {
            cogr::Colormap c = Take(d.ds().colormap(band));
            py::dict out;
            for (const auto& [i, rgba] : c)
              out[py::int_(i)] = py::make_tuple(rgba[0], rgba[1], rgba[2], rgba[3]);
            return out;
          },
          py::arg("band"))
      .def(
          "block_windows",
          [](const PyDataset& d, int band) {
            std::vector<cogr::BlockWindow> blocks = Take(d.ds().block_windows(band));
            py::list out;
            for (const auto& b : blocks) {
              out.append(py::make_tuple(b.row, b.col, b.window.col_off, b.window.row_off,
                                        b.window.width, b.window.height));
            }
            return out;
          },
          py::arg("band"))
      .def(
          "dataset_mask",
          [](const PyDataset& d, const std::optional<std::vector<double>>& window, bool boundless,
             std::optional<int> overview,
             const std::optional<std::pair<uint64_t, uint64_t>>& out_shape,
             const std::string& resampling) {
            const cogr::ReadOptions o = ReadOptionsFrom({}, window, boundless, std::nullopt,
                                                        overview, out_shape, resampling, 0);
            cogr::Result<Array> r = [&] {
              py::gil_scoped_release nogil;
              return d.ds().dataset_mask(o);
            }();
            return ToNumpy(Take(std::move(r)));
          },
          py::arg("window"), py::arg("boundless"), py::arg("overview"), py::arg("out_shape"),
          py::arg("resampling"))
      .def(
          "quicklook",
          [](const PyDataset& d, uint32_t size, const std::vector<int>& bands,
             const std::string& stretch, bool nodata_transparent) {
            cogr::QuicklookOptions o;
            o.size = size;
            o.bands = bands;
            o.stretch = Take(cogr::ParseStretch(stretch));
            o.nodata_transparent = nodata_transparent;
            cogr::Result<cogr::QuicklookImage> r = [&] {
              py::gil_scoped_release nogil;
              return cogr::Quicklook(d.ds(), o);
            }();
            cogr::QuicklookImage image = Take(std::move(r));
            py::array_t<uint8_t> out({static_cast<py::ssize_t>(image.height),
                                      static_cast<py::ssize_t>(image.width), py::ssize_t{4}});
            std::memcpy(out.mutable_data(), image.rgba.data(), image.rgba.size());
            return out;
          },
          py::arg("size"), py::arg("bands"), py::arg("stretch"), py::arg("nodata_transparent"))
      .def(
          "sample",
          [](const PyDataset& d, const std::vector<std::pair<double, double>>& points,
             const std::vector<int>& bands) {
            cogr::SampleOptions o;
            o.bands = bands;
            cogr::Result<Array> r = [&] {
              py::gil_scoped_release nogil;
              return d.ds().Sample(points, o);
            }();
            return ToNumpy(Take(std::move(r)));
          },
          py::arg("points"), py::arg("bands"))
      .def(
          "xy",
          [](const PyDataset& d, double row, double col, const std::string& offset) {
            return d.ds().xy(row, col, Take(cogr::geo::ParsePixelOffset(offset)));
          },
          py::arg("row"), py::arg("col"), py::arg("offset") = "center")
      .def(
          "index",
          [](const PyDataset& d, double x, double y, const std::string& op) {
            return Take(d.ds().index(x, y, Take(cogr::geo::ParseRoundOp(op))));
          },
          py::arg("x"), py::arg("y"), py::arg("op") = "floor")
      .def(
          "read",
          [](const PyDataset& d, const std::vector<int>& bands,
             const std::optional<std::vector<double>>& window, bool boundless,
             std::optional<double> fill, std::optional<int> overview,
             const std::optional<std::pair<uint64_t, uint64_t>>& out_shape,
             const std::string& resampling, uint32_t timeout_ms,
             const std::optional<py::array>& out, std::shared_ptr<cogr::Trace> trace) {
            return d.Read(ReadOptionsFrom(bands, window, boundless, fill, overview, out_shape,
                                          resampling, timeout_ms, std::move(trace)),
                          out);
          },
          py::arg("bands"), py::arg("window"), py::arg("boundless"), py::arg("fill"),
          py::arg("overview"), py::arg("out_shape"), py::arg("resampling"), py::arg("timeout_ms"),
          py::arg("out"), py::arg("trace") = nullptr)
      .def(
          "read_mask",
          [](const PyDataset& d, const std::optional<std::vector<double>>& window, bool boundless,
             std::optional<int> overview,
             const std::optional<std::pair<uint64_t, uint64_t>>& out_shape,
             const std::string& resampling) {
            return d.ReadMask(ReadOptionsFrom({}, window, boundless, std::nullopt, overview,
                                              out_shape, resampling, 0));
          },
          py::arg("window"), py::arg("boundless"), py::arg("overview"),
          py::arg("out_shape") = std::nullopt, py::arg("resampling") = "nearest")
      .def(
          "read_async",
          [](const PyDataset& d, const std::vector<int>& bands,
             const std::optional<std::vector<double>>& window, bool boundless,
             std::optional<double> fill, std::optional<int> overview,
             const std::optional<std::pair<uint64_t, uint64_t>>& out_shape,
             const std::string& resampling, uint32_t timeout_ms, py::object done,
             std::shared_ptr<cogr::Trace> trace) {
            d.ReadAsync(ReadOptionsFrom(bands, window, boundless, fill, overview, out_shape,
                                        resampling, timeout_ms, std::move(trace)),
                        std::move(done));
          },
          py::arg("bands"), py::arg("window"), py::arg("boundless"), py::arg("fill"),
          py::arg("overview"), py::arg("out_shape"), py::arg("resampling"), py::arg("timeout_ms"),
          py::arg("done"), py::arg("trace") = nullptr);

  // cogr::Stack: many scenes as one lazy array (cogr/stack.hpp); python/cogr/_stack.py wraps it.
  py::class_<cogr::Stack>(m, "Stack")
      .def_static(
          "open",
          [](const std::vector<std::string>& uris, const py::dict& kw,
             const std::vector<int>& bands, const std::optional<std::vector<double>>& window,
             const std::optional<std::vector<double>>& bounds,
             const std::optional<std::string>& bounds_crs, const std::optional<std::string>& crs,
             const std::optional<std::pair<double, double>>& res,
             const std::optional<std::pair<uint64_t, uint64_t>>& out_shape,
             const std::string& resampling, std::optional<double> fill, bool stacked,
             bool fill_failed, const PyCatalog* catalog,
             const std::vector<cogr::SceneRecord>& records, bool read, bool read_fill_failed,
             uint32_t timeout_ms) -> py::object {
            cogr::StackOptions o;
            o.open = OpenOptionsFrom(kw);
            o.bands = bands;
            if (window) {
              if (window->size() != 4)
                throw py::value_error("window must be (col_off, row_off, width, height)");
              o.window = cogr::geo::Window{(*window)[0], (*window)[1], (*window)[2], (*window)[3]};
            }
            if (bounds) {
              if (bounds->size() != 4)
                throw py::value_error("bounds must be (left, bottom, right, top)");
              o.bounds = cogr::geo::Bounds{(*bounds)[0], (*bounds)[1], (*bounds)[2], (*bounds)[3]};
            }
            if (bounds_crs) o.bounds_crs = Take(cogr::geo::Crs::FromUserInput(*bounds_crs));
            if (crs) o.crs = Take(cogr::geo::Crs::FromUserInput(*crs));
            o.resolution = res;
            o.out_shape = out_shape;
            o.resampling = Take(cogr::ParseResampling(resampling));
            o.fill = fill;
            o.stack = stacked;
            o.on_error = fill_failed ? cogr::StackOnError::kFill : cogr::StackOnError::kFail;
            // read: Stack::OpenAndRead, each scene's read started as its open completes; returns
            // (stack, array, failed, stats). Otherwise the lazy Stack.
            std::optional<cogr::Stack> opened;
            cogr::Result<cogr::StackRead> r = [&]() -> cogr::Result<cogr::StackRead> {
              py::gil_scoped_release nogil;
              if (catalog != nullptr) {
                // Each scene opens from its record's stored header (Catalog::SceneStackOptions).
                COGR_ASSIGN_OR_RETURN(o,
                                      catalog->catalog->SceneStackOptions(records, std::move(o)));
              }
              if (!read) {
                COGR_ASSIGN_OR_RETURN(opened, cogr::Stack::Open(uris, o));
                return cogr::StackRead{};
              }
              cogr::StackReadOptions ro;
              ro.on_error =
                  read_fill_failed ? cogr::StackOnError::kFill : cogr::StackOnError::kFail;
              ro.timeout_ms = timeout_ms;
              return cogr::Stack::OpenAndRead(uris, o, ro, &opened);
            }();
            if (!read) {
              Check(r.status());
              return py::cast(std::move(*opened));
            }
            cogr::StackRead result = Take(std::move(r));
            std::vector<py::ssize_t> dims(result.shape.begin(), result.shape.end());
            const py::tuple out = StackReadTuple(
                ToNumpy(std::move(result.data)).attr("reshape")(py::tuple(py::cast(dims))), result);
            return py::make_tuple(py::cast(std::move(*opened)), out[0], out[1], out[2]);
          },
          py::arg("uris"), py::arg("options"), py::arg("bands"), py::arg("window"),
          py::arg("bounds"), py::arg("bounds_crs"), py::arg("crs"), py::arg("res"),
          py::arg("out_shape"), py::arg("resampling"), py::arg("fill"), py::arg("stack"),
          py::arg("fill_failed"), py::arg("catalog") = nullptr,
          py::arg("records") = std::vector<cogr::SceneRecord>{}, py::arg("read") = false,
          py::arg("read_fill_failed") = false, py::arg("timeout_ms") = 0)
      .def_property_readonly("shape",
                             [](const cogr::Stack& s) {
                               py::tuple t(s.shape().size());
                               for (size_t i = 0; i < s.shape().size(); ++i) t[i] = s.shape()[i];
                               return t;
                             })
      .def_property_readonly("numpy_dtype",
                             [](const cogr::Stack& s) { return NumpyDtype(s.dtype()); })
      .def_property_readonly("transform",
                             [](const cogr::Stack& s) { return AffineTuple(s.transform()); })
      .def_property_readonly("bounds",
                             [](const cogr::Stack& s) {
                               const auto b = s.bounds();
                               return py::make_tuple(b.left, b.bottom, b.right, b.top);
                             })
      .def_property_readonly("bands", [](const cogr::Stack& s) { return s.bands(); })
      .def_property_readonly("crs_wkt",
                             [](const cogr::Stack& s) -> std::optional<std::string> {
                               if (!s.crs()) return std::nullopt;
                               auto w = s.crs()->ToWkt();
                               return w.ok() ? std::optional<std::string>(*w) : std::nullopt;
                             })
      .def_property_readonly("crs_epsg",
                             [](const cogr::Stack& s) -> std::optional<int> {
                               return s.crs() ? s.crs()->ToEpsg() : std::nullopt;
                             })
      .def_property_readonly("scenes",
                             [](const cogr::Stack& s) {
                               // One dict per scene: uri, window (its own pixels), fill, error (None when open).
                               py::list out;
                               for (const cogr::StackScene& sc : s.scenes()) {
                                 py::dict d;
                                 d["uri"] = sc.uri;
                                 d["window"] = py::make_tuple(sc.window.col_off, sc.window.row_off,
                                                              sc.window.width, sc.window.height);
                                 d["fill"] = sc.fill;
                                 d["error"] = sc.dataset ? py::object(py::none())
                                                         : py::object(py::str(sc.error));
                                 if (sc.dataset) {
                                   d["nodata"] = sc.dataset->nodata();
                                   d["transform"] = AffineTuple(sc.dataset->transform());
                                   d["width"] = sc.dataset->width();
                                   d["height"] = sc.dataset->height();
                                 }
                                 out.append(d);
                               }
                               return out;
                             })
      .def(
          "select",
          [](const cogr::Stack& s, const std::vector<size_t>& scenes,
             const std::vector<size_t>& bands, const std::optional<std::vector<double>>& window) {
            std::optional<cogr::geo::Window> w;
            if (window) {
              if (window->size() != 4)
                throw py::value_error("window must be (col_off, row_off, width, height)");
              w = cogr::geo::Window{(*window)[0], (*window)[1], (*window)[2], (*window)[3]};
            }
            return Take(s.Select(scenes, bands, w));
          },
          py::arg("scenes"), py::arg("bands"), py::arg("window"))
      .def(
          "read",
          [](const cogr::Stack& s, bool fill_failed, uint32_t timeout_ms) {
            // The result array is allocated here and every scene decodes into its slice of it.
            const std::vector<uint64_t> shape = s.shape();
            std::vector<py::ssize_t> dims(shape.begin(), shape.end());
            py::array out(NumpyDtype(s.dtype()), dims);
            const cogr::ArrayView view = cogr::ArrayView::Contiguous(
                out.mutable_data(), s.dtype(), s.count() * s.band_count(), s.height(), s.width());
            cogr::StackReadOptions o;
            o.on_error = fill_failed ? cogr::StackOnError::kFill : cogr::StackOnError::kFail;
            o.timeout_ms = timeout_ms;
            cogr::StackRead result;
            Status st;
            {
              py::gil_scoped_release nogil;
              st = s.ReadInto(view, o, &result);
            }
            Check(st);
            return StackReadTuple(out, result);
          },
          py::arg("fill_failed"), py::arg("timeout_ms"))
      .def(
          "sample",
          [](const cogr::Stack& s, const std::vector<std::pair<double, double>>& points,
             const std::vector<int>& bands, const std::optional<std::string>& crs,
             bool fill_failed) {
            cogr::StackSampleOptions o;
            o.bands = bands;
            if (crs) o.crs = Take(cogr::geo::Crs::FromUserInput(*crs));
            o.on_error = fill_failed ? cogr::StackOnError::kFill : cogr::StackOnError::kFail;
            cogr::Result<cogr::StackSample> r = [&] {
              py::gil_scoped_release nogil;
              return s.Sample(points, o);
            }();
            cogr::StackSample sample = Take(std::move(r));
            py::list failed;
            for (size_t i = 0; i < sample.failed.size(); ++i) {
              failed.append(py::make_tuple(sample.failed[i], sample.failed_messages[i]));
            }
            return py::make_tuple(ToNumpy(std::move(sample.data)), failed);
          },
          py::arg("points"), py::arg("bands"), py::arg("crs"), py::arg("fill_failed"));

  m.def(
      "geojson_bounds",
      [](const std::vector<std::string>& geojson) -> std::optional<py::tuple> {
        // The bounding box of GeoJSON shapes (mask::Geometry::Bounds); None without positions.
        std::optional<cogr::geo::Bounds> out;
        for (const cogr::mask::Geometry& g : ParseShapes(geojson)) {
          const auto b = g.Bounds();
          if (!b) continue;
          out = out ? cogr::geo::Bounds{std::min(out->left, b->left),
                                        std::min(out->bottom, b->bottom),
                                        std::max(out->right, b->right), std::max(out->top, b->top)}
                    : *b;
        }
        if (!out) return std::nullopt;
        return py::make_tuple(out->left, out->bottom, out->right, out->top);
      },
      py::arg("geojson"));

  m.def("window_from_bounds", [](double left, double bottom, double right, double top,
                                 const std::vector<double>& t) {
    const auto w = Take(cogr::geo::Window::FromBounds({left, bottom, right, top}, AffineFrom(t)));
    return py::make_tuple(w.col_off, w.row_off, w.width, w.height);
  });
  m.def("window_transform", [](const std::vector<double>& w, const std::vector<double>& t) {
    if (w.size() != 4) throw py::value_error("a window is (col_off, row_off, width, height)");
    return AffineTuple(cogr::geo::WindowTransform({w[0], w[1], w[2], w[3]}, AffineFrom(t)));
  });
  m.def("resampling_names", [] {
    std::vector<std::string> names;
    for (int i = 0; i <= static_cast<int>(cogr::Resampling::kQ3); ++i) {
      names.emplace_back(cogr::ResamplingName(static_cast<cogr::Resampling>(i)));
    }
    return names;
  });
  m.def("crs_to_wkt", [](const std::string& text) {
    cogr::Result<std::string> r = [&]() -> cogr::Result<std::string> {
      py::gil_scoped_release nogil;
      COGR_ASSIGN_OR_RETURN(cogr::geo::Crs crs, cogr::geo::Crs::FromUserInput(text));
      return crs.ToWkt();
    }();
    return Take(std::move(r));
  });

  m.def(
      "mask",
      [](const PyDataset& d, const std::vector<std::string>& geojson, bool crop, bool pad,
         bool all_touched, bool invert, bool filled, std::optional<double> nodata,
         const std::vector<int>& indexes) {
        const std::vector<cogr::mask::Geometry> shapes = ParseShapes(geojson);
        cogr::mask::MaskOptions o;
        o.crop = crop;
        o.pad = pad;
        o.all_touched = all_touched;
        o.invert = invert;
        o.filled = filled;
        o.nodata = nodata;
        o.indexes = indexes;
        cogr::Result<cogr::mask::MaskResult> r = [&] {
          py::gil_scoped_release nogil;
          return cogr::mask::Mask(d.ds(), shapes, o);
        }();
        cogr::mask::MaskResult res = Take(std::move(r));
        const cogr::geo::Affine transform = res.transform;
        const uint64_t bands = res.data.bands, height = res.data.height, width = res.data.width;
        py::object valid = py::none();
        if (!res.valid.empty()) {
          Array v;
          v.dtype = DataType::kUInt8;
          v.bands = bands;
          v.height = height;
          v.width = width;
          v.data = std::move(res.valid);
          valid = ToNumpy(std::move(v));
        }
        return py::make_tuple(ToNumpy(std::move(res.data)), valid, AffineTuple(transform));
      },
      py::arg("dataset"), py::arg("geojson"), py::arg("crop"), py::arg("pad"),
      py::arg("all_touched"), py::arg("invert"), py::arg("filled"), py::arg("nodata"),
      py::arg("indexes"));

  m.def("geometry_mask", [](const std::vector<std::string>& geojson, uint64_t height,
                            uint64_t width, const std::vector<double>& t, bool all_touched,
                            bool invert) {
    const std::vector<cogr::mask::Geometry> shapes = ParseShapes(geojson);
    Array a;
    a.dtype = DataType::kUInt8;
    a.bands = 1;
    a.height = height;
    a.width = width;
    a.data =
        Take(cogr::mask::GeometryMask(shapes, width, height, AffineFrom(t), all_touched, invert));
    return ToNumpy(std::move(a));
  });

  m.def("write", [](const std::string& path, const py::dict& profile_dict, const py::array& data) {
    const cogr::write::Profile profile = ProfileFrom(profile_dict);
    if (!(data.flags() & py::array::c_style))
      throw py::value_error("the array must be C-contiguous");
    if (!data.dtype().equal(NumpyDtype(profile.dtype))) {
      throw py::value_error("the array has dtype " + std::string(py::str(data.dtype())) +
                            ", the profile says " + std::string(cogr::DataTypeName(profile.dtype)));
    }
    if (data.ndim() != 3) throw py::value_error("the array must be (count, height, width)");
    Array a;
    a.dtype = profile.dtype;
    a.bands = static_cast<uint64_t>(data.shape(0));
    a.height = static_cast<uint64_t>(data.shape(1));
    a.width = static_cast<uint64_t>(data.shape(2));
    // WriteGeoTiff takes an Array: one copy of the input, made without the GIL.
    cogr::Status st;
    {
      py::gil_scoped_release nogil;
      const auto* p = static_cast<const uint8_t*>(data.data());
      a.data.assign(p, p + data.nbytes());
      st = cogr::write::WriteGeoTiff(path, profile, a);
    }
    Check(st);
  });

  // bench/python/python_read_bench.py: the C++ baseline in the same process. read() runs
  // Dataset::ReadInto of `bands` into the Array this object keeps (no numpy involved) and
  // returns the seconds it took.
  struct KeptReader {
    std::shared_ptr<Dataset> ds;
    cogr::ReadOptions options;
    Array kept;
  };
  py::class_<KeptReader>(m, "_KeptReader")
      .def(py::init([](const PyDataset& d, const std::vector<int>& bands) {
        KeptReader r{d.shared(), {}, {}};
        r.options.bands = bands;
        return r;
      }))
      .def("read", [](KeptReader& r) {
        Status st;
        double seconds = 0;
        {
          py::gil_scoped_release nogil;
          const auto t0 = std::chrono::steady_clock::now();
          st = r.ds->ReadInto(r.options, r.kept);
          seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
        Check(st);
        return seconds;
      });

  m.def(
      "set_buffer_pool_bytes", [](size_t bytes) { BufferPool::Get().SetCapacity(bytes); },
      py::arg("bytes"));
  m.def("buffer_pool_bytes", [] { return BufferPool::Get().capacity(); });
  m.def("buffer_pool_held_bytes", [] { return BufferPool::Get().held(); });
  m.def("set_thread_count", &cogr::SetThreadCount, py::arg("threads"));
  m.def("thread_count", &cogr::ThreadCount);
  m.def("async_read_threads", &Dataset::AsyncReadThreads);

  py::class_<cogr::SceneRecord>(m, "SceneRecord")
      .def_readonly("id", &cogr::SceneRecord::id)
      .def_readonly("uri", &cogr::SceneRecord::uri)
      .def_readonly("size", &cogr::SceneRecord::size)
      .def_readonly("etag", &cogr::SceneRecord::etag)
      .def_readonly("width", &cogr::SceneRecord::width)
      .def_readonly("height", &cogr::SceneRecord::height)
      .def_readonly("count", &cogr::SceneRecord::count)
      .def_readonly("dtype", &cogr::SceneRecord::dtype)
      .def_readonly("compression", &cogr::SceneRecord::compression)
      .def_readonly("crs_epsg", &cogr::SceneRecord::crs_epsg)
      .def_readonly("crs_wkt", &cogr::SceneRecord::crs_wkt)
      .def_readonly("nodata", &cogr::SceneRecord::nodata)
      .def_readonly("overviews", &cogr::SceneRecord::overviews)
      .def_property_readonly(
          "block_shape",
          [](const cogr::SceneRecord& r) { return py::make_tuple(r.block_height, r.block_width); })
      .def_property_readonly("transform",
                             [](const cogr::SceneRecord& r) { return AffineTuple(r.transform); })
      .def_property_readonly("bounds",
                             [](const cogr::SceneRecord& r) {
                               return py::make_tuple(r.bounds.left, r.bounds.bottom, r.bounds.right,
                                                     r.bounds.top);
                             })
      .def_property_readonly("bounds_4326", [](const cogr::SceneRecord& r) -> py::object {
        if (!r.bounds_4326) return py::none();
        const auto& b = *r.bounds_4326;
        return py::make_tuple(b.left, b.bottom, b.right, b.top);
      });

  py::class_<PyCatalog>(m, "Catalog")
      .def_static(
          "open",
          [](const std::string& path) {
            cogr::Result<std::unique_ptr<cogr::Catalog>> r = [&] {
              py::gil_scoped_release nogil;
              return cogr::Catalog::Open(path);
            }();
            return PyCatalog{std::shared_ptr<cogr::Catalog>(Take(std::move(r)))};
          },
          py::arg("path"))
      .def_static(
          "build",
          [](const std::vector<std::string>& uris, const std::string& path, const py::dict& kw,
             size_t concurrency, size_t batch_rows, bool skip_errors) {
            cogr::CatalogBuildOptions o;
            o.skip_errors = skip_errors;
            o.open = OpenOptionsFrom(kw);
            o.concurrency = concurrency;
            o.batch_rows = batch_rows;
            cogr::Result<cogr::CatalogBuildSummary> r = [&] {
              py::gil_scoped_release nogil;
              return cogr::Catalog::Build(uris, path, o);
            }();
            const cogr::CatalogBuildSummary s = Take(std::move(r));
            py::dict d;
            d["scenes"] = s.scenes;
            d["header_bytes"] = s.header_bytes;
            d["without_crs"] = s.without_crs;
            d["skipped"] = s.skipped;
            std::vector<std::string> errors;
            for (const Status& st : s.errors) errors.push_back(st.message());
            d["errors"] = errors;
            return d;
          },
          py::arg("uris"), py::arg("path"), py::arg("options"), py::arg("concurrency"),
          py::arg("batch_rows"), py::arg("skip_errors"))
      .def("info",
           [](const PyCatalog& c) {
             cogr::Result<cogr::CatalogInfo> r = [&] {
               py::gil_scoped_release nogil;
               return c.catalog->Info();
             }();
             const cogr::CatalogInfo info = Take(std::move(r));
             py::dict d;
             d["scenes"] = info.scenes;
             d["extent_4326"] = info.extent_4326 ? py::object(BoundsDict(*info.extent_4326))
                                                 : py::object(py::none());
             d["crs"] = info.crs;
             d["dtypes"] = info.dtypes;
             return d;
           })
      .def(
          "query",
          [](const PyCatalog& c, std::optional<std::array<double, 4>> bounds,
             const std::string& bounds_crs, const std::string& where, uint64_t limit,
             const std::vector<std::string>& intersects, const std::string& intersects_crs) {
            cogr::CatalogQuery q;
            q.intersects = ParseShapes(intersects);
            q.intersects_crs = intersects_crs;
            if (bounds)
              q.bounds = cogr::geo::Bounds{(*bounds)[0], (*bounds)[1], (*bounds)[2], (*bounds)[3]};
            q.bounds_crs = bounds_crs;
            q.where = where;
            q.limit = limit;
            cogr::Result<std::vector<cogr::SceneRecord>> r = [&] {
              py::gil_scoped_release nogil;
              return c.catalog->Query(q);
            }();
            return Take(std::move(r));
          },
          py::arg("bounds"), py::arg("bounds_crs"), py::arg("where"), py::arg("limit"),
          py::arg("intersects") = std::vector<std::string>{}, py::arg("intersects_crs") = "")
      .def(
          "open_scene",
          [](const PyCatalog& c, const cogr::SceneRecord& record, const py::dict& kw) {
            cogr::OpenOptions options = OpenOptionsFrom(kw);
            cogr::Result<std::shared_ptr<Dataset>> r = [&] {
              py::gil_scoped_release nogil;
              return c.catalog->OpenScene(record, options);
            }();
            return PyDataset(Take(std::move(r)));
          },
          py::arg("record"), py::arg("options"));
}
