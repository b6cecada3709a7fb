/*
 * draw_console.c -- what the program printed so far: one row per line
 * with its virtual time and the task that printed it, the line of the
 * current frame highlighted, warnings (never retrieved, never awaited,
 * slow step, interrupt, the end) in the warning colour. A printed
 * newline starts a row and a row too long for the panel wraps, as many
 * rows as the panel holds: the newest line is shown whole when it fits
 * in the panel, cut at its bottom otherwise. Control characters show as
 * escapes ("\r"). Lines after the frame are not shown; the view scrolls
 * to keep the newest one in sight.
 *
 * In prediction mode, a print the class has to guess is replaced by the
 * question. Until the first print, the scenario's description is shown.
 */
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "draw_impl.h"

typedef struct cols {
    int tx, tw;              /* time column */
    int kx, kw;              /* task column */
    int sx, sw;              /* text */
} cols;

static int is_warning(int kind)
{
    return kind != CS_OUT_PRINT;
}

/* Column widths for the rows first..last (inclusive). */
static cols columns(dctx *d, cs_rect c, int32_t first, int32_t last)
{
    char buf[48];
    cols k;
    int p = d->L->pad;
    k.tx = c.x + p;
    k.tw = 0;
    int kw = 0;
    for (int32_t i = first; i <= last; i++) {
        const cs_outline *o = &d->M->out[i];
        d_fmt_time(o->t, buf, sizeof buf);
        int tw = cs_text_width(d->mono_small, buf, -1);
        k.tw = tw > k.tw ? tw : k.tw;
        int w = cs_text_width(d->small_bold, o->kind == CS_OUT_PRINT ? d_task_name(d, o->task) : "!",
                              -1);
        kw = w > kw ? w : kw;
    }
    int maxk = c.w / 4;
    k.kx = k.tx + k.tw + p;
    k.kw = kw < maxk ? kw : maxk;
    k.sx = k.kx + k.kw + p;
    k.sw = c.x + c.w - p - k.sx;
    return k;
}

#define MAXROWS 128          /* rows one console line may take at most */

/* A console line laid out in rows: tabs expanded to the next multiple of
 * 8 columns, a newline starts a row (as in a terminal), a row too long
 * wraps at a space; past the rows allowed the last row is cut. */
typedef struct shown {
    char buf[8192];
    int start[MAXROWS], len[MAXROWS];
    int n;                   /* rows used */
    int cut;                 /* the last row does not hold the rest */
} shown;

static void expand_tabs(const char *s, char *out, size_t n)
{
    size_t k = 0, col = 0;
    for (; *s && k + 1 < n; s++) {
        if (*s == '\t') {
            do
                out[k++] = ' ';
            while (++col % 8 && k + 1 < n);
            continue;
        }
        out[k++] = *s;
        col = *s == '\n' ? 0 : col + 1;
    }
    out[k] = 0;
}

/* Lay text out in rows w pixels wide, at most max_rows of them. */
static void layout_line(cs_font *f, const char *text, int w, int max_rows, shown *sh)
{
    expand_tabs(text, sh->buf, sizeof sh->buf);
    sh->n = 0;
    sh->cut = 0;
    const char *p = sh->buf;
    if (max_rows > MAXROWS)
        max_rows = MAXROWS;
    while (sh->n < (max_rows > 0 ? max_rows : 1)) {
        const char *nl = strchr(p, '\n');
        int seg = nl ? (int)(nl - p) : (int)strlen(p);
        int fit = seg > 0 ? cs_text_fit_words(f, p, w) : 0;
        int take = fit < seg ? fit : seg;
        sh->start[sh->n] = (int)(p - sh->buf);
        sh->len[sh->n++] = take;
        p += take;
        if (take == seg && !nl)
            return;
        if (take == seg)
            p++;             /* the newline */
        else
            while (*p == ' ')
                p++;
        if (!*p)
            return;
    }
    sh->cut = 1;
}

/* The text of line o as shown (the question when it is hidden). */
static const char *row_text(dctx *d, const cs_outline *o, int ask)
{
    return ask ? "What is printed next?" : cs_model_out_text(d->M, o);
}

/* Rows line o takes, at most vis (the rows of the panel). */
static int row_lines(dctx *d, const cols *k, const cs_outline *o, int ask, int vis)
{
    if (ask)
        return 1;
    shown sh;
    layout_line(d->mono, cs_model_out_text(d->M, o), k->sw, vis, &sh);
    return sh.n;
}

