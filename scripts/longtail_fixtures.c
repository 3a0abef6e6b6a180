/* Writes the long-tail TIFF fixtures of tests/data/longtail/ with libtiff (and the JPEG
 * streams of the old-style JPEG fixtures with libjpeg; make_longtail_fixtures.py wraps those
 * in TIFFs by hand, since libtiff cannot write compression 6).
 *
 * Built and run by scripts/make_longtail_fixtures.py:
 *   cc -O1 -o /tmp/longtail_fixtures scripts/longtail_fixtures.c -ltiff -ljpeg -lz
 *   /tmp/longtail_fixtures OUT_DIR
 * Every image is a deterministic pattern, small enough for a < 64 KiB file. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <tiffio.h>
#include <zlib.h>

static const char* g_dir;

static TIFF* Create(const char* name, const char* mode) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  TIFF* tif = TIFFOpen(path, mode);
  if (!tif) {
    fprintf(stderr, "cannot create %s\n", path);
    exit(1);
  }
  return tif;
}

static void Check(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "failed: %s\n", what);
    exit(1);
  }
}

/* ---- 1-bit CCITT ---------------------------------------------------------------------- */
/* A 1-bit picture: circles, stripes and a diagonal, packed MSB-first (1 = set bit). */
static int BitAt(int x, int y) {
  const int dx = x - 30, dy = y - 20;
  if (dx * dx + dy * dy < 150 && dx * dx + dy * dy > 60) return 1;
  if (x == y || x == y + 40) return 1;
  if (y > 32 && (x / 3) % 2 == 0) return 1;
  if (x > 60 && y < 8) return 1;
  return 0;
}

static void WriteCcitt(const char* name, uint16_t compression, uint16_t photometric, uint32_t t4, int use_t4,
                       uint16_t fill_order, uint32_t rows_per_strip) {
  const uint32_t w = 75, h = 45;
  TIFF* tif = Create(name, "w");
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, photometric);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  Check(TIFFSetField(tif, TIFFTAG_COMPRESSION, compression), "compression");
  if (use_t4) TIFFSetField(tif, TIFFTAG_GROUP3OPTIONS, t4);
  if (fill_order) TIFFSetField(tif, TIFFTAG_FILLORDER, fill_order);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rows_per_strip);
  uint8_t row[16];
  for (uint32_t y = 0; y < h; ++y) {
    memset(row, 0, sizeof row);
    for (uint32_t x = 0; x < w; ++x) {
      if (BitAt((int)x, (int)y)) row[x / 8] |= (uint8_t)(0x80 >> (x % 8));
    }
    Check(TIFFWriteScanline(tif, row, y, 0) == 1, name);
  }
  TIFFClose(tif);
}

/* ---- SGILog ------------------------------------------------------------------------------ */
static void WriteSgiLog(const char* name, uint16_t compression, uint16_t photometric, int samples, uint32_t rps) {
  const uint32_t w = 24, h = 20;
  TIFF* tif = Create(name, "w");
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, samples);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, photometric);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  Check(TIFFSetField(tif, TIFFTAG_COMPRESSION, compression), "sgilog compression");
  TIFFSetField(tif, TIFFTAG_SGILOGDATAFMT, SGILOGDATAFMT_FLOAT);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 32);
  TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_IEEEFP);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rps);
  float row[24 * 3];
  for (uint32_t y = 0; y < h; ++y) {
    for (uint32_t x = 0; x < w; ++x) {
      const float base = 0.05f + 0.4f * (float)x / (float)w + 0.3f * (float)y / (float)h;
      for (int s = 0; s < samples; ++s) row[x * (uint32_t)samples + (uint32_t)s] = base * (1.0f + 0.3f * (float)s);
    }
    Check(TIFFWriteScanline(tif, row, y, 0) == 1, name);
  }
  TIFFClose(tif);
}

