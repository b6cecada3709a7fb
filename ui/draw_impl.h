/*
 * draw_impl.h -- shared by the drawing files: the drawing context of one
 * frame and the primitives (rectangles, hatching, arrows, chips, text).
 */
#ifndef UI_DRAW_IMPL_H
#define UI_DRAW_IMPL_H

#include "draw.h"
#include "theme.h"

typedef struct dctx {
    SDL_Renderer *r;
    cs_text *tx;
    const cs_view *v;
    cs_model *M;
    const cs_theme *th;
    const cs_layout *L;
    cs_font *body, *bold, *small, *small_bold, *mono, *mono_small, *big, *huge;
    uint32_t frame;
    const sim_event *ev;       /* event of the frame: &ev_now, NULL when empty */
    sim_event ev_now;
    int32_t focus;             /* task whose stack is shown, -1 main */
} dctx;

/* ---- primitives (draw_prim.c) ------------------------------------------- */
void d_color(dctx *d, cs_rgba c);
void d_fill(dctx *d, cs_rect r, cs_rgba c);
void d_box(dctx *d, cs_rect r, cs_rgba c);          /* 1 px outline */
void d_box_w(dctx *d, cs_rect r, cs_rgba c, int w); /* w px outline */
void d_line(dctx *d, int x1, int y1, int x2, int y2, cs_rgba c);
void d_thick_line(dctx *d, float x1, float y1, float x2, float y2, float w, cs_rgba c);
/* Diagonal stripes every step pixels inside r. */
void d_hatch(dctx *d, cs_rect r, cs_rgba c, int step);
void d_tri(dctx *d, float x1, float y1, float x2, float y2, float x3, float y3, cs_rgba c);
/* Arrow from (x1,y1) to (x2,y2) with a head of size head. */
void d_arrow(dctx *d, float x1, float y1, float x2, float y2, float w, float head, cs_rgba c);
void d_disc(dctx *d, float cx, float cy, float rad, cs_rgba c);
/* A label in a filled box at (x, y); returns its width. */
int d_chip(dctx *d, cs_font *f, int x, int y, const char *s, cs_rgba bg, cs_rgba fg);
int d_chip_w(dctx *d, cs_font *f, const char *s);
/* d_chip ending at x_right, at most max_w wide (the label cut to fit). */
int d_chip_right(dctx *d, cs_font *f, int x_right, int y, const char *s, int max_w,
                 cs_rgba bg, cs_rgba fg);
/* Panel background and title; returns the content rectangle. */
cs_rect d_panel(dctx *d, cs_rect r, const char *title, const char *note);
void d_clip(dctx *d, cs_rect r);
void d_unclip(dctx *d);
cs_rgba d_mix(cs_rgba a, cs_rgba b, float t);   /* a..b */
cs_rgba d_alpha(cs_rgba c, uint8_t a);
/* Black or white, whichever reads better on bg. */
cs_rgba d_on(cs_rgba bg);
/* Draw s wrapped into r's width from its top; returns the height used. */
int d_wrap(dctx *d, cs_font *f, cs_rect r, const char *s, cs_rgba c, int max_lines);

/* ---- parts of the frame ------------------------------------------------- */
void d_timeline(dctx *d);
void d_stack(dctx *d);
void d_loop_panel(dctx *d);
void d_queues(dctx *d);
void d_console(dctx *d);
void d_source(dctx *d);

/* The legend of the timeline's states (draw_timeline.c): a word for the
 * title row, a phrase for the help. */
typedef struct d_legend {
    int st;
    const char *brief, *what;
} d_legend;
#define D_NLEGEND 10
extern const d_legend d_legend_rows[D_NLEGEND];
/* State st drawn exactly as a lane draws it, filling row (a lane's
 * height and some width). */
void d_state_swatch(dctx *d, int st, cs_rect row);
/* The late part of a sleeping segment (its timer due, nobody gives the
 * task the loop) as a lane draws it, filling row. */
void d_late_swatch(dctx *d, cs_rect row);
/* The mark of an interrupt (Ctrl-C) at x on a lane's row. */
void d_interrupt_mark(dctx *d, int x, cs_rect row);

/* The width the timeline's names column asks for (draw_timeline.c). */
int d_names_want(const dctx *d);

/* A virtual time for people: "0.55", "2.0", "1999.5" (at most three
 * decimals, at least one). */
void d_fmt_time(double t, char *buf, size_t n);

/* Names used in several panels. */
const char *d_task_name(const dctx *d, int32_t task);   /* "main" for -1 */
const char *d_handle_kind(int kind);

#endif
