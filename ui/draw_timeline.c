/*
 * draw_timeline.c -- the timeline: one lane for main, one for the loop and
 * one per task, their states over virtual time or over loop steps, the
 * cursor at the current frame and a veil over what has not happened yet.
 *
 * Segments narrower than a pixel are merged into one pixel column showing
 * the most telling state among them, so a lane costs at most a few draw
 * calls per pixel of width however long the run is.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_impl.h"

/* Axis value -> pixel. */
typedef struct xmap {
    double x0, x1;
    double px, pw;
} xmap;

static double xm(const xmap *m, double v)
{
    return m->px + (v - m->x0) / (m->x1 - m->x0) * m->pw;
}

/* Axis values of a segment. */
static void seg_x(const dctx *d, const cs_seg *s, double *a, double *b)
{
    const cs_model *M = d->M;
    if (d->v->axis == CS_AXIS_TIME) {
        *a = s->t0;
        *b = s->t1;
    } else {
        *a = s->e0 < M->nframes ? M->col[s->e0] : M->col_end;
        *b = s->e1 < M->nframes ? M->col[s->e1] : M->col_end;
    }
}

/* Axis value of the end of a segment. */
static double seg_end(const dctx *d, const cs_seg *s)
{
    if (d->v->axis == CS_AXIS_TIME)
        return s->t1;
    return s->e1 < d->M->nframes ? d->M->col[s->e1] : d->M->col_end;
}

/* First segment in [lo, hi) whose end is past x (hi when none): binary
 * search, segment ends being sorted along a lane. */
