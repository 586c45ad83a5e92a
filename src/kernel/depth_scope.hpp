// A counter of nested calls held for one scope: incremented on entry, decremented on every exit
// (return or exception). For the thread_local recursion depths of the algorithms that call
// themselves through public entry points (integrate's parameter cases, solve's substitution,
// limit's case split). Internal to src.
#pragma once

namespace alkahest {

class DepthScope {
 public:
  explicit DepthScope(int& depth) : depth_(depth) { ++depth_; }
  ~DepthScope() { --depth_; }
  DepthScope(const DepthScope&) = delete;
  DepthScope& operator=(const DepthScope&) = delete;
  /// The depth including this scope.
  int depth() const { return depth_; }

 private:
  int& depth_;
};

}  // namespace alkahest
