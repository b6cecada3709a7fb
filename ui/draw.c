/*
 * draw.c -- one frame of the visualizer: the header, the error banner,
 * the narration, the six panels, and the help and picker overlays; plus
 * the view queries the app uses (focus, visible range, lane under the
 * mouse).
 */
#include <stdio.h>
#include <string.h>

#include "draw_impl.h"
#include "play.h"

#define CS_BANNER_LINES 4   /* the error banner's lines at most */

void cs_view_init(cs_view *v)
{
    memset(v, 0, sizeof *v);
    v->theme = CS_THEME_LIGHT;
    v->scale = 0;
    v->axis = CS_AXIS_TIME;
    v->selected = CS_SEL_FOLLOW;
    v->anim = 1;
    v->speed = CS_SPEED_DEFAULT;
}

void cs_view_open(cs_view *v, cs_model *M, int same)
{
    v->M = M;
    v->banner = NULL;
    v->predict_ask = 0;
    if (!same) {  /* nothing of the last scenario's playback carries over */
        v->speed = CS_SPEED_DEFAULT;
        v->selected = CS_SEL_FOLLOW;
        v->lane_top = 0;
        v->status = NULL;
    }
    if (v->lane_top >= (int)M->nlanes)
        v->lane_top = 0;
}

/* Errors of the banner (one a line of its text), and the lines it takes:
 * a single error wraps to two, several take one each, four at most. */
static int banner_errors(const char *banner)
{
    int n = banner && *banner ? 1 : 0;
    for (const char *s = banner; n && (s = strchr(s, '\n')); s++)
        n += s[1] != 0;
    return n;
}

static int banner_lines(const char *banner)
{
    int n = banner_errors(banner);
    return n == 0 ? 0 : n == 1 ? 2 : n < CS_BANNER_LINES ? n : CS_BANNER_LINES;
}

/* ---- view queries ------------------------------------------------------ */

/* The task event e is about, from the event alone (not the state): its
 * task, or the task owning the coroutine it touches; -1 none. */
static int32_t event_task(const cs_model *M, const sim_event *e)
{
    if (e->task >= 0 && (uint32_t)e->task < M->ntasks)
        return e->task;
    int32_t c = cs_model_coro(M, e->coro);
    return c > 0 ? M->coro_task[c] : -1;
}

/* Does event p, before e, leave e's loop run (a barrier to the look back)? */
static int focus_ends_loop_run(const sim_event *p, const sim_event *e)
{
    return p->loop != e->loop || p->kind == SIM_EV_RUN_BEGIN;
}

/* Where the look back of follow_focus stops (arg: the frame's event): at
 * the start of its loop run, or at an event of a task. */
static int focus_stop(const cs_model *M, const sim_event *p, void *arg)
{
    return focus_ends_loop_run(p, arg) || event_task(M, p) >= 0;
}

/* When following: the running task (what a step does to other tasks,
 * a cancel, a wakeup, does not move the view away from the code that
 * runs), else the task of the frame's event, else (inside a loop,
 * between two steps) the last task that did something in this loop run,
 * looking back a bounded number of events; main outside the loop. */
static int32_t follow_focus(const cs_model *M, uint32_t f)
{
    if (f >= M->nframes)
        return -1;
    if (M->st.running >= 0)
        return M->st.running;
    sim_event e = cs_model_event(M, f);
    int32_t t = event_task(M, &e);
    if (t >= 0 || e.loop == 0)
        return t;
    uint32_t k = cs_model_find_back(M, f > 512 ? f - 512 : 0, f, focus_stop, &e);
    if (k == UINT32_MAX)
        return -1;
    sim_event p = cs_model_event(M, k);
    return focus_ends_loop_run(&p, &e) ? -1 : event_task(M, &p);
}

int32_t cs_view_focus(const cs_view *v)
{
    const cs_model *M = v->M;
    if (!M || M->nframes == 0)
        return -1;
    if (v->selected != CS_SEL_FOLLOW)
        return v->selected >= 0 && (uint32_t)v->selected < M->ntasks ? v->selected : -1;
    return follow_focus(M, cs_model_frame(M));
}

