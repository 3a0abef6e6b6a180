// Write access to an Ifd's fields, for cogr's own code: the IFD parser (src/tiff/ifd.cpp), code
// that patches a parsed IFD, and tests that build IFDs by hand. The public view (cogr/tiff.hpp)
// is read-only accessors with the same names; their comments document the fields.
#pragma once

#include "cogr/tiff.hpp"

namespace cogr::internal {

struct IfdAccess {
  using Fields = tiff::Ifd::Fields;
  static Fields& Of(tiff::Ifd& ifd) { return ifd.f_; }
};

/// The data of a tiff::Ifd: a plain struct, one field per accessor of Ifd.
using IfdFields = IfdAccess::Fields;

/// The fields of `ifd`, writable. `ifd`'s accessors see every change.
inline IfdFields& MutableFields(tiff::Ifd& ifd) { return IfdAccess::Of(ifd); }

}  // namespace cogr::internal
