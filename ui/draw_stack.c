/*
 * draw_stack.c -- the stack of the task in focus, in traceback order
 * (most recent call last): who drives it at the top (the loop's
 * Task.__step, or main sending by hand), then its frames down to the
 * innermost, library frames quieter. The frame's event moves across it: a
 * pushed frame slides in below, a popped one drops away with its return
 * value, a yield travels up through every frame to the driver, a send or
 * a throw travels down to the innermost frame, an exception climbs from
 * frame to frame until a try catches it. When the frames do not all fit
 * they are drawn one line each, and the innermost ones win.
 */
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "draw_impl.h"

typedef struct slot {
    int y, h;            /* box of one frame (or the driver) */
} slot;

#define MAXSLOTS 64

typedef struct stackview {
    const cs_stack *s;   /* frames shown (NULL: none) */
    int32_t coro;        /* compact coroutine of s, -1 none */
    int active;          /* its innermost frame is executing now */
    int first;           /* index of the lowest frame shown */
    slot driver;
    slot fr[MAXSLOTS];   /* fr[i] is frame first + i */
    int n;
    int x, w;
    int compact;         /* one line per frame */
    int gap;             /* between two boxes (room for "await") */
} stackview;

static int is_lib(const cs_frame *f)
{
    return f->kind == SIM_FR_LIBRARY;
}

static int frame_h(const dctx *d, const stackview *sv, const cs_frame *f)
{
    return is_lib(f) || sv->compact ? (int)(d->L->em * 1.5f) : (int)(d->L->em * 2.7f);
}

/* Which stack to show for the focus, and whether it runs now. */
static void pick_stack(dctx *d, stackview *sv)
{
    const cs_model *M = d->M;
    sv->s = NULL;
    sv->coro = -1;
    sv->active = 0;
    if (d->focus >= 0) {
        sv->s = cs_model_task_stack(M, d->focus);
        sv->coro = M->tasks[d->focus].coro;
        sv->active = M->st.running == d->focus;
    } else if (M->st.main_drives > 0 && M->st.stacks[M->st.main_drives].n) {
        sv->coro = M->st.main_drives;
        sv->s = &M->st.stacks[sv->coro];
        sv->active = M->st.main_inside;
    }
}

/* Height of frames [first, n) with their gaps. */
static int frames_h(const dctx *d, const stackview *sv, uint32_t first, uint32_t n)
{
    int h = 0;
    for (uint32_t i = first; i < n; i++)
        h += frame_h(d, sv, &sv->s->fr[i]) + sv->gap;
    return h;
}

/* Lay the frames out downwards from the driver, one line each when they
 * do not all fit; the innermost ones win when even that is too tall. */
static void place(dctx *d, stackview *sv, cs_rect c)
{
    sv->gap = d->L->pad + d->L->em / 2;
    sv->x = c.x;
    sv->w = c.w - d->L->em * 4;
    sv->driver = (slot){c.y, (int)(d->L->em * 2.7f)};
    uint32_t n = sv->s ? sv->s->n : 0;
    int top = sv->driver.y + sv->driver.h + sv->gap;
    int room = c.y + c.h - top;
    sv->compact = 0;
    if (frames_h(d, sv, 0, n) > room)
        sv->compact = 1;
    uint32_t first = n;
    int more = cs_font_height(d->small);
    while (first > 0 && n - first < MAXSLOTS
           && frames_h(d, sv, first - 1, n) + (first > 1 ? more : 0) <= room)
        first--;
    sv->first = (int)first;
    sv->n = (int)(n - first);
    int y = top + (first > 0 ? more : 0);
    for (int i = 0; i < sv->n; i++) {
        int h = frame_h(d, sv, &sv->s->fr[first + (uint32_t)i]);
        sv->fr[i] = (slot){y, h};
        y += h + sv->gap;
    }
}

/* Centre y of frame depth k (the driver for k < first). */
static float depth_y(const stackview *sv, int k)
{
    if (k < sv->first || sv->n == 0)
        return sv->driver.y + sv->driver.h / 2.0f;
    if (k - sv->first >= sv->n)
        k = sv->first + sv->n - 1;
    const slot *s = &sv->fr[k - sv->first];
    return s->y + s->h / 2.0f;
}

/* ---- boxes -------------------------------------------------------------------- */

static void frame_title(const cs_frame *f, char *buf, size_t n)
{
    if (f->kind == SIM_FR_AWAITABLE)
        snprintf(buf, n, "%s.__await__()", f->name);
    else if (f->kind == SIM_FR_LIBRARY)
        snprintf(buf, n, "%s", f->name);
    else
        snprintf(buf, n, "%s()", f->name);
}

