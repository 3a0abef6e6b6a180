// PROJ, opened with dlopen when a CRS is first computed (util/dynamic_library.hpp).
//
// Include this instead of <proj.h> and <proj_experimental.h>: it includes both real headers
// (types, constants, and the declarations the function table is typed from), then defines each
// PROJ function name used by cogr as a macro that calls through the table, so call sites are
// written exactly as against a linked PROJ. Every path that reaches PROJ first gets OK from
// LoadProj() (ProjContext() does it, and returns nullptr when PROJ cannot be loaded); the
// table aborts otherwise. A PROJ function that is not in COGR_PROJ_FUNCTIONS still compiles but
// fails to link (cogr does not link PROJ): add it to the list.
#pragma once

#ifdef COGR_HAVE_PROJ

#include <proj.h>
#include <proj_experimental.h>

#include <string>

#include "cogr/status.hpp"
#include "util/dynamic_library.hpp"

// X(name) for every PROJ function called through the table.
#define COGR_PROJ_FUNCTIONS(X)                                 \
  X(proj_alter_id)                                             \
  X(proj_as_projjson)                                          \
  X(proj_as_wkt)                                               \
  X(proj_clone)                                                \
  X(proj_context_create)                                       \
  X(proj_context_destroy)                                      \
  X(proj_context_errno)                                        \
  X(proj_context_errno_string)                                 \
  X(proj_coord)                                                \
  X(proj_coordoperation_get_method_info)                       \
  X(proj_coordoperation_get_param)                             \
  X(proj_coordoperation_get_param_count)                       \
  X(proj_coordoperation_get_towgs84_values)                    \
  X(proj_create)                                               \
  X(proj_create_cartesian_2D_cs)                               \
  X(proj_create_conversion_albers_equal_area)                  \
  X(proj_create_conversion_american_polyconic)                 \
  X(proj_create_conversion_azimuthal_equidistant)              \
  X(proj_create_conversion_cassini_soldner)                    \
  X(proj_create_conversion_equidistant_conic)                  \
  X(proj_create_conversion_equidistant_cylindrical)            \
  X(proj_create_conversion_gnomonic)                           \
  X(proj_create_conversion_hotine_oblique_mercator_variant_a)  \
  X(proj_create_conversion_hotine_oblique_mercator_variant_b)  \
  X(proj_create_conversion_laborde_oblique_mercator)           \
  X(proj_create_conversion_lambert_azimuthal_equal_area)       \
  X(proj_create_conversion_lambert_conic_conformal_1sp)        \
  X(proj_create_conversion_lambert_conic_conformal_2sp)        \
  X(proj_create_conversion_lambert_cylindrical_equal_area)     \
  X(proj_create_conversion_mercator_variant_a)                 \
  X(proj_create_conversion_mercator_variant_b)                 \
  X(proj_create_conversion_miller_cylindrical)                 \
  X(proj_create_conversion_new_zealand_mapping_grid)           \
  X(proj_create_conversion_oblique_stereographic)              \
  X(proj_create_conversion_orthographic)                       \
  X(proj_create_conversion_polar_stereographic_variant_a)      \
  X(proj_create_conversion_polar_stereographic_variant_b)      \
  X(proj_create_conversion_robinson)                           \
  X(proj_create_conversion_sinusoidal)                         \
  X(proj_create_conversion_stereographic)                      \
  X(proj_create_conversion_transverse_mercator)                \
  X(proj_create_conversion_transverse_mercator_south_oriented) \
  X(proj_create_conversion_van_der_grinten)                    \
  X(proj_create_crs_to_crs_from_pj)                            \
  X(proj_create_from_database)                                 \
  X(proj_create_from_name)                                     \
  X(proj_create_projected_crs)                                 \
  X(proj_crs_alter_cs_linear_unit)                             \
  X(proj_crs_alter_parameters_linear_unit)                     \
  X(proj_crs_create_bound_crs)                                 \
  X(proj_crs_get_coordinate_system)                            \
  X(proj_crs_get_coordoperation)                               \
  X(proj_crs_get_datum_forced)                                 \
  X(proj_crs_get_geodetic_crs)                                 \
  X(proj_crs_get_sub_crs)                                      \
  X(proj_cs_get_axis_count)                                    \
  X(proj_cs_get_axis_info)                                     \
  X(proj_destroy)                                              \
  X(proj_ellipsoid_get_parameters)                             \
  X(proj_errno)                                                \
  X(proj_errno_reset)                                          \
  X(proj_get_ellipsoid)                                        \
  X(proj_get_id_auth_name)                                     \
  X(proj_get_id_code)                                          \
  X(proj_get_name)                                             \
  X(proj_get_prime_meridian)                                   \
  X(proj_get_source_crs)                                       \
  X(proj_get_target_crs)                                       \
  X(proj_get_type)                                             \
  X(proj_identify)                                             \
  X(proj_int_list_destroy)                                     \
  X(proj_is_crs)                                               \
  X(proj_is_equivalent_to_with_ctx)                            \
  X(proj_list_destroy)                                         \
  X(proj_list_get)                                             \
  X(proj_list_get_count)                                       \
  X(proj_log_func)                                             \
  X(proj_log_level)                                            \
  X(proj_normalize_for_visualization)                          \
  X(proj_prime_meridian_get_parameters)                        \
  X(proj_trans)                                                \
  X(proj_trans_bounds)                                         \
  X(proj_uom_get_info_from_database)

