// ArgVector: the argument list of an expression node. A vector of ExprId whose first five
// elements live inside the object, so that the nodes most expressions are made of (powers,
// function calls, products of a coefficient and up to four factors) need no heap block of their
// own: one allocation and one free less per node, which is most of the cost of interning a large
// polynomial's terms. The size of a std::vector (24 bytes); the interface is the part of
// std::vector the kernel uses, with pointers as iterators.
#pragma once
#include <algorithm>
#include <compare>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <new>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

namespace alkahest {

using ExprId = std::uint32_t;

class ArgVector {
 public:
  using value_type = ExprId;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using reference = ExprId&;
  using const_reference = const ExprId&;
  using pointer = ExprId*;
  using const_pointer = const ExprId*;
  using iterator = ExprId*;
  using const_iterator = const ExprId*;
  using reverse_iterator = std::reverse_iterator<iterator>;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;

  /// Elements kept inside the object.
  static constexpr std::size_t kInline = 5;

  ArgVector() noexcept = default;
  ArgVector(std::initializer_list<ExprId> values) { assign(values.begin(), values.end()); }
  explicit ArgVector(std::size_t n, ExprId value = 0) { assign(n, value); }
  template <std::input_iterator It>
  ArgVector(It first, It last) { assign(first, last); }
  ArgVector(std::span<const ExprId> values) { assign(values.begin(), values.end()); }  // NOLINT
  ArgVector(const std::vector<ExprId>& values) { assign(values.begin(), values.end()); }  // NOLINT
  ArgVector(const ArgVector& other) { assign(other.begin(), other.end()); }
  ArgVector(ArgVector&& other) noexcept { take(other); }
  ~ArgVector() { release(); }

