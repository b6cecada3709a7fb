/*
 * fallback.h -- finding an installed font for a character the bundled
 * DejaVu faces lack (CJK, other scripts), through fontconfig at run time:
 * nothing is bundled, a teacher who installs e.g. the Debian package
 * fonts-noto-cjk sees Japanese prints drawn. Colour (emoji) fonts are not
 * used. Without fontconfig at build time nothing is ever found.
 */
#ifndef UI_FALLBACK_H
#define UI_FALLBACK_H

#include <stddef.h>
#include <stdint.h>

typedef struct cs_fallback cs_fallback;

/* A lookup (fontconfig is loaded on the first find). NULL when out of
 * memory. Free with cs_fallback_free. */
cs_fallback *cs_fallback_new(void);
void cs_fallback_free(cs_fallback *fb);

/* The file of a scalable, non-colour installed font with a glyph for cp
 * into path (n bytes) and its face index into *index: 0, or -1 when
 * there is none. */
int cs_fallback_find(cs_fallback *fb, uint32_t cp, char *path, size_t n, int *index);

#endif
