// chview_engine_bench: the chview half of bench/pivot_vs_perspective.mjs. Loads a CSV
// into chview's engine the way the protocol layer does for `client.table(csv)` (the
// protocol's own CSV parser, type inference and batch builder, then Table), then times
// the same steps as the Perspective half: view creation (flat, 2-level group_by,
// group_by + split_by, each with its first viewport) and a CSV update with views live
// (parse → Table::apply → View::update for every live view → first viewport).
// Prints one JSON object: timings in ms (median of repeats, plus every sample) and
// memory from /proc/self/status.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/table.h"
#include "engine/view.h"
#include "engine/view_config.h"
#include "protocol/table_input.h"

namespace {

using chview::Result;
using chview::Status;
using chview::engine::Table;
using chview::engine::View;
using chview::engine::ViewConfig;
using chview::engine::Viewport;
using Json = nlohmann::json;
namespace detail = chview::protocol::detail;
namespace proto = chview::protocol::detail::proto;

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> samples) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t mid = samples.size() / 2;
  return samples.size() % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
}

Json timing(const std::vector<double>& samples) {
  return Json{{"median_ms", median(samples)}, {"samples_ms", samples}};
}

// A /proc/self/status field in MB ("VmRSS", "VmHWM").
double proc_status_mb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream fields(line.substr(key.size() + 1));
      double kb = 0;
      fields >> kb;
      return kb / 1024.0;
    }
  }
  return -1;
}

// Thrown on an engine error; a failing step is recorded as {"error": …} (step()).
[[noreturn]] void fail(const std::string& what, const Status& status) {
  throw std::runtime_error(what + ": " + status.message());
}

template <typename T>
T value_or_fail(Result<T> result, const std::string& what) {
  if (!result.is_ok()) fail(what, result.status());
  return std::move(result).value();
}

proto::MakeTableData csv_input(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "chview_engine_bench: cannot read " << path << "\n";
    std::exit(1);
  }
  std::ostringstream text;
  text << in.rdbuf();
  proto::MakeTableData data;
  data.set_from_csv(std::move(text).str());
  return data;
}

struct LoadResult {
  std::unique_ptr<Table> table;
  double parse_ms = 0, apply_ms = 0, total_ms = 0;
};

// What the protocol layer does for MakeTableReq with CSV data (table_requests.cpp): the
// CSV straight into typed columns with the inferred schema, then a new Table.
LoadResult load(const proto::MakeTableData& data) {
  LoadResult out;
  auto start = Clock::now();
  chview::columnar::Batch batch =
      value_or_fail(detail::csv_to_batch(data.from_csv(), nullptr), "parse CSV");
  out.parse_ms = ms_since(start);
  auto step = Clock::now();
  out.table = value_or_fail(Table::make("bench", batch.schema()), "Table::make");
  value_or_fail(out.table->apply_initial_data(batch), "apply_initial_data");
  out.apply_ms = ms_since(step);
  out.total_ms = ms_since(start);
  return out;
}

std::unique_ptr<View> make_view(const Table& table, const ViewConfig& config, size_t viewport) {
  auto view = value_or_fail(View::make(table, config, chview::engine::ViewOptions{.pivot = true}),
                            "View::make");
  auto slice = view->slice(Viewport{.end_row = static_cast<uint32_t>(viewport)});
  if (slice.num_rows() == 0) throw std::runtime_error("empty first viewport");
  return view;
}

// The Perspective half's TableUpdateReq with CSV: parse, build the batch in the table's
// schema, apply, update every live view, read each view's first viewport.
size_t update(Table& table, const std::vector<std::unique_ptr<View>>& views,
              const proto::MakeTableData& data, size_t viewport) {
  auto batch =
      value_or_fail(detail::csv_to_batch(data.from_csv(), &table.schema()), "parse update CSV");
  auto delta = value_or_fail(table.apply(batch), "Table::apply");
  size_t rows = 0;
  for (const auto& view : views) {
    view->update(delta);
    rows += view->num_rows();
    rows += view->slice(Viewport{.end_row = static_cast<uint32_t>(viewport)}).num_rows();
  }
  return rows;
}

struct Options {
  std::string data_path;
  std::string update_path;
  int repeat = 3;
  int updates = 5;
  size_t viewport = 50;
  std::vector<std::string> group_by = {"ticker", "client"};
  std::vector<std::string> split_group_by = {"ticker"};
  std::vector<std::string> split_by = {"client"};
};

