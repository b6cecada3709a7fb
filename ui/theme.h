/*
 * theme.h -- colours of the visualizer (no SDL).
 *
 * Task states always use the Okabe-Ito palette (distinguishable with the
 * common colour-vision deficiencies) and also differ in shape (bar height,
 * hatching, marks), so no state is told apart by hue alone.
 */
#ifndef UI_THEME_H
#define UI_THEME_H

#include <stdint.h>

typedef struct cs_rgba {
    uint8_t r, g, b, a;
} cs_rgba;

/* Okabe-Ito */
#define CS_OI_ORANGE    ((cs_rgba){0xE6, 0x9F, 0x00, 0xFF})
#define CS_OI_SKY       ((cs_rgba){0x56, 0xB4, 0xE9, 0xFF})
#define CS_OI_GREEN     ((cs_rgba){0x00, 0x9E, 0x73, 0xFF})
#define CS_OI_YELLOW    ((cs_rgba){0xF0, 0xE4, 0x42, 0xFF})
#define CS_OI_BLUE      ((cs_rgba){0x00, 0x72, 0xB2, 0xFF})
#define CS_OI_VERMILION ((cs_rgba){0xD5, 0x5E, 0x00, 0xFF})
#define CS_OI_PURPLE    ((cs_rgba){0xCC, 0x79, 0xA7, 0xFF})

typedef enum cs_theme_id { CS_THEME_LIGHT, CS_THEME_DARK, CS_THEME_CONTRAST, CS_NTHEMES } cs_theme_id;

typedef struct cs_theme {
    const char *name;
    cs_rgba bg;          /* window background */
    cs_rgba panel;       /* panel background */
    cs_rgba panel_alt;   /* alternate rows, headers */
    cs_rgba border;
    cs_rgba text;
    cs_rgba text_dim;    /* secondary text, library frames */
    cs_rgba accent;      /* selection, cursor */
    cs_rgba highlight;   /* current line / current item background */
    cs_rgba future;      /* veil over what has not happened yet */
    cs_rgba warn;        /* warnings, blocking, lateness */
    cs_rgba error;       /* failures, exceptions */
    cs_rgba st[11];      /* per cs_st (model.h) */
    cs_rgba st_text[11]; /* text drawn on a segment of that state */
} cs_theme;

const cs_theme *cs_theme_get(int id);
/* "light" / "dark" / "contrast" -> id, -1 when unknown. */
int cs_theme_by_name(const char *name);

#endif
