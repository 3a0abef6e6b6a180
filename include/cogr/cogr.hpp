// Umbrella header.
#pragma once
#include "cogr/codec.hpp"
#include "cogr/dataset.hpp"
#include "cogr/geo.hpp"
#include "cogr/io.hpp"
#include "cogr/status.hpp"
#include "cogr/threads.hpp"
#include "cogr/tiff.hpp"
#include "cogr/types.hpp"
#include "cogr/version.hpp"