Json run(const Options& options) {
  Json out;
  out["rss_start_mb"] = proc_status_mb("VmRSS");
  proto::MakeTableData data = csv_input(options.data_path);
  proto::MakeTableData update_data = csv_input(options.update_path);
  out["rss_input_read_mb"] = proc_status_mb("VmRSS");

  // Load: median of `repeat` loads; the last table is kept.
  std::vector<double> load_ms, parse_ms, apply_ms;
  std::unique_ptr<Table> table;
  for (int i = 0; i < options.repeat; ++i) {
    table.reset();
    LoadResult loaded = load(data);
    load_ms.push_back(loaded.total_ms);
    parse_ms.push_back(loaded.parse_ms);
    apply_ms.push_back(loaded.apply_ms);
    table = std::move(loaded.table);
  }
  out["rows"] = table->size();
  out["load"] = timing(load_ms);
  out["load_parts"] =
      Json{{"csv_to_batch_ms", median(parse_ms)}, {"table_apply_ms", median(apply_ms)}};
  data.Clear();  // as a server drops the request once the table exists
  // glibc keeps much of the parser's freed heap; report RSS with and without returning it.
  out["rss_after_load_untrimmed_mb"] = proc_status_mb("VmRSS");
  malloc_trim(0);
  out["rss_after_load_mb"] = proc_status_mb("VmRSS");

  ViewConfig flat;
  ViewConfig grouped;
  grouped.group_by = options.group_by;
  ViewConfig split;
  split.group_by = options.split_group_by;
  split.split_by = options.split_by;

  auto time_view = [&](const ViewConfig& config) {
    std::vector<double> samples;
    for (int i = 0; i < options.repeat; ++i) {
      auto start = Clock::now();
      auto view = make_view(*table, config, options.viewport);
      samples.push_back(ms_since(start));
    }
    return timing(samples);
  };
  // One step's figures, or its error (the other steps still run).
  auto step = [&](const std::string& name, const std::function<Json()>& fn) {
    try {
      out[name] = fn();
    } catch (const std::exception& e) {
      std::cerr << "chview_engine_bench: " << name << ": " << e.what() << "\n";
      out[name] = Json{{"error", e.what()}};
    }
  };
  step("view_flat", [&] { return time_view(flat); });
  step("view_group_by", [&] { return time_view(grouped); });
  step("view_group_by_split_by", [&] { return time_view(split); });

  auto time_updates = [&](const std::vector<std::unique_ptr<View>>& views) {
    std::vector<double> samples;
    for (int i = 0; i < options.updates; ++i) {
      auto start = Clock::now();
      update(*table, views, update_data, options.viewport);
      samples.push_back(ms_since(start));
    }
    return timing(samples);
  };
  step("update_flat_live", [&] {
    std::vector<std::unique_ptr<View>> views;
    views.push_back(make_view(*table, flat, options.viewport));
    return time_updates(views);
  });
  std::vector<std::unique_ptr<View>> views;  // outlive the step: live for the memory figure
  step("update_two_group_by_live", [&] {
    views.push_back(make_view(*table, grouped, options.viewport));
    views.push_back(make_view(*table, split, options.viewport));
    return time_updates(views);
  });
  out["rows_after_updates"] = table->size();

  // The state both sides are in now: the table plus two grouped views, live.
  out["rss_final_untrimmed_mb"] = proc_status_mb("VmRSS");
  malloc_trim(0);
  out["rss_final_mb"] = proc_status_mb("VmRSS");
  out["rss_peak_mb"] = proc_status_mb("VmHWM");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app("chview engine benchmark (see bench/pivot_vs_perspective.mjs)");
  app.add_option("--data", options.data_path, "CSV to load (header line, seed schema)")->required();
  app.add_option("--update", options.update_path, "CSV applied as each update")->required();
  app.add_option("--repeat", options.repeat, "repeats of load and of each view creation")
      ->check(CLI::PositiveNumber);
  app.add_option("--updates", options.updates, "updates timed per scenario")
      ->check(CLI::PositiveNumber);
  app.add_option("--viewport", options.viewport, "rows of the first viewport");
  app.add_option("--group-by", options.group_by, "group_by of the grouped view");
  app.add_option("--split-group-by", options.split_group_by, "group_by of the split view");
  app.add_option("--split-by", options.split_by, "split_by of the split view");
  try {
    app.parse(argc, argv);
    std::cout << run(options).dump(2) << "\n";
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "chview_engine_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