static void console_row(dctx *d, const cols *k, cs_rect r, const cs_outline *o, int current,
                        int ask, int lines)
{
    const cs_theme *th = d->th;
    int warn = is_warning(o->kind);
    if (current)
        d_fill(d, r, th->highlight);
    if (warn)
        d_fill(d, (cs_rect){r.x, r.y, d->L->pad / 2 + 1, r.h}, th->warn);
    if (current)
        d_fill(d, (cs_rect){r.x, r.y, d->L->pad / 2 + 1, r.h}, th->accent);
    char t[32];
    d_fmt_time(o->t, t, sizeof t);
    r.h /= lines;  /* the time and the task on the first row */
    int ty = r.y + (r.h - cs_font_height(d->mono_small)) / 2;
    cs_text_draw(d->mono_small, k->tx + k->tw - cs_text_width(d->mono_small, t, -1), ty, t,
                 th->text_dim);
    const char *who = o->kind == CS_OUT_PRINT ? d_task_name(d, o->task) : "!";
    cs_text_draw_fit(d->small_bold, k->kx, r.y + (r.h - cs_font_height(d->small_bold)) / 2, who,
                     k->kw, warn ? th->warn : th->text_dim);
    cs_font *f = ask ? d->bold : d->mono;
    cs_rgba c = warn ? th->warn : ask ? th->accent : th->text;
    int fy = r.y + (r.h - cs_font_height(f)) / 2;
    if (ask) {
        cs_text_draw_fit(f, k->sx, fy, row_text(d, o, ask), k->sw, c);
        return;
    }
    shown sh;
    layout_line(f, row_text(d, o, ask), k->sw, lines, &sh);
    for (int i = 0; i < sh.n; i++) {
        const char *row = sh.buf + sh.start[i];
        char tmp[1024];
        int last_cut = sh.cut && i == sh.n - 1;
        /* the last row of a cut line runs on to the ellipsis */
        snprintf(tmp, sizeof tmp, "%.*s", last_cut ? (int)strlen(row) : sh.len[i], row);
        char *nl = last_cut ? strchr(tmp, '\n') : NULL;
        if (nl)  /* more rows follow that are not shown: say so */
            snprintf(nl, sizeof tmp - (size_t)(nl - tmp), "\xE2\x80\xA6");
        cs_text_draw_fit(f, k->sx, fy + i * r.h, tmp, k->sw, c);
    }
}

void d_console(dctx *d)
{
    char note[64] = "print() output; asyncio's messages marked !";
    if (d->M && d->v->predict)
        snprintf(note, sizeof note, "prediction mode: the future is hidden");
    cs_rect c = d_panel(d, d->L->console, "Console", note);
    if (!d->M)
        return;
    int32_t last = cs_model_out_at(d->M, d->frame);
    int ask = d->v->predict && d->v->predict_ask && d->ev && d->ev->kind == SIM_EV_PRINT;
    int rh = cs_font_height(d->mono) + d->L->pad / 2;
    int vis = c.h / rh;
    if (last < 0 || vis <= 0) {
        cs_text_draw_fit(d->small, c.x, c.y, "nothing printed yet", c.w, d->th->text_dim);
        const char *about = d->M->sc ? d->M->sc->description : NULL;
        int lh = cs_font_height(d->body), top = cs_font_height(d->small) + d->L->pad;
        if (about && *about && c.h > top + lh)  /* the teacher's words, until the first print */
            d_wrap(d, d->body, (cs_rect){c.x, c.y + top, c.w, c.h - top}, about, d->th->text,
                   (c.h - top) / lh);
        return;
    }
    int32_t first = last - vis + 1 > 0 ? last - vis + 1 : 0;
    cols k = columns(d, c, first, last);
    /* from the newest line back, as many as fit with their wrapping */
    int rows = 0;
    first = last + 1;
    while (first > 0) {
        const cs_outline *o = &d->M->out[first - 1];
        int a = o->ev == d->frame && ask && o->kind == CS_OUT_PRINT;
        int n = row_lines(d, &k, o, a, vis);
        if (rows + n > vis && rows > 0)
            break;
        rows += n;
        first--;
    }
    d_clip(d, c);
    int y = c.y;
    for (int32_t i = first; i <= last; i++) {
        const cs_outline *o = &d->M->out[i];
        int cur = o->ev == d->frame;
        int a = cur && ask && o->kind == CS_OUT_PRINT;
        int n = row_lines(d, &k, o, a, vis);
        console_row(d, &k, (cs_rect){c.x, y, c.w, rh * n}, o, cur, a, n);
        y += rh * n;
    }
    d_unclip(d);
}
