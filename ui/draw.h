/*
 * draw.h -- drawing one frame of the visualizer into an SDL_Renderer.
 *
 * The same code draws the window and the headless PNGs: everything it
 * needs is in a cs_view (what to show) and the model (at the frame).
 */
#ifndef UI_DRAW_H
#define UI_DRAW_H

#include <SDL.h>

#include "layout.h"
#include "model.h"
#include "text.h"

typedef enum cs_axis { CS_AXIS_TIME, CS_AXIS_STEPS } cs_axis;

#define CS_SEL_FOLLOW (-100)   /* show the task the frame is about */

typedef struct cs_picker_item {
    const char *title;
    const char *file;
} cs_picker_item;

/* What to draw; all pointers are borrowed. */
typedef struct cs_view {
    cs_model *M;               /* NULL: nothing loaded yet */
    const char *title;         /* scenario title */
    const char *file;          /* scenario file name */
    int theme;                 /* cs_theme_id */
    float scale;               /* <= 0: automatic */
    int present;               /* classroom layout */
    int axis;                  /* cs_axis */
    double x0, x1;             /* visible axis range; x1 <= x0: the whole run */
    int lane_top;              /* first lane shown (0 = main) */
    int32_t selected;          /* task, -1 main, or CS_SEL_FOLLOW */
    float anim;                /* progress of the frame's animation, 0..1 */
    int playing;
    double speed;              /* frames per second when playing */
    const char *banner;        /* error to show above everything, or NULL */
    int help;                  /* the key overlay */
    const cs_picker_item *picker;  /* the scenario picker, or NULL */
    int npicker, picker_sel;
    const char *status;        /* a short message in the header, or NULL */
    /* prediction mode (key P): the console and the future of the timeline
     * are hidden; at a print the window asks "What is printed next?"
     * until the teacher reveals it. */
    int predict;
    int predict_ask;           /* 1: the current frame's print is hidden
                                  behind the question */
} cs_view;

/* Defaults: light theme, automatic scale, time axis, whole run, follow. */
void cs_view_init(cs_view *v);

/* v shows model M, just loaded: no error banner, no print hidden; when it
 * is another scenario than the one shown (same = 0), at the default speed,
 * following the running task, from the first lane, with no status. */
void cs_view_open(cs_view *v, cs_model *M, int same);

/* Draw v into r (whose output size gives the layout) and return the layout
 * used in *L (may be NULL). tx must belong to r. */
void cs_draw(SDL_Renderer *r, cs_text *tx, const cs_view *v, cs_layout *L);

/* The task whose stack and source line are shown at the model's frame:
 * the selected one, or when following, the one the frame is about (the
 * last task that did something, main outside the loop). */
int32_t cs_view_focus(const cs_view *v);

/* The axis the timeline really uses: v->axis, except that a run whose
 * events all happen at t=0 (coroutines driven by hand, no loop) is shown
 * over steps, the whole run. Map mouse positions with this one. */
int cs_view_axis(const cs_view *v);

/* When following (selected = CS_SEL_FOLLOW), scroll v's lanes so the
 * focused task's lane is in view in a w x h drawing (in a run of thousands
 * it is usually not); otherwise leave them. */
void cs_view_follow(cs_view *v, int w, int h);

/* Tab (dir 1) / Shift+Tab (dir -1): select the next / previous of follow,
 * main, Task-1, ..., and scroll v's lanes so the lane selected (when
 * following, the focused one) is in view in a w x h drawing. */
void cs_view_select(cs_view *v, int dir, int w, int h);

/* The visible axis range of v ([x0, x1], the whole run when unset). */
void cs_view_range(const cs_view *v, double *x0, double *x1);
/* Axis value of frame f (time or step column). */
double cs_view_frame_x(const cs_view *v, uint32_t f);
/* Lane index (0 main, 1 loop, 2 + task) at pixel y of the timeline, or -1. */
int cs_view_lane_at(const cs_view *v, const cs_layout *L, int y);

#endif
