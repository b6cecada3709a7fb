/*
 * render.c -- frames drawn without a window: an SDL software renderer on
 * a plain ARGB surface (no video subsystem or display is needed), saved
 * as PNG through SDL2_image, written to a temporary name and renamed so
 * that a PNG is never seen half-written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_image.h>

#include "render.h"

struct cs_render {
    SDL_Surface *surf;       /* owned: the pixels */
    SDL_Renderer *r;         /* owned: software renderer on surf */
    cs_text *tx;             /* owned: fonts and glyph atlas for r */
    cs_layout L;             /* the layout of the last frame drawn */
};

cs_render *cs_render_new(int w, int h, const char *assets_dir, char *errbuf, size_t errlen)
{
    if (w <= 0 || h <= 0 || w > 16384 || h > 16384) {
        snprintf(errbuf, errlen, "bad image size %dx%d (1 to 16384 pixels each way)", w, h);
        return NULL;
    }
    cs_render *R = calloc(1, sizeof *R);
    if (!R) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    R->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (R->surf)
        R->r = SDL_CreateSoftwareRenderer(R->surf);
    if (R->r)
        R->tx = cs_text_new(R->r, assets_dir);
    if (!R->tx) {
        snprintf(errbuf, errlen, "cannot set up the offscreen renderer: %s", SDL_GetError());
        cs_render_free(R);
        return NULL;
    }
    return R;
}

void cs_render_free(cs_render *R)
{
    if (!R)
        return;
    cs_text_free(R->tx);
    if (R->r)
        SDL_DestroyRenderer(R->r);
    SDL_FreeSurface(R->surf);
    free(R);
}

/* Draw v and make sure every batched command reached the surface. */
static void render_frame(cs_render *R, const cs_view *v)
{
    cs_draw(R->r, R->tx, v, &R->L);
    SDL_RenderFlush(R->r);
}

const uint32_t *cs_render_pixels(cs_render *R, const cs_view *v, int *pitch)
{
    render_frame(R, v);
    if (pitch)
        *pitch = R->surf->pitch;
    return R->surf->pixels;
}

cs_text *cs_render_text(cs_render *R)
{
    return R->tx;
}

const cs_layout *cs_render_layout(const cs_render *R)
{
    return &R->L;
}

int cs_render_png(cs_render *R, const cs_view *v, const char *path, char *errbuf, size_t errlen)
{
    if (!path || !*path) {
        snprintf(errbuf, errlen, "no output file name");
        return -1;
    }
    render_frame(R, v);
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    errno = 0;
    SDL_RWops *rw = SDL_RWFromFile(tmp, "wb");
    if (!rw) {
        snprintf(errbuf, errlen, "cannot write %s: %s", path,
                 errno ? strerror(errno) : SDL_GetError());
        free(tmp);
        return -1;
    }
    if (IMG_SavePNG_RW(R->surf, rw, 1) != 0) {
        snprintf(errbuf, errlen, "cannot write %s: %s", path, IMG_GetError());
        remove(tmp);
        free(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(errbuf, errlen, "cannot write %s: %s", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}
