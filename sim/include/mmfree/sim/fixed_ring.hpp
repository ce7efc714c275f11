// A bounded FIFO whose storage is allocated once, so that the per-cycle code of the AXI models
// never touches the heap.
#pragma once

#include <cstddef>
#include <vector>

namespace mmfree::sim {

template <class T>
class FixedRing {
 public:
  explicit FixedRing(std::size_t capacity = 1) : slots_(capacity ? capacity : 1) {}

  bool empty() const { return count_ == 0; }
  bool full() const { return count_ == slots_.size(); }
  std::size_t size() const { return count_; }
  std::size_t capacity() const { return slots_.size(); }

  // Element `k` counted from the oldest (k < size()).
  T& operator[](std::size_t k) { return slots_[(head_ + k) % slots_.size()]; }
  const T& operator[](std::size_t k) const { return slots_[(head_ + k) % slots_.size()]; }
  T& front() { return slots_[head_]; }
  const T& front() const { return slots_[head_]; }

  void push(const T& value) {  // caller checks !full()
    slots_[(head_ + count_) % slots_.size()] = value;
    ++count_;
  }
  void pop() {  // caller checks !empty()
    head_ = (head_ + 1) % slots_.size();
    --count_;
  }
  void clear() { head_ = count_ = 0; }

 private:
  std::vector<T> slots_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace mmfree::sim
