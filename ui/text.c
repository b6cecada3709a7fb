/*
 * text.c -- fonts, the glyph atlas, and drawing strings.
 *
 * Glyphs are rendered once per colour, so that drawing them needs no
 * colour modulation: SDL's software renderer (headless PNGs) blends an
 * unmodulated glyph about twice as fast as a modulated one. Advances are
 * cached apart, per codepoint, so measuring text renders nothing. When
 * the atlas is full (many sizes and colours after zooming and theme
 * changes) it is emptied and refilled from what the next frames draw.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>

#include "fallback.h"
#include "text.h"
#include "unicode.h"

#define ATLAS 1024
#define MAXPAGES 16
#define NSLOTS 4096          /* coloured glyph hash slots per font (power of two) */
#define NADV 1024            /* advance hash slots per font (power of two) */
#define MAXFONTS 48
#define MAXFALLBACK 4        /* installed fonts used for what DejaVu lacks */
#define NNONE 512            /* codepoints no font has (power of two) */

typedef struct glyph {
    uint64_t key;            /* glyph_key(); 0 = empty slot */
    int page;                /* atlas page, -1 for an empty glyph */
    SDL_Rect src;
    int dy;                  /* drawn this much lower (a fallback font's ascent) */
} glyph;

typedef struct advance {
    uint32_t cp;             /* codepoint + 1; 0 = empty slot */
    int px;
} advance;

struct cs_font {
    cs_text *tx;
    TTF_Font *ttf;
    cs_face face;
    int px, height, ascent;
    int nglyphs;             /* slots in use */
    TTF_Font *fb[MAXFALLBACK];   /* the fallback fonts at px, opened on first use */
    int fb_bad[MAXFALLBACK];     /* 1: it would not open */
    glyph slots[NSLOTS];
    advance adv[NADV];
};

struct cs_text {
    SDL_Renderer *r;
    char path[CS_NFACES][1024];
    cs_font *fonts[MAXFONTS];
    int nfonts;
    SDL_Texture *pages[MAXPAGES];
    int npages;
    int cur;                         /* page being filled */
    int shelf_x, shelf_y, shelf_h;   /* packing cursor in it */
    cs_fallback *fall;               /* owned: finds installed fonts */
    char fb_path[MAXFALLBACK][1024]; /* fallback fonts found so far */
    int fb_index[MAXFALLBACK], nfb;
    uint32_t none[NNONE];            /* codepoint + 1 no fallback has; 0 empty */
    int nnone;
    cs_rgba esc;                     /* colour of control characters' escapes */
    int has_esc;
    cs_text_rec *recs;               /* borrowed: strings drawn, for tests */
    int rec_cap, *rec_n;
};