/* "line 9:  a = await W1()" from the listing. */
static void line_text(const dctx *d, int32_t line, char *buf, size_t n)
{
    const sim_scenario *sc = d->M->sc;
    buf[0] = 0;
    if (line <= 0)
        return;
    if (sc && line <= sc->nsource) {
        const char *l = sc->source[line - 1];
        while (*l == ' ')
            l++;
        snprintf(buf, n, "%d: %s", line, l);
        char *hash = strstr(buf, "  #");  /* the code, without its comment */
        while (hash && hash > buf && hash[-1] == ' ')
            hash--;
        if (hash)
            *hash = 0;
    } else {
        snprintf(buf, n, "line %d", line);
    }
}

static void draw_frame_box(dctx *d, const stackview *sv, const cs_frame *f, slot s,
                           int top, uint8_t alpha, int dy)
{
    const cs_theme *th = d->th;
    cs_rect r = {sv->x, s.y + dy, sv->w, s.h};
    cs_rgba text = is_lib(f) ? th->text_dim : th->text;
    d_fill(d, r, d_alpha(is_lib(f) ? th->panel : th->panel_alt, alpha));
    if (top && sv->active)
        d_box_w(d, r, th->st[CS_ST_RUNNING], (int)(3 * d->L->scale + 0.5f));
    else
        d_box(d, r, d_alpha(is_lib(f) ? th->border : th->text_dim, alpha));
    char title[128], line[256];
    frame_title(f, title, sizeof title);
    int p = d->L->pad;
    cs_font *tf = is_lib(f) ? d->small : d->bold;
    int one = is_lib(f) || sv->compact;
    int tw = cs_text_draw_fit(tf, r.x + p, r.y + (one ? (r.h - cs_font_height(tf)) / 2 : p / 2),
                              title, r.w - 2 * p, d_alpha(text, alpha));
    line_text(d, f->line, line, sizeof line);
    if (!is_lib(f) && line[0] && !sv->compact)
        cs_text_draw_fit(d->mono_small, r.x + p, r.y + p / 2 + cs_font_height(tf), line,
                         r.w - 2 * p, d_alpha(th->text_dim, alpha));
    else if (!is_lib(f) && line[0] && r.w - 3 * p - tw > 0)
        cs_text_draw_fit(d->mono_small, r.x + 2 * p + tw,
                         r.y + (r.h - cs_font_height(d->mono_small)) / 2, line,
                         r.w - 3 * p - tw, d_alpha(th->text_dim, alpha));
}

/* The connector between a frame and the one it awaits. */
static void draw_await_links(dctx *d, const stackview *sv)
{
    for (int i = 1; i < sv->n; i++) {
        float x = sv->x + d->L->em * 1.5f;
        float y0 = sv->fr[i - 1].y + sv->fr[i - 1].h, y1 = sv->fr[i].y;
        d_arrow(d, x, y0, x, y1, 1.5f * d->L->scale, d->L->em * 0.4f, d->th->text_dim);
        cs_text_draw(d->small, (int)x + d->L->pad, (int)y0 + (sv->gap - cs_font_height(d->small)) / 2,
                     "await", d->th->text_dim);
    }
}

static void draw_driver(dctx *d, const stackview *sv)
{
    const cs_theme *th = d->th;
    cs_rect r = {sv->x, sv->driver.y, sv->w, sv->driver.h};
    char title[96], line[256];
    if (d->focus >= 0) {
        d_fill(d, r, th->st[CS_ST_LOOP]);
        snprintf(title, sizeof title, "event loop: %s.__step()", d_task_name(d, d->focus));
        snprintf(line, sizeof line, "resumes it: send() / throw()");
    } else {
        d_fill(d, r, th->panel_alt);
        snprintf(title, sizeof title, "main  <module>");
        line_text(d, cs_model_main_stack(d->M)->fr[0].line, line, sizeof line);
    }
    d_box(d, r, th->text_dim);
    int p = d->L->pad;
    cs_font *tf = cs_text_width(d->bold, title, -1) <= r.w - 2 * p ? d->bold : d->small_bold;
    cs_text_draw_fit(tf, r.x + p, r.y + p / 2, title, r.w - 2 * p, th->text);
    cs_text_draw_fit(d->mono_small, r.x + p, r.y + p / 2 + cs_font_height(d->bold), line,
                     r.w - 2 * p, th->text_dim);
    if (sv->n < (sv->s ? (int)sv->s->n : 0)) {
        char more[48];
        snprintf(more, sizeof more, "\xE2\x80\xA6 %d outer frame%s not shown", sv->first,
                 sv->first == 1 ? "" : "s");
        cs_text_draw_fit(d->small, r.x + p, r.y + r.h + sv->gap / 2, more, r.w, th->text_dim);
    }
}

