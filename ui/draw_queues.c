/*
 * draw_queues.c -- each asyncio.Queue as a row of slots: maxsize boxes
 * when bounded (so a window of 4 reads as 4 boxes), each filled one with
 * its item and the task that put it, the next get marked; then who waits
 * to put and who waits to get. The item the frame puts or gets, and the
 * waiter it adds or wakes, are highlighted.
 *
 * Slots are rows with text when they fit; else, holding a few items, the
 * first ones as rows and the rest and the free slots in words; else (a
 * window of 100 full) a grid of small cells with the counts in words.
 */
#include <stdio.h>
#include <string.h>

#include "draw_impl.h"

#define MAXSLOTS_TEXT 12     /* more slots than this: cells without text */

typedef struct qview {
    uint32_t q;
    const cs_qstate *s;
    int64_t max;             /* <= 0 unbounded */
    const sim_event *ev;     /* the frame's event when about this queue */
} qview;

/* One slot row: "1  item 3    put by Task-4", empty when it = NULL;
 * without a number when num <= 0 (an unbounded queue holding nothing has
 * no slot 1: the row only says "empty"). */
static void slot_row(dctx *d, cs_rect r, int num, const cs_qitem *it, int hot, int next,
                     int label)
{
    const cs_theme *th = d->th;
    cs_rgba fill = it ? d_mix(th->panel, th->st[CS_ST_RUNNING], 0.25f) : th->panel;
    d_fill(d, r, hot ? th->highlight : fill);
    d_box_w(d, r, hot ? th->accent : it ? th->text_dim : th->border, hot ? 2 : 1);
    int p = d->L->pad, ty = r.y + (r.h - cs_font_height(d->small)) / 2;
    char buf[64];
    int x = r.x + p;
    if (num > 0) {
        snprintf(buf, sizeof buf, "%d", num);
        cs_text_draw(d->small, x, ty, buf, th->text_dim);
        x += cs_text_width(d->small, "00", -1) + p;
    }
    if (!it) {
        cs_text_draw_fit(d->small, x, ty, "empty", r.x + r.w - x - p, th->text_dim);
        return;
    }
    char by[64];
    int room = r.x + r.w - x - p;
    snprintf(by, sizeof by, "from %s", d_task_name(d, it->task));
    int iw = cs_text_width(d->mono, it->repr, -1);
    if (iw + 2 * p + cs_text_width(d->small, by, -1) > room)  /* narrow: the task alone */
        snprintf(by, sizeof by, "%s", d_task_name(d, it->task));
    int bw = cs_text_width(d->small, by, -1);
    int iroom = room - bw - 2 * p;
    int both = iroom >= cs_text_width(d->mono, "00", -1);  /* room for item and task */
    cs_text_draw_fit(d->mono, x, r.y + (r.h - cs_font_height(d->mono)) / 2, it->repr,
                     both ? iroom : room, th->text);
    if (both)
        cs_text_draw(d->small, r.x + r.w - p - bw, ty, by, th->text_dim);
    if (next)
        cs_text_draw(d->small_bold, r.x + r.w + p / 2, ty, label ? "\xE2\x86\x90 next get"
                                                                  : "\xE2\x86\x90", th->accent);
}

/* Slots as rows; returns the height used. */
static int slots_rows(dctx *d, const qview *qv, cs_rect c, int nslots, int rh)
{
    /* "<- next get" beside the first slot, or only the arrow when the
     * slots would get less than two thirds of the width */
    int nextw = cs_text_width(d->small_bold, "\xE2\x86\x90 next get", -1) + d->L->pad;
    int label = nextw * 3 <= c.w;
    if (!label)
        nextw = cs_text_width(d->small_bold, "\xE2\x86\x90", -1) + d->L->pad;
    cs_rect r = {c.x, c.y, c.w - nextw, rh - d->L->pad / 3};
    int hot_put = qv->ev && qv->ev->kind == SIM_EV_QUEUE_PUT ? (int)qv->s->n - 1 : -1;
    for (int i = 0; i < nslots; i++) {
        const cs_qitem *it = (uint32_t)i < qv->s->n ? &qv->s->items[i] : NULL;
        int num = qv->max <= 0 && qv->s->n == 0 ? 0 : i + 1;
        slot_row(d, r, num, it, i == hot_put, i == 0 && it, label);
        r.y += rh;
    }
    return nslots * rh;
}