int cs_view_axis(const cs_view *v)
{
    if (v->axis == CS_AXIS_TIME && v->M && v->M->nframes && v->M->t_end <= 0)
        return CS_AXIS_STEPS;
    return v->axis;
}

void cs_view_range(const cs_view *v, double *x0, double *x1)
{
    int axis = cs_view_axis(v);
    if (v->x1 > v->x0 && axis == v->axis) {
        *x0 = v->x0;
        *x1 = v->x1;
        return;
    }
    double end = 0;
    if (v->M)
        end = axis == CS_AXIS_TIME ? v->M->t_end : v->M->col_end;
    *x0 = 0;
    *x1 = end > 0 ? end * 1.02 : 1;
}

double cs_view_frame_x(const cs_view *v, uint32_t f)
{
    const cs_model *M = v->M;
    if (!M || M->nframes == 0)
        return 0;
    int axis = cs_view_axis(v);
    if (f >= M->nframes)
        return axis == CS_AXIS_TIME ? M->t_end : M->col_end;
    if (axis == CS_AXIS_STEPS)
        return M->col[f];
    sim_event e = cs_model_event(M, f);
    return e.kind == SIM_EV_BLOCK ? e.t + e.x : e.t;  /* after the time.sleep */
}

int cs_view_lane_at(const cs_view *v, const cs_layout *L, int y)
{
    if (!v->M || L->lane_h <= 0 || y < L->tl_lanes.y || y >= L->tl_lanes.y + L->tl_lanes.h)
        return -1;
    int row = (y - L->tl_lanes.y) / L->lane_h;
    if (row >= cs_layout_visible_lanes(L))
        return -1;
    int lane = v->lane_top + row;
    return lane >= 0 && (uint32_t)lane < v->M->nlanes ? lane : -1;
}

/* ---- header, banner, narration ------------------------------------------ */

/* One readout of the header, right-aligned; dropped (lowest priority
 * first) when the title would get less than a third of the width. */
typedef struct hitem {
    char text[96];
    cs_font *f;
    cs_rgba c;
    int w;
} hitem;

/* The readouts right to left: play state, time, frame, iteration. */
static int header_items(dctx *d, hitem *it)
{
    const cs_view *v = d->v;
    const cs_theme *th = d->th;
    int n = 0, pres = d->L->present;
    char *b = it[n].text;
    size_t bn = sizeof it[n].text;
    char speed[32];
    cs_speed_text(v->speed, speed, sizeof speed);
    int k = v->playing ? snprintf(b, bn, "\xE2\x96\xB6 playing %s frames/s", speed)
                       : snprintf(b, bn, "\xE2\x9D\x9A\xE2\x9D\x9A paused");
    if (v->predict && k > 0 && (size_t)k < bn)
        k += snprintf(b + k, bn - (size_t)k, " \xC2\xB7 prediction");
    /* "prediction mode on", or the speed while playing, would say it twice */
    int said = v->status && ((v->predict && !strncmp(v->status, "prediction mode", 15)) ||
                             (v->playing && !strncmp(v->status, "speed ", 6)));
    if (v->status && *v->status && !said && k > 0 && (size_t)k < bn)
        snprintf(b + k, bn - (size_t)k, " \xC2\xB7 %s", v->status);
    it[n].f = d->small;
    it[n++].c = th->text_dim;
    if (!d->M)
        return n;
    const cs_model *M = d->M;
    snprintf(it[n].text, sizeof it[n].text, "t = %.3f s", M->st.t);
    it[n].f = pres ? d->huge : d->bold;
    it[n++].c = th->text;
    snprintf(it[n].text, sizeof it[n].text, "frame %u / %u", d->frame, M->nframes - 1);
    it[n].f = pres ? d->huge : d->bold;
    it[n++].c = th->text;
    if (M->st.loop)
        snprintf(it[n].text, sizeof it[n].text, "iteration %u", cs_model_iter_at(M, d->frame));
    else  /* main runs: no loop is iterating (the last count would mislead) */
        snprintf(it[n].text, sizeof it[n].text, "no loop running");
    it[n].f = pres ? d->big : d->body;
    it[n++].c = th->text_dim;
    return n;
}