/* ---- YCbCr with subsampling (not JPEG) ---------------------------------------------------- */
/* Writes packed data units (sx*sy Y, Cb, Cr), as TIFF 6 section 21 stores them. */
static void WriteYCbCr(const char* name, uint16_t compression, uint16_t sx, uint16_t sy, uint32_t w, uint32_t h,
                       int tiled) {
  TIFF* tif = Create(name, "w");
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_YCBCRSUBSAMPLING, sx, sy);
  Check(TIFFSetField(tif, TIFFTAG_COMPRESSION, compression), "ycbcr compression");
  uint32_t bw = w, bh = 16;
  if (tiled) {
    bw = 16;
    TIFFSetField(tif, TIFFTAG_TILEWIDTH, 16);
    TIFFSetField(tif, TIFFTAG_TILELENGTH, 16);
  } else {
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, bh);
  }
  const uint32_t across = tiled ? (w + bw - 1) / bw : 1;
  const uint32_t down = (h + bh - 1) / bh;
  for (uint32_t by = 0; by < down; ++by) {
    for (uint32_t bx = 0; bx < across; ++bx) {
      /* A block is always coded at its full size (tiles) or its strip rows. */
      const uint32_t rows = tiled ? bh : (by * bh + bh > h ? h - by * bh : bh);
      const uint32_t units_x = (bw + sx - 1) / sx, units_y = (rows + sy - 1) / sy;
      const size_t unit = (size_t)sx * sy + 2;
      uint8_t* buf = calloc((size_t)units_x * units_y, unit);
      for (uint32_t uy = 0; uy < units_y; ++uy) {
        for (uint32_t ux = 0; ux < units_x; ++ux) {
          uint8_t* p = buf + ((size_t)uy * units_x + ux) * unit;
          for (uint32_t j = 0; j < sy; ++j) {
            for (uint32_t i = 0; i < sx; ++i) {
              const uint32_t x = bx * bw + ux * sx + i, y = by * bh + uy * sy + j;
              p[j * sx + i] = (uint8_t)(60 + (x * 3 + y * 2) % 130);
            }
          }
          const uint32_t x = bx * bw + ux * sx, y = by * bh + uy * sy;
          p[sx * sy] = (uint8_t)(100 + (x * 3) % 50);
          p[sx * sy + 1] = (uint8_t)(150 - (y * 2) % 40);
        }
      }
      const tmsize_t n = (tmsize_t)((size_t)units_x * units_y * unit);
      if (tiled) {
        Check(TIFFWriteEncodedTile(tif, TIFFComputeTile(tif, bx * bw, by * bh, 0, 0), buf, n) >= 0, name);
      } else {
        Check(TIFFWriteEncodedStrip(tif, by, buf, n) >= 0, name);
      }
      free(buf);
    }
  }
  TIFFClose(tif);
}

/* ---- CMYK (photometric separated, InkSet 1) ------------------------------------------------- */
static void WriteCmyk(const char* name, int samples, uint16_t planar, int extra_kind, uint32_t rps) {
  const uint32_t w = 33, h = 21;
  TIFF* tif = Create(name, "w");
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, samples);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_SEPARATED);
  TIFFSetField(tif, TIFFTAG_INKSET, INKSET_CMYK);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, planar);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rps);
  if (samples == 5) {
    uint16_t extra = (uint16_t)extra_kind;
    TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, &extra);
  }
  uint8_t row[33 * 5];
  for (int plane = 0; plane < (planar == PLANARCONFIG_SEPARATE ? samples : 1); ++plane) {
    for (uint32_t y = 0; y < h; ++y) {
      for (uint32_t x = 0; x < w; ++x) {
        uint8_t v[5] = {(uint8_t)(x * 7), (uint8_t)(y * 11), (uint8_t)((x + y) * 5), (uint8_t)((x * y) % 97),
                        (uint8_t)(255 - x * 3)};
        if (planar == PLANARCONFIG_SEPARATE) {
          row[x] = v[plane];
        } else {
          for (int s = 0; s < samples; ++s) row[x * (uint32_t)samples + (uint32_t)s] = v[s];
        }
      }
      Check(TIFFWriteScanline(tif, row, y, (uint16_t)plane) == 1, name);
    }
  }
  TIFFClose(tif);
}

