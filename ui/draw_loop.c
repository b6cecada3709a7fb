/*
 * draw_loop.c -- the event loop panel: the iteration, the clock and how
 * main runs the loop; what runs now; the ready queue in order (what
 * _run_once will run this iteration and next); the timer heap by wake
 * time, each with its task and what it waits for. The handle the frame
 * pushes or pops is highlighted, a popped or cancelled one shown leaving.
 */
#include <stdio.h>
#include <string.h>

#include "draw_impl.h"

/* How main is running the loop at the frame, or NULL. */
static const char *run_mode(const dctx *d)
{
    static const char *const runs[] = {"run_until_complete()", "run_forever()",
                                       "asyncio.run()"};
    const cs_seg *s = cs_lane_at(cs_model_main_lane(d->M), d->frame);
    if (s && s->st == CS_ST_WAITING && s->wait == CS_W_LOOP && s->arg >= 0 && s->arg < 3)
        return runs[s->arg];
    return NULL;
}

/* "Task-2 step", "Task-3 wakeup", "sleep timer" */
static void handle_label(const dctx *d, const cs_handle *h, char *buf, size_t n)
{
    int32_t task = cs_model_handle_task(d->M, h->id, h->task);
    if (task >= 0)
        snprintf(buf, n, "%s %s", d_task_name(d, task), d_handle_kind(h->kind));
    else
        snprintf(buf, n, "%s", d_handle_kind(h->kind));
}

/* "t=2.0  Task-2  asyncio.sleep(1)", or "sleep(1)" when brief. Only
 * asyncio.sleep sets timers (sim/frames.c): the delay is the timer's own,
 * when less the clock it was set at, so a timer keeps its label however
 * its task's lane goes on (a cancel that wakes the task while the timer
 * waits, a later sleep due at the same time). */
static void timer_label(const dctx *d, const cs_handle *h, int brief, char *buf, size_t n)
{
    int32_t task = cs_model_handle_task(d->M, h->id, h->task);
    char when[32];
    d_fmt_time(h->when, when, sizeof when);
    const char *fn = brief ? "sleep" : "asyncio.sleep";
    if (h->kind != SIM_H_TIMER_SLEEP)
        snprintf(buf, n, "t=%s  %s", when, d_handle_kind(h->kind));
    else if (task >= 0)
        snprintf(buf, n, "t=%s  %s  %s(%g)", when, d_task_name(d, task), fn,
                 h->when - h->set_at);
    else
        snprintf(buf, n, "t=%s  %s(%g)", when, fn, h->when - h->set_at);
}

/* One row of a list: highlighted when the frame's event is about it. */
static void list_row(dctx *d, cs_rect row, int nw, int num, const char *label, int hot,
                     int ghost)
{
    const cs_theme *th = d->th;
    if (hot)
        d_fill(d, row, ghost ? d_alpha(th->warn, 50) : th->highlight);
    if (hot)
        d_fill(d, (cs_rect){row.x, row.y, d->L->pad / 2 + 1, row.h}, ghost ? th->warn : th->accent);
    char n[16];
    snprintf(n, sizeof n, "%d", num);
    int ty = row.y + (row.h - cs_font_height(d->small)) / 2;
    int x = row.x + d->L->pad;
    if (num > 0)
        cs_text_draw(d->small, x + nw - cs_text_width(d->small, n, -1), ty, n, th->text_dim);
    x += nw + d->L->pad;
    cs_font *f = hot ? d->small_bold : d->small;
    cs_text_draw_fit(f, x, ty, label, row.x + row.w - x - d->L->pad / 2,
                     ghost ? th->text_dim : th->text);
}

/* A section title with a count: "Ready queue (3): runs in this order". */
static int section_title(dctx *d, int x, int y, int w, const char *name, uint32_t n,
                         const char *note)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s (%u)", name, n);
    int tw = cs_text_draw_fit(d->small_bold, x, y, buf, w, d->th->text);
    if (note && tw + d->L->pad + cs_text_width(d->small, note, -1) <= w)
        cs_text_draw(d->small, x + tw + d->L->pad, y, note, d->th->text_dim);
    return cs_font_height(d->small_bold);
}

typedef struct listing {
    cs_rect area;        /* where the rows go */
    int rh;              /* row height */
    int rows;            /* rows that fit */
    int numw;            /* width of the row numbers */
} listing;

/* Width of the numbers of n rows. */
static int num_width(dctx *d, uint32_t n)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%u", n);
    for (char *p = buf; *p; p++)
        *p = '0';
    return cs_text_width(d->small, buf, -1);
}

