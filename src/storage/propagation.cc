#include "storage/propagation.h"

#include <unistd.h>

#include <algorithm>

namespace cardinal::storage {

void Propagator::AddSink(std::shared_ptr<PropagationSink> sink) {
  std::lock_guard lk(mu_);
  sinks_.push_back(std::move(sink));
  active_.store(true, std::memory_order_relaxed);
}

void Propagator::RemoveSink(const PropagationSink* sink) {
  std::lock_guard lk(mu_);
  std::erase_if(sinks_, [&](const auto& s) { return s.get() == sink; });
  active_.store(!sinks_.empty(), std::memory_order_relaxed);
}

void Propagator::Emit(const std::vector<PropagatedCommand>& batch) {
  if (batch.empty()) return;
  std::lock_guard lk(mu_);
  for (auto& s : sinks_) s->Consume(batch);
}

void AppendRespCommand(const std::vector<std::string>& argv, std::string* out) {
  out->append("*").append(std::to_string(argv.size())).append("\r\n");
  for (const auto& a : argv) {
    out->append("$").append(std::to_string(a.size())).append("\r\n");
    out->append(a).append("\r\n");
  }
}

FilePropagationSink::~FilePropagationSink() {
  if (fd_ >= 0) ::close(fd_);
}

void FilePropagationSink::Consume(const std::vector<PropagatedCommand>& batch) {
  std::string buf;
  bool wrap = batch.size() > 1;
  for (size_t i = 0; i < batch.size(); i++) {
    const auto& rec = batch[i];
    if (rec.db != current_db_) {
      AppendRespCommand({"SELECT", std::to_string(rec.db)}, &buf);
      current_db_ = rec.db;
    }
    if (wrap && i == 0) AppendRespCommand({"MULTI"}, &buf);
    AppendRespCommand(rec.argv, &buf);
  }
  if (wrap) AppendRespCommand({"EXEC"}, &buf);
  size_t off = 0;
  while (off < buf.size()) {
    ssize_t n = ::write(fd_, buf.data() + off, buf.size() - off);
    if (n <= 0) break;  // a debug sink: losing records on a full disk is acceptable
    off += static_cast<size_t>(n);
  }
}

}  // namespace cardinal::storage
