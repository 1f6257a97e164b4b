// Test-only: walks an Arrow IPC stream produced by ipc_writer and exposes each message's
// flatbuffer tables through flatbuffers' generic Table API, so tests can check the bytes
// against the Arrow format (field ids from format/Message.fbs and Schema.fbs).
#pragma once

#include <flatbuffers/flatbuffers.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace chview::arrow::testing {

// A table field's vtable slot: 4 + 2 * (field id in the .fbs).
constexpr flatbuffers::voffset_t slot(int id) {
  return static_cast<flatbuffers::voffset_t>(4 + 2 * id);
}

inline const flatbuffers::Table* table_field(const flatbuffers::Table* t, int id) {
  return t->GetPointer<const flatbuffers::Table*>(slot(id));
}

template <typename T>
const flatbuffers::Vector<T>* vector_field(const flatbuffers::Table* t, int id) {
  return t->GetPointer<const flatbuffers::Vector<T>*>(slot(id));
}

inline std::string string_field(const flatbuffers::Table* t, int id) {
  const auto* s = t->GetPointer<const flatbuffers::String*>(slot(id));
  return s ? s->str() : std::string();
}

struct Region {
  int64_t offset;
  int64_t length;
};
struct Node {
  int64_t length;
  int64_t null_count;
};

struct IpcMessage {
  size_t stream_offset = 0;    // where its continuation marker starts
  uint32_t metadata_size = 0;  // as written (padded)
  std::string metadata;        // owned copy, so the flatbuffer stays aligned
  std::string body;            // owned copy

  const flatbuffers::Table* message() const {
    return flatbuffers::GetRoot<flatbuffers::Table>(metadata.data());
  }
  int16_t version() const { return message()->GetField<int16_t>(slot(0), 0); }
  uint8_t header_type() const { return message()->GetField<uint8_t>(slot(1), 0); }
  const flatbuffers::Table* header() const { return table_field(message(), 2); }
  int64_t body_length() const { return message()->GetField<int64_t>(slot(3), 0); }

  // For RecordBatch (or a DictionaryBatch's data): the batch table.
  const flatbuffers::Table* batch() const {
    return header_type() == 2 ? table_field(header(), 1) : header();
  }
  int64_t batch_length() const { return batch()->GetField<int64_t>(slot(0), 0); }
  std::vector<Node> nodes() const { return structs<Node>(1); }
  std::vector<Region> buffers() const { return structs<Region>(2); }
  std::string_view buffer(size_t i) const {
    const Region r = buffers().at(i);
    return std::string_view(body).substr(static_cast<size_t>(r.offset),
                                         static_cast<size_t>(r.length));
  }

 private:
  // Vectors of 16-byte structs, read as raw bytes.
  template <typename T>
  std::vector<T> structs(int id) const {
    const auto* v = vector_field<uint8_t>(batch(), id);
    std::vector<T> out;
    if (v == nullptr) return out;
    const auto* raw = reinterpret_cast<const uint8_t*>(v->Data());
    const size_t count = v->size();  // the struct count, whatever the element type
    out.resize(count);
    if (count > 0) std::memcpy(out.data(), raw, count * sizeof(T));
    return out;
  }
};

struct ParsedStream {
  std::vector<IpcMessage> messages;
  bool ended = false;  // saw the end-of-stream marker as the last 8 bytes
};

// Parses `bytes`, recording failures with gtest's ADD_FAILURE.
inline ParsedStream parse_stream(std::string_view bytes) {
  ParsedStream out;
  size_t pos = 0;
  const auto u32_at = [&](size_t at) {
    uint32_t v = 0;
    std::memcpy(&v, bytes.data() + at, sizeof v);
    return v;
  };
  while (pos + 8 <= bytes.size()) {
    EXPECT_EQ(pos % 8, 0u) << "message not 8-byte aligned";
    EXPECT_EQ(u32_at(pos), 0xFFFFFFFFu) << "missing continuation marker at " << pos;
    const uint32_t size = u32_at(pos + 4);
    if (size == 0) {
      out.ended = pos + 8 == bytes.size();
      return out;
    }
    IpcMessage m;
    m.stream_offset = pos;
    m.metadata_size = size;
    EXPECT_EQ((8 + size) % 8, 0u) << "metadata not padded to 8";
    if (pos + 8 + size > bytes.size()) {
      ADD_FAILURE() << "truncated metadata";
      return out;
    }
    m.metadata.assign(bytes.data() + pos + 8, size);
    pos += 8 + size;
    const auto body_length = static_cast<size_t>(m.body_length());
    if (pos + body_length > bytes.size()) {
      ADD_FAILURE() << "truncated body";
      return out;
    }
    m.body.assign(bytes.substr(pos, body_length));
    pos += body_length;
    out.messages.push_back(std::move(m));
  }
  ADD_FAILURE() << "no end-of-stream marker";
  return out;
}

}  // namespace chview::arrow::testing
