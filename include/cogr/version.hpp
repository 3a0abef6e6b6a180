#pragma once
#define COGR_VERSION_STRING "0.1.0"