static const char *const face_files[CS_NFACES] = {
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf"};

cs_text *cs_text_new(SDL_Renderer *r, const char *assets_dir)
{
    if (!TTF_WasInit() && TTF_Init() < 0)
        return NULL;
    cs_text *tx = calloc(1, sizeof *tx);
    if (!tx)
        return NULL;
    tx->r = r;
    tx->fall = cs_fallback_new();
    for (int i = 0; i < CS_NFACES; i++) {
        snprintf(tx->path[i], sizeof tx->path[i], "%s/%s", assets_dir, face_files[i]);
        FILE *f = fopen(tx->path[i], "rb");
        if (!f) {
            SDL_SetError("font not found: %s", tx->path[i]);
            cs_fallback_free(tx->fall);
            free(tx);
            return NULL;
        }
        fclose(f);
    }
    return tx;
}

/* Close f's faces and free it. */
static void font_free(cs_font *f)
{
    TTF_CloseFont(f->ttf);
    for (int k = 0; k < MAXFALLBACK; k++)
        if (f->fb[k])
            TTF_CloseFont(f->fb[k]);
    free(f);
}

void cs_text_free(cs_text *tx)
{
    if (!tx)
        return;
    for (int i = 0; i < tx->nfonts; i++)
        font_free(tx->fonts[i]);
    cs_fallback_free(tx->fall);
    for (int i = 0; i < tx->npages; i++)
        SDL_DestroyTexture(tx->pages[i]);
    free(tx);
}

cs_font *cs_font_get(cs_text *tx, cs_face face, int px)
{
    if (px < 6)
        px = 6;
    for (int i = 0; i < tx->nfonts; i++)
        if (tx->fonts[i]->face == face && tx->fonts[i]->px == px)
            return tx->fonts[i];
    if (tx->nfonts == MAXFONTS) {  /* forget the oldest size */
        font_free(tx->fonts[0]);
        memmove(tx->fonts, tx->fonts + 1, (MAXFONTS - 1) * sizeof *tx->fonts);
        tx->nfonts--;
    }
    cs_font *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    f->ttf = TTF_OpenFont(tx->path[face], px);
    if (!f->ttf) {
        fprintf(stderr, "coroscope: %s\n", TTF_GetError());
        abort();
    }
    TTF_SetFontHinting(f->ttf, TTF_HINTING_LIGHT);
    f->tx = tx;
    f->face = face;
    f->px = px;
    f->height = TTF_FontLineSkip(f->ttf);
    f->ascent = TTF_FontAscent(f->ttf);
    tx->fonts[tx->nfonts++] = f;
    return f;
}

int cs_font_height(const cs_font *f) { return f->height; }
int cs_font_ascent(const cs_font *f) { return f->ascent; }

/* ---- the atlas ---------------------------------------------------------- */

static int new_page(cs_text *tx)
{
    if (tx->npages == MAXPAGES)
        return -1;
    SDL_Texture *t = SDL_CreateTexture(tx->r, SDL_PIXELFORMAT_ARGB8888,
                                       SDL_TEXTUREACCESS_STATIC, ATLAS, ATLAS);
    if (!t)
        return -1;
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    void *zero = calloc((size_t)ATLAS * ATLAS, 4);
    if (zero) {
        SDL_UpdateTexture(t, NULL, zero, ATLAS * 4);
        free(zero);
    }
    tx->pages[tx->npages++] = t;
    return 0;
}

/* Forget every glyph of every font and refill the atlas from its first
 * page. Commands already queued that use the old pixels are flushed by
 * SDL before a page is updated. */
static void atlas_reset(cs_text *tx)
{
    for (int i = 0; i < tx->nfonts; i++) {
        memset(tx->fonts[i]->slots, 0, sizeof tx->fonts[i]->slots);
        tx->fonts[i]->nglyphs = 0;
    }
    tx->cur = 0;
    tx->shelf_x = tx->shelf_y = tx->shelf_h = 0;
}

/* Move the packing cursor to the next page (a new one when needed). */
static int next_page(cs_text *tx)
{
    if (tx->cur + 1 >= tx->npages && new_page(tx) < 0)
        return -1;
    tx->cur++;
    tx->shelf_x = tx->shelf_y = tx->shelf_h = 0;
    return 0;
}

/* Room for a w x h glyph: its page and position, or -1 when the atlas
 * is full. */
static int atlas_place(cs_text *tx, int w, int h, SDL_Rect *at)
{
    if (w > ATLAS || h > ATLAS)
        return -1;
    if (!tx->npages && new_page(tx) < 0)
        return -1;
    if (tx->shelf_x + w > ATLAS) {
        tx->shelf_x = 0;
        tx->shelf_y += tx->shelf_h + 1;
        tx->shelf_h = 0;
    }
    if (tx->shelf_y + h > ATLAS && next_page(tx) < 0)
        return -1;
    *at = (SDL_Rect){tx->shelf_x, tx->shelf_y, w, h};
    tx->shelf_x += w + 1;
    if (h > tx->shelf_h)
        tx->shelf_h = h;
    return tx->cur;
}

static uint64_t glyph_key(uint32_t cp, cs_rgba c)
{
    return ((uint64_t)c.r << 45 | (uint64_t)c.g << 37 | (uint64_t)c.b << 29 | cp) + 1;
}

/* ---- fallback fonts ------------------------------------------------------ */

/* Fallback k of tx at f's size (opened on first use, NULL when it does
 * not open); *dy gets how much lower its glyphs go to share f's
 * baseline. */
static TTF_Font *fb_open(cs_font *f, int k, int *dy)
{
    if (!f->fb[k] && !f->fb_bad[k]) {
        f->fb[k] = TTF_OpenFontIndex(f->tx->fb_path[k], f->px, f->tx->fb_index[k]);
        f->fb_bad[k] = f->fb[k] == NULL;
        if (f->fb[k])
            TTF_SetFontHinting(f->fb[k], TTF_HINTING_LIGHT);
    }
    if (f->fb[k])
        *dy = f->ascent - TTF_FontAscent(f->fb[k]);
    return f->fb[k];
}

/* Is cp one that no font has (as far as fontconfig said)? With mark,
 * note that it is. */
static int no_font(cs_text *tx, uint32_t cp, int mark)
{
    uint32_t h = (cp * 2654435761u) & (NNONE - 1);
    for (int probe = 0; probe < NNONE; probe++) {
        uint32_t *e = &tx->none[(h + (uint32_t)probe) & (NNONE - 1)];
        if (*e == cp + 1)
            return 1;
        if (*e == 0) {
            if (mark && tx->nnone < NNONE * 3 / 4) {
                *e = cp + 1;
                tx->nnone++;
            }
            return mark || tx->nnone >= NNONE * 3 / 4;  /* full: ask no more */
        }
    }
    return 1;
}

/* Ask fontconfig for a font with cp and add it to tx's fallbacks: its
 * index, or -1 (and cp noted as having none). */
static int fb_add(cs_text *tx, uint32_t cp)
{
    if (no_font(tx, cp, 0) || tx->nfb == MAXFALLBACK || !tx->fall)
        return -1;
    char path[1024];
    int index = 0, known = 0;
    if (cs_fallback_find(tx->fall, cp, path, sizeof path, &index) == 0) {
        for (int k = 0; k < tx->nfb; k++)
            known |= !strcmp(tx->fb_path[k], path) && tx->fb_index[k] == index;
        for (int i = 0; i < CS_NFACES; i++)
            known |= !strcmp(tx->path[i], path);
        if (!known) {
            snprintf(tx->fb_path[tx->nfb], sizeof tx->fb_path[0], "%s", path);
            tx->fb_index[tx->nfb] = index;
            return tx->nfb++;
        }
    }
    no_font(tx, cp, 1);
    return -1;
}

/* The face that draws cp for f: f's own when it has the glyph (or no
 * installed font has it: the missing-glyph box), else a fallback; *dy
 * gets the baseline shift. */
static TTF_Font *face_for(cs_font *f, uint32_t cp, int *dy)
{
    *dy = 0;
    if (cp < 0x80 || TTF_GlyphIsProvided32(f->ttf, cp))
        return f->ttf;
    for (int k = 0; k < f->tx->nfb; k++) {
        TTF_Font *t = fb_open(f, k, dy);
        if (t && TTF_GlyphIsProvided32(t, cp))
            return t;
    }
    int k = fb_add(f->tx, cp);
    TTF_Font *t = k >= 0 ? fb_open(f, k, dy) : NULL;
    if (t && TTF_GlyphIsProvided32(t, cp))
        return t;
    *dy = 0;
    return f->ttf;
}

/* Render codepoint cp of f in colour c into the atlas; 0, or -1 when the
 * atlas is full. */
static int glyph_make(cs_font *f, uint32_t cp, cs_rgba c, glyph *g)
{
    g->page = -1;
    g->dy = 0;
    if (cp == ' ')
        return 0;
    TTF_Font *face = face_for(f, cp, &g->dy);
    SDL_Surface *s = TTF_RenderGlyph32_Blended(face, cp, (SDL_Color){c.r, c.g, c.b, 255});
    if (!s)
        return 0;
    SDL_Surface *cv = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(s);
    if (!cv)
        return 0;
    int huge = cv->w > ATLAS || cv->h > ATLAS;   /* never fits: drawn as nothing */
    int page = huge ? -1 : atlas_place(f->tx, cv->w, cv->h, &g->src);
    if (page >= 0) {
        SDL_UpdateTexture(f->tx->pages[page], &g->src, cv->pixels, cv->pitch);
        g->page = page;
    }
    SDL_FreeSurface(cv);
    return page >= 0 || huge ? 0 : -1;
}

/* The glyph of cp in colour c, rendered on first use. */
static const glyph *glyph_get(cs_font *f, uint32_t cp, cs_rgba c)
{
    uint64_t key = glyph_key(cp, c);
    for (int attempt = 0; attempt < 2; attempt++) {
        uint32_t h = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 52) & (NSLOTS - 1);
        for (uint32_t probe = 0;; probe++) {
            glyph *g = &f->slots[(h + probe) & (NSLOTS - 1)];
            if (g->key == key)
                return g;
            if (g->key != 0)
                continue;
            if (f->nglyphs >= NSLOTS * 3 / 4)   /* table full: start over */
                break;
            g->key = key;
            f->nglyphs++;
            if (glyph_make(f, cp, c, g) == 0)
                return g;
            break;                               /* atlas full: start over */
        }
        atlas_reset(f->tx);
    }
    static const glyph none = {0, -1, {0, 0, 0, 0}, 0};
    return &none;
}