  ArgVector& operator=(const ArgVector& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  ArgVector& operator=(ArgVector&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  ArgVector& operator=(std::initializer_list<ExprId> values) {
    assign(values.begin(), values.end());
    return *this;
  }
  ArgVector& operator=(std::span<const ExprId> values) {
    assign(values.begin(), values.end());
    return *this;
  }
  ArgVector& operator=(const std::vector<ExprId>& values) {
    assign(values.begin(), values.end());
    return *this;
  }

  /// A std::vector copy, for code that keeps or edits the arguments as one.
  operator std::vector<ExprId>() const { return std::vector<ExprId>(begin(), end()); }  // NOLINT

  std::size_t size() const noexcept { return size_ & ~kHeapBit; }
  bool empty() const noexcept { return size() == 0; }
  std::size_t capacity() const noexcept { return on_heap() ? words_[0] : kInline; }
  ExprId* data() noexcept { return on_heap() ? heap() : words_; }
  const ExprId* data() const noexcept { return on_heap() ? heap() : words_; }

  iterator begin() noexcept { return data(); }
  iterator end() noexcept { return data() + size(); }
  const_iterator begin() const noexcept { return data(); }
  const_iterator end() const noexcept { return data() + size(); }
  const_iterator cbegin() const noexcept { return begin(); }
  const_iterator cend() const noexcept { return end(); }
  reverse_iterator rbegin() noexcept { return reverse_iterator(end()); }
  reverse_iterator rend() noexcept { return reverse_iterator(begin()); }
  const_reverse_iterator rbegin() const noexcept { return const_reverse_iterator(end()); }
  const_reverse_iterator rend() const noexcept { return const_reverse_iterator(begin()); }

  ExprId& operator[](std::size_t i) noexcept { return data()[i]; }
  const ExprId& operator[](std::size_t i) const noexcept { return data()[i]; }
  ExprId& front() noexcept { return data()[0]; }
  const ExprId& front() const noexcept { return data()[0]; }
  ExprId& back() noexcept { return data()[size() - 1]; }
  const ExprId& back() const noexcept { return data()[size() - 1]; }

  void reserve(std::size_t n) {
    if (n > capacity()) grow_to(n);
  }
  void clear() noexcept { set_size(0); }
  void push_back(ExprId value) {
    const std::size_t n = size();
    if (n == capacity()) grow_to(n * 2);
    data()[n] = value;
    set_size(n + 1);
  }
  ExprId& emplace_back(ExprId value) {
    push_back(value);
    return back();
  }
  void pop_back() noexcept { set_size(size() - 1); }
  void resize(std::size_t n, ExprId value = 0) {
    const std::size_t old = size();
    reserve(n);
    if (n > old) std::fill(data() + old, data() + n, value);
    set_size(n);
  }
  template <std::input_iterator It>
  void assign(It first, It last) {
    clear();
    if constexpr (std::contiguous_iterator<It> && std::is_same_v<std::iter_value_t<It>, ExprId>) {
      // One copy (every interned node's arguments come this way).
      const auto n = static_cast<std::size_t>(last - first);
      reserve(n);
      if (n != 0) std::memcpy(data(), std::to_address(first), n * sizeof(ExprId));
      set_size(n);
      return;
    }
    if constexpr (std::forward_iterator<It>) reserve(static_cast<std::size_t>(std::distance(first, last)));
    for (; first != last; ++first) push_back(static_cast<ExprId>(*first));
  }
  void assign(std::size_t n, ExprId value) {
    clear();
    resize(n, value);
  }
  void assign(std::initializer_list<ExprId> values) { assign(values.begin(), values.end()); }

  iterator insert(const_iterator pos, ExprId value) { return insert(pos, &value, &value + 1); }
  iterator insert(const_iterator pos, std::size_t count, ExprId value) {
    const std::size_t at = static_cast<std::size_t>(pos - begin()), n = size();
    reserve(n + count);
    ExprId* d = data();
    std::memmove(d + at + count, d + at, (n - at) * sizeof(ExprId));
    std::fill(d + at, d + at + count, value);
    set_size(n + count);
    return d + at;
  }
  template <std::forward_iterator It>
  iterator insert(const_iterator pos, It first, It last) {
    const std::size_t at = static_cast<std::size_t>(pos - begin()), n = size();
    const auto count = static_cast<std::size_t>(std::distance(first, last));
    if (count == 0) return begin() + at;
    // The source may be this vector's own elements: copied out before growing moves them.
    std::vector<ExprId> values(first, last);
    reserve(n + count);
    ExprId* d = data();
    std::memmove(d + at + count, d + at, (n - at) * sizeof(ExprId));
    std::copy(values.begin(), values.end(), d + at);
    set_size(n + count);
    return d + at;
  }
  iterator erase(const_iterator pos) { return erase(pos, pos + 1); }
  iterator erase(const_iterator first, const_iterator last) {
    const std::size_t at = static_cast<std::size_t>(first - begin());
    const std::size_t count = static_cast<std::size_t>(last - first), n = size();
    ExprId* d = data();
    std::memmove(d + at, d + at + count, (n - at - count) * sizeof(ExprId));
    set_size(n - count);
    return d + at;
  }
  void swap(ArgVector& other) noexcept {
    ArgVector t(std::move(other));
    other = std::move(*this);
    *this = std::move(t);
  }

  friend bool operator==(const ArgVector& a, const ArgVector& b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }
  friend std::strong_ordering operator<=>(const ArgVector& a, const ArgVector& b) noexcept {
    return std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  static constexpr std::uint32_t kHeapBit = 0x80000000u;
  // The size; its high bit set when the elements are on the heap, where words_[0] holds the
  // capacity and words_[1..2] the pointer (copied in and out: it is not 8-byte aligned here).
  std::uint32_t size_ = 0;
  ExprId words_[kInline] = {};

  bool on_heap() const noexcept { return (size_ & kHeapBit) != 0; }
  ExprId* heap() const noexcept {
    ExprId* p;
    std::memcpy(&p, &words_[1], sizeof p);
    return p;
  }
  void set_size(std::size_t n) noexcept { size_ = (size_ & kHeapBit) | static_cast<std::uint32_t>(n); }
  void grow_to(std::size_t n) {
    n = std::max<std::size_t>(n, kInline + 1);
    if (n >= kHeapBit) throw std::bad_alloc();
    auto* p = static_cast<ExprId*>(std::malloc(n * sizeof(ExprId)));
    if (!p) throw std::bad_alloc();
    const std::size_t count = size();
    std::memcpy(p, data(), count * sizeof(ExprId));
    release();
    words_[0] = static_cast<ExprId>(n);
    std::memcpy(&words_[1], &p, sizeof p);
    size_ = kHeapBit | static_cast<std::uint32_t>(count);
  }
  void release() noexcept {
    if (on_heap()) std::free(heap());
    size_ = 0;
  }
  void take(ArgVector& other) noexcept {
    size_ = other.size_;
    std::memcpy(words_, other.words_, sizeof words_);
    other.size_ = 0;
  }
};

}  // namespace alkahest