static uint32_t seg_search(const dctx *d, const cs_lane *L, uint32_t lo, uint32_t hi, double x)
{
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (seg_end(d, &L->segs[mid]) > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* First segment at or after i whose end is past x, searching forward
 * from i in growing steps then halving: a dense lane is crossed with a
 * few nearby probes per pixel instead of a search over the whole lane
 * (whose far probes miss the cache). */
static uint32_t seg_gallop(const dctx *d, const cs_lane *L, uint32_t i, double x)
{
    uint32_t lo = i, step = 1, hi = i;
    while (hi < L->nseg && seg_end(d, &L->segs[hi]) <= x) {
        lo = hi + 1;
        hi = i + step;
        step *= 2;
    }
    return seg_search(d, L, lo, hi < L->nseg ? hi : L->nseg, x);
}

/* First segment of L whose end is past axis value x. */
static uint32_t seg_first_after(const dctx *d, const cs_lane *L, double x)
{
    return seg_search(d, L, 0, L->nseg, x);
}

/* Which state wins a pixel shared by several segments. */
static int priority(int st)
{
    static const int p[CS_NST] = {0, 5, 8, 9, 3, 4, 1, 2, 2, 7, 6};
    return st >= 0 && st < CS_NST ? p[st] : 0;
}

/* Bar height of a state, as a fraction of the lane. */
static float bar_height(int st)
{
    static const float h[CS_NST] = {0, 0.78f, 1.0f, 1.0f, 0.62f, 0.62f, 0.3f, 0.62f,
                                    0.16f, 0.16f, 0.16f};
    return st >= 0 && st < CS_NST ? h[st] : 0;
}

static cs_rect bar_rect(cs_rect row, int st, int x, int w)
{
    int m = row.h / 10 + 1;
    int full = row.h - 2 * m;
    int h = (int)(full * bar_height(st) + 0.5f);
    if (h < 2)
        h = 2;
    return (cs_rect){x, row.y + m + (full - h) / 2, w, h};
}

/* Does segment s begin after the frame while prediction mode hides the
 * future? Such a segment is not drawn at all, even when it begins at the
 * frame's virtual time (where the veil, which starts at the cursor's
 * pixel, would not cover it): a task's failure a few events ahead at the
 * same t must not show at the playhead. */
static int ahead(const dctx *d, const cs_seg *s)
{
    return d->v->predict && s->e0 > d->frame;
}

/* Is s main running inside a coroutine it drives by hand (arg: which)? */
static int drives_coro(const dctx *d, const cs_lane *L, const cs_seg *s)
{
    return L->who == CS_LANE_MAIN && s->st == CS_ST_RUNNING && s->arg > 0 &&
           (uint32_t)s->arg < d->M->ncoros;
}

/* ---- labels ---------------------------------------------------------------- */

static void seg_label(const dctx *d, const cs_lane *L, const cs_seg *s, char *buf, size_t n)
{
    static const char *const runs[] = {"loop.run_until_complete()", "loop.run_forever()",
                                       "asyncio.run()"};
    const cs_model *M = d->M;
    buf[0] = 0;
    switch (s->st) {
    case CS_ST_READY:  /* how long it waits is the future while the wait goes on */
        if (s->t1 - s->t0 >= 0.05 && !(d->v->predict && s->e1 > d->frame))
            snprintf(buf, n, "ready: waits %.3g s for the loop", s->t1 - s->t0);
        else
            snprintf(buf, n, "ready");
        break;
    case CS_ST_RUNNING:
        if (drives_coro(d, L, s)) {
            char who[80];
            cs_model_coro_label(M, s->arg, who, sizeof who);
            snprintf(buf, n, "in %s", who);
        } else
            snprintf(buf, n, "%s", L->who == CS_LANE_LOOP ? d_task_name(d, s->arg) : "running");
        break;
    case CS_ST_BLOCKED: snprintf(buf, n, "time.sleep(%g): blocks the loop", s->when - s->t0); break;
    case CS_ST_SLEEPING: snprintf(buf, n, "sleep until t=%g", s->when); break;
    case CS_ST_IDLE: snprintf(buf, n, "idle: clock jumps to t=%g", s->t1); break;
    case CS_ST_DONE: snprintf(buf, n, "done"); break;
    case CS_ST_FAILED: snprintf(buf, n, "failed"); break;
    case CS_ST_CANCELLED: snprintf(buf, n, "cancelled"); break;
    case CS_ST_WAITING:
        switch (s->wait) {
        case CS_W_QUEUE_GET: case CS_W_QUEUE_PUT:
            snprintf(buf, n, "%s.%s()", (uint32_t)s->arg < M->nqueues ? M->queue_name[s->arg] : "queue",
                     s->wait == CS_W_QUEUE_GET ? "get" : "put");
            break;
        case CS_W_TASK: snprintf(buf, n, "awaits %s", d_task_name(d, s->arg)); break;
        case CS_W_GATHER: snprintf(buf, n, "awaits gather()"); break;
        case CS_W_LOOP:
            snprintf(buf, n, "inside %s", s->arg >= 0 && s->arg < 3 ? runs[s->arg] : "the loop");
            break;
        default: snprintf(buf, n, "awaits a future"); break;
        }
        break;
    default: break;
    }
}

/* ---- one segment ----------------------------------------------------------- */

/* Pixel where the late part of sleeping segment s begins (its label
 * must end before it), or INT32_MAX when it has none. */
static int late_x(const dctx *d, const cs_seg *s, const xmap *m)
{
    if (s->st != CS_ST_SLEEPING || s->late_e >= s->e1)
        return INT32_MAX;
    double la = d->v->axis == CS_AXIS_TIME ? s->when
                : (s->late_e < d->M->nframes ? d->M->col[s->late_e] : d->M->col_end);
    return (int)floor(xm(m, la));
}

/* The late shape over [x, x + w) of row: hatched in the warning colour,
 * framed. Returns its bar. */
static cs_rect late_shape(dctx *d, cs_rect row, int x, int w)
{
    cs_rect r = bar_rect(row, CS_ST_RUNNING, x, w);
    d_fill(d, r, d_alpha(d->th->warn, 60));
    d_hatch(d, r, d->th->warn, d->L->em / 2);
    d_box(d, r, d->th->warn);
    return r;
}

void d_late_swatch(dctx *d, cs_rect row)
{
    late_shape(d, row, row.x, row.w);
}

/* The part of a sleeping segment after its deadline: the task should be
 * running but nobody gives it the loop (starvation). */
static void draw_late(dctx *d, const cs_seg *s, const xmap *m, cs_rect row, double pb)
{
    int x = late_x(d, s, m), x2 = (int)ceil(pb);
    if (x == INT32_MAX || (d->v->predict && s->late_e > d->frame))
        return;
    cs_rect r = late_shape(d, row, x, x2 - x);
    char buf[64];
    snprintf(buf, sizeof buf, "late %.3g s", s->t1 - s->when);
    if (d->v->predict && s->e1 > d->frame)  /* the total is not known yet */
        snprintf(buf, sizeof buf, "late");
    if (cs_text_width(d->small_bold, buf, -1) + 6 < r.w)
        cs_text_draw(d->small_bold, r.x + 3, row.y + (row.h - cs_font_height(d->small)) / 2,
                     buf, d->th->text);
}

/* End marks: a cross for a failure, a slashed ring for a cancellation. */
static void draw_end_mark(dctx *d, int st, int x, cs_rect row)
{
    int r = row.h / 4;
    int cy = row.y + row.h / 2;
    if (st == CS_ST_FAILED) {
        cs_rgba c = d->th->error;
        d_thick_line(d, x - r, cy - r, x + r, cy + r, 3, c);
        d_thick_line(d, x - r, cy + r, x + r, cy - r, 3, c);
    } else if (st == CS_ST_CANCELLED) {
        cs_rgba c = d->th->st[CS_ST_CANCELLED];
        d_disc(d, x, cy, r + 1, c);
        d_disc(d, x, cy, r - 2, d->th->panel);
        d_thick_line(d, x - r, cy + r, x + r, cy - r, 2.5f, c);
    } else if (st == CS_ST_DONE) {
        d_fill(d, (cs_rect){x - 1, row.y + row.h / 4, 3, row.h / 2}, d->th->st[CS_ST_DONE]);
    }
}

/* The shape of state st over [x, x + w) of row: its bar, of the state's
 * height and colour, hatched when blocked, dashed when waiting; an end
 * (done, failed, cancelled) with its mark at x. Returns the bar. */
static cs_rect state_shape(dctx *d, int st, int x, int w, cs_rect row)
{
    const cs_theme *th = d->th;
    cs_rect r = bar_rect(row, st, x, w);
    d_fill(d, r, th->st[st]);
    if (st == CS_ST_BLOCKED)
        d_hatch(d, r, d_mix(th->st[st], (cs_rgba){0, 0, 0, 255}, 0.45f), d->L->em / 2);
    if (st == CS_ST_WAITING && w > 8)  /* dashed: waiting differs from sleeping in shape */
        for (int k = x + 6; k < x + w; k += 12)
            d_fill(d, (cs_rect){k, r.y + r.h / 2 - 1, 6, 2}, d_alpha(th->st_text[st], 120));
    if (st >= CS_ST_DONE)
        draw_end_mark(d, st, x, row);
    return r;
}

void d_state_swatch(dctx *d, int st, cs_rect row)
{
    int in = st >= CS_ST_DONE ? row.h / 4 + 2 : 0;  /* the end mark inside row */
    state_shape(d, st, row.x + in, row.w - in, row);
}

const d_legend d_legend_rows[D_NLEGEND] = {
    {CS_ST_RUNNING, "running", "running: holds the loop"},
    {CS_ST_READY, "ready", "ready: queued, waits for the loop"},
    {CS_ST_SLEEPING, "sleeping", "sleeping: asyncio.sleep timer"},
    {CS_ST_WAITING, "waiting", "waiting: a future, task, queue"},
    {CS_ST_BLOCKED, "time.sleep", "blocked in time.sleep: the loop stops"},
    {CS_ST_DONE, "done", "done: returned a result"},
    {CS_ST_FAILED, "failed", "failed: raised an exception"},
    {CS_ST_CANCELLED, "cancelled", "cancelled"},
    {CS_ST_LOOP, "loop", "the loop's own work between steps"},
    {CS_ST_IDLE, "idle", "idle: nothing ready, the clock jumps"},
};

/* Where a label tw wide wanted at lx goes, ending by end: moved past the
 * "new task" chip chip[0]..chip[1] (none when chip[1] <= chip[0]) it
 * would run into; -1 when it no longer fits. */
static int label_x(int lx, int tw, int end, const int chip[2])
{
    if (chip[1] > chip[0] && lx < chip[1] + 2 && lx + tw > chip[0] - 2)
        lx = chip[1] + 4;
    return lx + tw <= end ? lx : -1;
}

/* Does a cross or a ring (a failure, a cancellation) begin right after
 * segment s, before pixel px (past a step too short to see)? */
static int mark_after(const dctx *d, const cs_lane *L, const cs_seg *s, const xmap *m, double px)
{
    for (const cs_seg *n = s + 1; n < L->segs + L->nseg && n < s + 4; n++) {
        double a, b;
        seg_x(d, n, &a, &b);
        if (xm(m, a) > px || ahead(d, n))
            return 0;
        if (n->st >= CS_ST_FAILED)
            return 1;
    }
    return 0;
}

/* Draw label buf at lx..end of bar r, cut with an ellipsis when it is
 * longer, and not at all when not even three characters and the
 * ellipsis would fit: a label never leaves its own segment. */
static void draw_label(dctx *d, const cs_seg *s, cs_rect r, int lx, int end, const int chip[2],
                       const char *buf)
{
    if (chip[1] > chip[0] && lx < chip[1] + 2 && end > chip[0] - 2)
        lx = chip[1] + 4;
    int least = cs_text_width(d->small, "abc\xE2\x80\xA6", -1);
    if (end - lx < least && cs_text_width(d->small, buf, -1) > end - lx)
        return;
    cs_text_draw_fit(d->small, lx, r.y + (r.h - cs_font_height(d->small)) / 2, buf, end - lx,
                     d->th->st_text[s->st]);
}

/* One segment, its label inside it (cut to fit, dropped when nothing
 * readable fits), clear of the "new task" chip, of the late part and of
 * the end mark that may follow it. */
static void draw_seg(dctx *d, const cs_lane *L, const cs_seg *s, const xmap *m,
                     cs_rect row, double pa, double pb, const int chip[2])
{
    const cs_theme *th = d->th;
    int x = (int)floor(pa), w = (int)ceil(pb) - x;
    int minw = (int)(2 * d->L->scale + 0.5f);
    if ((s->st == CS_ST_RUNNING || s->st == CS_ST_BLOCKED) && w < minw)
        w = minw;
    if (w < 1)
        w = 1;
    cs_rect r = state_shape(d, s->st, x, w, row);
    draw_late(d, s, m, row, pb);
    int driving = drives_coro(d, L, s);
    if (driving && w > 3)  /* main inside a coroutine it drives: a gap marks each send */
        d_fill(d, (cs_rect){x, r.y, 1, r.h}, th->panel);
    char buf[96];
    seg_label(d, L, s, buf, sizeof buf);
    if (!buf[0])
        return;
    int tw = cs_text_width(d->small, buf, -1);
    int tail = mark_after(d, L, s, m, pb + row.h / 4) ? row.h / 4 + 2 : 0;
    int end = x + w - 5 - tail, late = late_x(d, s, m);
    end = late - 3 < end ? late - 3 : end;
    int lx = label_x(x + 4, tw, end, chip);
    if (lx < 0 && driving) {  /* too narrow for "in tum = drum()": "tum" */
        const char *v = cs_model_coro_var(d->M, s->arg), *fn = d->M->coro_name[s->arg];
        snprintf(buf, sizeof buf, "%s", v ? v : fn ? fn : "");
        tw = cs_text_width(d->small, buf, -1);
        lx = label_x(x + 2, tw, x + w - 2, chip);
    }
    if (s->st != CS_ST_DONE && r.h >= cs_font_height(d->small) - 4) {
        if (lx >= 0)
            cs_text_draw(d->small, lx, r.y + (r.h - cs_font_height(d->small)) / 2, buf,
                         th->st_text[s->st]);
        else if (!driving)
            draw_label(d, s, r, x + 4, end, chip, buf);
    } else if (s->st >= CS_ST_FAILED) {
        lx = label_x(x + row.h / 2, tw, x + w - row.h / 2, chip);
        if (lx >= 0)
            cs_text_draw(d->small, lx, row.y, buf, th->text_dim);
    }
}

/* ---- one lane ----------------------------------------------------------------- */

/* A pixel column shared by segments too short to draw alone: the most
 * telling state among them (st), and the state the lane is in at the
 * column's middle (long_st: what it mostly is there). */
typedef struct bucket {
    int px;
    int st;
    int long_st;
    int last_tick;       /* column of the last instant drawn as the pixel's state */
} bucket;

/* Start bucket b at column px with the state st of segment i of L. */
static void bucket_start(const dctx *d, bucket *b, const cs_lane *L, uint32_t i, const xmap *m,
                         int px)
{
    double mid = m->x0 + (px + 0.5 - m->px) / m->pw * (m->x1 - m->x0);
    uint32_t k = seg_gallop(d, L, i, mid);
    b->px = px;
    b->st = L->segs[i].st;
    b->long_st = k < L->nseg && !ahead(d, &L->segs[k]) ? L->segs[k].st : b->st;
}

/* Draw b's column: the most telling state, except that such instants
 * (steps cost no virtual time) are drawn a few pixels apart at most, the
 * lasting state between them: a lane that runs hundreds of steps per
 * pixel reads as waiting with steps, not as running for seconds. */
static void bucket_flush(dctx *d, bucket *b, cs_rect row)
{
    if (b->px == INT32_MIN)
        return;
    int tick = (int)(2 * d->L->scale + 0.5f), st = b->st;
    if (st != b->long_st && b->px - b->last_tick < 3 * tick)
        st = b->long_st;
    else if (st != b->long_st)
        b->last_tick = b->px;
    int w = st == CS_ST_RUNNING || st == CS_ST_BLOCKED ? tick : 1;
    d_fill(d, bar_rect(row, st, b->px, w > 1 ? w : 1), d->th->st[st]);
    b->px = INT32_MIN;
}

/* A task created at (or just before) this frame: its fork is drawn bold. */
static int just_born(const dctx *d, const cs_taskinfo *ti)
{
    return ti->born <= d->frame && d->frame - ti->born < 8;
}

/* The x span of the "new task" chip on lane L into chip[0..1] (an empty
 * span when the lane has none). */
static void new_chip(dctx *d, const cs_lane *L, const xmap *m, int chip[2])
{
    chip[0] = chip[1] = 0;
    if (L->who < 0 || d->M->tasks[L->who].creator < -1 || !just_born(d, &d->M->tasks[L->who]))
        return;
    double x = xm(m, cs_view_frame_x(d->v, d->M->tasks[L->who].born)) + 3 * d->L->scale + 1;
    chip[0] = (int)x + d->L->pad;
    chip[1] = chip[0] + d_chip_w(d, d->small_bold, "new task");
}

static void draw_lane(dctx *d, const cs_lane *L, const xmap *m, cs_rect row)
{
    bucket b = {INT32_MIN, 0, 0, INT32_MIN / 2};
    int chip[2];
    new_chip(d, L, m, chip);
    int inpix = 0;
    for (uint32_t i = seg_first_after(d, L, m->x0); i < L->nseg; i++) {
        const cs_seg *s = &L->segs[i];
        double a, e;
        seg_x(d, s, &a, &e);
        if (a > m->x1 || ahead(d, s))
            break;
        double pa = xm(m, a), pb = xm(m, e);
        if (pb - pa >= 1.0 || s->st >= CS_ST_DONE || s->late_e < s->e1) {
            bucket_flush(d, &b, row);
            draw_seg(d, L, s, m, row, pa, pb, chip);
            continue;
        }
        int px = (int)floor(pa);
        if (px != b.px) {
            bucket_flush(d, &b, row);
            bucket_start(d, &b, L, i, m, px);
            inpix = 0;
        } else if (priority(s->st) > priority(b.st)) {
            b.st = s->st;
        }
        if (++inpix > 8) {  /* many in one pixel: jump to the next pixel */
            double next = m->x0 + (px + 1 - m->px) / m->pw * (m->x1 - m->x0);
            uint32_t j = seg_gallop(d, L, i + 1, next);
            if (j > i + 1)
                i = j - 1;
            inpix = 0;
        }
    }
    bucket_flush(d, &b, row);
}

/* ---- names, axis, cursor -------------------------------------------------------- */

/* The label of lane L: "main", "event loop", "Task-2 producer"; short,
 * the task part abbreviated ("T-2 producer"). The task's name always
 * leads (outcomes and graders speak of tasks by it): a label too long is
 * cut at the end, in the function's name. */
static void lane_label(const dctx *d, const cs_lane *L, int brief, char *buf, size_t n)
{
    if (L->who < 0) {
        snprintf(buf, n, "%s", L->who == CS_LANE_MAIN ? "main" : "event loop");
        return;
    }
    const cs_taskinfo *ti = &d->M->tasks[L->who];
    const char *name = ti->name, *fn = ti->fn ? ti->fn : "";
    if (brief && !strncmp(name, "Task-", 5))
        snprintf(buf, n, "T-%s%s%s", name + 5, *fn ? " " : "", fn);
    else
        snprintf(buf, n, "%s%s%s", name, *fn ? " " : "", fn);
}

/* Pixels left of a lane's label: the pad, the state box, the pad. */
static int label_indent(const dctx *d)
{
    return d->L->pad + d->L->lane_h / 2 + d->L->pad;
}

/* Bytes of task i's label. */
static size_t label_len(const cs_model *M, uint32_t i)
{
    return strlen(M->tasks[i].name) + (M->tasks[i].fn ? strlen(M->tasks[i].fn) : 0);
}

/* The names column the labels ask for (in the bold of a selected lane).
 * Every label is measured when there are few tasks; with many, a few
 * thousand spread over the run (the last one, the longest "Task-N",
 * included) and only those about as long in bytes as the longest: the
 * 100k-task run draws at the same speed. */
int d_names_want(const dctx *d)
{
    const cs_model *M = d->M;
    int most = cs_text_width(d->bold, "event loop", -1);
    uint32_t n = M ? M->ntasks : 0, stride = n > 4096 ? n / 4096 : 1;
    size_t longest = 0;
    for (uint32_t i = n ? (n - 1) % stride : 0; i < n; i += stride) {
        size_t k = label_len(M, i);
        longest = k > longest ? k : longest;
    }
    for (uint32_t i = n ? (n - 1) % stride : 0, measured = 0; i < n && measured < 64; i += stride) {
        if (n > 256 && label_len(M, i) + 3 < longest)
            continue;
        measured++;
        char buf[96];
        lane_label(d, &M->lanes[i + 2], 0, buf, sizeof buf);
        int w = cs_text_width(d->bold, buf, -1);
        most = w > most ? w : most;
    }
    return label_indent(d) + most + d->L->pad;
}

/* The state box and the label of a lane, in the names column; a label
 * too long for the column is abbreviated, then cut at its end. */
static void lane_name(dctx *d, const cs_lane *L, cs_rect row, int selected)
{
    const cs_theme *th = d->th;
    if (L->who >= 0 && d->v->predict && d->M->tasks[L->who].born > d->frame)
        return;  /* not created yet: in prediction mode nothing is read ahead */
    cs_rect nr = {d->L->tl_names.x, row.y, d->L->tl_names.w, row.h};
    if (selected)
        d_fill(d, nr, th->highlight);
    const cs_seg *s = cs_lane_at(L, d->frame);
    int st = s ? s->st : CS_ST_NONE;
    int box = row.h / 2;
    int x = nr.x + d->L->pad;
    d_fill(d, (cs_rect){x, row.y + (row.h - box) / 2, box, box}, st ? th->st[st] : th->panel_alt);
    d_box(d, (cs_rect){x, row.y + (row.h - box) / 2, box, box}, th->border);
    x = nr.x + label_indent(d);
    char buf[96];
    int ty = row.y + (row.h - cs_font_height(d->body)) / 2;
    cs_font *f = selected ? d->bold : d->body;
    int room = nr.x + nr.w - x - d->L->pad / 2;
    lane_label(d, L, 0, buf, sizeof buf);
    int head = (int)strcspn(buf, " ");  /* the task's name: never cut */
    int ell = cs_text_width(f, "\xE2\x80\xA6", -1);
    /* "Task-6 shutdown_h…" over "T-6 shutdown_handler": the short form
     * reads as another name beside whole ones, so only when the whole
     * name and a little of the function's do not fit */
    int k = head + 4 < (int)strlen(buf) ? head + 4 : (int)strlen(buf);
    while (k > head && ((unsigned char)buf[k] & 0xC0) == 0x80)  /* a whole character */
        k--;
    int least = cs_text_width(f, buf, k);
    if (cs_text_width(f, buf, -1) > room && least + ell > room) {
        lane_label(d, L, 1, buf, sizeof buf);
        head = (int)strcspn(buf, " ");
    }
    if (cs_text_width(f, buf, -1) > room && cs_text_width(f, buf, head) + ell > room) {
        buf[head] = 0;  /* the name alone, smaller when need be, clipped to the column */
        if (cs_text_width(f, buf, -1) > room)
            f = selected ? d->small_bold : d->small;
        d_clip(d, nr);
        cs_text_draw(f, x, row.y + (row.h - cs_font_height(f)) / 2, buf, th->text);
        d_unclip(d);
        return;
    }
    cs_text_draw_fit(f, x, ty, buf, room, th->text);
}

/* A "nice" tick spacing (1, 2 or 5 times a power of ten) near want. */
static double nice_step(double want)
{
    double p = pow(10, floor(log10(want)));
    double m = want / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void axis_time(dctx *d, const xmap *m)
{
    cs_rect a = d->L->tl_axis;
    double step = nice_step((m->x1 - m->x0) / (a.w / (d->L->em * 6.0) + 1));
    int last_end = -(1 << 24);  /* right edge of the last label drawn */
    for (double t = ceil(m->x0 / step) * step; t <= m->x1; t += step) {
        int x = (int)xm(m, t);
        d_fill(d, (cs_rect){x, a.y + a.h - 4, 1, 4}, d->th->text_dim);
        d_fill(d, (cs_rect){x, d->L->tl_lanes.y, 1, d->L->tl_lanes.h}, d_alpha(d->th->border, 90));
        char buf[32];
        snprintf(buf, sizeof buf, "%g s", fabs(t) < step / 1e6 ? 0.0 : t);
        int tw = cs_text_width(d->small, buf, -1);
        int lx = x + 3 + tw <= a.x + a.w ? x + 3 : x - 3 - tw;
        if (lx > last_end + d->L->pad) {
            cs_text_draw(d->small, lx, a.y, buf, d->th->text_dim);
            last_end = lx + tw;
        }
    }
}

/* Iteration boundaries as grid lines, labelled when there is room; lines
 * closer than a few pixels are skipped (they would only make a grey blur,
 * and cost a blended column each). */
static void axis_steps(dctx *d, const xmap *m)
{
    const cs_model *M = d->M;
    cs_rect a = d->L->tl_axis;
    /* far left: no overflow in x - last; labels a pad apart */
    int last = -(1 << 24), gap = cs_text_width(d->small, "it 00000", -1) + d->L->pad;
    int last_line = -(1 << 24), min_gap = d->L->em / 3 > 4 ? d->L->em / 3 : 4;
    uint32_t i = 0, lo = 0, hi = M->niters;
    while (lo < hi) { /* first iteration at or after x0 */
        uint32_t mid = lo + (hi - lo) / 2;
        if (M->col[M->iters[mid]] < m->x0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (i = lo; i < M->niters; i++) {
        double c = M->col[M->iters[i]];
        if (c > m->x1)
            break;
        int x = (int)xm(m, c);
        if (x - last_line < min_gap)
            continue;
        last_line = x;
        d_fill(d, (cs_rect){x, d->L->tl_lanes.y, 1, d->L->tl_lanes.h}, d_alpha(d->th->border, 110));
        char buf[32];
        snprintf(buf, sizeof buf, "it %d", cs_model_event(M, M->iters[i]).a);
        if (x - last >= gap && x + 2 + cs_text_width(d->small, buf, -1) <= a.x + a.w) {
            cs_text_draw(d->small, x + 2, a.y, buf, d->th->text_dim);
            d_fill(d, (cs_rect){x, a.y + a.h - 4, 1, 4}, d->th->text_dim);
            last = x;
        }
    }
}

/* Cursor x: in steps mode, frames inside a step are spread across it. */
static double cursor_x(dctx *d, const xmap *m)
{
    if (d->v->axis == CS_AXIS_TIME)
        return xm(m, cs_view_frame_x(d->v, d->frame));
    const cs_seg *s = cs_lane_at(cs_model_loop_lane(d->M), d->frame);
    if (s && s->st == CS_ST_RUNNING && s->e1 > s->e0) {
        double a, b;
        seg_x(d, s, &a, &b);
        double f = (d->frame - s->e0 + 0.5) / (double)(s->e1 - s->e0);
        return xm(m, a + (b - a) * f);
    }
    return xm(m, cs_view_frame_x(d->v, d->frame));
}

static void draw_cursor(dctx *d, const xmap *m)
{
    const cs_layout *L = d->L;
    double cx = cursor_x(d, m);
    int x = (int)cx;
    cs_rect lanes = L->tl_lanes;
    /* the future: dimmed, or in prediction mode hidden (axis included, so
     * nothing can be read ahead) */
    int top = d->v->predict ? L->tl_axis.y : lanes.y;
    cs_rgba veil = d->v->predict ? d->th->panel : d->th->future;
    int vx = x + 1 > lanes.x ? x + 1 : lanes.x;
    if (vx < lanes.x + lanes.w)
        d_fill(d, (cs_rect){vx, top, lanes.x + lanes.w - vx, lanes.y + lanes.h - top}, veil);
    if (x < lanes.x || x > lanes.x + lanes.w)
        return;
    int w = (int)(2 * L->scale + 0.5f);
    d_fill(d, (cs_rect){x - w / 2, L->tl_axis.y, w > 1 ? w : 1, lanes.y + lanes.h - L->tl_axis.y},
           d->th->accent);
    float hs = L->small * 0.6f;
    d_tri(d, x - hs, L->tl_axis.y, x + hs, L->tl_axis.y, x, L->tl_axis.y + hs, d->th->accent);
}

/* ---- fork arrows ---------------------------------------------------------------- */

static int lane_row_y(const dctx *d, int lane)
{
    return d->L->tl_lanes.y + (lane - d->v->lane_top) * d->L->lane_h;
}

/* From the creator's lane to the new task's lane, where it was created;
 * the tasks created at or just before the frame (hot) in a second pass,
 * drawn over the cursor. */
static void draw_forks(dctx *d, const xmap *m, int first, int last, int hot_pass)
{
    const cs_layout *L = d->L;
    for (int lane = first; lane < last; lane++) {
        if (lane < 2)
            continue;
        const cs_taskinfo *ti = &d->M->tasks[lane - 2];
        if (ti->creator < -1 || (d->v->predict && ti->born > d->frame))
            continue;
        double x = xm(m, cs_view_frame_x(d->v, ti->born));
        if (just_born(d, ti))
            x += 3 * L->scale + 1;  /* beside the cursor, not under it */
        if (x < L->tl_lanes.x || x > L->tl_lanes.x + L->tl_lanes.w)
            continue;
        int from = ti->creator >= 0 ? ti->creator + 2 : 0;
        int y0 = lane_row_y(d, from) + L->lane_h / 2;
        if (y0 < L->tl_lanes.y)
            y0 = L->tl_lanes.y;
        int y1 = lane_row_y(d, lane) + L->lane_h / 2;
        /* the task created at (or just before) this frame: a bold arrow */
        int hot = just_born(d, ti);
        if (hot != hot_pass)
            continue;
        cs_rgba c = hot ? d->th->text : d_alpha(d->th->text, 150);  /* not the cursor's colour */
        d_arrow(d, (float)x, (float)y0, (float)x, (float)y1 - L->lane_h * 0.3f,
                (hot ? 3.0f : 1.5f) * L->scale, L->lane_h * (hot ? 0.4f : 0.25f), c);
        int chip[2];
        new_chip(d, &d->M->lanes[lane], m, chip);
        if (hot)  /* the lane's labels keep clear of it (draw_seg) */
            d_chip(d, d->small_bold, chip[0], y1 - cs_font_height(d->small_bold) / 2,
                   "new task", d->th->accent, d->th->panel);
    }
}

void d_interrupt_mark(dctx *d, int x, cs_rect row)
{
    cs_rgba c = d->th->warn;
    int w = (int)(4 * d->L->scale + 0.5f), h = row.h / 2;
    d_fill(d, (cs_rect){x - w / 2, row.y + 1, w > 1 ? w : 1, row.h - 2}, c);
    d_tri(d, (float)x - h * 0.7f, (float)row.y + 1, (float)x + h * 0.7f, (float)row.y + 1,
          (float)x, (float)row.y + 1 + h, c);
}

/* The interrupts (the Ctrl-C a run that would wait forever ends with)
 * up to the frame, as marks on main's lane when it is in view. */
static void draw_interrupts(dctx *d, const xmap *m, int first)
{
    if (first > 0)
        return;
    cs_rect row = {d->L->tl_lanes.x, lane_row_y(d, 0), d->L->tl_lanes.w, d->L->lane_h};
    for (uint32_t i = 0; i < d->M->nout; i++) {
        const cs_outline *o = &d->M->out[i];
        if (o->kind != CS_OUT_INTERRUPT || o->ev > d->frame)
            continue;
        double x = xm(m, cs_view_frame_x(d->v, o->ev));
        if (x >= row.x && x <= row.x + row.w)
            d_interrupt_mark(d, (int)x, row);
    }
}

static void draw_scrollbar(dctx *d, int nlanes, int vis)
{
    cs_rect s = d->L->tl_scroll;
    d_fill(d, s, d->th->panel_alt);
    if (nlanes <= vis)
        return;
    int th = s.h * vis / nlanes;
    if (th < d->L->em)
        th = d->L->em;
    int ty = s.y + (int)((double)(s.h - th) * d->v->lane_top / (nlanes - vis));
    d_fill(d, (cs_rect){s.x + 1, ty, s.w - 2, th}, d->th->text_dim);
}

/* How the title row's legend is drawn: swatch width, gap, the width of
 * each item and of those kept, and how many are kept. */
typedef struct legend_plan {
    int sw, gap, wide[D_NLEGEND], total, keep;
} legend_plan;

/* The least needed states first out (keep order). */
static const int legend_need[D_NLEGEND] = {0, 1, 2, 3, 4, 6, 7, 5, 8, 9};

/* The legend in room pixels, roomy or tight (narrower swatches and
 * gaps), the least needed states left out while it does not fit. */
static legend_plan legend_fit(dctx *d, int room, int tight)
{
    const cs_layout *L = d->L;
    legend_plan p = {.sw = tight ? L->em * 3 / 4 : L->em * 5 / 4,
                     .gap = tight ? L->pad / 2 + 1 : L->pad, .keep = D_NLEGEND};
    for (int i = 0; i < D_NLEGEND; i++)
        p.total += (p.wide[i] = p.sw + p.gap / 2 + cs_text_width(d->small, d_legend_rows[i].brief, -1)
                                + p.gap * 3 / 2);
    while (p.keep > 0 && p.total > room)
        p.total -= p.wide[legend_need[--p.keep]];
    return p;
}

/* Is state i kept by plan p? */
static int legend_kept(const legend_plan *p, int i)
{
    for (int k = 0; k < p->keep; k++)
        if (legend_need[k] == i)
            return 1;
    return 0;
}

/* The compact legend, right-aligned in the title row of the timeline
 * between x0 and right: a swatch and a word per state; when some are
 * left out, a last word says where the whole legend is ("? all"). */
static void title_legend(dctx *d, const legend_plan *p, int right)
{
    const cs_layout *L = d->L;
    static const char more[] = "? all";
    int mw = p->keep < D_NLEGEND ? cs_text_width(d->small, more, -1) + p->gap : 0;
    int x = right - p->total - mw + p->gap * 3 / 2, y = L->timeline.y + L->pad / 2;
    for (int i = 0; i < D_NLEGEND; i++) {
        if (!legend_kept(p, i))
            continue;
        d_state_swatch(d, d_legend_rows[i].st, (cs_rect){x, y, p->sw, L->em});
        cs_text_draw(d->small, x + p->sw + p->gap / 2, y + (L->em - L->small) / 2,
                     d_legend_rows[i].brief, d->th->text_dim);
        x += p->wide[i];
    }
    if (mw)
        cs_text_draw(d->small, right - mw + p->gap, y + (L->em - L->small) / 2, more,
                     d->th->text_dim);
}

/* The title row: "Timeline", the mouse hints and the legend. The hints
 * give way to the legend: first the mouse's, then the axis's; then the
 * legend is drawn tight; only then are states left out (and "? all"
 * said). Fewer than half the states: no legend. */
static void title_row(dctx *d)
{
    const cs_layout *L = d->L;
    char notes[3][160];
    if (d->M && d->M->t_end <= 0 && d->v->axis == CS_AXIS_STEPS) {
        snprintf(notes[0], sizeof notes[0], "steps (the whole run is at t=0)   wheel: zoom   drag: pan");
        snprintf(notes[1], sizeof notes[1], "steps (the whole run is at t=0)");
    } else {
        const char *ax = d->v->axis == CS_AXIS_TIME ? "virtual time" : "loop iterations and steps";
        const char *other = d->v->axis == CS_AXIS_TIME ? "steps" : "time";
        snprintf(notes[0], sizeof notes[0], "%s   A: %s   wheel: zoom   drag: pan", ax, other);
        snprintf(notes[1], sizeof notes[1], "%s   A: %s", ax, other);
    }
    notes[2][0] = 0;
    int right = L->timeline.x + L->timeline.w - L->pad, start = L->present ? 2 : 0, lv = start;
    int base = L->timeline.x + 2 * L->pad + cs_text_width(d->bold, "Timeline", -1), x0 = base;
    legend_plan p;
    for (int tries = 0;; tries++) {
        lv = start + tries / 2 < 2 ? start + tries / 2 : 2;
        x0 = base + (notes[lv][0] ? cs_text_width(d->small, notes[lv], -1) + L->em : 0);
        p = legend_fit(d, right - x0, tries % 2);
        if (p.keep == D_NLEGEND || (lv == 2 && tries % 2))
            break;
    }
    if (p.keep < D_NLEGEND)  /* room for "? all" */
        p = legend_fit(d, right - x0 - cs_text_width(d->small, "? all", -1) - p.gap, 1);
    int level = lv;
    d_panel(d, L->timeline, "Timeline", notes[level][0] ? notes[level] : NULL);
    if (p.keep >= D_NLEGEND / 2)
        title_legend(d, &p, right);
}

void d_timeline(dctx *d)
{
    const cs_layout *L = d->L;
    title_row(d);
    if (!d->M || d->M->nframes == 0)
        return;
    xmap m;
    cs_view_range(d->v, &m.x0, &m.x1);
    m.px = L->tl_lanes.x;
    m.pw = L->tl_lanes.w;
    d_clip(d, (cs_rect){L->tl_axis.x, L->tl_axis.y, L->tl_axis.w, L->tl_axis.h + L->tl_lanes.h});
    d->v->axis == CS_AXIS_TIME ? axis_time(d, &m) : axis_steps(d, &m);
    d_unclip(d);
    int nl = (int)d->M->nlanes, vis = cs_layout_visible_lanes(L);
    int first = d->v->lane_top, last = first + vis < nl ? first + vis : nl;
    for (int lane = first; lane < last; lane++) {
        cs_rect row = {L->tl_lanes.x, lane_row_y(d, lane), L->tl_lanes.w, L->lane_h};
        int who = lane == 0 ? -1 : lane - 2;
        int sel = lane != 1 && who == d->focus;
        if (sel)
            d_fill(d, row, d_alpha(d->th->highlight, 140));
        d_line(d, row.x, row.y + row.h - 1, row.x + row.w, row.y + row.h - 1,
               d_alpha(d->th->border, 80));
        d_clip(d, row);
        draw_lane(d, &d->M->lanes[lane], &m, row);
        d_unclip(d);
        lane_name(d, &d->M->lanes[lane], row, sel);
    }
    d_clip(d, L->tl_lanes);
    draw_forks(d, &m, first, last, 0);
    d_unclip(d);
    d_clip(d, (cs_rect){L->tl_axis.x - 8, L->tl_axis.y, L->tl_axis.w + 16,
                        L->tl_axis.h + L->tl_lanes.h});
    draw_cursor(d, &m);
    d_unclip(d);
    d_clip(d, L->tl_lanes);
    draw_forks(d, &m, first, last, 1);
    draw_interrupts(d, &m, first);  /* over the cursor, which often stands there */
    d_unclip(d);
    draw_scrollbar(d, nl, vis);
}