namespace cogr::internal {

/// PROJ's functions, typed from its headers.
struct ProjFunctions {
  COGR_PROJ_FUNCTIONS(COGR_DYNAMIC_FUNCTION)
};

/// Loads PROJ and resolves ProjFunctions once per process (thread-safe; later calls return the
/// first result). kUnsupported "libproj.so.25 could not be loaded: <dlerror()>" when the
/// library or one of its functions is missing.
Status LoadProj();

/// The resolved table. Only after LoadProj() returned OK: aborts otherwise.
const ProjFunctions& Proj();

}  // namespace cogr::internal

#ifndef COGR_PROJ_NO_NAME_MACROS  // defined by the loader, which names the functions itself
#define proj_alter_id (::cogr::internal::Proj().proj_alter_id)
#define proj_as_projjson (::cogr::internal::Proj().proj_as_projjson)
#define proj_as_wkt (::cogr::internal::Proj().proj_as_wkt)
#define proj_clone (::cogr::internal::Proj().proj_clone)
#define proj_context_create (::cogr::internal::Proj().proj_context_create)
#define proj_context_destroy (::cogr::internal::Proj().proj_context_destroy)
#define proj_context_errno (::cogr::internal::Proj().proj_context_errno)
#define proj_context_errno_string (::cogr::internal::Proj().proj_context_errno_string)
#define proj_coord (::cogr::internal::Proj().proj_coord)
#define proj_coordoperation_get_method_info \
  (::cogr::internal::Proj().proj_coordoperation_get_method_info)
#define proj_coordoperation_get_param (::cogr::internal::Proj().proj_coordoperation_get_param)
#define proj_coordoperation_get_param_count \
  (::cogr::internal::Proj().proj_coordoperation_get_param_count)
#define proj_coordoperation_get_towgs84_values \
  (::cogr::internal::Proj().proj_coordoperation_get_towgs84_values)
#define proj_create (::cogr::internal::Proj().proj_create)
#define proj_create_cartesian_2D_cs (::cogr::internal::Proj().proj_create_cartesian_2D_cs)
#define proj_create_conversion_albers_equal_area \
  (::cogr::internal::Proj().proj_create_conversion_albers_equal_area)
#define proj_create_conversion_american_polyconic \
  (::cogr::internal::Proj().proj_create_conversion_american_polyconic)
#define proj_create_conversion_azimuthal_equidistant \
  (::cogr::internal::Proj().proj_create_conversion_azimuthal_equidistant)
#define proj_create_conversion_cassini_soldner \
  (::cogr::internal::Proj().proj_create_conversion_cassini_soldner)
#define proj_create_conversion_equidistant_conic \
  (::cogr::internal::Proj().proj_create_conversion_equidistant_conic)
#define proj_create_conversion_equidistant_cylindrical \
  (::cogr::internal::Proj().proj_create_conversion_equidistant_cylindrical)
#define proj_create_conversion_gnomonic (::cogr::internal::Proj().proj_create_conversion_gnomonic)
#define proj_create_conversion_hotine_oblique_mercator_variant_a \
  (::cogr::internal::Proj().proj_create_conversion_hotine_oblique_mercator_variant_a)
#define proj_create_conversion_hotine_oblique_mercator_variant_b \
  (::cogr::internal::Proj().proj_create_conversion_hotine_oblique_mercator_variant_b)
#define proj_create_conversion_laborde_oblique_mercator \
  (::cogr::internal::Proj().proj_create_conversion_laborde_oblique_mercator)
#define proj_create_conversion_lambert_azimuthal_equal_area \
  (::cogr::internal::Proj().proj_create_conversion_lambert_azimuthal_equal_area)
#define proj_create_conversion_lambert_conic_conformal_1sp \
  (::cogr::internal::Proj().proj_create_conversion_lambert_conic_conformal_1sp)
#define proj_create_conversion_lambert_conic_conformal_2sp \
  (::cogr::internal::Proj().proj_create_conversion_lambert_conic_conformal_2sp)
#define proj_create_conversion_lambert_cylindrical_equal_area \
  (::cogr::internal::Proj().proj_create_conversion_lambert_cylindrical_equal_area)
#define proj_create_conversion_mercator_variant_a \
  (::cogr::internal::Proj().proj_create_conversion_mercator_variant_a)
#define proj_create_conversion_mercator_variant_b \
  (::cogr::internal::Proj().proj_create_conversion_mercator_variant_b)
#define proj_create_conversion_miller_cylindrical \
  (::cogr::internal::Proj().proj_create_conversion_miller_cylindrical)
#define proj_create_conversion_new_zealand_mapping_grid \
  (::cogr::internal::Proj().proj_create_conversion_new_zealand_mapping_grid)
#define proj_create_conversion_oblique_stereographic \
  (::cogr::internal::Proj().proj_create_conversion_oblique_stereographic)