/* Title on the left, the readouts on the right (large in present mode);
 * readouts that do not fit are dropped, the play state first, and the
 * title is cut with an ellipsis only after that. */
static void draw_header(dctx *d)
{
    const cs_layout *L = d->L;
    cs_rect h = L->header;
    hitem it[4];
    int n = header_items(d, it), gap = L->em;
    int total = 0;
    for (int i = 0; i < n; i++)
        total += (it[i].w = cs_text_width(it[i].f, it[i].text, -1)) + gap;
    int drop[4] = {0};
    static const int order[] = {3, 0, 2};  /* iteration, play state, frame */
    const char *title = d->v->title && *d->v->title ? d->v->title : "coroscope";
    cs_font *tf = L->present ? d->big : d->bold;
    int title_w = cs_text_width(tf, title, -1);
    /* past two thirds of the width the items give way, and the iteration
     * and play state also give way to a title that would be cut */
    for (int k = 0; k < 3; k++) {
        int crowded = total > h.w * 2 / 3 || (k < 2 && total + title_w > h.w);
        if (crowded && order[k] < n) {
            drop[order[k]] = 1;
            total -= it[order[k]].w + gap;
        }
    }
    int x = h.x + h.w, cy = h.y + h.h / 2;
    for (int i = 0; i < n; i++) {
        if (drop[i])
            continue;
        x -= it[i].w;
        cs_text_draw(it[i].f, x, cy - cs_font_height(it[i].f) / 2, it[i].text, it[i].c);
        x -= gap;
    }
    cs_text_draw_fit(tf, h.x, cy - cs_font_height(tf) / 2, title, x - h.x, d->th->text);
}

/* The errors of an invalid scenario, one a line (the banner's text has
 * them joined by newlines): a single one wrapped to two lines, several
 * each cut to one; past the banner's lines, how many more there are
 * (all of them are printed in the terminal). */
static void draw_banner(dctx *d)
{
    cs_rect b = d->L->banner;
    const char *s = d->v->banner;
    if (!s || b.h <= 0)
        return;
    d_fill(d, b, d->th->error);
    int p = d->L->pad, n = banner_errors(s);
    cs_rect in = {b.x + p, b.y + p / 2, b.w - 2 * p, b.h - p};
    cs_rgba c = d_on(d->th->error);
    int lh = in.h / banner_lines(s);
    if (n == 1) {
        d_wrap(d, d->small_bold, in, s, c, 2);
        return;
    }
    char buf[1024];
    for (int i = 0; i < n && i < CS_BANNER_LINES; i++) {
        size_t k = strcspn(s, "\n");
        if (i == CS_BANNER_LINES - 1 && n > CS_BANNER_LINES)
            snprintf(buf, sizeof buf, "\xE2\x80\xA6 and %d more errors (all printed in the terminal)",
                     n - i);
        else
            snprintf(buf, sizeof buf, "%.*s", (int)(k < sizeof buf ? k : sizeof buf - 1), s);
        cs_text_draw_fit(d->small_bold, in.x, in.y + i * lh, buf, in.w, c);
        s += k + (s[k] == '\n');
    }
}

/* The narration, except that a print waiting for the class's guess is
 * not given away. */
static void narration_text(dctx *d, char *buf, size_t n)
{
    if (!d->M || d->M->nframes == 0) {
        snprintf(buf, n, "No scenario loaded. Press O to open one.");
        return;
    }
    if (d->v->predict && d->v->predict_ask && d->ev && d->ev->kind == SIM_EV_PRINT) {
        snprintf(buf, n, "%s is about to print. What is printed next?",
                 d_task_name(d, d->ev->task));
        return;
    }
    cs_narrate(d->M, d->frame, buf, n);
}