/* ---- CIELAB (8-bit L*, a*, b*) ------------------------------------------------------------------ */
static void WriteCieLab(const char* name) {
  const uint32_t w = 20, h = 10;
  TIFF* tif = Create(name, "w");
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_CIELAB);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, h);
  uint8_t row[20 * 3];
  for (uint32_t y = 0; y < h; ++y) {
    for (uint32_t x = 0; x < w; ++x) {
      row[x * 3] = (uint8_t)(40 + x * 8);
      row[x * 3 + 1] = (uint8_t)(int8_t)(-30 + (int)y * 6);
      row[x * 3 + 2] = (uint8_t)(int8_t)(20 - (int)x * 2);
    }
    Check(TIFFWriteScanline(tif, row, y, 0) == 1, name);
  }
  TIFFClose(tif);
}

/* ---- 24-bit integers ------------------------------------------------------------------------- */
static uint32_t Value24(uint32_t x, uint32_t y, uint32_t s) {
  return (x * 70001u + y * 1237u + s * 5000000u + 1u) & 0xffffffu;
}

/* predictor 2 is written by hand (libtiff refuses it for 24 bits): 24-bit word differences,
 * stored in the file's byte order, then zlib. */
static void Write24(const char* name, const char* mode, int samples, uint16_t photometric, uint16_t compression,
                    int predictor) {
  const uint32_t w = 20, h = 12;
  TIFF* tif = Create(name, mode);
  const int big = strchr(mode, 'b') != NULL;
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 24);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, samples);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, photometric);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, compression);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, h);
  if (predictor) TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
  const size_t n = (size_t)w * h * (size_t)samples * 3;
  uint8_t* buf = malloc(n);
  for (uint32_t y = 0; y < h; ++y) {
    for (uint32_t x = 0; x < w; ++x) {
      for (uint32_t s = 0; s < (uint32_t)samples; ++s) {
        uint32_t v = Value24(x, y, s);
        if (predictor && x > 0) v = (v - Value24(x - 1, y, s)) & 0xffffffu;
        uint8_t* p = buf + (((size_t)y * w + x) * (size_t)samples + s) * 3;
        if (predictor && big) {
          p[0] = (uint8_t)(v >> 16), p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)v;
        } else {
          /* Host (little-endian) triples: libtiff swaps them for a big-endian file. */
          p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16);
        }
      }
    }
  }
  if (predictor) {
    uLongf zn = compressBound((uLong)n);
    uint8_t* z = malloc(zn);
    Check(compress(z, &zn, buf, (uLong)n) == Z_OK, "zlib");
    Check(TIFFWriteRawStrip(tif, 0, z, (tmsize_t)zn) >= 0, name);
    free(z);
  } else {
    Check(TIFFWriteEncodedStrip(tif, 0, buf, (tmsize_t)n) >= 0, name);
  }
  free(buf);
  TIFFClose(tif);
}

/* ---- LERC float32 tiles in a big-endian file ------------------------------------------------ */
static void WriteLercBe(const char* name, const char* mode) {
  const uint32_t w = 40, h = 24;
  TIFF* tif = Create(name, mode);
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 32);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_IEEEFP);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  Check(TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_LERC), "lerc");
  TIFFSetField(tif, TIFFTAG_TILEWIDTH, 16);
  TIFFSetField(tif, TIFFTAG_TILELENGTH, 16);
  float tile[16 * 16];
  for (uint32_t ty = 0; ty < h; ty += 16) {
    for (uint32_t tx = 0; tx < w; tx += 16) {
      for (uint32_t j = 0; j < 16; ++j) {
        for (uint32_t i = 0; i < 16; ++i) {
          tile[j * 16 + i] = -1340.0f + (float)((tx + i) * 3) + 0.25f * (float)(ty + j);
        }
      }
      Check(TIFFWriteTile(tif, tile, tx, ty, 0, 0) >= 0, name);
    }
  }
  TIFFClose(tif);
}

