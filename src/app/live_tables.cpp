#include "app/live_tables.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>

#include "engine/table.h"

namespace chview::app {
namespace {

engine::TableOptions table_options(const ingest::LiveTableSpec& spec) {
  engine::TableOptions options;
  if (spec.index) {
    options.index = spec.index;
  } else {
    options.limit = spec.limit.value_or(1000);
  }
  return options;
}

// What the engine thread needs to know about a feed.
struct Target {
  std::string name;
  columnar::Schema schema;
  engine::TableOptions options;
};

// Runs on the engine thread.
Status apply_on_engine(protocol::Server& server, const Target& target, const columnar::Batch& batch,
                       bool initial) {
  const std::string& name = target.name;
  auto table = server.find_table(name);
  if (initial) {
    if (table && table->schema() == target.schema) {
      CHVIEW_ASSIGN_OR_RETURN(engine::TableDelta delta, table->replace(batch));
      server.table_updated(name, delta);
      return Status::ok();
    }
    CHVIEW_ASSIGN_OR_RETURN(auto made, engine::Table::make(name, target.schema, target.options));
    std::shared_ptr<engine::Table> fresh = std::move(made);
    CHVIEW_RETURN_IF_ERROR(fresh->apply(batch).status());
    if (table) {
      spdlog::warn("live table '{}': schema changed; publishing it again", name);
      CHVIEW_RETURN_IF_ERROR(server.remove_table(name));
    }
    return server.host_table(std::move(fresh));
  }
  if (!table) return not_found("live table '" + name + "' is not hosted");
  CHVIEW_ASSIGN_OR_RETURN(engine::TableDelta delta, table->apply(batch));
  server.table_updated(name, delta);
  return Status::ok();
}

}  // namespace

ingest::Deliver make_deliver(protocol::Server& server, PostFn post,
                             const std::shared_ptr<std::atomic<bool>>& stopping) {
  return [&server, post = std::move(post), stopping](const ingest::LiveFeed& feed,
                                                     columnar::Batch batch, bool initial) {
    auto done = std::make_shared<std::promise<Status>>();
    auto result = done->get_future();
    auto target = std::make_shared<const Target>(
        Target{feed.spec().name, feed.schema(), table_options(feed.spec())});
    auto shared_batch = std::make_shared<const columnar::Batch>(std::move(batch));
    post([&server, done, target, shared_batch, initial] {
      done->set_value(apply_on_engine(server, *target, *shared_batch, initial));
    });
    while (result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      if (stopping->load()) return Status(ErrorCode::kCancelled, "server is stopping");
    }
    return result.get();
  };
}

}  // namespace chview::app