/* ---- characters that are not drawn as their glyph ------------------------ */

/* Does cp take no cell of its own: a combining mark (drawn over the
 * character before it), a zero-width space or joiner, a variation
 * selector (not drawn)? */
static int zero_width(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0489) ||
           (cp >= 0x0591 && cp <= 0x05BD) || (cp >= 0x0610 && cp <= 0x061A) ||
           (cp >= 0x064B && cp <= 0x065F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
           (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0x302A && cp <= 0x302F) ||
           (cp >= 0x3099 && cp <= 0x309A) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0xFEFF || (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* Is zero-width cp a mark drawn over the character before it (rather
 * than nothing)? */
static int is_mark(uint32_t cp)
{
    return zero_width(cp) && !(cp >= 0x200B && cp <= 0x200F) && !(cp >= 0x202A && cp <= 0x202E) &&
           !(cp >= 0x2060 && cp <= 0x2064) && !(cp >= 0xFE00 && cp <= 0xFE0F) && cp != 0xFEFF &&
           !(cp >= 0xE0100 && cp <= 0xE01EF);
}

static int glyph_advance(cs_font *f, uint32_t cp);

/* Advance of cp in pixels (cached per codepoint): a control character
 * as wide as its escape, a zero-width one none. */
static int advance_get(cs_font *f, uint32_t cp)
{
    char esc[8];
    if (zero_width(cp))
        return 0;
    if (sim_unicode_ctrl_escape((int32_t)cp, esc)) {
        int w = 0;
        for (const char *e = esc; *e; e++)
            w += glyph_advance(f, (unsigned char)*e);
        return w;
    }
    return glyph_advance(f, cp);
}

/* Advance of cp's glyph in pixels (cached per codepoint). */
static int glyph_advance(cs_font *f, uint32_t cp)
{
    uint32_t h = (cp * 2654435761u) & (NADV - 1);
    for (int probe = 0; probe < NADV; probe++) {
        advance *a = &f->adv[(h + (uint32_t)probe) & (NADV - 1)];
        if (a->cp == cp + 1)
            return a->px;
        if (a->cp == 0) {
            int minx, maxx, miny, maxy, adv = 0, dy;
            if (TTF_GlyphMetrics32(face_for(f, cp, &dy), cp, &minx, &maxx, &miny, &maxy, &adv) < 0)
                adv = f->px / 2;
            a->cp = cp + 1;
            a->px = adv;
            return adv;
        }
    }
    return f->px / 2;   /* table full */
}

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Decode one codepoint at s (n bytes left); *len gets its byte length. */
static uint32_t utf8_next(const unsigned char *s, int n, int *len)
{
    uint32_t c = s[0];
    int k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (k > n || (k > 1 && c < 0xC0)) {
        *len = 1;
        return 0xFFFD;
    }
    if (k > 1) {
        c &= 0x3F >> (k - 1);
        for (int i = 1; i < k; i++)
            c = (c << 6) | (s[i] & 0x3F);
    }
    *len = k;
    return c;
}

int cs_text_width(cs_font *f, const char *s, int n)
{
    if (n < 0)
        n = (int)strlen(s);
    int w = 0, len;
    for (int i = 0; i < n; i += len)
        w += advance_get(f, utf8_next((const unsigned char *)s + i, n - i, &len));
    return w;
}

/* Draw the glyph of cp with its left at x, in colour c (its page's
 * alpha set to c's when it changes: *last is the page set last). */
static void blit(cs_font *f, uint32_t cp, int x, int y, cs_rgba c, int *last)
{
    const glyph *g = glyph_get(f, cp, c);
    if (g->page < 0)
        return;
    SDL_Texture *t = f->tx->pages[g->page];
    if (g->page != *last) {
        SDL_SetTextureAlphaMod(t, c.a);
        *last = g->page;
    }
    SDL_Rect dst = {x, y + g->dy, g->src.w, g->src.h};
    SDL_RenderCopy(f->tx->r, t, &g->src, &dst);
}

/* Draw n bytes of s: glyphs already in colour c, only the alpha is
 * modulated (and only when c is translucent). A combining mark is
 * centred over the character before it; a control character is drawn
 * as its escape in the escape colour. */
static int draw_n(cs_font *f, int x, int y, const char *s, int n, cs_rgba c)
{
    int pen = x, len, last = -1, prev_x = x, prev_w = 0;
    char esc[8];
    for (int i = 0; i < n; i += len) {
        uint32_t cp = utf8_next((const unsigned char *)s + i, n - i, &len);
        if (zero_width(cp)) {
            if (is_mark(cp)) {
                const glyph *g = glyph_get(f, cp, c);
                if (g->page >= 0)
                    blit(f, cp, prev_x + (prev_w - g->src.w) / 2, y, c, &last);
            }
            continue;
        }
        prev_x = pen;
        prev_w = advance_get(f, cp);
        if (sim_unicode_ctrl_escape((int32_t)cp, esc)) {
            cs_rgba ec = f->tx->has_esc ? f->tx->esc : c;
            ec.a = c.a;
            for (const char *e = esc; *e; e++) {
                blit(f, (unsigned char)*e, pen, y, ec, &last);
                pen += glyph_advance(f, (unsigned char)*e);
            }
            continue;
        }
        blit(f, cp, pen, y, c, &last);
        pen += prev_w;
    }
    return pen - x;
}

void cs_text_set_escape_color(cs_text *tx, cs_rgba c)
{
    tx->esc = c;
    tx->has_esc = 1;
}

void cs_text_record(cs_text *tx, cs_text_rec *recs, int cap, int *n)
{
    tx->recs = recs;
    tx->rec_cap = cap;
    tx->rec_n = n;
    if (n)
        *n = 0;
}

/* Note that s was drawn w pixels wide at (x, y), the part inside the
 * renderer's clip rectangle, when recording. */
static void record(cs_font *f, int x, int y, int w, const char *s)
{
    cs_text *tx = f->tx;
    if (!tx->recs || !tx->rec_n)
        return;
    int k = (*tx->rec_n)++;
    if (k >= tx->rec_cap)
        return;
    SDL_Rect box = {x, y, w, f->height}, clip, in = box;
    if (SDL_RenderIsClipEnabled(tx->r)) {
        SDL_RenderGetClipRect(tx->r, &clip);
        if (!SDL_IntersectRect(&box, &clip, &in))
            in = (SDL_Rect){x, y, 0, 0};
    }
    cs_text_rec *r = &tx->recs[k];
    *r = (cs_text_rec){in.x, in.y, in.w, in.h, ""};
    snprintf(r->s, sizeof r->s, "%s", s);
}

int cs_text_draw(cs_font *f, int x, int y, const char *s, cs_rgba c)
{
    int w = draw_n(f, x, y, s, (int)strlen(s), c);
    record(f, x, y, w, s);
    return w;
}

/* Length in bytes of the longest prefix of s[0..n) no wider than max_w. */
static int prefix_fitting(cs_font *f, const char *s, int n, int max_w)
{
    int w = 0, len, i = 0;
    while (i < n) {
        int a = advance_get(f, utf8_next((const unsigned char *)s + i, n - i, &len));
        if (w + a > max_w)
            break;
        w += a;
        i += len;
    }
    return i;
}

int cs_text_draw_fit(cs_font *f, int x, int y, const char *s, int max_w, cs_rgba c)
{
    int n = (int)strlen(s);
    if (max_w <= 0)
        return 0;
    if (cs_text_width(f, s, n) <= max_w)
        return cs_text_draw(f, x, y, s, c);
    static const char ell[] = "\xE2\x80\xA6";   /* … */
    int ew = cs_text_width(f, ell, 3);
    int k = prefix_fitting(f, s, n, max_w - ew);
    int w = draw_n(f, x, y, s, k, c);
    w += draw_n(f, x + w, y, ell, 3, c);
    char cut[128];
    snprintf(cut, sizeof cut, "%.*s%s", k < 120 ? k : 120, s, ell);
    record(f, x, y, w, cut);
    return w;
}

int cs_text_fit_words(cs_font *f, const char *s, int max_w)
{
    int n = (int)strlen(s);
    int k = prefix_fitting(f, s, n, max_w);
    if (k >= n)
        return n;
    int cut = k;
    while (cut > 0 && s[cut] != ' ')
        cut--;
    if (cut > 0)
        return cut;
    if (k == 0) {
        int len;
        utf8_next((const unsigned char *)s, n, &len);
        return len;
    }
    return k;
}
