/*
 * layout.h -- where each panel goes for a window size and a UI scale (no
 * SDL). The window and the headless renderer use the same layout, and the
 * app uses it to tell what the mouse is over.
 */
#ifndef UI_LAYOUT_H
#define UI_LAYOUT_H

typedef struct cs_rect {
    int x, y, w, h;
} cs_rect;

typedef struct cs_layout {
    int w, h;           /* drawable size in pixels */
    float scale;        /* UI scale actually used */
    int em;             /* body text size in pixels */
    int small;          /* secondary text */
    int big;            /* narration text */
    int huge;           /* the frame / time readout in present mode */
    int pad;            /* gap between panels */
    int present;
    cs_rect header;     /* title, frame / time / iteration readout */
    cs_rect banner;     /* error banner (h = 0 when none) */
    cs_rect narration;
    cs_rect timeline;   /* the whole timeline panel */
    cs_rect tl_axis;    /*   the axis above the lanes */
    cs_rect tl_names;   /*   lane names on the left */
    cs_rect tl_lanes;   /*   the lanes themselves */
    cs_rect tl_scroll;  /*   the vertical scroll bar */
    int lane_h;         /*   height of one lane */
    cs_rect stack;
    cs_rect source;
    cs_rect loop;
    cs_rect queues;     /* w = 0 when the scenario has no queue */
    cs_rect console;
} cs_layout;

/* Scale for a drawable of h pixels when none is given: present mode is
 * larger (legible from the back of a room). */
float cs_layout_auto_scale(int w, int h, int present);

/* Lay out a w x h drawable at scale (<= 0: automatic), with an error
 * banner of banner lines (0: none). */
void cs_layout_compute(cs_layout *L, int w, int h, float scale, int present,
                       int has_queues, int banner);

/* Widen the timeline's names column to want pixels, within bounds (at
 * most 28% of the timeline), moving the axis and lanes right. */
void cs_layout_names(cs_layout *L, int want);

/* Is (x, y) inside r? */
int cs_rect_has(cs_rect r, int x, int y);

/* Lanes that fit in the timeline. */
int cs_layout_visible_lanes(const cs_layout *L);

#endif
