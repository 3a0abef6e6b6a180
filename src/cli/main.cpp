// Placeholder entry point; replaced by the CLI implementation.
#include <cstdio>
int main() {
  std::puts("cogr");
  return 0;
}
