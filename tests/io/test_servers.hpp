// Real HTTP servers on 127.0.0.1 for the io tests and benchmarks: nginx (Debian nginx-light)
// serving tests/data with an access log, and tests/servers/fault_server.py. Started as child
// processes with bounded waits, on ports chosen free at run time; killed by their destructor.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cogr/io.hpp"

namespace cogr::test {

inline std::string SourceDir() {
  // COGR_TEST_DATA_DIR is <repo>/tests/data.
  std::string data = COGR_TEST_DATA_DIR;
  return data.substr(0, data.size() - std::string("/tests/data").size());
}

/// A port that was free a moment ago (bind to 127.0.0.1:0, read it, close).
inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

inline bool CanConnect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

/// One HTTP/1.0 GET on a fresh connection; returns the whole answer ("" on failure).
inline std::string RawGet(int port, const std::string& target) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string out;
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string req = "GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
      }
    }
  }
  ::close(fd);
  return out;
}

/// A child process; killed (SIGTERM, then SIGKILL after 2 s) and reaped by the destructor.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { Stop(); }

  /// Starts argv[0] with `argv`; its stdout goes to a pipe when capture_stdout, else /dev/null.
  bool Start(const std::vector<std::string>& argv, bool capture_stdout) {
    // Everything the child needs is prepared before fork: the test process has threads, so
    // the child may only make async-signal-safe calls until execv.
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int pipefd[2] = {-1, -1};
    if (capture_stdout && ::pipe2(pipefd, O_CLOEXEC) != 0) return false;
    pid_ = ::fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      // Dies with the test process even if that one crashes before its destructors run.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      int devnull = ::open("/dev/null", O_RDWR);
      ::dup2(devnull, 0);
      ::dup2(capture_stdout ? pipefd[1] : devnull, 1);
      ::dup2(devnull, 2);  // never hold the test's stderr (pipes to it would not close)
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    if (capture_stdout) {
      ::close(pipefd[1]);
      out_fd_ = pipefd[0];
    }
    return true;
  }

  /// Reads one line of the child's stdout, waiting at most timeout_ms.
  std::string ReadLine(int timeout_ms) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (out_fd_ >= 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char c;
      if (::read(out_fd_, &c, 1) != 1) break;
      if (c == '\n') return line;
      line.push_back(c);
    }
    return line;
  }

  void Stop() {
    if (out_fd_ >= 0) ::close(out_fd_);
    out_fd_ = -1;
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  /// False once the child has exited (then it is reaped here).
  bool running() {
    if (pid_ <= 0) return false;
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
};

inline bool WaitForPort(int port, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (CanConnect(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

inline std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
  return s;
}

/// False when cogr was built without libcurl (http URIs give kUnsupported): tests skip.
inline bool HaveHttp() {
  io::SourceOptions o;
  o.memory_header_cache = false;
  o.persisted_header_cache = false;
  o.retry.max_retries = 0;
  o.connect_timeout_ms = 1000;
  return io::Open("http://127.0.0.1:" + std::to_string(FreePort()) + "/", o).status().code() !=
         Code::kUnsupported;
}

/// One line of nginx's access log (format "cogr" of tests/servers/nginx.conf.in).
struct AccessLine {
  std::string request;  ///< "GET /path HTTP/1.1"
  std::string range;    ///< "bytes=0-32767" or "-"
  int status = 0;
  uint64_t bytes_sent = 0;
};

/// nginx serving tests/data on 127.0.0.1:port(), non-daemon, in a temporary prefix.
class NginxServer {
 public:
  static constexpr const char* kBinary = "/usr/sbin/nginx";

  /// Starts nginx; error() says why not. `extra_locations` goes inside the server block,
  /// `extra_servers` beside it (it may listen on @PORT2@, see port2()), `load_modules` at the top.
  bool Start(const std::string& extra_locations = "", const std::string& load_modules = "",
             const std::string& extra_servers = "") {
    if (::access(kBinary, X_OK) != 0) {
      error_ = std::string(kBinary) + " not found (Debian package nginx-light)";
      return false;
    }
    if (dir_.empty()) {
      char tmpl[] = "/tmp/cogr-nginx-XXXXXX";
      if (!::mkdtemp(tmpl)) {
        error_ = "mkdtemp failed";
        return false;
      }
      dir_ = tmpl;
    }
    std::ifstream in(SourceDir() + "/tests/servers/nginx.conf.in");
    std::stringstream ss;
    ss << in.rdbuf();
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = FreePort();
      port2_ = extra_servers.empty() ? 0 : FreePort();
      std::string conf = ss.str();
      conf = ReplaceAll(conf, "@EXTRA_SERVERS@", extra_servers);
      conf = ReplaceAll(conf, "@PORT2@", std::to_string(port2_));
      conf = ReplaceAll(conf, "@PORT@", std::to_string(port_));
      conf = ReplaceAll(conf, "@ROOT@", COGR_TEST_DATA_DIR);
      conf = ReplaceAll(conf, "@TMP@", dir_);
      conf = ReplaceAll(conf, "@EXTRA_LOCATIONS@", extra_locations);
      conf = ReplaceAll(conf, "@LOAD_MODULES@", load_modules);
      std::ofstream(dir_ + "/nginx.conf") << conf;
      proc_ = std::make_unique<ChildProcess>();
      if (!proc_->Start(
              {kBinary, "-p", dir_, "-e", dir_ + "/error.log", "-c", dir_ + "/nginx.conf"},
              false)) {
        error_ = "cannot start nginx";
        return false;
      }
      // Bounded wait; stops early if nginx exited (bad config, or the port was taken meanwhile).
      bool up = false;
      for (int i = 0; i < 250 && proc_->running(); ++i) {
        if (CanConnect(port_) && (port2_ == 0 || CanConnect(port2_))) {
          up = true;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (up) return true;
      proc_->Stop();
      std::ifstream log(dir_ + "/error.log");
      std::stringstream ls;
      ls << log.rdbuf();
      if (ls.str().find("Address already in use") == std::string::npos) break;  // no point retrying
    }
    std::ifstream err(dir_ + "/error.log");
    std::stringstream es;
    es << err.rdbuf();
    error_ = "nginx did not start: " + es.str();
    return false;
  }

  ~NginxServer() {
    if (proc_) proc_->Stop();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  int port() const { return port_; }
  int port2() const { return port2_; }
  const std::string& error() const { return error_; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + path;
  }
  /// The temporary prefix directory (logs, config; tests may put files there before Start).
  const std::string& dir() {
    if (dir_.empty()) {
      char tmpl[] = "/tmp/cogr-nginx-XXXXXX";
      if (::mkdtemp(tmpl)) dir_ = tmpl;
    }
    return dir_;
  }

  /// The access log up to now. Makes a sentinel request first and waits (bounded) until it
  /// is logged: nginx logs a request when it finishes, so every request answered before the
  /// sentinel is in the log then. The sentinel's own line is left out.
  std::vector<AccessLine> Log() {
    const std::string sentinel = "/__sentinel_" + std::to_string(++sentinels_);
    RawGet(port_, sentinel);
    std::vector<AccessLine> lines;
    for (int i = 0; i < 250; ++i) {
      lines.clear();
      bool seen = false;
      std::ifstream in(dir_ + "/access.log");
      std::string line;
      while (std::getline(in, line)) {
        AccessLine a;
        std::vector<std::string> f;
        size_t start = 0;
        for (size_t p; (p = line.find('|', start)) != std::string::npos; start = p + 1)
          f.push_back(line.substr(start, p - start));
        f.push_back(line.substr(start));
        if (f.size() != 4) continue;
        a.request = f[0];
        a.range = f[1];
        a.status = std::atoi(f[2].c_str());
        a.bytes_sent = std::strtoull(f[3].c_str(), nullptr, 10);
        if (a.request.find("/__sentinel_") != std::string::npos) {
          if (a.request.find(sentinel + " ") != std::string::npos) seen = true;
          continue;
        }
        lines.push_back(a);
      }
      if (seen) return lines;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return lines;
  }

  /// Number of logged requests (sentinels excluded).
  size_t RequestCount() { return Log().size(); }

 private:
  std::unique_ptr<ChildProcess> proc_;
  std::string dir_;
  std::string error_;
  int port_ = 0;
  int port2_ = 0;
  int sentinels_ = 0;
};

/// tests/servers/fault_server.py on 127.0.0.1, serving tests/data.
class FaultServer {
 public:
  bool Start() {
    proc_ = std::make_unique<ChildProcess>();
    if (!proc_->Start({"/usr/bin/python3", SourceDir() + "/tests/servers/fault_server.py",
                       COGR_TEST_DATA_DIR, "0"},
                      true)) {
      error_ = "cannot start python3";
      return false;
    }
    const std::string line = proc_->ReadLine(10000);
    if (line.rfind("PORT ", 0) != 0) {
      error_ = "fault_server.py did not report its port (got '" + line + "')";
      return false;
    }
    port_ = std::atoi(line.c_str() + 5);
    if (!WaitForPort(port_, 5000)) {
      error_ = "fault_server.py is not accepting connections";
      return false;
    }
    return true;
  }
  ~FaultServer() {
    if (proc_) proc_->Stop();
  }
  int port() const { return port_; }
  const std::string& error() const { return error_; }
  std::string Url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + target;
  }

 private:
  std::unique_ptr<ChildProcess> proc_;
  std::string error_;
  int port_ = 0;
};

/// One HTTP/1.1 request on a fresh connection ("Connection: close"); the status code (0 on a
/// connection failure) and the body. `headers` are "Name: value" lines (Host is added).
struct RawResponse {
  int status = 0;
  std::string headers;
  std::string body;
};
inline RawResponse RawRequest(int port, const std::string& method, const std::string& target,
                              const std::vector<std::string>& headers,
                              const std::string& body = "") {
  RawResponse r;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return r;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    std::string req =
        method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n";
    for (const std::string& h : headers) req += h + "\r\n";
    req +=
        "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    size_t sent = 0;
    while (sent < req.size()) {
      ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  const size_t sp = out.find(' ');
  if (out.rfind("HTTP/", 0) != 0 || sp == std::string::npos) return r;
  r.status = std::atoi(out.c_str() + sp + 1);
  const size_t end = out.find("\r\n\r\n");
  r.headers = out.substr(0, end);
  if (end != std::string::npos) r.body = out.substr(end + 4);
  return r;
}

/// Runs argv (PATH searched) with a time limit; true when it exited with status 0.
inline bool RunCommand(const std::vector<std::string>& argv, int timeout_s) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::setpgid(0, 0);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (r < 0 || std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

/// The npm emulators of tests/servers/package.json (s3rver, azurite), installed into
/// tests/servers/node_modules by scripts/install_deps.sh, or here (npm ci, under a file lock
/// so that parallel test processes install once) when missing. Returns the .bin directory,
/// or "" with `error` set when they cannot be installed (no node/npm, no registry).
inline std::string NodeServersBin(std::string& error) {
  const std::string dir = SourceDir() + "/tests/servers";
  const std::string bin = dir + "/node_modules/.bin";
  auto present = [&] {
    return ::access((bin + "/s3rver").c_str(), X_OK) == 0 &&
           ::access((bin + "/azurite-blob").c_str(), X_OK) == 0;
  };
  if (present()) return bin;
  const std::string lock_path = dir + "/.npm-install.lock";
  int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock >= 0) {
    for (int i = 0; i < 1200 && ::lockf(lock, F_TLOCK, 0) != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));  // another process installs
    }
  }
  if (!present()) {
    RunCommand({"npm", "ci", "--prefix", dir, "--no-audit", "--no-fund", "--ignore-scripts"}, 600);
  }
  if (lock >= 0) ::close(lock);  // releases the lock
  if (present()) return bin;
  error = "the npm packages s3rver/azurite are not installed in " + dir +
          "/node_modules and 'npm ci' there failed (needs node, npm and the npm registry; "
          "scripts/install_deps.sh installs them)";
  return "";
}

/// An npm emulator (s3rver or azurite-blob) on 127.0.0.1, data in a temporary directory.
class NodeServer {
 public:
  /// `make_argv(bin, dir, port)` gives the command line.
  template <class MakeArgv>
  bool Start(const MakeArgv& make_argv) {
    const std::string bin = NodeServersBin(error_);
    if (bin.empty()) {
      unavailable_ = true;
      return false;
    }
    char tmpl[] = "/tmp/cogr-emulator-XXXXXX";
    if (!::mkdtemp(tmpl)) {
      error_ = "mkdtemp failed";
      return false;
    }
    dir_ = tmpl;
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = FreePort();
      proc_ = std::make_unique<ChildProcess>();
      if (!proc_->Start(make_argv(bin, dir_, port_), false)) {
        error_ = "cannot start the emulator";
        return false;
      }
      for (int i = 0; i < 1000 && proc_->running();
           ++i) {  // up to 20 s: node starts slowly under load
        if (CanConnect(port_)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      proc_->Stop();
    }
    error_ = "the emulator did not start listening on 127.0.0.1";
    return false;
  }
  ~NodeServer() {
    if (proc_) proc_->Stop();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  int port() const { return port_; }
  const std::string& error() const { return error_; }
  /// True when the npm package could not be installed (node, npm or the registry missing); the
  /// suites fail with error() either way.
  bool unavailable() const { return unavailable_; }
  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::unique_ptr<ChildProcess> proc_;
  std::string dir_;
  std::string error_;
  int port_ = 0;
  bool unavailable_ = false;
};

/// s3rver (credentials S3RVER/S3RVER) with bucket `bucket` created at startup.
inline bool StartS3rver(NodeServer& server, const std::string& bucket) {
  return server.Start([&](const std::string& bin, const std::string& dir, int port) {
    return std::vector<std::string>{
        bin + "/s3rver",      "-d",  dir, "-a", "127.0.0.1", "-p", std::to_string(port), "--silent",
        "--configure-bucket", bucket};
  });
}

/// azurite's blob service (account devstoreaccount1 and its well-known key), no telemetry.
inline bool StartAzurite(NodeServer& server) {
  return server.Start([](const std::string& bin, const std::string& dir, int port) {
    return std::vector<std::string>{
        bin + "/azurite-blob", "--blobHost",           "127.0.0.1", "--blobPort",
        std::to_string(port),  "--location",           dir,         "--silent",
        "--disableTelemetry",  "--skipApiVersionCheck"};
  });
}

}  // namespace cogr::test