static void draw_narration(dctx *d)
{
    cs_rect r = d->L->narration;
    const cs_theme *th = d->th;
    d_fill(d, r, th->panel);
    d_box(d, r, th->border);
    int p = d->L->pad;
    d_fill(d, (cs_rect){r.x, r.y, p, r.h}, th->accent);
    char buf[1024];
    narration_text(d, buf, sizeof buf);
    cs_rect in = {r.x + 3 * p, r.y + p / 2, r.w - 4 * p, r.h - p};
    int lh = cs_font_height(d->big);
    int lines = cs_text_fit_words(d->big, buf, in.w) < (int)strlen(buf) ? 2 : 1;
    int used = lines * lh;
    if (used < in.h)
        in.y += (in.h - used) / 2;
    d_clip(d, r);
    d_wrap(d, d->big, in, buf, th->text, 2);
    d_unclip(d);
}

/* ---- overlays ------------------------------------------------------------ */

typedef struct keyhelp {
    const char *keys, *what;
} keyhelp;

static const keyhelp help_rows[] = {
    {"Space", "play / pause (at the end: replay)"},
    {"\xE2\x86\x92 / \xE2\x86\x90, Enter", "next / previous frame"},
    {"\xE2\x86\x91 / \xE2\x86\x93, Shift+\xE2\x86\x92 / \xE2\x86\x90",
     "next / previous loop iteration"},
    {"Page Down / Up", "100 frames forward / back"},
    {"Home / End", "first / last frame"},
    {"+ / -", "faster / slower"},
    {"N / Shift+N", "next / previous event of the selected task"},
    {"Tab / Shift+Tab, click a lane", "select a task (again: follow the running one)"},
    {"Ctrl + / Ctrl -", "zoom the whole UI"},
    {"Ctrl 0", "reset the zoom"},
    {"T", "theme: light, dark, high contrast"},
    {"A", "axis: virtual time / loop steps"},
    {"P", "prediction mode: hide the future"},
    {"F11 / F", "fullscreen"},
    {"Z", "show the whole run"},
    {"Ctrl S", "save a screenshot"},
    {"O", "open another scenario"},
    {"? / F1", "this help"},
    {"Esc / Q", "quit"},
    {NULL, "Mouse"},
    {"click / drag timeline", "seek to that moment"},
    {"wheel on timeline", "zoom in / out"},
    {"right drag, Shift+drag", "pan the timeline"},
    {"wheel over lane names", "scroll the lanes"},
};

/* A centred box of w x h over a dimmed window; returns its inside. */
static cs_rect overlay_box(dctx *d, int w, int h, const char *title)
{
    const cs_layout *L = d->L;
    if (w > L->w - 2 * L->pad)
        w = L->w - 2 * L->pad;
    if (h > L->h - 2 * L->pad)
        h = L->h - 2 * L->pad;
    d_fill(d, (cs_rect){0, 0, L->w, L->h}, d_alpha(d->th->bg, 200));
    cs_rect r = {(L->w - w) / 2, (L->h - h) / 2, w, h};
    d_fill(d, r, d->th->panel);
    d_box_w(d, r, d->th->accent, (int)(2 * L->scale + 0.5f));
    int p = L->pad;
    cs_text_draw_fit(d->bold, r.x + 2 * p, r.y + p, title, r.w - 4 * p, d->th->text);
    int top = cs_font_height(d->bold) + 2 * p;
    return (cs_rect){r.x + 2 * p, r.y + top, r.w - 4 * p, r.h - top - p};
}

/* The help's legend rows past the states: the late part of a timer
 * and the chip of a task just created. */
static const char *const legend_extra[] = {
    "late: its timer is due, the loop is held (time.sleep)",
    "new task: created at this frame (arrow from its creator)",
    "interrupt: Ctrl-C, the loop would have waited forever",
};
#define LEGEND_EXTRA ((int)(sizeof legend_extra / sizeof legend_extra[0]))
#define LEGEND_ROWS (D_NLEGEND + LEGEND_EXTRA)

