# The two commands: `make demo` and `make test`. Everything else is a building block.
BUILD_DIR ?= build
ASAN_DIR  ?= build/asan
JOBS      ?= $(shell nproc)
CMAKE_GEN := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: demo test deps build build-asan test-unit test-sanitize test-node format tidy clean bench

demo: deps build
	scripts/demo.sh

test: deps build build-asan
	scripts/run-tests.sh

deps:
	scripts/install-deps.sh

# One optimised build with tests serves both demo and test: no needless rebuilds.
$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# ASan+UBSan build of the unit tests only (the ClickHouse and browser tests run once,
# against the optimised build).
$(ASAN_DIR)/CMakeCache.txt:
	cmake -S . -B $(ASAN_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DCHVIEW_SANITIZE=ON

build-asan: $(ASAN_DIR)/CMakeCache.txt
	cmake --build $(ASAN_DIR) -j $(JOBS) --target unit_tests

test-unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit -j $(JOBS)

test-sanitize: build-asan
	cd $(ASAN_DIR) && ctest --output-on-failure -L unit -j $(JOBS)

# chview vs Perspective's own engine (bench/pivot_vs_perspective.mjs): the engines on a
# Release build of the benchmark binary, Perspective given the same CSV (then JS column
# arrays, the format the issue's figures came from); and both servers over a WebSocket
# (`chview serve` from the usual build). BENCH_ARGS e.g. "--rows 100000".
BENCH_DIR ?= build/release
$(BENCH_DIR)/CMakeCache.txt:
	cmake -S . -B $(BENCH_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DCHVIEW_BUILD_TESTS=OFF

bench: deps build $(BENCH_DIR)/CMakeCache.txt
	cmake --build $(BENCH_DIR) -j $(JOBS) --target chview_engine_bench
	node bench/pivot_vs_perspective.mjs --bin $(BENCH_DIR)/bench/chview_engine_bench \
	  --wire --chview-bin $(BUILD_DIR)/chview $(BENCH_ARGS)
	node bench/pivot_vs_perspective.mjs --bin $(BENCH_DIR)/bench/chview_engine_bench --format columns $(BENCH_ARGS)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

tidy: build
	git ls-files 'src/*.cpp' | xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	rm -rf $(BUILD_DIR)