#define proj_create_conversion_orthographic \
  (::cogr::internal::Proj().proj_create_conversion_orthographic)
#define proj_create_conversion_polar_stereographic_variant_a \
  (::cogr::internal::Proj().proj_create_conversion_polar_stereographic_variant_a)
#define proj_create_conversion_polar_stereographic_variant_b \
  (::cogr::internal::Proj().proj_create_conversion_polar_stereographic_variant_b)
#define proj_create_conversion_robinson (::cogr::internal::Proj().proj_create_conversion_robinson)
#define proj_create_conversion_sinusoidal \
  (::cogr::internal::Proj().proj_create_conversion_sinusoidal)
#define proj_create_conversion_stereographic \
  (::cogr::internal::Proj().proj_create_conversion_stereographic)
#define proj_create_conversion_transverse_mercator \
  (::cogr::internal::Proj().proj_create_conversion_transverse_mercator)
#define proj_create_conversion_transverse_mercator_south_oriented \
  (::cogr::internal::Proj().proj_create_conversion_transverse_mercator_south_oriented)
#define proj_create_conversion_van_der_grinten \
  (::cogr::internal::Proj().proj_create_conversion_van_der_grinten)
#define proj_create_crs_to_crs_from_pj (::cogr::internal::Proj().proj_create_crs_to_crs_from_pj)
#define proj_create_from_database (::cogr::internal::Proj().proj_create_from_database)
#define proj_create_from_name (::cogr::internal::Proj().proj_create_from_name)
#define proj_create_projected_crs (::cogr::internal::Proj().proj_create_projected_crs)
#define proj_crs_alter_cs_linear_unit (::cogr::internal::Proj().proj_crs_alter_cs_linear_unit)
#define proj_crs_alter_parameters_linear_unit \
  (::cogr::internal::Proj().proj_crs_alter_parameters_linear_unit)
#define proj_crs_create_bound_crs (::cogr::internal::Proj().proj_crs_create_bound_crs)
#define proj_crs_get_coordinate_system (::cogr::internal::Proj().proj_crs_get_coordinate_system)
#define proj_crs_get_coordoperation (::cogr::internal::Proj().proj_crs_get_coordoperation)
#define proj_crs_get_datum_forced (::cogr::internal::Proj().proj_crs_get_datum_forced)
#define proj_crs_get_geodetic_crs (::cogr::internal::Proj().proj_crs_get_geodetic_crs)
#define proj_crs_get_sub_crs (::cogr::internal::Proj().proj_crs_get_sub_crs)
#define proj_cs_get_axis_count (::cogr::internal::Proj().proj_cs_get_axis_count)
#define proj_cs_get_axis_info (::cogr::internal::Proj().proj_cs_get_axis_info)
#define proj_destroy (::cogr::internal::Proj().proj_destroy)
#define proj_ellipsoid_get_parameters (::cogr::internal::Proj().proj_ellipsoid_get_parameters)
#define proj_errno (::cogr::internal::Proj().proj_errno)
#define proj_errno_reset (::cogr::internal::Proj().proj_errno_reset)
#define proj_get_ellipsoid (::cogr::internal::Proj().proj_get_ellipsoid)
#define proj_get_id_auth_name (::cogr::internal::Proj().proj_get_id_auth_name)
#define proj_get_id_code (::cogr::internal::Proj().proj_get_id_code)
#define proj_get_name (::cogr::internal::Proj().proj_get_name)
#define proj_get_prime_meridian (::cogr::internal::Proj().proj_get_prime_meridian)
#define proj_get_source_crs (::cogr::internal::Proj().proj_get_source_crs)
#define proj_get_target_crs (::cogr::internal::Proj().proj_get_target_crs)
#define proj_get_type (::cogr::internal::Proj().proj_get_type)
#define proj_identify (::cogr::internal::Proj().proj_identify)
#define proj_int_list_destroy (::cogr::internal::Proj().proj_int_list_destroy)
#define proj_is_crs (::cogr::internal::Proj().proj_is_crs)
#define proj_is_equivalent_to_with_ctx (::cogr::internal::Proj().proj_is_equivalent_to_with_ctx)
#define proj_list_destroy (::cogr::internal::Proj().proj_list_destroy)
#define proj_list_get (::cogr::internal::Proj().proj_list_get)
#define proj_list_get_count (::cogr::internal::Proj().proj_list_get_count)
#define proj_log_func (::cogr::internal::Proj().proj_log_func)
#define proj_log_level (::cogr::internal::Proj().proj_log_level)
#define proj_normalize_for_visualization (::cogr::internal::Proj().proj_normalize_for_visualization)
#define proj_prime_meridian_get_parameters \
  (::cogr::internal::Proj().proj_prime_meridian_get_parameters)
#define proj_trans (::cogr::internal::Proj().proj_trans)
#define proj_trans_bounds (::cogr::internal::Proj().proj_trans_bounds)
#define proj_uom_get_info_from_database (::cogr::internal::Proj().proj_uom_get_info_from_database)
#endif  // COGR_PROJ_NO_NAME_MACROS

#endif  // COGR_HAVE_PROJ