/* Slots as a grid of cells (full / empty); returns the height used. */
static int slots_grid(dctx *d, const qview *qv, cs_rect c)
{
    int64_t want = qv->max > 0 ? qv->max : (int64_t)qv->s->n;
    int n = want > 1000000 ? 1000000 : (int)want;  /* more never fit anyway */
    if (n <= 0)
        return 0;
    int cell = d->L->em, gap = d->L->scale >= 2 ? 2 : 1;
    int per = (c.w + gap) / (cell + gap);
    while (per > 0 && (n + per - 1) / per * (cell + gap) > c.h && cell > 4) {
        cell--;
        per = (c.w + gap) / (cell + gap);
    }
    if (per < 1)
        return 0;
    int rows = (n + per - 1) / per, used = 0;
    for (int i = 0; i < n; i++) {
        int y = c.y + (i / per) * (cell + gap);
        if (y + cell > c.y + c.h)
            break;
        cs_rect r = {c.x + (i % per) * (cell + gap), y, cell, cell};
        int full = (uint32_t)i < qv->s->n;
        d_fill(d, r, full ? d->th->st[CS_ST_RUNNING] : d->th->panel_alt);
        d_box(d, r, d->th->border);
        used = y + cell - c.y;
    }
    (void)rows;
    return used;
}

/* Task names as chips in wrapped rows, the highlighted one in accent;
 * "+N more" when they do not fit. Returns the height used. */
static int waiter_chips(dctx *d, cs_rect c, const int32_t *who, uint32_t n, int32_t hot,
                        cs_rgba bg, cs_rgba fg)
{
    int ch = cs_font_height(d->small_bold), gap = d->L->pad / 2 + 1;
    int x = c.x, y = c.y;
    char more[32];
    snprintf(more, sizeof more, "+%u more", n);
    int mw = d_chip_w(d, d->small_bold, more);
    for (uint32_t i = 0; i < n; i++) {
        const char *name = d_task_name(d, who[i]);
        int w = d_chip_w(d, d->small_bold, name);
        if (x + w > c.x + c.w) {
            x = c.x;
            y += ch + gap;
        }
        int last_row = y + 2 * (ch + gap) > c.y + c.h;
        if (last_row && i + 1 < n && x + w + gap + mw > c.x + c.w) {
            snprintf(more, sizeof more, "+%u more", n - i);
            d_chip(d, d->small_bold, x, y, more, d->th->panel_alt, d->th->text);
            return y + ch - c.y;
        }
        int h = who[i] == hot;
        d_chip(d, d->small_bold, x, y, name, h ? d->th->accent : bg, h ? d->th->panel : fg);
        x += w + gap;
    }
    return n ? y + ch - c.y : 0;
}

/* "waiting to put (6)" and its chips; returns the height used. */
static int waiters(dctx *d, const qview *qv, cs_rect c, int putters)
{
    const cs_qstate *s = qv->s;
    uint32_t n = putters ? s->nputters : s->ngetters;
    const int32_t *who = putters ? s->putters : s->getters;
    char buf[96];
    snprintf(buf, sizeof buf, "%s (%u)%s", putters ? "waiting in put()" : "waiting in get()", n,
             n ? ":" : ": nobody");
    if (cs_text_width(d->small_bold, buf, -1) > c.w && n)  /* narrow */
        snprintf(buf, sizeof buf, "in %s (%u):", putters ? "put()" : "get()", n);
    else if (cs_text_width(d->small_bold, buf, -1) > c.w)
        snprintf(buf, sizeof buf, "in %s: nobody", putters ? "put()" : "get()");
    cs_text_draw_fit(d->small_bold, c.x, c.y, buf, c.w, n ? d->th->text : d->th->text_dim);
    int h = cs_font_height(d->small_bold) + d->L->pad / 2;
    int32_t hot = -2;
    if (qv->ev && (qv->ev->kind == SIM_EV_QUEUE_WAIT) && qv->ev->b == putters)
        hot = qv->ev->task;
    cs_rgba bg = d->th->st[CS_ST_WAITING], fg = d->th->st_text[CS_ST_WAITING];
    return h + waiter_chips(d, (cs_rect){c.x, c.y + h, c.w, c.y + c.h - (c.y + h)}, who, n,
                            hot, bg, fg);
}

