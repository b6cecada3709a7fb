/*
 * draw_stack.c -- the stack of the task in focus, in traceback order
 * (most recent call last): who drives it at the top (the loop's
 * Task.__step, or main sending by hand), then its frames down to the
 * innermost, library frames quieter. The frame's event moves across it: a
 * pushed frame slides in below, a popped one drops away with its return
 * value, a yield travels up through every frame to the driver, a send or
 * a throw travels down to the innermost frame, an exception climbs from
 * frame to frame until a try catches it. The value travelling is a badge
 * on the box it belongs to (the yielding frame, the frame a send reaches,
 * the returning frame), at the end of its first text row, that row's
 * text cut short of it; its path is an arrow beside the boxes. When the
 * frames do not all fit they are drawn one line each, and the innermost
 * ones win; the innermost is always shown.
 */
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "draw_impl.h"

typedef struct slot {
    int y, h;            /* box of one frame (or the driver) */
} slot;

#define MAXSLOTS 64

/* Where a badge sits: on a shown frame (its slot index, 0 up), or: */
enum { AT_NONE = -3, AT_GHOST = -2, AT_DRIVER = -1 };

/* The value the frame's event carries ("yield ...", "returns ...",
 * "send(None)"), a chip at the right end of the first text row of the
 * box it belongs to, that box's text cut short of it; its path is an
 * arrow in the column right of the boxes. */
typedef struct badge {
    int at;              /* AT_* or a slot index */
    char label[160];
    cs_rgba c;
    float y0, y1;        /* the path: from, to */
    int w;               /* chip width, 0 when none */
} badge;

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
    int more;            /* the "... N outer frames not shown" line is drawn */
    badge b;             /* the event's value, b.at = AT_NONE when none */
    int exc_at;          /* slot of the exception's chip (AT_*), AT_NONE none */
    int exc_w;           /* its width */
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
 * do not all fit; the innermost ones win when even that is too tall, and
 * the innermost one is always shown. */
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
    if (first == n && n > 0)  /* the innermost frame even when cut by the panel's edge:
                                 never a false "no frame" */
        first = n - 1;
    sv->first = (int)first;
    sv->n = (int)(n - first);
    sv->more = first > 0 && frames_h(d, sv, first, n) + more <= room;
    int y = top + (sv->more ? more : 0);
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

