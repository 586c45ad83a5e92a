#include "alkahest/serialize.hpp"

#include <cstring>

#include "alkahest/errors.hpp"
#include "alkahest/objects.hpp"

namespace alkahest {

namespace {

constexpr char kMagic[3] = {'A', 'K', 'D'};

// ---- writing ----------------------------------------------------------------------------------

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_bytes(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

void put_integer(std::string& out, const mpz_class& z) {
  out.push_back(sgn(z) < 0 ? 1 : 0);
  const std::size_t n = (mpz_sizeinbase(z.get_mpz_t(), 2) + 7) / 8;
  std::string mag(sgn(z) == 0 ? 0 : n, '\0');
  std::size_t written = 0;
  if (!mag.empty()) mpz_export(mag.data(), &written, -1, 1, 0, 0, z.get_mpz_t());
  mag.resize(written);
  put_bytes(out, mag);
}

void put_args(std::string& out, const Node& n, const std::unordered_map<ExprId, std::uint32_t>& index) {
  put_varint(out, n.args.size());
  for (ExprId a : n.args) put_varint(out, index.at(a));
}

std::string payload(const Node& n, const std::unordered_map<ExprId, std::uint32_t>& index) {
  std::string p;
  switch (n.kind) {
    case Kind::Number:
      switch (n.number.type()) {
        case Number::Type::Integer:
          p.push_back(0);
          put_integer(p, n.number.integer());
          break;
        case Number::Type::Rational:
          p.push_back(1);
          put_integer(p, n.number.rational().get_num());
          put_integer(p, n.number.rational().get_den());
          break;
        case Number::Type::Float: {
          p.push_back(2);
          std::uint64_t bits;
          const double d = n.number.real();
          std::memcpy(&bits, &d, sizeof bits);
          for (int i = 0; i < 8; ++i) p.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
          break;
        }
      }
      break;
    case Kind::Symbol: {
      put_bytes(p, n.name);
      const auto assumed = assumption_pairs(n.facts);  // none for the default (real) symbol
      put_varint(p, assumed.size());
      for (const auto& [key, value] : assumed) {
        put_bytes(p, key);
        p.push_back(value ? 1 : 0);
      }
      break;
    }
    case Kind::Constant: put_bytes(p, constant_name(n.constant)); break;
    case Kind::Func:
      put_bytes(p, op_info(n.op).name);
      put_args(p, n, index);
      break;
    case Kind::Add:
    case Kind::Mul:
    case Kind::Pow:
      put_args(p, n, index);
      break;
    case Kind::Object:
      put_bytes(p, head_name(n.head));
      put_bytes(p, n.name);
      put_args(p, n, index);
      break;
  }
  return p;
}

DagTag tag_of(Kind k) {
  switch (k) {
    case Kind::Number: return DagTag::Number;
    case Kind::Symbol: return DagTag::Symbol;
    case Kind::Add: return DagTag::Add;
    case Kind::Mul: return DagTag::Mul;
    case Kind::Pow: return DagTag::Pow;
    case Kind::Func: return DagTag::Func;
    case Kind::Constant: return DagTag::Constant;
    case Kind::Object: return DagTag::Object;
  }
  return DagTag::Number;  // unreachable
}

// ---- reading ----------------------------------------------------------------------------------

[[noreturn]] void corrupt(const std::string& what) {
  throw InvalidArgument("serialized expression data is corrupt or truncated: " + what);
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  std::size_t left() const { return s_.size() - pos_; }
  std::uint8_t byte(const char* what) {
    if (pos_ >= s_.size()) corrupt(std::string("ends inside ") + what);
    return static_cast<std::uint8_t>(s_[pos_++]);
  }
  std::uint64_t varint(const char* what) {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const std::uint8_t b = byte(what);
      if (shift == 63 && (b & 0x7e) != 0) corrupt(std::string(what) + " does not fit 64 bits");
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
      if (shift == 63) corrupt(std::string(what) + " does not fit 64 bits");
    }
  }
  // A count of items that take at least `min_bytes` each: checked against what is left, so a
  // crafted count cannot make us reserve memory the data does not back.
  std::size_t count(const char* what, std::size_t min_bytes) {
    const std::uint64_t n = varint(what);
    if (n > left() / min_bytes) corrupt(std::string(what) + " " + std::to_string(n) + " exceeds the data");
    return static_cast<std::size_t>(n);
  }
  std::string_view bytes(const char* what) {
    const std::uint64_t n = varint(what);
    if (n > left()) corrupt(std::string(what) + " of " + std::to_string(n) + " bytes exceeds the data");
    std::string_view out = s_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return out;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

mpz_class get_integer(Cursor& c) {
  const std::uint8_t sign = c.byte("an integer's sign");
  if (sign > 1) corrupt("an integer's sign byte is " + std::to_string(sign));
  std::string_view mag = c.bytes("an integer's magnitude");
  mpz_class z;
  if (!mag.empty()) mpz_import(z.get_mpz_t(), mag.size(), -1, 1, 0, 0, mag.data());
  if (sign == 1) z = -z;
  return z;
}

Number get_number(Cursor& c) {
  const std::uint8_t sub = c.byte("a number");
  switch (sub) {
    case 0: return Number(get_integer(c));
    case 1: {
      mpz_class p = get_integer(c);
      mpz_class q = get_integer(c);
      if (q == 0) corrupt("a rational has denominator 0");
      return Number::rational(p, q);
    }
    case 2: {
      std::uint64_t bits = 0;
      for (int i = 0; i < 8; ++i) bits |= static_cast<std::uint64_t>(c.byte("a float")) << (8 * i);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return Number(d);
    }
    default: corrupt("unknown number subtype " + std::to_string(sub));
  }
}

}  // namespace

// ---- DagWriter --------------------------------------------------------------------------------

std::string DagWriter::write(std::span<const ExprId> roots) {
  const std::size_t base = order_.size();
  // Post-order over the nodes not yet written, iteratively (deep expressions must not recurse).
  std::vector<std::pair<ExprId, std::size_t>> stack;  // (node, next child to visit)
  for (ExprId r : roots) {
    if (index_.count(r)) continue;
    stack.push_back({r, 0});
    while (!stack.empty()) {
      auto& [id, next] = stack.back();
      const Node& n = pool_->node(id);
      if (next < n.args.size()) {
        const ExprId child = n.args[next++];
        if (!index_.count(child)) stack.push_back({child, 0});
        continue;
      }
      if (!index_.count(id)) {  // a node can be reached twice before it is finished
        index_.emplace(id, static_cast<std::uint32_t>(order_.size()));
        order_.push_back(id);
      }
      stack.pop_back();
    }
  }
  std::string out(kMagic, sizeof kMagic);
  out.push_back(static_cast<char>(kDagFormatVersion));
  put_varint(out, base);
  put_varint(out, order_.size() - base);
  for (std::size_t i = base; i < order_.size(); ++i) {
    const Node& n = pool_->node(order_[i]);
    put_varint(out, static_cast<std::uint32_t>(tag_of(n.kind)));
    put_bytes(out, payload(n, index_));
  }
  put_varint(out, roots.size());
  for (ExprId r : roots) put_varint(out, index_.at(r));
  return out;
}

DagWriter DagWriter::prefix(std::size_t n) const {
  if (n > order_.size()) throw InvalidArgument("DagWriter::prefix: " + std::to_string(n) + " nodes were not written");
  DagWriter w(*pool_);
  w.order_.assign(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(n));
  for (std::size_t i = 0; i < n; ++i) w.index_.emplace(w.order_[i], static_cast<std::uint32_t>(i));
  return w;
}

// ---- DagReader --------------------------------------------------------------------------------

std::vector<ExprId> DagReader::read(std::string_view chunk) {
  Cursor c(chunk);
  for (char m : kMagic)
    if (c.byte("the header") != static_cast<std::uint8_t>(m)) corrupt("it does not start with \"AKD\"");
  const std::uint8_t version = c.byte("the header");
  if (version == 0 || version > kDagFormatVersion)
    throw InvalidArgument("serialized expression data has format version " + std::to_string(version) +
                          "; this alkahest reads versions 1 to " + std::to_string(kDagFormatVersion) +
                          " (written by a newer alkahest?)");
  const std::uint64_t base = c.varint("the base count");
  if (base != ids_.size())
    corrupt("the chunk builds on " + std::to_string(base) + " earlier nodes, but " + std::to_string(ids_.size()) +
            " were read before it");
  const std::size_t n = c.count("the node count", 2);
  // Nodes are appended to ids_ as they are built; an error takes them off again.
  std::vector<ExprId>& ids = ids_;
  struct Rollback {
    std::vector<ExprId>& ids;
    std::size_t size;
    bool done = false;
    ~Rollback() { if (!done) ids.resize(size); }
  } rollback{ids_, ids_.size()};
  ids.reserve(ids_.size() + n);
  std::vector<ExprId> args;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string where = "node " + std::to_string(ids.size());
    const std::uint64_t tag = c.varint("a node tag");
    Cursor p(c.bytes("a node's payload"));
    auto get_args = [&](const char* kind) {
      const std::size_t k = p.count("an argument count", 1);
      args.clear();
      for (std::size_t j = 0; j < k; ++j) {
        const std::uint64_t a = p.varint("an argument index");
        if (a >= ids.size())
          corrupt(where + " (" + kind + ") refers to node " + std::to_string(a) + ", which is not before it");
        args.push_back(ids[static_cast<std::size_t>(a)]);
      }
    };
    ExprId id = 0;
    try {
      switch (static_cast<DagTag>(tag)) {
        case DagTag::Number: id = pool_->number(get_number(p)); break;
        case DagTag::Symbol: {
          std::string_view name = p.bytes("a symbol name");
          const std::size_t n_assumptions = p.count("an assumption count", 2);
          std::vector<std::pair<std::string, bool>> assumed;
          for (std::size_t j = 0; j < n_assumptions; ++j) {
            std::string key(p.bytes("an assumption name"));
            const std::uint8_t value = p.byte("an assumption value");
            if (value > 1) corrupt(where + ": assumption " + key + " has value byte " + std::to_string(value));
            assumed.emplace_back(std::move(key), value == 1);
          }
          // Unknown or contradictory assumptions raise InvalidArgument naming them.
          id = assumed.empty() ? pool_->symbol(name) : pool_->symbol(name, facts_from_assumptions(assumed));
          break;
        }
        case DagTag::Constant: {
          std::string_view name = p.bytes("a constant name");
          bool found = false;
          for (std::size_t k = 0; k < kConstantCount && !found; ++k)
            if (constant_name(static_cast<Constant>(k)) == name) {
              id = pool_->constant(static_cast<Constant>(k));
              found = true;
            }
          if (!found) corrupt(where + " is an unknown constant '" + std::string(name) + "'");
          break;
        }
        case DagTag::Add: get_args("Add"); id = pool_->add(args); break;
        case DagTag::Mul: get_args("Mul"); id = pool_->mul(args); break;
        case DagTag::Pow:
          get_args("Pow");
          if (args.size() != 2) corrupt(where + " is a power of " + std::to_string(args.size()) + " arguments");
          id = pool_->pow(args[0], args[1]);
          break;
        case DagTag::Func: {
          std::string_view name = p.bytes("a function name");
          const OpInfo* op = find_op(name);
          if (op == nullptr) corrupt(where + " calls an unknown function '" + std::string(name) + "'");
          get_args("Func");
          if (const OpInfo* same_name = find_op(name, args.size())) op = same_name;  // elliptic_e(m), elliptic_e(phi, m)
          id = pool_->func(op->op, args);
          break;
        }
        case DagTag::Object: {
          const std::string_view head = p.bytes("an object's head");
          const std::string name(p.bytes("an object's name"));
          std::optional<Head> h = head == "Function" ? std::optional<Head>(Head::Function) : find_head(head);
          if (!h) corrupt(where + " is an object of unknown head '" + std::string(head) + "'");
          get_args("Object");
          id = make_object(*pool_, *h, args, name);  // validates: crafted bytes raise InvalidArgument
          break;
        }
        default:
          throw InvalidArgument("serialized expression data: " + where + " has kind tag " + std::to_string(tag) +
                                ", unknown to this version of alkahest (written by a newer one?)");
      }
    } catch (const DivisionByZero& e) {
      corrupt(where + ": " + e.what());
    }
    if (!p.done()) corrupt(where + " has " + std::to_string(p.left()) + " unread payload bytes");
    ids.push_back(id);
  }
  const std::size_t r = c.count("the root count", 1);
  std::vector<ExprId> roots;
  roots.reserve(r);
  for (std::size_t j = 0; j < r; ++j) {
    const std::uint64_t a = c.varint("a root index");
    if (a >= ids.size()) corrupt("root " + std::to_string(j) + " refers to node " + std::to_string(a) + " of " +
                                 std::to_string(ids.size()));
    roots.push_back(ids[static_cast<std::size_t>(a)]);
  }
  if (!c.done()) corrupt(std::to_string(c.left()) + " bytes follow the roots");
  rollback.done = true;
  return roots;
}

DagReader DagReader::prefix(std::size_t n) const {
  if (n > ids_.size()) throw InvalidArgument("DagReader::prefix: " + std::to_string(n) + " nodes were not read");
  DagReader r(*pool_);
  r.ids_.assign(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(n));
  return r;
}

}  // namespace alkahest