/* The task the QUEUE_WAKE e, the frame's event, wakes: the event's, else
 * the task of the wakeup handle scheduled right after it (the woken
 * waiter's future is done and its task's wakeup queued). -1 when unknown. */
static int32_t woken_task(const dctx *d, const sim_event *e)
{
    if (e->task >= 0)
        return e->task;
    const cs_model *M = d->M;
    uint32_t f = d->frame;
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, M->trace);
    for (uint32_t k = f + 1; k < M->nframes && k < f + 12; k++) {
        const sim_event *n = sim_trace_at(&C, k);
        if (n->kind == SIM_EV_READY_PUSH && n->b == SIM_H_WAKEUP)
            return cs_model_handle_task(M, n->a, n->task);
    }
    return -1;
}

/* What the frame's event did to this queue, in a few words, or "". */
static void queue_event_note(dctx *d, const qview *qv, char *buf, size_t n)
{
    const sim_event *e = qv->ev;
    buf[0] = 0;
    if (!e)
        return;
    const char *who = d_task_name(d, e->task >= 0 ? e->task : d->M->st.running);
    if (e->kind == SIM_EV_QUEUE_PUT)
        snprintf(buf, n, "%s put %s", who, cs_model_str(d->M, e->b));
    else if (e->kind == SIM_EV_QUEUE_GET)
        snprintf(buf, n, "%s got %s: a slot frees", who, cs_model_str(d->M, e->b));
    else if (e->kind == SIM_EV_QUEUE_WAKE && woken_task(d, e) >= 0)
        snprintf(buf, n, "%s is woken to %s", d_task_name(d, woken_task(d, e)),
                 e->b ? "put" : "get");
    else if (e->kind == SIM_EV_QUEUE_WAKE)
        snprintf(buf, n, "the first waiter is woken to %s", e->b ? "put" : "get");
    else if (e->kind == SIM_EV_QUEUE_WAIT)
        snprintf(buf, n, "%s must wait to %s", d_task_name(d, e->task), e->b ? "put" : "get");
}

