/*
 * text.h -- text drawing with SDL2_ttf through a glyph cache.
 *
 * Each (face, pixel size) is opened once; each glyph is rendered once,
 * white, into an atlas texture and drawn with a colour modulation, so a
 * frame full of labels costs a few thousand texture copies and no
 * rasterising.
 */
#ifndef UI_TEXT_H
#define UI_TEXT_H

#include <SDL.h>

#include "theme.h"

typedef enum cs_face { CS_SANS, CS_BOLD, CS_MONO, CS_NFACES } cs_face;

typedef struct cs_font cs_font;
typedef struct cs_text cs_text;

/* Fonts from assets_dir (DejaVuSans.ttf, DejaVuSans-Bold.ttf,
 * DejaVuSansMono.ttf) for renderer r (borrowed). NULL with a message in
 * SDL_GetError() when a font is missing. Free with cs_text_free. */
cs_text *cs_text_new(SDL_Renderer *r, const char *assets_dir);
void cs_text_free(cs_text *tx);
/* The font of face at px pixels (cached; owned by tx). */
cs_font *cs_font_get(cs_text *tx, cs_face face, int px);

int cs_font_height(const cs_font *f);   /* line height in pixels */
int cs_font_ascent(const cs_font *f);
/* Width of UTF-8 s in pixels (n bytes, or all when n < 0). */
int cs_text_width(cs_font *f, const char *s, int n);
/* Draw s with its top-left corner at (x, y); returns the width drawn.
 * Control characters are drawn as their escapes ("\r", "\x1b") in the
 * escape colour, combining marks over the character before them. */
int cs_text_draw(cs_font *f, int x, int y, const char *s, cs_rgba c);
/* Draw s cut to max_w pixels with an ellipsis; returns the width drawn. */
int cs_text_draw_fit(cs_font *f, int x, int y, const char *s, int max_w, cs_rgba c);
/* Byte length of the longest prefix of s that fits in max_w, cut at a
 * space when one is found (for wrapping); at least one character. */
int cs_text_fit_words(cs_font *f, const char *s, int max_w);

/* The colour of control characters' escapes (until set: the text's). */
void cs_text_set_escape_color(cs_text *tx, cs_rgba c);

/* A string as drawn, for tests that check where text lands: the box it
 * covers (pen advance by line height, cut to the renderer's clip
 * rectangle; w = 0 when clipped away) and its bytes (cut to 127). */
typedef struct cs_text_rec {
    int x, y, w, h;
    char s[128];
} cs_text_rec;

/* From now on, record each string drawn by tx into recs (borrowed, cap
 * entries; *n counts every string, also past cap); recs NULL stops. */
void cs_text_record(cs_text *tx, cs_text_rec *recs, int cap, int *n);

#endif
