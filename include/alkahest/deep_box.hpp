// A value on the heap that copies deeply: what a node keeps out of line (a rational, a name) so
// that every node stays small.
#pragma once

#include <memory>

namespace alkahest::detail {

/// A std::unique_ptr<T> whose copies copy the value (an empty box copies as empty). A moved-from
/// box is empty.
template <class T>
class DeepBox {
 public:
  DeepBox() = default;
  explicit DeepBox(std::unique_ptr<T> p) noexcept : p_(std::move(p)) {}
  DeepBox(const DeepBox& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  DeepBox(DeepBox&&) noexcept = default;
  DeepBox& operator=(const DeepBox& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  DeepBox& operator=(DeepBox&&) noexcept = default;
  ~DeepBox() = default;

  T* get() const noexcept { return p_.get(); }
  explicit operator bool() const noexcept { return p_ != nullptr; }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace alkahest::detail
