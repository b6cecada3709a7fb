/*
 * render.h -- drawing frames without a window: an SDL software renderer on
 * a surface (SDL's offscreen or dummy video driver, no display needed),
 * saved as PNG with SDL2_image. The layout is the window's at that size.
 */
#ifndef UI_RENDER_H
#define UI_RENDER_H

#include "draw.h"

typedef struct cs_render cs_render;

/* A w x h offscreen target with the fonts of assets_dir. NULL on failure
 * with the reason in errbuf. Free with cs_render_free. */
cs_render *cs_render_new(int w, int h, const char *assets_dir, char *errbuf, size_t errlen);
void cs_render_free(cs_render *R);

/* Draw view v (its model already at the frame to show) and save it as a
 * PNG at path, written to a temporary name and renamed. 0, or -1 with the
 * reason in errbuf. */
int cs_render_png(cs_render *R, const cs_view *v, const char *path, char *errbuf, size_t errlen);

/* Draw v and return the pixels as ARGB8888 rows (owned by R, valid until
 * the next call); *pitch gets the row length in bytes. For tests and the
 * benchmark. */
const uint32_t *cs_render_pixels(cs_render *R, const cs_view *v, int *pitch);

/* R's fonts (owned by R): for tests, to record where strings are drawn
 * (cs_text_record). */
cs_text *cs_render_text(cs_render *R);

/* The layout of the last frame R drew (owned by R). */
const cs_layout *cs_render_layout(const cs_render *R);

#endif