/* ---- travelling values -------------------------------------------------------- */

/* Right of the title of frame depth k, a pad after it (the box's left
 * edge when k is not shown). */
static int title_end(dctx *d, const stackview *sv, int k)
{
    if (!sv->s || k < sv->first || k - sv->first >= sv->n)
        return sv->x;
    const cs_frame *f = &sv->s->fr[k];
    char title[128];
    frame_title(f, title, sizeof title);
    return sv->x + 2 * d->L->pad + cs_text_width(is_lib(f) ? d->small : d->bold, title, -1);
}

/* A value chip at fraction t of the way from y0 to y1, with the path;
 * brief (or NULL) is the label shortened, shown when label is too long;
 * the chip starts at left or after (the title of the frame it is on). */
static void travel(dctx *d, const stackview *sv, float y0, float y1, const char *label,
                   const char *brief, int left, cs_rgba c)
{
    float t = d->v->anim;
    float x = sv->x + sv->w + d->L->em * 1.2f;
    d_arrow(d, x, y0, x, y1, 2.5f * d->L->scale, d->L->em * 0.7f, d_alpha(c, 200));
    float y = y0 + (y1 - y0) * t;
    /* the chip stays inside the boxes (clear of their borders, 3 px at
     * most) and covers at most their right half, so the frame's name stays
     * readable; a longer label is shortened, then cut */
    int right = sv->x + sv->w - (int)(4 * d->L->scale + 0.5f), max_w = (right - sv->x) / 2;
    if (right - left < max_w)
        max_w = right - left;
    if (brief && d_chip_w(d, d->small_bold, label) > max_w)
        label = brief;
    if (max_w > cs_font_height(d->small_bold))
        d_chip_right(d, d->small_bold, right, (int)y - cs_font_height(d->small_bold) / 2, label,
                     max_w, c, d_on(c));
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "None";
}

/* Animate the frame's event when it touches the stack shown. */
static void draw_event(dctx *d, const stackview *sv)
{
    const sim_event *e = d->ev;
    if (!e || cs_model_coro(d->M, e->coro) != sv->coro || sv->coro < 0)
        return;
    const cs_theme *th = d->th;
    char buf[160];
    int top = sv->s ? (int)sv->s->n - 1 : -1;
    switch (e->kind) {
    case SIM_EV_YIELD:
        snprintf(buf, sizeof buf, "yield %s", or_none(cs_model_str(d->M, e->a)));
        travel(d, sv, depth_y(sv, e->c), depth_y(sv, -1), buf, NULL, sv->x, th->accent);
        break;
    case SIM_EV_SEND:
        snprintf(buf, sizeof buf, "send(%s)", or_none(cs_model_str(d->M, e->a)));
        travel(d, sv, depth_y(sv, -1), depth_y(sv, top), buf, NULL, sv->x, th->st[CS_ST_RUNNING]);
        break;
    case SIM_EV_THROW:
        snprintf(buf, sizeof buf, "throw %s", cs_model_str(d->M, e->a));
        travel(d, sv, depth_y(sv, -1), depth_y(sv, top), buf, NULL, sv->x, th->error);
        break;
    case SIM_EV_FRAME_POP: {
        snprintf(buf, sizeof buf, "%s %s", e->a ? "raises" : "returns",
                 or_none(cs_model_str(d->M, e->b)));
        float from = depth_y(sv, e->c) + d->L->em * 2.0f;
        travel(d, sv, from, depth_y(sv, e->c - 1), buf, or_none(cs_model_str(d->M, e->b)), sv->x,
               e->a ? th->error : th->st[CS_ST_RUNNING]);
        break;
    }
    case SIM_EV_RAISE:
        snprintf(buf, sizeof buf, "raise %s", cs_model_str(d->M, e->a));
        travel(d, sv, depth_y(sv, e->c) - d->L->em, depth_y(sv, e->c), buf,
               cs_model_str(d->M, e->a), title_end(d, sv, e->c), th->error);
        break;
    case SIM_EV_CATCH:
        snprintf(buf, sizeof buf, "caught: %s", cs_model_str(d->M, e->a));
        travel(d, sv, depth_y(sv, e->c) - d->L->em, depth_y(sv, e->c), buf,
               cs_model_str(d->M, e->a), title_end(d, sv, e->c), th->st[CS_ST_RUNNING]);
        break;
    default:
        break;
    }
}

