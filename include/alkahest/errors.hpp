// Exception hierarchy of alkahest. The Python bindings map each class to one Python exception.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

namespace alkahest {

/// Base of every error alkahest raises on purpose (maps to Python `AlkahestError`).
class AlkahestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Two expressions from different pools were combined (Python `ValueError`).
class PoolMismatchError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// An argument has the right type but an unusable value (Python `ValueError`).
class InvalidArgument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Exact division by zero, e.g. `1/0` or `0**-1` with exact numbers (Python `ZeroDivisionError`).
class DivisionByZero : public std::domain_error {
 public:
  using std::domain_error::domain_error;
};

/// Text that `parse` cannot read; `begin`/`end` are byte offsets of the offending span.
class ParseError : public AlkahestError {
 public:
  ParseError(const std::string& message, std::size_t begin, std::size_t end)
      : AlkahestError(message), begin_(begin), end_(end) {}
  std::size_t begin() const { return begin_; }
  std::size_t end() const { return end_; }

 private:
  std::size_t begin_, end_;
};

}  // namespace alkahest