/* Width of the swatch column of the help's legend, lines lh high. */
static int legend_sw(dctx *d, int lh)
{
    int chip = d_chip_w(d, d->small_bold, "new task");
    return chip > lh * 3 ? chip : lh * 3;
}

/* Width of the timeline legend of the help in font f, lines lh high. */
static int legend_width(dctx *d, cs_font *f, int lh)
{
    int w = 0;
    for (int i = 0; i < LEGEND_ROWS; i++) {
        const char *s = i < D_NLEGEND ? d_legend_rows[i].what : legend_extra[i - D_NLEGEND];
        int a = cs_text_width(f, s, -1);
        w = a > w ? a : w;
    }
    return legend_sw(d, lh) + d->L->pad + w;
}

/* The "Timeline" section of the help at (x, y): each state as the lanes
 * draw it, and what it means. */
static void draw_legend(dctx *d, cs_font *hf, cs_font *f, int x, int y, int w, int lh)
{
    int sw = legend_sw(d, lh), tx = x + sw + d->L->pad;
    cs_text_draw_fit(hf, x, y, "Timeline", w, d->th->text);
    for (int i = 0; i < D_NLEGEND; i++) {
        int ry = y + (i + 1) * lh;
        d_state_swatch(d, d_legend_rows[i].st, (cs_rect){x, ry, sw, lh});
        cs_text_draw_fit(f, tx, ry, d_legend_rows[i].what, x + w - tx, d->th->text);
    }
    for (int i = 0; i < LEGEND_EXTRA; i++) {
        int ry = y + (D_NLEGEND + i + 1) * lh;
        if (i == 0)
            d_late_swatch(d, (cs_rect){x, ry, sw, lh});
        else if (i == 2)
            d_interrupt_mark(d, x + sw / 2, (cs_rect){x, ry, sw, lh});
        else
            d_chip(d, d->small_bold, x, ry + (lh - cs_font_height(d->small_bold)) / 2, "new task",
                   d->th->accent, d->th->panel);
        cs_text_draw_fit(f, tx, ry, legend_extra[i], x + w - tx, d->th->text);
    }
}

/* The widths of the help's key and description columns in fonts kf, wf. */
static void help_widths(cs_font *kf, cs_font *wf, int *kw, int *ww)
{
    *kw = *ww = 0;
    for (size_t i = 0; i < sizeof help_rows / sizeof help_rows[0]; i++) {
        if (!help_rows[i].keys)
            continue;
        int a = cs_text_width(kf, help_rows[i].keys, -1), b = cs_text_width(wf, help_rows[i].what, -1);
        *kw = a > *kw ? a : *kw;
        *ww = b > *ww ? b : *ww;
    }
}

/* How the help is laid out: the legend beside the keys (2), below them
 * (1) or left out (0), in the fonts chosen. */
typedef struct help_plan {
    cs_font *kf, *wf;
    int kw, ww, lw, lh, gap, keys_w, legend;
} help_plan;

/* The body font when the keys and the legend fit in it, else the small
 * one; the legend beside the keys when wide enough, else below, else
 * (a very small window) left out. */
static help_plan help_layout(dctx *d, int n)
{
    const cs_layout *L = d->L;
    help_plan p = {0};
    for (int small = 0; small < 2; small++) {
        p.kf = small ? d->small_bold : d->bold;
        p.wf = small ? d->small : d->body;
        p.lh = cs_font_height(p.wf);
        p.gap = L->em * 2;
        help_widths(p.kf, p.wf, &p.kw, &p.ww);
        p.keys_w = p.kw + p.ww + p.gap + L->em;
        p.lw = legend_width(d, p.wf, p.lh);
        int rows = (L->h - 4 * L->pad - cs_font_height(d->bold)) / p.lh;
        int side = p.keys_w + p.gap + p.lw + 4 * L->pad <= L->w - 2 * L->pad;
        p.legend = side && n + 2 <= rows && LEGEND_ROWS + 1 <= rows ? 2
                   : n + LEGEND_ROWS + 4 <= rows ? 1 : 0;
        if (p.legend)
            break;
    }
    return p;
}

