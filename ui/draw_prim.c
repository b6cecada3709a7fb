/*
 * draw_prim.c -- drawing primitives on top of SDL_Renderer.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_impl.h"

void d_color(dctx *d, cs_rgba c)
{
    SDL_SetRenderDrawBlendMode(d->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(d->r, c.r, c.g, c.b, c.a);
}

void d_fill(dctx *d, cs_rect r, cs_rgba c)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    d_color(d, c);
    SDL_RenderFillRect(d->r, &(SDL_Rect){r.x, r.y, r.w, r.h});
}

void d_box(dctx *d, cs_rect r, cs_rgba c)
{
    d_color(d, c);
    SDL_RenderDrawRect(d->r, &(SDL_Rect){r.x, r.y, r.w, r.h});
}

void d_box_w(dctx *d, cs_rect r, cs_rgba c, int w)
{
    for (int i = 0; i < w && r.w > 2 * i && r.h > 2 * i; i++)
        d_box(d, (cs_rect){r.x + i, r.y + i, r.w - 2 * i, r.h - 2 * i}, c);
}

void d_line(dctx *d, int x1, int y1, int x2, int y2, cs_rgba c)
{
    d_color(d, c);
    SDL_RenderDrawLine(d->r, x1, y1, x2, y2);
}

/* A quad of width w along the segment, as two triangles. */
void d_thick_line(dctx *d, float x1, float y1, float x2, float y2, float w, cs_rgba c)
{
    float dx = x2 - x1, dy = y2 - y1, len = sqrtf(dx * dx + dy * dy);
    if (len < 0.01f)
        return;
    float nx = -dy / len * w / 2, ny = dx / len * w / 2;
    SDL_Color col = {c.r, c.g, c.b, c.a};
    SDL_Vertex v[4] = {
        {{x1 + nx, y1 + ny}, col, {0, 0}}, {{x2 + nx, y2 + ny}, col, {0, 0}},
        {{x2 - nx, y2 - ny}, col, {0, 0}}, {{x1 - nx, y1 - ny}, col, {0, 0}}};
    int idx[6] = {0, 1, 2, 0, 2, 3};
    SDL_RenderGeometry(d->r, NULL, v, 4, idx, 6);
}

void d_hatch(dctx *d, cs_rect r, cs_rgba c, int step)
{
    if (r.w <= 0 || r.h <= 0 || step < 2)
        return;
    d_clip(d, r);
    d_color(d, c);
    for (int x = r.x - r.h; x < r.x + r.w; x += step) {
        SDL_RenderDrawLine(d->r, x, r.y + r.h, x + r.h, r.y);
        SDL_RenderDrawLine(d->r, x + 1, r.y + r.h, x + r.h + 1, r.y);
    }
    d_unclip(d);
}

void d_tri(dctx *d, float x1, float y1, float x2, float y2, float x3, float y3, cs_rgba c)
{
    SDL_Color col = {c.r, c.g, c.b, c.a};
    SDL_Vertex v[3] = {{{x1, y1}, col, {0, 0}}, {{x2, y2}, col, {0, 0}},
                       {{x3, y3}, col, {0, 0}}};
    SDL_RenderGeometry(d->r, NULL, v, 3, NULL, 0);
}

void d_arrow(dctx *d, float x1, float y1, float x2, float y2, float w, float head, cs_rgba c)
{
    float dx = x2 - x1, dy = y2 - y1, len = sqrtf(dx * dx + dy * dy);
    if (len < 0.01f)
        return;
    float ux = dx / len, uy = dy / len;
    float bx = x2 - ux * head, by = y2 - uy * head;
    d_thick_line(d, x1, y1, bx, by, w, c);
    d_tri(d, x2, y2, bx - uy * head * 0.6f, by + ux * head * 0.6f,
          bx + uy * head * 0.6f, by - ux * head * 0.6f, c);
}

void d_disc(dctx *d, float cx, float cy, float rad, cs_rgba c)
{
    enum { N = 20 };
    SDL_Color col = {c.r, c.g, c.b, c.a};
    SDL_Vertex v[N + 1];
    int idx[N * 3];
    v[0] = (SDL_Vertex){{cx, cy}, col, {0, 0}};
    for (int i = 0; i < N; i++) {
        float a = (float)i / N * 6.2831853f;
        v[i + 1] = (SDL_Vertex){{cx + cosf(a) * rad, cy + sinf(a) * rad}, col, {0, 0}};
        idx[i * 3] = 0;
        idx[i * 3 + 1] = i + 1;
        idx[i * 3 + 2] = i + 1 < N ? i + 2 : 1;
    }
    SDL_RenderGeometry(d->r, NULL, v, N + 1, idx, N * 3);
}

int d_chip_w(dctx *d, cs_font *f, const char *s)
{
    (void)d;
    return cs_text_width(f, s, -1) + cs_font_height(f) / 2;
}

