/*
 * draw_source.c -- the scenario's Python listing with line numbers: the
 * line of the focused task's current statement highlighted, and on the
 * right of the other lines a marker naming the tasks (and main) that are
 * there now. Scrolls to keep the highlighted line in view.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "draw_impl.h"

#define MAXLINES 4096        /* listings longer than this get no markers past it */

/* Per line: how many tasks are there, and the first one. */
typedef struct here {
    uint32_t n;
    int32_t first;
} here;

/* Fill h[1..nlines] with the tasks (and main, -1) at each line, except
 * the focus. Tasks not started or finished have no line. */
static void tasks_here(const dctx *d, here *h, int nlines)
{
    const cs_model *M = d->M;
    for (int i = 0; i <= nlines; i++)
        h[i] = (here){0, -2};
    for (int32_t t = -1; t < (int32_t)M->ntasks; t++) {
        if (t == d->focus)
            continue;
        if (t >= 0 && (M->tasks[t].born > d->frame || M->tasks[t].died <= d->frame))
            continue;
        int32_t l = cs_model_task_line(M, t);
        if (l <= 0 || l > nlines)
            continue;
        if (h[l].n++ == 0)
            h[l].first = t;
    }
}

/* The marker of the tasks at a line: "Task-3", "Task-3 +12", or just
 * the count ("x13") when the names do not fit beside the code. */
static void marker_text(const dctx *d, const here *h, int short_form, char *buf, size_t n)
{
    if (short_form && h->n > 1)
        snprintf(buf, n, "\xC3\x97%u", h->n);
    else if (h->n == 1)
        snprintf(buf, n, "%s", d_task_name(d, h->first));
    else
        snprintf(buf, n, "%s +%u", d_task_name(d, h->first), h->n - 1);
}

/* The state the first task at a line is in at this frame, as its lane
 * colours it (sleeping, waiting, ready...); waiting when it has none. */
static int marker_state(const dctx *d, const here *h)
{
    const cs_lane *L = h->first >= 0 ? cs_model_task_lane(d->M, h->first)
                                     : cs_model_main_lane(d->M);
    const cs_seg *s = L ? cs_lane_at(L, d->frame) : NULL;
    return s ? s->st : CS_ST_WAITING;
}

static void marker(dctx *d, int x, cs_rect r, const char *text, int st)
{
    int y = r.y + (r.h - cs_font_height(d->small_bold)) / 2;
    d_chip(d, d->small_bold, x, y, text, d->th->st[st], d->th->st_text[st]);
}

/* Bytes of line s to show in w pixels: all of it, or without its
 * trailing comment when only that makes it fit. */
static int code_len(cs_font *f, const char *s, int w)
{
    int n = (int)strlen(s);
    if (cs_text_width(f, s, n) <= w)
        return n;
    const char *hash = strstr(s, "  #");
    if (!hash)
        return n;
    int k = (int)(hash - s);
    while (k > 0 && s[k - 1] == ' ')
        k--;
    return k;
}

/* First line shown so that line `cur` sits in the view (a third down). */
static int scroll_first(int nlines, int vis, int cur)
{
    if (nlines <= vis || cur <= 0)
        return 1;
    int first = cur - vis / 3;
    if (first > nlines - vis + 1)
        first = nlines - vis + 1;
    return first < 1 ? 1 : first;
}

static void source_row(dctx *d, cs_rect r, int line, int numw, int cur, const here *h)
{
    const cs_theme *th = d->th;
    const char *text = d->M->sc->source[line - 1];
    if (cur) {
        d_fill(d, r, th->highlight);
        d_fill(d, (cs_rect){r.x, r.y, d->L->pad / 2 + 1, r.h}, th->accent);
    }
    cs_font *f = d->mono_small;
    char num[16];
    snprintf(num, sizeof num, "%d", line);
    int ty = r.y + (r.h - cs_font_height(f)) / 2;
    int x = r.x + d->L->pad;
    cs_text_draw(f, x + numw - cs_text_width(f, num, -1), ty, num, cur ? th->text : th->text_dim);
    x += numw + d->L->pad;
    int right = r.x + r.w - d->L->pad / 2;
    char mk[64] = "";
    int mw = 0;
    if (h && h->n) {
        marker_text(d, h, 0, mk, sizeof mk);
        mw = d_chip_w(d, d->small_bold, mk);
        int need = cs_text_width(f, text, code_len(f, text, right - x - mw - d->L->pad));
        if (x + need + d->L->pad + mw > right) {
            marker_text(d, h, 1, mk, sizeof mk);
            mw = d_chip_w(d, d->small_bold, mk);
        }
        right -= mw + d->L->pad / 2;
    }
    int n = code_len(f, text, right - x);
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s", n, text);
    int tw = cs_text_draw_fit(cur ? d->mono_small : f, x, ty, buf, right - x,
                              cur ? th->text : th->text);
    if (mk[0])
        marker(d, x + tw + d->L->pad > right ? right : x + tw + d->L->pad, r, mk,
               marker_state(d, h));
}

void d_source(dctx *d)
{
    char note[96] = "";
    int32_t cur = 0;
    if (d->M && d->M->sc) {
        cur = cs_model_task_line(d->M, d->focus);
        snprintf(note, sizeof note, "%s at line %d", d_task_name(d, d->focus), cur);
        if (cur <= 0)
            snprintf(note, sizeof note, "%s: no current line", d_task_name(d, d->focus));
    }
    cs_rect c = d_panel(d, d->L->source, "Source", note);
    if (!d->M)
        return;
    const sim_scenario *sc = d->M->sc;
    if (!sc || sc->nsource <= 0) {
        d_wrap(d, d->small, c, "This scenario has no Python listing (no \"source\" in its file).",
               d->th->text_dim, 3);
        return;
    }
    int n = sc->nsource;
    int rh = cs_font_height(d->mono_small) + d->L->pad / 3;
    int vis = c.h / rh;
    if (vis < 1)
        return;
    int first = scroll_first(n, vis, cur);
    int nh = n < MAXLINES ? n : MAXLINES;
    here *h = calloc((size_t)nh + 1, sizeof *h);
    if (h)
        tasks_here(d, h, nh);
    char w[16];
    snprintf(w, sizeof w, "%d", n);
    int numw = cs_text_width(d->mono_small, w, -1);
    d_clip(d, c);
    for (int l = first; l <= n && l < first + vis; l++) {
        cs_rect r = {c.x - d->L->pad / 2, c.y + (l - first) * rh, c.w + d->L->pad, rh};
        source_row(d, r, l, numw, l == cur, h && l <= nh ? &h[l] : NULL);
    }
    d_unclip(d);
    free(h);
}
