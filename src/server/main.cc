// cardinal-server [config-file] [--name value ...]: the same command line as redis-server.
#include <cstdio>
#include <string>
#include <vector>

#include "common/logging.h"
#include "common/version.h"
#include "server/server.h"

extern char** environ;

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (argc == 2 && (args[1] == "-v" || args[1] == "--version")) {
    std::printf("Cardinal server v=%s redis-compat=%s\n", cardinal::kCardinalVersion,
                cardinal::kRedisCompatVersion);
    return 0;
  }
  cardinal::server::BlockShutdownSignals();
  cardinal::server::Server server;
  cardinal::Status st = server.Configure(args, environ);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 1;
  }
  return server.Run();
}