int d_chip(dctx *d, cs_font *f, int x, int y, const char *s, cs_rgba bg, cs_rgba fg)
{
    int h = cs_font_height(f);
    int w = d_chip_w(d, f, s);
    d_fill(d, (cs_rect){x + 1, y, w - 2, h}, bg);
    d_fill(d, (cs_rect){x, y + 1, w, h - 2}, bg);
    cs_text_draw(f, x + h / 4, y, s, fg);
    return w;
}

int d_chip_right(dctx *d, cs_font *f, int x_right, int y, const char *s, int max_w,
                 cs_rgba bg, cs_rgba fg)
{
    int w = d_chip_w(d, f, s), h = cs_font_height(f);
    if (w <= max_w)
        return d_chip(d, f, x_right - w, y, s, bg, fg);
    d_fill(d, (cs_rect){x_right - max_w, y, max_w, h}, bg);
    cs_text_draw_fit(f, x_right - max_w + h / 4, y, s, max_w - h / 2, fg);
    return max_w;
}

void d_clip(dctx *d, cs_rect r)
{
    SDL_RenderSetClipRect(d->r, &(SDL_Rect){r.x, r.y, r.w > 0 ? r.w : 0, r.h > 0 ? r.h : 0});
}

void d_unclip(dctx *d)
{
    SDL_RenderSetClipRect(d->r, NULL);
}

cs_rect d_panel(dctx *d, cs_rect r, const char *title, const char *note)
{
    d_fill(d, r, d->th->panel);
    d_box(d, r, d->th->border);
    int p = d->L->pad;
    int tw = 0;
    if (title)
        tw = cs_text_draw_fit(d->bold, r.x + p, r.y + p / 2, title, r.w - 2 * p, d->th->text);
    if (note && tw + 3 * p < r.w)
        cs_text_draw_fit(d->small, r.x + 2 * p + tw, r.y + p / 2 + (d->L->em - d->L->small) / 2,
                         note, r.w - 3 * p - tw, d->th->text_dim);
    int top = title ? d->L->em + p : 0;
    return (cs_rect){r.x + p, r.y + top + p / 2, r.w - 2 * p, r.h - top - p};
}

cs_rgba d_mix(cs_rgba a, cs_rgba b, float t)
{
    if (t < 0)
        t = 0;
    if (t > 1)
        t = 1;
    return (cs_rgba){(uint8_t)(a.r + (b.r - a.r) * t), (uint8_t)(a.g + (b.g - a.g) * t),
                     (uint8_t)(a.b + (b.b - a.b) * t), (uint8_t)(a.a + (b.a - a.a) * t)};
}

cs_rgba d_alpha(cs_rgba c, uint8_t a)
{
    c.a = a;
    return c;
}

static float linear(uint8_t c)
{
    float v = c / 255.0f;
    return v <= 0.04045f ? v / 12.92f : powf((v + 0.055f) / 1.055f, 2.4f);
}

/* The WCAG contrast ratio of black and of white against bg: the larger
 * one wins. */
cs_rgba d_on(cs_rgba bg)
{
    float l = 0.2126f * linear(bg.r) + 0.7152f * linear(bg.g) + 0.0722f * linear(bg.b);
    float with_black = (l + 0.05f) / 0.05f, with_white = 1.05f / (l + 0.05f);
    return with_black > with_white ? (cs_rgba){0, 0, 0, 255} : (cs_rgba){255, 255, 255, 255};
}

int d_wrap(dctx *d, cs_font *f, cs_rect r, const char *s, cs_rgba c, int max_lines)
{
    (void)d;
    int y = r.y, lh = cs_font_height(f), lines = 0;
    char buf[1024];
    while (*s && lines < max_lines && y + lh <= r.y + r.h + lh / 4) {
        int n = cs_text_fit_words(f, s, r.w);
        if (lines == max_lines - 1 && s[n]) {
            cs_text_draw_fit(f, r.x, y, s, r.w, c);
        } else {
            int k = n < (int)sizeof buf - 1 ? n : (int)sizeof buf - 1;
            memcpy(buf, s, (size_t)k);
            buf[k] = 0;
            cs_text_draw(f, r.x, y, buf, c);
        }
        s += n;
        while (*s == ' ')
            s++;
        y += lh;
        lines++;
    }
    return y - r.y;
}

const char *d_task_name(const dctx *d, int32_t task)
{
    return task >= 0 && (uint32_t)task < d->M->ntasks ? d->M->tasks[task].name : "main";
}

const char *d_handle_kind(int kind)
{
    static const char *const k[] = {"step", "wakeup", "sleep timer", "gather callback",
                                    "run_until_complete done", "callback"};
    return kind >= 0 && kind < 6 ? k[kind] : "callback";
}

void d_fmt_time(double t, char *buf, size_t n)
{
    if (n == 0)
        return;
    snprintf(buf, n, "%.3f", fabs(t) < 5e-4 ? 0.0 : t);
    char *dot = strchr(buf, '.');
    if (!dot)
        return;
    char *end = buf + strlen(buf);
    while (end > dot + 2 && end[-1] == '0')
        *--end = 0;
}
