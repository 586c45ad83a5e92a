// The auxiliary functions of Gruntz's rewrite of special functions at infinity (src/limit), whose
// asymptotic expansions the series module knows (src/series/series.cpp). Each is an exactly
// defined function, written as an undefined function of a reserved name; the special function is
// its product with an exponential (and a power), which Gruntz's algorithm then compares:
//
//   gruntz_erfcx_(y)       = erfc(y) exp(y**2)            ~ sum_n (-1)**n (2n-1)!! / (sqrt(pi) 2**n y**(2n+1)),  y -> +oo
//   gruntz_erfix_(y)       = erfi(y) exp(-y**2)           ~ sum_n (2n-1)!! / (sqrt(pi) 2**n y**(2n+1)),          y -> +-oo
//   gruntz_eix_(y)         = Ei(y) exp(-y)                ~ sum_n n! / y**(n+1),                                 y -> +-oo
//   gruntz_besselix_(v, y) = besseli(v, y) exp(-y) sqrt(2 pi y) ~ sum_k (-1)**k a_k(v) / y**k,                  y -> +oo
//   gruntz_besselkx_(v, y) = besselk(v, y) exp(y) sqrt(2 y / pi) ~ sum_k a_k(v) / y**k,                          y -> +oo
//   gruntz_besselp_(v, y), gruntz_besselq_(v, y): Hankel's P and Q, besselj(v, y) = sqrt(2/(pi y)) (P cos(c) -
//       Q sin(c)), bessely(v, y) = sqrt(2/(pi y)) (P sin(c) + Q cos(c)), c = y - v pi/2 - pi/4;
//       P ~ sum_k (-1)**k a_2k(v) / y**2k, Q ~ sum_k (-1)**k a_(2k+1)(v) / y**(2k+1),                           y -> +oo
//   gruntz_fresnelf_(y), gruntz_fresnelg_(y): fresnels(y) = 1/2 - f cos(pi y**2/2) - g sin(pi y**2/2),
//       fresnelc(y) = 1/2 + f sin(pi y**2/2) - g cos(pi y**2/2);
//       f ~ sum_m (-1)**m (4m-1)!! / (pi y (pi y**2)**(2m)), g ~ sum_m (-1)**m (4m+1)!! / (pi**2 y**3 (pi y**2)**(2m)),  y -> +oo
//   gruntz_lowergammax_(z, y) = lowergamma(y, z) y exp(z) z**(-y) = sum_k z**k/((y+1)...(y+k))
//       ~ sum_n (sum_{k<=n} (-1)**(n-k) S(n, k) z**k) / y**n (S: Stirling numbers of the second kind),  y -> +oo
//
// with a_k(v) = prod_{j=1..k} (4 v**2 - (2j-1)**2) / (k! 8**k) (DLMF 7.12, 6.12, 10.17, 10.40).
// The expansions are asymptotic: the error after any number of terms is of the order of the first
// term left out, so that every term that the working precision keeps is exact (as for Stirling's
// series of loggamma). They are used only inside Gruntz's algorithm (Ctx::log_t_value set), and
// limit() leaves an expression that already contains one of these names unevaluated.
#pragma once
#include <string_view>

#include "alkahest/objects.hpp"
#include "alkahest/pool.hpp"

namespace alkahest::series_detail {

enum class Aux { None, Erfcx, Erfix, Eix, BesselIx, BesselKx, BesselP, BesselQ, FresnelF, FresnelG, LowerGammax };

inline constexpr std::string_view aux_name(Aux a) {
  switch (a) {
    case Aux::Erfcx: return "gruntz_erfcx_";
    case Aux::Erfix: return "gruntz_erfix_";
    case Aux::Eix: return "gruntz_eix_";
    case Aux::BesselIx: return "gruntz_besselix_";
    case Aux::BesselKx: return "gruntz_besselkx_";
    case Aux::BesselP: return "gruntz_besselp_";
    case Aux::BesselQ: return "gruntz_besselq_";
    case Aux::FresnelF: return "gruntz_fresnelf_";
    case Aux::FresnelG: return "gruntz_fresnelg_";
    case Aux::LowerGammax: return "gruntz_lowergammax_";
    default: return "";
  }
}

/// Which auxiliary function the node is (Aux::None for every other node).
inline Aux aux_kind(const ExprPool& pool, ExprId id) {
  const Node& n = pool.node(id);
  if (n.kind != Kind::Object || !is_object(pool, id, Head::Function)) return Aux::None;
  for (Aux a : {Aux::Erfcx, Aux::Erfix, Aux::Eix, Aux::BesselIx, Aux::BesselKx, Aux::BesselP, Aux::BesselQ,
                Aux::FresnelF, Aux::FresnelG, Aux::LowerGammax})
    if (n.name == aux_name(a)) return a;
  return Aux::None;
}

/// e with every auxiliary function replaced by its definition through the special function (for
/// numerical tests of its coefficients: erfcx(y) = erfc(y) exp(y**2), ...).
ExprId aux_definitions(ExprPool& pool, ExprId e);

}  // namespace alkahest::series_detail