/* The key table and the timeline's legend (see help_layout). */
static void draw_help(dctx *d)
{
    const int n = (int)(sizeof help_rows / sizeof help_rows[0]);
    help_plan p = help_layout(d, n);
    cs_font *kf = p.kf, *wf = p.wf;
    int kw = p.kw, gap = p.gap, lh = p.lh, lw = p.lw, side = p.legend == 2;
    int rows = p.legend == 1 ? n + LEGEND_ROWS + 3 : p.legend == 2 && LEGEND_ROWS + 1 > n ? LEGEND_ROWS + 1 : n;
    cs_rect in = overlay_box(d, (side ? p.keys_w + gap + lw : p.keys_w) + 4 * d->L->pad,
                             (rows + 1) * lh + cs_font_height(d->bold) + 4 * d->L->pad,
                             "Keys and mouse");
    if (side)
        in.w -= gap + lw;
    if (kw + gap > in.w / 2)
        kw = in.w / 2 - gap;
    d_clip(d, (cs_rect){in.x, in.y, side ? in.w + gap + lw : in.w, in.h});
    for (int i = 0; i < n; i++) {
        int y = in.y + i * lh;
        if (!help_rows[i].keys) {  /* a heading */
            cs_text_draw_fit(kf, in.x, y, help_rows[i].what, in.w, d->th->text);
            continue;
        }
        if (i % 2)
            d_fill(d, (cs_rect){in.x - d->L->pad, y, in.w + 2 * d->L->pad, lh}, d->th->panel_alt);
        cs_text_draw_fit(kf, in.x, y, help_rows[i].keys, kw + gap / 2, d->th->accent);
        cs_text_draw_fit(wf, in.x + kw + gap, y, help_rows[i].what, in.w - kw - gap, d->th->text);
    }
    cs_text_draw_fit(d->small, in.x, in.y + n * lh + lh / 4, "press ? or Esc to close",
                     in.w, d->th->text_dim);
    if (p.legend)  /* last: a hatched swatch resets the clip */
        draw_legend(d, kf, wf, side ? in.x + in.w + gap : in.x, side ? in.y : in.y + (n + 2) * lh,
                    lw, lh);
    d_unclip(d);
}

/* The scenario list, the selected title highlighted and kept in view. */
static void draw_picker(dctx *d)
{
    const cs_view *v = d->v;
    int lh = cs_font_height(d->body) + d->L->pad;
    int rows = v->npicker + 2;
    cs_rect in = overlay_box(d, d->L->em * 40, rows * lh + cs_font_height(d->bold) + 3 * d->L->pad,
                             "Open a scenario   (\xE2\x86\x91/\xE2\x86\x93, Enter, Esc)");
    int vis = in.h / lh - 1;
    if (vis < 1)
        vis = 1;
    int first = v->picker_sel - vis / 2;
    if (first > v->npicker - vis)
        first = v->npicker - vis;
    if (first < 0)
        first = 0;
    d_clip(d, in);
    for (int i = first; i < v->npicker && i < first + vis; i++) {
        int y = in.y + (i - first) * lh;
        cs_font *f = d->body;
        if (i == v->picker_sel) {
            d_fill(d, (cs_rect){in.x - d->L->pad, y, in.w + 2 * d->L->pad, lh}, d->th->highlight);
            d_fill(d, (cs_rect){in.x - d->L->pad, y, d->L->pad / 2 + 1, lh}, d->th->accent);
            f = d->bold;
        }
        const char *t = v->picker[i].title ? v->picker[i].title : v->picker[i].file;
        cs_text_draw_fit(f, in.x, y + d->L->pad / 2, t ? t : "?", in.w, d->th->text);
    }
    if (v->npicker == 0)
        cs_text_draw_fit(d->body, in.x, in.y, "no scenarios found", in.w, d->th->text_dim);
    d_unclip(d);
}

/* ---- the frame ---------------------------------------------------------- */

