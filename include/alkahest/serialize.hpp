// Expressions as bytes: the DAG, each distinct node once, in topological order (what pickling
// sends). The size is linear in the number of distinct nodes, however much they share.
//
// A chunk is
//   magic "AKD" and one version byte (kDagFormatVersion)
//   varint base        nodes the chunk builds on (written by earlier chunks of the same chain)
//   varint n           new nodes, then n records:  varint tag, varint payload length, payload
//   varint r           roots, then r varint node indices
// A node's index is its position in the chain (base + its position in the chunk); a record refers
// to earlier nodes only, so the order is topological and no cycle can be written. Tags (DagTag)
// and payloads:
//   Number  byte subtype (0 integer, 1 rational, 2 float); an integer is a sign byte (0 or 1)
//           and a varint-length little-endian magnitude; a rational two integers (p, q); a float
//           8 bytes, the IEEE bits little-endian
//   Symbol  varint-length name; varint count of assumptions, each a varint-length key (real,
//           positive, integer, ... as pool.symbol takes them) and a value byte (0 or 1); none
//           for the default symbol (real)
//   Constant  varint-length name as printed ("pi", "E", "EulerGamma", "I", "oo", "-oo", "zoo", "nan")
//   Add, Mul, Pow  varint count of arguments, then their indices
//   Func    varint-length op name (names, not op numbers, so reordering the op table is safe),
//           varint count of arguments, then their indices
//   Object  (tag 7) varint-length head name as printed ("Derivative", "O", "Eq", ...; "Function"
//           for an undefined function), varint-length name (the function's name, Limit's
//           direction, else empty), varint count of arguments, then their indices (objects.hpp
//           gives the layout per head). Readers older than this tag refuse it by its number.
// Every length, count and index is checked when reading: bad bytes raise InvalidArgument, never
// read out of bounds. Nodes are rebuilt through the pool's canonical constructors, so even crafted
// bytes can only build canonical expressions. New node kinds are new tags.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "alkahest/pool.hpp"

namespace alkahest {

/// Version of the chunk format written; readers accept this version and older ones.
inline constexpr std::uint8_t kDagFormatVersion = 1;

/// Record tags of the chunk format (stable: new kinds get new numbers).
enum class DagTag : std::uint32_t { Number = 0, Symbol = 1, Add = 2, Mul = 3, Pow = 4, Func = 5, Constant = 6, Object = 7 };

/// Writes chunks of one pool; each chunk holds only the nodes that earlier chunks of this writer
/// did not, and may refer to those.
class DagWriter {
 public:
  explicit DagWriter(const ExprPool& pool) : pool_(&pool) {}
  /// A chunk with the nodes of `roots` not written yet, and the roots.
  std::string write(std::span<const ExprId> roots);
  /// Nodes written so far (the base of the next chunk).
  std::size_t count() const { return order_.size(); }
  /// A writer that has written only the first `n` nodes of this one (n <= count()).
  DagWriter prefix(std::size_t n) const;

 private:
  const ExprPool* pool_;
  std::vector<ExprId> order_;
  std::unordered_map<ExprId, std::uint32_t> index_;
};

/// Reads the chunks of one chain, in order, into a pool.
class DagReader {
 public:
  explicit DagReader(ExprPool& pool) : pool_(&pool) {}
  /// The roots of `chunk`, after building its nodes. Throws InvalidArgument (naming the problem)
  /// on bytes that are not a well-formed chunk following what this reader has read; on error
  /// the reader is unchanged.
  std::vector<ExprId> read(std::string_view chunk);
  /// Nodes read so far.
  std::size_t count() const { return ids_.size(); }
  /// A reader that has read only the first `n` nodes of this one (n <= count()).
  DagReader prefix(std::size_t n) const;

 private:
  ExprPool* pool_;
  std::vector<ExprId> ids_;
};

}  // namespace alkahest
