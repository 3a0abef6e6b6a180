#include "trace_output.hpp"

#include "commands.hpp"
#include "output_file.hpp"

namespace cogr::cli {

Status WriteTraceFile(const Trace& trace, const std::string& path) {
  return WriteWholeFile(path, trace.ToChromeJson());
}

int RunWithTrace(const std::string& path, const std::function<int(std::shared_ptr<Trace>)>& run) {
  if (path.empty()) return run(nullptr);
  auto trace = std::make_shared<Trace>();
  int rc = run(trace);
  if (Status st = WriteTraceFile(*trace, path); !st.ok()) {
    PrintError(st.message());
    return kExitFailure;
  }
  return rc;
}

}  // namespace cogr::cli