/* The ready queue, with the handle being popped shown leaving at the top. */
static void draw_ready(dctx *d, listing *ls)
{
    const cs_state *st = &d->M->st;
    const sim_event *e = d->ev;
    char buf[128];
    int row = 0;
    if (e && e->kind == SIM_EV_READY_POP && ls->rows > 0) {
        cs_handle h = {.id = e->a, .kind = (uint8_t)e->b, .task = e->task};
        char lab[96];
        handle_label(d, &h, lab, sizeof lab);
        snprintf(buf, sizeof buf, "%s  %s", lab, e->c ? "(cancelled: skipped)" : "\xE2\x86\x92 runs now");
        list_row(d, (cs_rect){ls->area.x, ls->area.y, ls->area.w, ls->rh}, ls->numw, 0, buf, 1, 1);
        row++;
    }
    uint32_t n = st->nready;
    for (uint32_t i = 0; i < n && row < ls->rows; i++, row++) {
        if (row == ls->rows - 1 && i + 1 < n && i > 0) {  /* an entry first, always */
            snprintf(buf, sizeof buf, "\xE2\x80\xA6 and %u more", n - i);
            list_row(d, (cs_rect){ls->area.x, ls->area.y + row * ls->rh, ls->area.w, ls->rh},
                     ls->numw, 0, buf, 0, 0);
            return;
        }
        const cs_handle *h = &st->ready[i];
        int hot = e && ((e->kind == SIM_EV_READY_PUSH || e->kind == SIM_EV_TIMER_POP)
                        && e->a == h->id);
        handle_label(d, h, buf, sizeof buf);
        list_row(d, (cs_rect){ls->area.x, ls->area.y + row * ls->rh, ls->area.w, ls->rh},
                 ls->numw, (int)i + 1, buf, hot, 0);
    }
    if (n == 0 && row == 0 && ls->rows > 0)
        cs_text_draw_fit(d->small, ls->area.x + d->L->pad, ls->area.y, "empty", ls->area.w,
                         d->th->text_dim);
}

/* Is timer h held by the loop shown (st->loop; any when none runs)? */
static int timer_here(const cs_state *st, const cs_handle *h)
{
    return !st->loop || !h->loop || h->loop == st->loop;
}

/* Timers of the loop shown, and of other loops (into *other; the loop of
 * the first such into *which). */
static uint32_t timers_here(const cs_state *st, uint32_t *other, int32_t *which)
{
    uint32_t n = 0;
    *other = 0;
    *which = 0;
    for (uint32_t i = 0; i < st->ntimers; i++) {
        if (timer_here(st, &st->timers[i])) {
            n++;
        } else if (!(*other)++) {
            *which = st->timers[i].loop;
        }
    }
    return n;
}

/* The timers of the loop shown by wake time; the one cancelled or moved
 * to the ready queue by this frame shown leaving at the top; a last row
 * counts the timers other loops hold (a task stays on its own loop). */
static void draw_timers(dctx *d, listing *ls)
{
    const cs_state *st = &d->M->st;
    const sim_event *e = d->ev;
    char buf[160];
    int row = 0;
    if (e && (e->kind == SIM_EV_TIMER_POP || e->kind == SIM_EV_TIMER_CANCEL) && ls->rows > 0) {
        int32_t task = cs_model_handle_task(d->M, e->a, e->task);
        snprintf(buf, sizeof buf, "%s timer %s", task >= 0 ? d_task_name(d, task) : "a",
                 e->kind == SIM_EV_TIMER_POP ? "due \xE2\x86\x92 ready queue" : "cancelled");
        list_row(d, (cs_rect){ls->area.x, ls->area.y, ls->area.w, ls->rh}, ls->numw, 0, buf, 1, 1);
        row++;
    }
    uint32_t other;
    int32_t which;
    uint32_t n = timers_here(st, &other, &which), shown = 0;
    int rows = ls->rows - (other && ls->rows > 1 ? 1 : 0);
    for (uint32_t i = 0; i < st->ntimers && shown < n && row < rows; i++) {
        const cs_handle *h = &st->timers[i];
        if (!timer_here(st, h))
            continue;
        cs_rect r = {ls->area.x, ls->area.y + row * ls->rh, ls->area.w, ls->rh};
        if (row == rows - 1 && shown + 1 < n && shown > 0) {  /* an entry first, always */
            snprintf(buf, sizeof buf, "\xE2\x80\xA6 and %u more", n - shown);
            list_row(d, r, ls->numw, 0, buf, 0, 0);
            row++;
            break;
        }
        timer_label(d, h, 0, buf, sizeof buf);
        if (cs_text_width(d->small, buf, -1) > r.w - ls->numw - 2 * d->L->pad)
            timer_label(d, h, 1, buf, sizeof buf);
        list_row(d, r, ls->numw, (int)++shown, buf,
                 e && e->kind == SIM_EV_TIMER_PUSH && e->a == h->id, 0);
        row++;
    }
    if (n == 0 && row == 0 && ls->rows > 0 && !other)
        cs_text_draw_fit(d->small, ls->area.x + d->L->pad, ls->area.y, "none", ls->area.w,
                         d->th->text_dim);
    if (other && row < ls->rows) {
        snprintf(buf, sizeof buf, "%u timer%s of loop %d (not running)", other,
                 other == 1 ? "" : "s", which);
        cs_text_draw_fit(d->small, ls->area.x + d->L->pad, ls->area.y + row * ls->rh, buf,
                         ls->area.w - d->L->pad, d->th->text_dim);
    }
}