static void fonts(dctx *d, cs_text *tx, const cs_layout *L)
{
    d->body = cs_font_get(tx, CS_SANS, L->em);
    d->bold = cs_font_get(tx, CS_BOLD, L->em);
    d->small = cs_font_get(tx, CS_SANS, L->small);
    d->small_bold = cs_font_get(tx, CS_BOLD, L->small);
    d->mono = cs_font_get(tx, CS_MONO, L->em);
    d->mono_small = cs_font_get(tx, CS_MONO, L->small);
    d->big = cs_font_get(tx, L->present ? CS_BOLD : CS_SANS, L->big);
    d->huge = cs_font_get(tx, CS_BOLD, L->huge);
}

/* Scroll v's lanes, when task's lane (-1 main) is out of view in a w x h
 * drawing, so that it is in the middle (or as near as the ends allow). */
static void show_lane(cs_view *v, int w, int h, int32_t task)
{
    cs_model *M = v->M;
    cs_layout L;
    cs_layout_compute(&L, w, h, v->scale, v->present, M->nqueues > 0, banner_lines(v->banner));
    int vis = cs_layout_visible_lanes(&L);
    int lane = task < 0 ? 0 : task + 2;
    int max = (int)M->nlanes - vis, top = lane - vis / 2;
    if (vis > 0 && (lane < v->lane_top || lane >= v->lane_top + vis))
        v->lane_top = top > max ? (max > 0 ? max : 0) : top < 0 ? 0 : top;
}

void cs_view_follow(cs_view *v, int w, int h)
{
    cs_model *M = v->M && v->M->nframes ? v->M : NULL;
    if (M && v->selected == CS_SEL_FOLLOW)
        show_lane(v, w, h, cs_view_focus(v));
}

void cs_view_select(cs_view *v, int dir, int w, int h)
{
    cs_model *M = v->M && v->M->nframes ? v->M : NULL;
    if (!M)
        return;
    int32_t n = (int32_t)M->ntasks;
    int32_t s = v->selected == CS_SEL_FOLLOW ? -2 : v->selected;
    s += dir;
    if (s < -2)
        s = n - 1;
    if (s >= n)
        s = -2;
    v->selected = s == -2 ? CS_SEL_FOLLOW : s;
    show_lane(v, w, h, cs_view_focus(v));
}

void cs_draw(SDL_Renderer *r, cs_text *tx, const cs_view *v, cs_layout *Lout)
{
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(r, &w, &h);
    cs_layout L;
    cs_model *M = v->M && v->M->nframes ? v->M : NULL;
    cs_layout_compute(&L, w, h, v->scale, v->present, M && M->nqueues > 0,
                      banner_lines(v->banner));
    cs_view shown = *v;  /* with the axis actually drawn */
    shown.axis = cs_view_axis(v);
    if (shown.axis != v->axis)
        shown.x0 = shown.x1 = 0;
    dctx d = {.r = r, .tx = tx, .v = &shown, .M = M, .th = cs_theme_get(v->theme), .L = &L};
    fonts(&d, tx, &L);
    cs_text_set_escape_color(tx, d.th->warn);  /* "\r" in a print shows as such */
    cs_layout_names(&L, d_names_want(&d));
    if (M) {
        d.frame = cs_model_frame(M);
        d.ev_now = cs_model_event(M, d.frame);
        d.ev = &d.ev_now;
        d.focus = cs_view_focus(v);
    } else {
        d.focus = -1;
    }
    d_unclip(&d);
    d_color(&d, d.th->bg);
    SDL_RenderClear(r);
    draw_header(&d);
    draw_banner(&d);
    draw_narration(&d);
    d_timeline(&d);
    d_stack(&d);
    d_source(&d);
    d_loop_panel(&d);
    if (L.queues.w > 0)
        d_queues(&d);
    d_console(&d);
    if (v->help)
        draw_help(&d);
    if (v->picker)
        draw_picker(&d);
    d_unclip(&d);
    if (Lout)
        *Lout = L;
}