/* The frame just popped drops away and fades. */
static void draw_popped_ghost(dctx *d, const stackview *sv)
{
    const sim_event *e = d->ev;
    if (!e || e->kind != SIM_EV_FRAME_POP || cs_model_coro(d->M, e->coro) != sv->coro
        || !d->M->st.popped.name)
        return;
    int h = frame_h(d, sv, &d->M->st.popped);
    int base = sv->n ? sv->fr[sv->n - 1].y + sv->fr[sv->n - 1].h + sv->gap
                     : sv->driver.y + sv->driver.h + sv->gap;
    int dy = (int)(d->v->anim * d->L->em * 1.5f);
    uint8_t a = (uint8_t)(255 * (1 - 0.7f * d->v->anim));
    draw_frame_box(d, sv, &d->M->st.popped, (slot){base, h}, 0, a, dy);
    if (e->a)
        d_box_w(d, (cs_rect){sv->x, base + dy, sv->w, h}, d->th->error, 2);
}

/* A red badge on the frame an exception is passing through. */
static void draw_exception(dctx *d, const stackview *sv)
{
    if (!sv->s || !sv->s->exc)
        return;
    const sim_event *e = d->ev;
    int moving = e && (e->kind == SIM_EV_RAISE || e->kind == SIM_EV_CATCH)
                 && cs_model_coro(d->M, e->coro) == sv->coro;  /* its chip names it */
    int k = sv->s->exc_depth;
    cs_rect r = k >= sv->first && k - sv->first < sv->n
                    ? (cs_rect){sv->x, sv->fr[k - sv->first].y, sv->w, sv->fr[k - sv->first].h}
                    : (cs_rect){sv->x, sv->driver.y, sv->w, sv->driver.h};
    d_box_w(d, r, d->th->error, (int)(3 * d->L->scale + 0.5f));
    if (moving)
        return;
    char buf[160];
    snprintf(buf, sizeof buf, "%s", sv->s->exc);
    int in = (int)(4 * d->L->scale + 0.5f);  /* clear of the 3-scale red border */
    d_chip_right(d, d->small_bold, r.x + r.w - in, r.y + in, buf, r.w / 2, d->th->error,
                 d_on(d->th->error));
}

static void stack_note(dctx *d, char *buf, size_t n)
{
    if (d->focus < 0) {
        const cs_model *M = d->M;
        int32_t c = M->st.main_drives;
        if (M->st.main_inside && cs_model_coro_var(M, c)) {
            char who[80];
            cs_model_coro_label(M, c, who, sizeof who);
            if (snprintf(buf, n, "main is driving %s by hand", who) >= (int)n)
                buf[n - 1] = 0;  /* already cut by snprintf: the panel fits the note later */
        } else
            snprintf(buf, n, M->st.main_inside ? "main is driving a coroutine by hand"
                                               : "the program's own frame");
        return;
    }
    const cs_seg *s = cs_lane_at(cs_model_task_lane(d->M, d->focus), d->frame);
    int st = s ? s->st : CS_ST_NONE;
    if (st == CS_ST_SLEEPING)
        snprintf(buf, n, "suspended: sleeping until t=%g", s->when);
    else if (st == CS_ST_WAITING || st == CS_ST_READY)
        snprintf(buf, n, "suspended: %s", cs_st_name(st));
    else
        snprintf(buf, n, "%s", cs_st_name(st));
}

void d_stack(dctx *d)
{
    char title[96], note[96];
    if (!d->M) {
        d_panel(d, d->L->stack, "Stack", NULL);
        return;
    }
    snprintf(title, sizeof title, "Stack of %s", d_task_name(d, d->focus));
    stack_note(d, note, sizeof note);
    cs_rect c = d_panel(d, d->L->stack, title, note);
    stackview sv;
    pick_stack(d, &sv);
    place(d, &sv, c);
    d_clip(d, d->L->stack);
    draw_driver(d, &sv);
    const sim_event *e = d->ev;
    int pushing = e && e->kind == SIM_EV_FRAME_PUSH && cs_model_coro(d->M, e->coro) == sv.coro;
    for (int i = 0; i < sv.n; i++) {
        int top = i == sv.n - 1;
        int dy = 0;
        uint8_t a = 255;
        if (pushing && top) {  /* slides in from below */
            dy = (int)((1 - d->v->anim) * d->L->em * 1.5f);
            a = (uint8_t)(255 * (0.3f + 0.7f * d->v->anim));
        }
        draw_frame_box(d, &sv, &sv.s->fr[sv.first + i], sv.fr[i], top, a, dy);
    }
    draw_await_links(d, &sv);
    draw_popped_ghost(d, &sv);
    draw_exception(d, &sv);
    draw_event(d, &sv);
    if (!sv.n && d->focus >= 0)
        d_wrap(d, d->body, (cs_rect){c.x, sv.driver.y + sv.driver.h + sv.gap, c.w, c.h},
               "no frame: the coroutine has not started or has ended", d->th->text_dim, 3);
    d_unclip(d);
}