/* ---- a deflate strip whose stream holds more rows than the strip ----------------------------- */
static void WriteDeflateTrailing(const char* name) {
  const uint32_t w = 16, h = 10, rps = 4;
  TIFF* tif = Create(name, "w");
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rps);
  for (uint32_t s = 0; s * rps < h; ++s) {
    /* Each stream holds rps + 3 rows: the last three are extra data libtiff ignores. */
    uint8_t data[16 * 7];
    for (uint32_t i = 0; i < sizeof data; ++i) data[i] = (uint8_t)(s * 40 + i);
    uLongf zn = compressBound(sizeof data);
    uint8_t z[256];
    Check(compress(z, &zn, data, sizeof data) == Z_OK, "zlib");
    Check(TIFFWriteRawStrip(tif, s, z, (tmsize_t)zn) >= 0, name);
  }
  TIFFClose(tif);
}

/* ---- JPEG streams for the old-style JPEG fixtures --------------------------------------------- */
static void WriteJpeg(const char* name, int components, int h_samp, int v_samp, uint32_t w, uint32_t h,
                      int restart_rows) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  FILE* f = fopen(path, "wb");
  Check(f != NULL, path);
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  jpeg_stdio_dest(&c, f);
  c.image_width = w;
  c.image_height = h;
  c.input_components = components;
  c.in_color_space = components == 3 ? JCS_RGB : JCS_GRAYSCALE;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 90, TRUE);
  c.write_JFIF_header = FALSE;
  if (components == 3) {
    c.comp_info[0].h_samp_factor = h_samp;
    c.comp_info[0].v_samp_factor = v_samp;
  }
  if (restart_rows) c.restart_in_rows = restart_rows;
  jpeg_start_compress(&c, TRUE);
  uint8_t row[256 * 3];
  while (c.next_scanline < h) {
    const uint32_t y = c.next_scanline;
    for (uint32_t x = 0; x < w; ++x) {
      if (components == 3) {
        row[x * 3] = (uint8_t)(x * 4);
        row[x * 3 + 1] = (uint8_t)(255 - y * 4);
        row[x * 3 + 2] = (uint8_t)((x + y) * 2);
      } else {
        row[x] = (uint8_t)(x * 3 + y * 2);
      }
    }
    JSAMPROW rp = row;
    jpeg_write_scanlines(&c, &rp, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  fclose(f);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  g_dir = argv[1];
  /* CCITT */
  WriteCcitt("ccitt_rle_miniswhite.tif", COMPRESSION_CCITTRLE, PHOTOMETRIC_MINISWHITE, 0, 0, 0, 45);
  WriteCcitt("ccitt_rle_minisblack.tif", COMPRESSION_CCITTRLE, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 16);
  WriteCcitt("ccitt_g3_1d_miniswhite.tif", COMPRESSION_CCITTFAX3, PHOTOMETRIC_MINISWHITE, 0, 1, 0, 45);
  WriteCcitt("ccitt_g3_2d_miniswhite.tif", COMPRESSION_CCITTFAX3, PHOTOMETRIC_MINISWHITE, GROUP3OPT_2DENCODING, 1, 0, 16);
  WriteCcitt("ccitt_g3_1d_fill_minisblack.tif", COMPRESSION_CCITTFAX3, PHOTOMETRIC_MINISBLACK, GROUP3OPT_FILLBITS, 1, 0, 45);
  WriteCcitt("ccitt_g3_2d_fill_miniswhite.tif", COMPRESSION_CCITTFAX3, PHOTOMETRIC_MINISWHITE,
             GROUP3OPT_2DENCODING | GROUP3OPT_FILLBITS, 1, 0, 45);
  WriteCcitt("ccitt_g3_1d_lsb2msb.tif", COMPRESSION_CCITTFAX3, PHOTOMETRIC_MINISWHITE, 0, 1, FILLORDER_LSB2MSB, 45);
  WriteCcitt("ccitt_g4_miniswhite.tif", COMPRESSION_CCITTFAX4, PHOTOMETRIC_MINISWHITE, 0, 0, 0, 45);
  WriteCcitt("ccitt_g4_minisblack_strips.tif", COMPRESSION_CCITTFAX4, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 16);
  WriteCcitt("ccitt_g4_lsb2msb.tif", COMPRESSION_CCITTFAX4, PHOTOMETRIC_MINISWHITE, 0, 0, FILLORDER_LSB2MSB, 45);
  /* SGILog */
  WriteSgiLog("sgilog_logluv.tif", COMPRESSION_SGILOG, PHOTOMETRIC_LOGLUV, 3, 20);
  WriteSgiLog("sgilog24_logluv.tif", COMPRESSION_SGILOG24, PHOTOMETRIC_LOGLUV, 3, 8);
  WriteSgiLog("sgilog_logl.tif", COMPRESSION_SGILOG, PHOTOMETRIC_LOGL, 1, 20);
  /* YCbCr */
  WriteYCbCr("ycbcr22_none.tif", COMPRESSION_NONE, 2, 2, 30, 21, 0);
  WriteYCbCr("ycbcr21_lzw.tif", COMPRESSION_LZW, 2, 1, 31, 20, 0);
  WriteYCbCr("ycbcr22_deflate.tif", COMPRESSION_ADOBE_DEFLATE, 2, 2, 32, 32, 0);
  WriteYCbCr("ycbcr22_deflate_tiled.tif", COMPRESSION_ADOBE_DEFLATE, 2, 2, 40, 20, 1);
  WriteYCbCr("ycbcr11_none.tif", COMPRESSION_NONE, 1, 1, 12, 10, 0);
  /* CMYK */
  WriteCmyk("cmyk_pixel.tif", 4, PLANARCONFIG_CONTIG, 0, 8);
  WriteCmyk("cmyk_band.tif", 4, PLANARCONFIG_SEPARATE, 0, 21);
  WriteCmyk("cmyk_pixel_extra_alpha.tif", 5, PLANARCONFIG_CONTIG, EXTRASAMPLE_UNASSALPHA, 21);
  WriteCmyk("cmyk_pixel_extra_unspecified.tif", 5, PLANARCONFIG_CONTIG, EXTRASAMPLE_UNSPECIFIED, 21);
  WriteCieLab("cielab_lzw.tif");
  /* 24-bit integers */
  Write24("u24_le_1.tif", "w", 1, PHOTOMETRIC_MINISBLACK, COMPRESSION_NONE, 0);
  Write24("u24_be_1.tif", "wb", 1, PHOTOMETRIC_MINISBLACK, COMPRESSION_NONE, 0);
  Write24("u24_le_3.tif", "w", 3, PHOTOMETRIC_RGB, COMPRESSION_ADOBE_DEFLATE, 0);
  Write24("u24_be_3.tif", "wb", 3, PHOTOMETRIC_RGB, COMPRESSION_LZW, 0);
  Write24("u24_be_miniswhite.tif", "wb", 1, PHOTOMETRIC_MINISWHITE, COMPRESSION_NONE, 0);
  Write24("u24_le_pred2.tif", "w", 1, PHOTOMETRIC_MINISBLACK, COMPRESSION_ADOBE_DEFLATE, 1);
  Write24("u24_be_pred2_3.tif", "wb", 3, PHOTOMETRIC_RGB, COMPRESSION_ADOBE_DEFLATE, 1);
  /* LERC, deflate with trailing data */
  WriteLercBe("lerc_f32_be.tif", "wb");
  WriteLercBe("lerc_f32_le.tif", "wl");
  WriteDeflateTrailing("deflate_trailing.tif");
  /* JPEG streams (wrapped into old-style JPEG TIFFs by the Python script) */
  WriteJpeg("ojpeg_ycbcr22.jpg", 3, 2, 2, 48, 32, 0);
  WriteJpeg("ojpeg_ycbcr21.jpg", 3, 2, 1, 40, 24, 0);
  WriteJpeg("ojpeg_gray.jpg", 1, 1, 1, 40, 24, 0);
  WriteJpeg("ojpeg_ycbcr22_rst.jpg", 3, 2, 2, 48, 48, 1);
  WriteJpeg("ojpeg_ycbcr22_48.jpg", 3, 2, 2, 48, 48, 0);
  return 0;
}