/* Clock, iteration, what runs now and how main runs the loop, in two
 * lines; returns the height used. */
static int draw_status(dctx *d, cs_rect c)
{
    const cs_state *st = &d->M->st;
    const cs_theme *th = d->th;
    char buf[160];
    int y = c.y;
    snprintf(buf, sizeof buf, "iteration %u   t = %.3f s", cs_model_iter_at(d->M, d->frame), st->t);
    cs_text_draw_fit(d->small_bold, c.x, y, buf, c.w, th->text);
    y += cs_font_height(d->small_bold) + d->L->pad / 2;
    int x = c.x;
    const cs_seg *ls = cs_lane_at(cs_model_loop_lane(d->M), d->frame);
    int in_loop = st->loop && ls && ls->st != CS_ST_NONE;  /* a loop made is not yet running */
    if (st->running >= 0) {
        snprintf(buf, sizeof buf, "running: %s", d_task_name(d, st->running));
        x += d_chip(d, d->small_bold, x, y, buf, th->st[CS_ST_RUNNING], th->st_text[CS_ST_RUNNING]);
    } else if (in_loop) {
        x += d_chip(d, d->small_bold, x, y, "the loop's own work", th->st[CS_ST_LOOP],
                    th->st_text[CS_ST_LOOP]);
    }
    const char *mode = run_mode(d);
    if (!in_loop)
        snprintf(buf, sizeof buf, "no loop running: main runs");
    else
        snprintf(buf, sizeof buf, "in %s", mode ? mode : "the loop");
    int w = cs_text_width(d->small, buf, -1);
    if (x > c.x && x + d->L->pad + w > c.x + c.w)  /* no room beside the chip */
        return y + cs_font_height(d->small_bold) - c.y + d->L->pad;
    cs_text_draw(d->small, x + (x > c.x ? d->L->pad : 0), y, buf, th->text_dim);
    return y + cs_font_height(d->small_bold) - c.y + d->L->pad;
}

void d_loop_panel(dctx *d)
{
    char note[64] = "";
    if (d->M && d->M->st.loop)
        snprintf(note, sizeof note, "loop %d", d->M->st.loop);
    cs_rect c = d_panel(d, d->L->loop, "Event loop", note);
    if (!d->M)
        return;
    d_clip(d, c);
    int used = draw_status(d, c);
    int rh = cs_font_height(d->small) + d->L->pad / 2;
    int title_h = cs_font_height(d->small_bold) + d->L->pad / 2;
    int avail = c.h - used - 2 * title_h - d->L->pad;
    int total = avail / rh;
    const cs_state *st = &d->M->st;
    uint32_t other;
    int32_t which;
    uint32_t nt = timers_here(st, &other, &which);
    int need_r = (int)st->nready + 1, need_t = (int)nt + 1 + (other > 0);
    if (!st->nready && total < need_t)  /* "(0)" says it: the timers get the rows */
        need_r = 0;
    int rr = total / 2, rt = total - rr;
    if (need_r < rr) {
        rr = need_r;
        rt = total - rr;
    } else if (need_t < rt) {
        rt = need_t;
        rr = total - rt;
    }
    int y = c.y + used;
    y += section_title(d, c.x, y, c.w, "Ready queue", st->nready, "runs in this order") + d->L->pad / 2;
    listing ls = {{c.x, y, c.w, rr * rh}, rh, rr, num_width(d, st->nready)};
    draw_ready(d, &ls);
    y += rr * rh + d->L->pad;
    y += section_title(d, c.x, y, c.w, "Timers", nt, "by wake time") + d->L->pad / 2;
    ls = (listing){{c.x, y, c.w, rt * rh}, rh, rt, num_width(d, nt)};
    draw_timers(d, &ls);
    d_unclip(d);
}