/* One queue in c; returns the height used. */
static int draw_queue(dctx *d, const qview *qv, cs_rect c)
{
    const cs_theme *th = d->th;
    char head[160], note[128];
    if (qv->max > 0)
        snprintf(head, sizeof head, "%s  %u of %lld slots full", d->M->queue_name[qv->q],
                 qv->s->n, (long long)qv->max);
    else
        snprintf(head, sizeof head, "%s  %u items (unbounded)", d->M->queue_name[qv->q], qv->s->n);
    if (cs_text_width(d->bold, head, -1) > c.w && qv->max > 0)  /* narrow: the counts only */
        snprintf(head, sizeof head, "%s  %u/%lld full", d->M->queue_name[qv->q], qv->s->n,
                 (long long)qv->max);
    int y = c.y;
    cs_text_draw_fit(d->bold, c.x, y, head, c.w, th->text);
    y += cs_font_height(d->bold);
    queue_event_note(d, qv, note, sizeof note);
    if (note[0]) {
        cs_text_draw_fit(d->small_bold, c.x, y, note, c.w, th->accent);
        y += cs_font_height(d->small_bold);
    }
    y += d->L->pad / 2;
    int rh = cs_font_height(d->mono) + d->L->pad / 2;
    int nslots = qv->max > MAXSLOTS_TEXT ? MAXSLOTS_TEXT + 1
                 : qv->max > 0              ? (int)qv->max
                 : qv->s->n > MAXSLOTS_TEXT ? MAXSLOTS_TEXT + 1
                                            : (int)qv->s->n + (qv->s->n == 0);
    int wch = cs_font_height(d->small_bold);  /* a heading each, a row of names when any wait */
    int wait_h = 2 * (wch + d->L->pad) + (qv->s->nputters ? wch + d->L->pad : 0) +
                 (qv->s->ngetters ? wch + d->L->pad : 0);
    int room = c.y + c.h - y - wait_h;
    int items = (int)qv->s->n;
    if (nslots <= MAXSLOTS_TEXT && nslots * rh <= room) {
        y += slots_rows(d, qv, (cs_rect){c.x, y, c.w, room}, nslots, rh);
    } else if (items > 0 && items <= MAXSLOTS_TEXT && room / rh >= 2) {
        /* items as rows, each with its value and who put it, as many as
         * fit; the rest and the free slots in words (500 cells of two
         * pixels say nothing) */
        int shown = items < room / rh - 1 ? items : room / rh - 1;
        if (shown > MAXSLOTS_TEXT)
            shown = MAXSLOTS_TEXT;
        y += slots_rows(d, qv, (cs_rect){c.x, y, c.w, room}, shown, rh);
        char rest[96], free_s[48] = "";
        if (qv->max > 0)
            snprintf(free_s, sizeof free_s, "%lld free slot%s", (long long)qv->max - items,
                     qv->max - items == 1 ? "" : "s");
        if (items > shown)
            snprintf(rest, sizeof rest, "+ %d more item%s%s%s", items - shown,
                     items - shown == 1 ? "" : "s", free_s[0] ? ", " : "", free_s);
        else
            snprintf(rest, sizeof rest, "+ %s", free_s[0] ? free_s : "no slot limit");
        cs_text_draw_fit(d->small, c.x + d->L->pad, y + (rh - cs_font_height(d->small)) / 2,
                         rest, c.w - d->L->pad, th->text_dim);
        y += rh;
    } else {
        y += slots_grid(d, qv, (cs_rect){c.x, y, c.w, room > rh ? room : rh});
    }
    y += d->L->pad;
    /* the getters need their heading (and a row of names when any wait);
     * the putters get the rest */
    int ch = cs_font_height(d->small_bold);
    int get_h = ch + d->L->pad + (qv->s->ngetters ? 2 * (ch + d->L->pad) : 0);
    int rest = c.y + c.h - y - get_h;
    if (rest < 2 * ch + d->L->pad)
        rest = (c.y + c.h - y) / 2;
    y += waiters(d, qv, (cs_rect){c.x, y, c.w, rest}, 1) + d->L->pad / 2;
    y += waiters(d, qv, (cs_rect){c.x, y, c.w, c.y + c.h - y}, 0);
    return y - c.y;
}

void d_queues(dctx *d)
{
    cs_rect c = d_panel(d, d->L->queues, "Queues", "asyncio.Queue");
    if (!d->M || d->M->nqueues == 0)
        return;
    const sim_event *e = d->ev;
    int about = e && e->kind >= SIM_EV_QUEUE_PUT && e->kind <= SIM_EV_QUEUE_UNWAIT;
    uint32_t nq = d->M->st.nqueues < d->M->nqueues ? d->M->st.nqueues : d->M->nqueues;
    d_clip(d, c);
    int y = c.y;
    for (uint32_t q = 0; q < nq && y < c.y + c.h; q++) {
        qview qv = {q, &d->M->st.queues[q], d->M->queue_max[q],
                    about && (uint32_t)e->a == q ? e : NULL};
        int h = (c.y + c.h - y) / (int)(nq - q);
        y += draw_queue(d, &qv, (cs_rect){c.x, y, c.w, h}) + d->L->pad;
    }
    d_unclip(d);
}
