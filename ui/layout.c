/*
 * layout.c -- the panels of the window.
 *
 *   +-----------------------------------------------------------+
 *   | header: title                 frame / t / iteration / play |
 *   | banner (only when the watched file is invalid)             |
 *   | narration: one plain sentence                              |
 *   +--------------------------------------+--------------------+
 *   | timeline: lanes over time or steps   | stack of the       |
 *   |                                      | selected task      |
 *   +-------------+-----------+-----------+--------------------+
 *   | source      | loop      | queues    | console            |
 *   +-------------+-----------+-----------+--------------------+
 */
#include "layout.h"

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

float cs_layout_auto_scale(int w, int h, int present)
{
    float s = present ? h / 600.0f : h / 900.0f;
    float sw = present ? w / 880.0f : w / 1400.0f;
    if (sw < s)
        s = sw;
    if (s < (present ? 1.2f : 0.8f))
        s = present ? 1.2f : 0.8f;
    return s > 5.0f ? 5.0f : s;
}

int cs_rect_has(cs_rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

/* The narrowest names column: room for "event loop" and a short task
 * name (wider when the lanes' labels ask, see cs_layout_names). */
static int names_min(const cs_layout *L)
{
    return clampi(L->em * 8, 60, L->timeline.w / 3);
}

/* Split the timeline panel into axis, names (names pixels wide), lanes
 * and scroll bar. */
static void timeline_parts(cs_layout *L, int names)
{
    cs_rect t = L->timeline;
    int title = L->em + L->pad;
    int axis = L->small + L->pad;
    int bar = clampi(L->em / 2, 6, 24);
    L->tl_axis = (cs_rect){t.x + names, t.y + title, t.w - names - bar, axis};
    int ly = t.y + title + axis;
    int lh = t.y + t.h - ly;
    L->tl_names = (cs_rect){t.x, ly, names, lh};
    L->tl_lanes = (cs_rect){t.x + names, ly, t.w - names - bar, lh};
    L->tl_scroll = (cs_rect){t.x + t.w - bar, ly, bar, lh};
    L->lane_h = clampi((int)(L->em * (L->present ? 1.5f : 1.7f)), 12, 240);
}

/* The four panels of the bottom row, left to right. */
static void bottom_row(cs_layout *L, int x, int y, int w, int h, int has_queues)
{
    int p = L->pad;
    /* the listing gets the most: a cut line of code hides what it does */
    int src = (int)(w * (has_queues ? 0.30f : 0.34f));
    int loop = (int)(w * (has_queues ? 0.22f : 0.25f));
    int q = has_queues ? (int)(w * 0.23f) : 0;
    L->source = (cs_rect){x, y, src - p, h};
    L->loop = (cs_rect){x + src, y, loop - p, h};
    L->queues = (cs_rect){x + src + loop, y, q ? q - p : 0, h};
    int cx = x + src + loop + q;
    L->console = (cs_rect){cx, y, x + w - cx, h};
}

void cs_layout_compute(cs_layout *L, int w, int h, float scale, int present,
                       int has_queues, int banner)
{
    if (scale <= 0)
        scale = cs_layout_auto_scale(w, h, present);
    L->w = w;
    L->h = h;
    L->scale = scale;
    L->present = present;
    L->em = clampi((int)(15 * scale + 0.5f), 8, 200);
    L->small = clampi((int)(12.5f * scale + 0.5f), 7, 170);
    L->big = clampi((int)((present ? 21 : 18) * scale + 0.5f), 9, 260);
    L->huge = clampi((int)((present ? 24 : 17) * scale + 0.5f), 9, 300);
    L->pad = clampi((int)(6 * scale + 0.5f), 2, 40);
    int p = L->pad;
    int y = p;
    int hh = (L->huge > L->em ? L->huge : L->em) + p;
    L->header = (cs_rect){p, y, w - 2 * p, hh};
    y += hh + p;
    int bh = banner > 0 ? L->em * 6 / 5 * banner + p : 0;  /* a line of small bold */
    L->banner = (cs_rect){p, y, w - 2 * p, bh};
    y += bh ? bh + p : 0;
    int nh = (int)(L->big * 2.5f) + p;
    L->narration = (cs_rect){p, y, w - 2 * p, nh};
    y += nh + p;
    int body = h - y - p;
    int top = (int)(body * (present ? 0.50f : 0.55f));
    int stack_w = clampi((int)(w * 0.30f), L->em * 14, w / 2);
    L->timeline = (cs_rect){p, y, w - 3 * p - stack_w, top};
    L->stack = (cs_rect){w - p - stack_w, y, stack_w, top};
    timeline_parts(L, names_min(L));
    y += top + p;
    bottom_row(L, p, y, w - 2 * p, h - y - p, has_queues);
}

/* At most 28% of the timeline goes to the names: the lanes stay the
 * larger part even for long coroutine names. */
void cs_layout_names(cs_layout *L, int want)
{
    int lo = names_min(L), hi = L->timeline.w * 28 / 100;
    timeline_parts(L, clampi(want, lo, hi > lo ? hi : lo));
}

int cs_layout_visible_lanes(const cs_layout *L)
{
    return L->lane_h > 0 ? L->tl_lanes.h / L->lane_h : 0;
}
