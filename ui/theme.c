/*
 * theme.c -- the three themes. State colours (index = cs_st):
 *   none, ready, running, blocked, sleeping, waiting, loop, idle, done,
 *   failed, cancelled.
 */
#include <string.h>

#include "theme.h"

#define RGB(x) {((x) >> 16) & 0xFF, ((x) >> 8) & 0xFF, (x) & 0xFF, 0xFF}
#define RGBA(x, a) {((x) >> 16) & 0xFF, ((x) >> 8) & 0xFF, (x) & 0xFF, (a)}

static const cs_theme themes[CS_NTHEMES] = {
    [CS_THEME_LIGHT] = {
        .name = "light",
        .bg = RGB(0xE9ECEF), .panel = RGB(0xFFFFFF), .panel_alt = RGB(0xF3F4F6),
        .border = RGB(0xC4C9D0), .text = RGB(0x1B1F24), .text_dim = RGB(0x6A737D),
        .accent = RGB(0x0072B2), .highlight = RGB(0xFFF3C4), .future = RGBA(0xFFFFFF, 150),
        .warn = RGB(0xD55E00), .error = RGB(0xB3261E),
        .st = {RGB(0xFFFFFF), RGB(0xE69F00), RGB(0x009E73), RGB(0xD55E00),
               RGB(0x56B4E9), RGB(0xCC79A7), RGB(0xB8BEC6), RGB(0xA6D8F4),
               RGB(0x9AA0A8), RGB(0xD55E00), RGB(0x8E6C8A)},
        .st_text = {RGB(0x000000), RGB(0x000000), RGB(0xFFFFFF), RGB(0xFFFFFF),
                    RGB(0x000000), RGB(0x000000), RGB(0x000000), RGB(0x000000),
                    RGB(0x000000), RGB(0xFFFFFF), RGB(0xFFFFFF)},
    },
    [CS_THEME_DARK] = {
        .name = "dark",
        .bg = RGB(0x15181C), .panel = RGB(0x1F2328), .panel_alt = RGB(0x272C33),
        .border = RGB(0x3A414A), .text = RGB(0xE6E8EB), .text_dim = RGB(0x8B949E),
        .accent = RGB(0x56B4E9), .highlight = RGB(0x4A4220), .future = RGBA(0x1F2328, 150),
        .warn = RGB(0xE69F00), .error = RGB(0xFF6B5B),
        .st = {RGB(0x1F2328), RGB(0xE69F00), RGB(0x009E73), RGB(0xD55E00),
               RGB(0x56B4E9), RGB(0xCC79A7), RGB(0x4B525B), RGB(0x2F5A75),
               RGB(0x5C636C), RGB(0xD55E00), RGB(0x8E6C8A)},
        .st_text = {RGB(0xFFFFFF), RGB(0x000000), RGB(0xFFFFFF), RGB(0xFFFFFF),
                    RGB(0x000000), RGB(0x000000), RGB(0xFFFFFF), RGB(0xFFFFFF),
                    RGB(0xFFFFFF), RGB(0xFFFFFF), RGB(0xFFFFFF)},
    },
    [CS_THEME_CONTRAST] = {
        .name = "contrast",
        .bg = RGB(0x000000), .panel = RGB(0x000000), .panel_alt = RGB(0x1A1A1A),
        .border = RGB(0xFFFFFF), .text = RGB(0xFFFFFF), .text_dim = RGB(0xC8C8C8),
        .accent = RGB(0xF0E442), .highlight = RGB(0x0B3A66), .future = RGBA(0x000000, 140),
        /* warn is not the accent's yellow: an interrupt mark often stands at the
         * playhead (the last frame of a run_forever) and must not merge with it */
        .warn = RGB(0xE69F00), .error = RGB(0xFF7A4D),
        .st = {RGB(0x000000), RGB(0xE69F00), RGB(0x00C896), RGB(0xD55E00),
               RGB(0x56B4E9), RGB(0xCC79A7), RGB(0x5A5A5A), RGB(0x1F4F6E),
               RGB(0x8A8A8A), RGB(0xFF7A4D), RGB(0xCC79A7)},
        .st_text = {RGB(0xFFFFFF), RGB(0x000000), RGB(0x000000), RGB(0x000000),
                    RGB(0x000000), RGB(0x000000), RGB(0xFFFFFF), RGB(0xFFFFFF),
                    RGB(0x000000), RGB(0x000000), RGB(0x000000)},
    },
};

const cs_theme *cs_theme_get(int id)
{
    return &themes[id >= 0 && id < CS_NTHEMES ? id : 0];
}

int cs_theme_by_name(const char *name)
{
    for (int i = 0; i < CS_NTHEMES; i++)
        if (strcmp(themes[i].name, name) == 0)
            return i;
    return -1;
}