/* "descend(n=12)", "W1(x=1).__await__()", "asyncio.sleep". */
static void frame_title(const cs_frame *f, char *buf, size_t n)
{
    const char *args = f->args ? f->args : "";
    if (f->kind == SIM_FR_AWAITABLE)
        snprintf(buf, n, "%s(%s).__await__()", f->name, args);
    else if (f->kind == SIM_FR_LIBRARY)
        snprintf(buf, n, "%s", f->name);
    else
        snprintf(buf, n, "%s(%s)", f->name, args);
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

/* Width kept free at the right of the first text row of the box at
 * slot at (AT_*): the badges on it and a pad before them. */
static int reserved(const dctx *d, const stackview *sv, int at)
{
    int w = (sv->b.at == at ? sv->b.w : 0) + (sv->exc_at == at ? sv->exc_w : 0);
    return w ? w + d->L->pad : 0;
}

/* Top of a chip on the first text row of box r (one text row or two). */
static int chip_y(const dctx *d, cs_rect r, int one)
{
    int ch = cs_font_height(d->small_bold);
    return one ? r.y + (r.h - ch) / 2 : r.y + d->L->pad / 2 + (cs_font_height(d->bold) - ch) / 2;
}

/* One frame's box at slot s (moved down dy, faded to alpha): its title,
 * and its current line below it or, one line each, after it; the text
 * of the first row ends before the width kept for badges (keep). */
static void draw_frame_box(dctx *d, const stackview *sv, const cs_frame *f, slot s,
                           int top, uint8_t alpha, int dy, int keep)
{
    const cs_theme *th = d->th;
    cs_rect r = {sv->x, s.y + dy, sv->w, s.h};
    cs_rgba text = is_lib(f) ? th->text_dim : th->text;
    d_fill(d, r, d_alpha(is_lib(f) ? th->panel : th->panel_alt, alpha));
    if (top && sv->active)
        d_box_w(d, r, th->st[CS_ST_RUNNING], (int)(3 * d->L->scale + 0.5f));
    else
        d_box(d, r, d_alpha(is_lib(f) ? th->border : th->text_dim, alpha));
    char title[192], line[256];
    frame_title(f, title, sizeof title);
    int p = d->L->pad;
    cs_font *tf = is_lib(f) ? d->small : d->bold;
    int one = is_lib(f) || sv->compact;
    int tw = cs_text_draw_fit(tf, r.x + p, r.y + (one ? (r.h - cs_font_height(tf)) / 2 : p / 2),
                              title, r.w - 2 * p - keep, d_alpha(text, alpha));
    line_text(d, f->line, line, sizeof line);
    if (!is_lib(f) && line[0] && !sv->compact)
        cs_text_draw_fit(d->mono_small, r.x + p, r.y + p / 2 + cs_font_height(tf), line,
                         r.w - 2 * p, d_alpha(th->text_dim, alpha));
    else if (!is_lib(f) && line[0] && r.w - 3 * p - tw - keep > 0)
        cs_text_draw_fit(d->mono_small, r.x + 2 * p + tw,
                         r.y + (r.h - cs_font_height(d->mono_small)) / 2, line,
                         r.w - 3 * p - tw - keep, d_alpha(th->text_dim, alpha));
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
    int p = d->L->pad, room = r.w - 2 * p - reserved(d, sv, AT_DRIVER);
    cs_font *tf = cs_text_width(d->bold, title, -1) <= room ? d->bold : d->small_bold;
    cs_text_draw_fit(tf, r.x + p, r.y + p / 2, title, room, th->text);
    cs_text_draw_fit(d->mono_small, r.x + p, r.y + p / 2 + cs_font_height(d->bold), line,
                     r.w - 2 * p, th->text_dim);
    if (sv->more) {
        char more[48];
        snprintf(more, sizeof more, "\xE2\x80\xA6 %d outer frame%s not shown", sv->first,
                 sv->first == 1 ? "" : "s");
        cs_text_draw_fit(d->small, r.x + p, r.y + r.h + sv->gap / 2, more, r.w, th->text_dim);
    }
}

/* ---- travelling values -------------------------------------------------------- */

/* The slot showing frame depth k: its index, or the driver when k is
 * not shown (an outer frame left out, or none). */
static int slot_of(const stackview *sv, int k)
{
    return sv->s && k >= sv->first && k - sv->first < sv->n ? k - sv->first : AT_DRIVER;
}

/* The box at slot at (AT_*), moved as drawn (the ghost drops with the
 * animation). */
static cs_rect slot_rect(const dctx *d, const stackview *sv, int at)
{
    if (at == AT_DRIVER)
        return (cs_rect){sv->x, sv->driver.y, sv->w, sv->driver.h};
    if (at >= 0)
        return (cs_rect){sv->x, sv->fr[at].y, sv->w, sv->fr[at].h};
    int base = sv->n ? sv->fr[sv->n - 1].y + sv->fr[sv->n - 1].h + sv->gap
                     : sv->driver.y + sv->driver.h + sv->gap;
    int dy = (int)(d->v->anim * d->L->em * 1.5f);
    return (cs_rect){sv->x, base + dy, sv->w, frame_h(d, sv, &d->M->st.popped)};
}

/* Is the box at slot at one text row high? */
static int slot_one_row(const dctx *d, const stackview *sv, int at)
{
    const cs_frame *f = at == AT_GHOST ? &d->M->st.popped
                        : at >= 0 ? &sv->s->fr[sv->first + at] : NULL;
    return f && (is_lib(f) || sv->compact);
}

/* Set badge b to label (or brief, when label does not fit and brief is
 * given) on slot at, travelling from y0 to y1: at most half a box wide,
 * so the frame's name stays readable. */
static void badge_set(dctx *d, stackview *sv, int at, const char *label, const char *brief,
                      float y0, float y1, cs_rgba c)
{
    badge *b = &sv->b;
    int max_w = (sv->w - 2 * d->L->pad) / 2;
    if (brief && d_chip_w(d, d->small_bold, label) > max_w)
        label = brief;
    snprintf(b->label, sizeof b->label, "%s", label);
    int w = d_chip_w(d, d->small_bold, b->label);
    b->w = w < max_w ? w : max_w;
    if (b->w <= cs_font_height(d->small_bold))
        b->w = 0;
    b->at = b->w ? at : AT_NONE;
    b->y0 = y0;
    b->y1 = y1;
    b->c = c;
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "None";
}

/* The badge of the frame's event when it touches the stack shown: a
 * yield on the yielding frame, a send or throw on the innermost frame it
 * reaches, a return or raise on the frame that ends (its ghost), a raise
 * or catch on the frame it is in. */
static void pick_badge(dctx *d, stackview *sv)
{
    const sim_event *e = d->ev;
    sv->b.at = AT_NONE;
    if (!e || cs_model_coro(d->M, e->coro) != sv->coro || sv->coro < 0)
        return;
    const cs_theme *th = d->th;
    char buf[160];
    int top = sv->s ? (int)sv->s->n - 1 : -1;
    switch (e->kind) {
    case SIM_EV_YIELD:
        snprintf(buf, sizeof buf, "yield %s", or_none(cs_model_str(d->M, e->a)));
        badge_set(d, sv, slot_of(sv, e->c), buf, NULL, depth_y(sv, e->c), depth_y(sv, -1),
                  th->accent);
        break;
    case SIM_EV_SEND:
    case SIM_EV_THROW:
        if (e->kind == SIM_EV_SEND)
            snprintf(buf, sizeof buf, "send(%s)", or_none(cs_model_str(d->M, e->a)));
        else
            snprintf(buf, sizeof buf, "throw %s", cs_model_str(d->M, e->a));
        badge_set(d, sv, slot_of(sv, top), buf, NULL, depth_y(sv, -1), depth_y(sv, top),
                  e->kind == SIM_EV_SEND ? th->st[CS_ST_RUNNING] : th->error);
        break;
    case SIM_EV_FRAME_POP: {
        snprintf(buf, sizeof buf, "%s %s", e->a ? "raises" : "returns",
                 or_none(cs_model_str(d->M, e->b)));
        int ghost = d->M->st.popped.name != NULL;
        cs_rect g = slot_rect(d, sv, AT_GHOST);
        float from = ghost ? g.y + g.h / 2.0f : depth_y(sv, e->c);
        badge_set(d, sv, ghost ? AT_GHOST : slot_of(sv, e->c - 1), buf,
                  or_none(cs_model_str(d->M, e->b)), from, depth_y(sv, e->c - 1),
                  e->a ? th->error : th->st[CS_ST_RUNNING]);
        break;
    }
    case SIM_EV_RAISE:
    case SIM_EV_CATCH:
        snprintf(buf, sizeof buf, "%s%s", e->kind == SIM_EV_RAISE ? "raise " : "caught: ",
                 cs_model_str(d->M, e->a));
        /* an exception only ever climbs (to the caller, drawn above) */
        badge_set(d, sv, slot_of(sv, e->c), buf, cs_model_str(d->M, e->a),
                  depth_y(sv, e->c) + d->L->em * 0.6f, depth_y(sv, e->c) - d->L->em * 0.6f,
                  e->kind == SIM_EV_RAISE ? th->error : th->st[CS_ST_RUNNING]);
        break;
    default:
        break;
    }
}

/* The badge's path, an arrow right of the boxes with a dot moving along
 * it, and its chip on the box it belongs to. */
static void draw_badge(dctx *d, const stackview *sv)
{
    const badge *b = &sv->b;
    if (b->at == AT_NONE)
        return;
    float x = sv->x + sv->w + d->L->em * 1.2f;
    d_arrow(d, x, b->y0, x, b->y1, 2.5f * d->L->scale, d->L->em * 0.7f, d_alpha(b->c, 200));
    d_disc(d, x, b->y0 + (b->y1 - b->y0) * d->v->anim, d->L->em * 0.3f, b->c);
    cs_rect r = slot_rect(d, sv, b->at);
    int right = r.x + r.w - (int)(4 * d->L->scale + 0.5f);  /* clear of a 3-scale border */
    d_chip_right(d, d->small_bold, right, chip_y(d, r, slot_one_row(d, sv, b->at)), b->label,
                 b->w, b->c, d_on(b->c));
}

/* The frame just popped drops away and fades; 1 when it is drawn. */
static int draw_popped_ghost(dctx *d, const stackview *sv)
{
    const sim_event *e = d->ev;
    if (!e || e->kind != SIM_EV_FRAME_POP || cs_model_coro(d->M, e->coro) != sv->coro
        || !d->M->st.popped.name)
        return 0;
    cs_rect g = slot_rect(d, sv, AT_GHOST);
    uint8_t a = (uint8_t)(255 * (1 - 0.7f * d->v->anim));
    draw_frame_box(d, sv, &d->M->st.popped, (slot){g.y, g.h}, 0, a, 0,
                   reserved(d, sv, AT_GHOST));
    if (e->a)
        d_box_w(d, g, d->th->error, 2);
    return 1;
}

/* Where the red chip of the exception in flight goes (the frame it is
 * passing through, the driver when it left the frames shown), unless
 * the event's own badge already names it there. */
static void pick_exception(dctx *d, stackview *sv)
{
    sv->exc_at = AT_NONE;
    sv->exc_w = 0;
    if (!sv->s || !sv->s->exc)
        return;
    int at = slot_of(sv, sv->s->exc_depth);
    const sim_event *e = d->ev;
    int moving = e && (e->kind == SIM_EV_RAISE || e->kind == SIM_EV_CATCH)
                 && cs_model_coro(d->M, e->coro) == sv->coro;  /* its badge names it */
    sv->exc_at = at;
    if (moving || sv->b.at == at)
        return;
    int max_w = (sv->w - 2 * d->L->pad) / 2 - reserved(d, sv, at);
    int w = d_chip_w(d, d->small_bold, sv->s->exc);
    sv->exc_w = w < max_w ? w : max_w > 0 ? max_w : 0;
}

/* A red border on the frame an exception is passing through, and its
 * chip left of the event's badge. */
static void draw_exception(dctx *d, const stackview *sv)
{
    if (sv->exc_at == AT_NONE)
        return;
    cs_rect r = slot_rect(d, sv, sv->exc_at);
    d_box_w(d, r, d->th->error, (int)(3 * d->L->scale + 0.5f));
    if (sv->exc_w <= cs_font_height(d->small_bold))
        return;
    int in = (int)(4 * d->L->scale + 0.5f);  /* clear of the 3-scale red border */
    int right = r.x + r.w - in - (sv->b.at == sv->exc_at ? sv->b.w + d->L->pad : 0);
    d_chip_right(d, d->small_bold, right, chip_y(d, r, slot_one_row(d, sv, sv->exc_at)),
                 sv->s->exc, sv->exc_w, d->th->error, d_on(d->th->error));
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
    pick_badge(d, &sv);
    pick_exception(d, &sv);
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
        draw_frame_box(d, &sv, &sv.s->fr[sv.first + i], sv.fr[i], top, a, dy,
                       reserved(d, &sv, i));
    }
    draw_await_links(d, &sv);
    int ghost = draw_popped_ghost(d, &sv);
    draw_exception(d, &sv);
    draw_badge(d, &sv);
    if (!sv.n && !ghost && d->focus >= 0)  /* a ghost says the frame just ended */
        d_wrap(d, d->body, (cs_rect){c.x, sv.driver.y + sv.driver.h + sv.gap, c.w, c.h},
               "no frame: the coroutine has not started or has ended", d->th->text_dim, 3);
    d_unclip(d);
}
