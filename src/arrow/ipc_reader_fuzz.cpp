// libFuzzer target for the Arrow IPC reader (untrusted client input). Build with clang,
// the whole library instrumented:
//   cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCHVIEW_FUZZ=ON \
//     -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined"
//   cmake --build build/fuzz --target arrow_ipc_reader_fuzz
//   build/fuzz/src/arrow/arrow_ipc_reader_fuzz -max_total_time=60 corpus/
// (seed corpus: the streams of ipc_reader_fixtures.h).
// Every input must end in a value or a Status; ASan/UBSan catch the rest.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "arrow/ipc_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  chview::arrow::ReadOptions options;
  options.max_rows = 1 << 16;  // keep allocations small: limits are tested elsewhere
  options.max_decompressed_bytes = 1 << 20;
  auto table = chview::arrow::read_ipc_stream(
      std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (table.is_ok()) {
    for (const auto& column : table->columns) {
      for (size_t row = 0; row < column.num_rows; ++row) {
        if (column.is_string()) (void)column.string_at(row);
      }
    }
  }
  return 0;
}
