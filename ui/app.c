/*
 * app.c -- the coroscope window.
 *
 * The app owns one loaded scenario (cs_doc) and one view (cs_view) and
 * redraws only when something changed: a key, the mouse, the play clock,
 * an animation, or the watched file. Every control moves the model to a
 * frame with app_go(); the model seeks from checkpoints, so stepping back
 * costs what stepping forward does.
 *
 * Prediction mode (P) is a gate in app_go() (predict.h): moving forward
 * onto a print stops there with the print hidden behind "What is printed
 * next?", and the next forward key reveals it instead of moving.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "app.h"
#include "doc.h"
#include "draw.h"
#include "play.h"
#include "predict.h"
#include "render.h"

#define WATCH_MS 400        /* how often the scenario file is checked */
#define ANIM_MS 280.0       /* length of a frame's animation */

typedef struct cs_app {
    const cs_app_options *o;
    SDL_Window *win;
    SDL_Renderer *ren;
    cs_text *tx;
    cs_doc doc;
    cs_view v;
    cs_layout L;
    char banner[2048];
    char status[256];
    char **ptitles, **pfiles;  /* the picker's index */
    cs_picker_item *pitems;
    int npick;
    Uint64 last_tick;          /* performance counter of the last tick */
    double play_acc;           /* frames owed to playback */
    double anim_ms;            /* time since the frame changed */
    Uint32 next_watch;
    time_t seen_m;             /* stamp of the watched file last read */
    long long seen_size;
    int dragging;              /* left button seeking on the timeline */
    int panning, pan_x;        /* right button or shift-drag panning */
    double pan_x0, pan_x1;
    int dirty, quit;
} cs_app;

/* ---- frames --------------------------------------------------------------- */

static uint32_t app_frame(const cs_app *A)
{
    return A->doc.loaded ? cs_model_frame(&A->doc.M) : 0;
}

static uint32_t app_nframes(const cs_app *A)
{
    return A->doc.loaded ? A->doc.M.nframes : 0;
}

/* Move to frame f, through prediction mode's gate (predict.h): a forward
 * move may stop at a print and hide it, and pause the playback there. */
static void app_go(cs_app *A, uint32_t f)
{
    if (!A->doc.loaded)
        return;
    uint32_t cur = app_frame(A);
    int ask = A->v.predict_ask;
    f = cs_predict_move(&A->doc.M, A->v.predict, cur, f, &ask);
    if (ask && !A->v.predict_ask)
        A->v.playing = 0;
    A->v.predict_ask = ask;
    if (f != cur) {
        cs_model_seek(&A->doc.M, f);
        A->anim_ms = 0;
        cs_view_follow(&A->v, A->L.w, A->L.h);
    }
    A->dirty = 1;
}

static void app_step(cs_app *A, int delta)
{
    uint32_t f = app_frame(A);
    if (delta < 0)
        app_go(A, f >= (uint32_t)-delta ? f - (uint32_t)-delta : 0);
    else
        app_go(A, f + (uint32_t)delta);
}

/* ---- loading ---------------------------------------------------------------- */

/* Load path; on success it replaces the current scenario at frame keep
 * (clamped), on failure the current one stays and the banner says why. */
static int app_load(cs_app *A, const char *path, uint32_t keep)
{
    cs_doc nd;
    char err[sizeof A->banner];
    time_t m;
    long long size;
    cs_doc_stamp(path, &m, &size);
    int same = A->doc.path && strcmp(path, A->doc.path) == 0;
    int rc = cs_doc_load(&nd, path, err, sizeof err);
    if (rc == 0 || same) {  /* the watched file's stamp, tried once */
        A->seen_m = m;
        A->seen_size = size;
    }
    if (rc != 0) {
        fprintf(stderr, "%s\n%s", err, A->doc.loaded ? "coroscope: keeping the last good scenario\n" : "");
        snprintf(A->banner, sizeof A->banner, "%s", err);
        A->v.banner = A->banner;
        A->dirty = 1;
        return -1;
    }
    cs_doc_free(&A->doc);
    A->doc = nd;
    cs_view_open(&A->v, &A->doc.M, same);
    A->v.title = A->doc.sc->title ? A->doc.sc->title : A->doc.sc->name;
    A->v.file = A->doc.path;
    cs_model_seek(&A->doc.M, keep);
    if (same)
        fprintf(stderr, "coroscope: reloaded %s at frame %u\n", path, app_frame(A));
    char title[512];
    snprintf(title, sizeof title, "coroscope - %s", A->v.title);
    SDL_SetWindowTitle(A->win, title);
    A->dirty = 1;
    return 0;
}

/* Reload when the watched file changed (mtime or size), keeping the frame
 * position. A file that is empty or unreadable for a moment (an editor
 * saving it) is not a change; an invalid one is tried once per change. */
static void app_watch(cs_app *A)
{
    Uint32 now = SDL_GetTicks();
    if (!A->doc.path || now < A->next_watch)
        return;
    A->next_watch = now + WATCH_MS;
    time_t m;
    long long size;
    cs_doc_stamp(A->doc.path, &m, &size);
    if (size <= 0 || (m == A->seen_m && size == A->seen_size))
        return;
    A->seen_m = m;
    A->seen_size = size;
    char *path = strdup(A->doc.path);
    if (path)
        app_load(A, path, app_frame(A));
    free(path);
}

/* ---- the picker --------------------------------------------------------------- */

/* Open the picker on the scenario index (read once), the open scenario
 * selected when it is in the index. */
static void picker_open(cs_app *A)
{
    if (!A->pitems) {
        char err[512];
        A->npick = cs_doc_index(A->o->scenarios, &A->ptitles, &A->pfiles, err, sizeof err);
        if (A->npick < 0) {
            A->npick = 0;
            snprintf(A->banner, sizeof A->banner, "%s", err);
            A->v.banner = A->banner;
            A->dirty = 1;
            return;
        }
        A->pitems = calloc((size_t)A->npick + 1, sizeof *A->pitems);
        for (int i = 0; A->pitems && i < A->npick; i++)
            A->pitems[i] = (cs_picker_item){A->ptitles[i], A->pfiles[i]};
    }
    if (!A->pitems || !A->npick)
        return;
    A->v.picker = A->pitems;
    A->v.npicker = A->npick;
    int open = A->doc.loaded ? cs_doc_index_find(A->pfiles, A->npick, A->doc.path) : -1;
    if (open >= 0)
        A->v.picker_sel = open;
    A->dirty = 1;
}

/* Keys while the picker is open: move, open, close. */
static void picker_key(cs_app *A, SDL_Keycode k)
{
    int n = A->v.npicker;
    switch (k) {
    case SDLK_UP: A->v.picker_sel = (A->v.picker_sel + n - 1) % n; break;
    case SDLK_DOWN: A->v.picker_sel = (A->v.picker_sel + 1) % n; break;
    case SDLK_HOME: A->v.picker_sel = 0; break;
    case SDLK_END: A->v.picker_sel = n - 1; break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        A->v.picker = NULL;
        app_load(A, A->pitems[A->v.picker_sel].file, 0);
        break;
    case SDLK_ESCAPE:
    case SDLK_o: A->v.picker = NULL; break;
    default: return;
    }
    A->dirty = 1;
}

/* ---- keyboard ------------------------------------------------------------------ */

/* name as a file name part: a character other than a letter, digit, '.',
 * '-' or '_' becomes '_' (a scenario named "../x" or "a/b" must not make
 * the screenshot land in another folder). */
static void app_file_part(char *out, size_t n, const char *name)
{
    size_t i = 0;
    for (; name[i] && i + 1 < n; i++) {
        unsigned char c = (unsigned char)name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 (c == '-' || c == '_' || (c == '.' && i > 0));
        out[i] = ok ? (char)c : '_';
    }
    out[i] = 0;
}

/* Save the frame on screen as a PNG in the current folder. */
static void app_screenshot(cs_app *A)
{
    if (!A->doc.loaded)
        return;
    char path[512], err[512], part[200];
    app_file_part(part, sizeof part, A->doc.sc->name);
    snprintf(path, sizeof path, "coroscope-%s-frame-%u.png", part, app_frame(A));
    int w, h;
    SDL_GetRendererOutputSize(A->ren, &w, &h);
    cs_render *R = cs_render_new(w, h, A->o->assets, err, sizeof err);
    int rc = R ? cs_render_png(R, &A->v, path, err, sizeof err) : -1;
    cs_render_free(R);
    snprintf(A->status, sizeof A->status, rc == 0 ? "saved %s" : "cannot save: %s",
             rc == 0 ? path : err);
    A->v.status = A->status;
    A->dirty = 1;
}

/* + / -: playback speed times factor, said once, rounded, in the header. */
static void set_speed(cs_app *A, double factor)
{
    char s[32];
    A->v.speed = cs_speed_scale(A->v.speed, factor);
    cs_speed_text(A->v.speed, s, sizeof s);
    snprintf(A->status, sizeof A->status, "speed %s frames/s", s);
    A->v.status = A->status;
}

static void set_scale(cs_app *A, float factor)
{
    float s = A->v.scale > 0 ? A->v.scale : A->L.scale;
    A->v.scale = factor == 0 ? 0 : fmaxf(0.5f, fminf(6.0f, s * factor));
}

/* Fullscreen on the window's display. The window is also moved and sized
 * to the display itself: without a window manager (a bare X server, a
 * kiosk projector) the fullscreen flag alone leaves the window where it was
 * while the renderer draws for the whole display. */
static void set_fullscreen(SDL_Window *win, int on)
{
    SDL_Rect b;
    int disp = SDL_GetWindowDisplayIndex(win);
    if (on && disp >= 0 && SDL_GetDisplayBounds(disp, &b) == 0) {
        SDL_SetWindowPosition(win, b.x, b.y);
        SDL_SetWindowSize(win, b.w, b.h);
    }
    SDL_SetWindowFullscreen(win, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
}

static void toggle_fullscreen(cs_app *A)
{
    Uint32 fl = SDL_GetWindowFlags(A->win) & SDL_WINDOW_FULLSCREEN_DESKTOP;
    set_fullscreen(A->win, !fl);
    if (fl) {
        SDL_SetWindowBordered(A->win, SDL_TRUE);
        SDL_SetWindowSize(A->win, A->o->width > 0 ? A->o->width : 1400,
                          A->o->height > 0 ? A->o->height : 900);
    }
}

/* Keys that move in the trace. Returns 1 when k was one of them. */
static int nav_key(cs_app *A, SDL_Keycode k, int shift)
{
    uint32_t f = app_frame(A);
    const cs_model *M = &A->doc.M;
    int32_t focus = cs_view_focus(&A->v);
    switch (k) {
    case SDLK_RIGHT: app_go(A, shift ? cs_model_next_iter(M, f) : f + 1); break;
    case SDLK_LEFT: shift ? app_go(A, cs_model_prev_iter(M, f)) : app_step(A, -1); break;
    case SDLK_UP: app_go(A, cs_model_next_iter(M, f)); break;
    case SDLK_DOWN: app_go(A, cs_model_prev_iter(M, f)); break;
    case SDLK_PAGEDOWN: app_step(A, 100); break;
    case SDLK_PAGEUP: app_step(A, -100); break;
    case SDLK_HOME: app_go(A, 0); break;
    case SDLK_END: app_go(A, UINT32_MAX); break;
    case SDLK_n:
        app_go(A, shift ? cs_model_prev_of_task(M, f, focus) : cs_model_next_of_task(M, f, focus));
        break;
    default: return 0;
    }
    return 1;
}

/* Keys that change how things are shown. Returns 1 when k was one. */
static int view_key(cs_app *A, SDL_Keycode k, int shift, int ctrl)
{
    switch (k) {
    case SDLK_SPACE:
        if (A->v.predict_ask) {
            app_step(A, 1);
        } else {  /* at the last frame: replay from the first */
            uint32_t f = cs_play_toggle(&A->v.playing, app_frame(A), app_nframes(A));
            if (f != app_frame(A))
                app_go(A, f);
        }
        A->play_acc = 0;
        break;
    case SDLK_RETURN: app_step(A, 1); break;
    case SDLK_TAB: cs_view_select(&A->v, shift ? -1 : 1, A->L.w, A->L.h); break;
    case SDLK_t: A->v.theme = (A->v.theme + 1) % CS_NTHEMES; break;
    case SDLK_a:
        A->v.axis = A->v.axis == CS_AXIS_TIME ? CS_AXIS_STEPS : CS_AXIS_TIME;
        A->v.x0 = A->v.x1 = 0;
        break;
    case SDLK_p:
        A->v.predict = !A->v.predict;
        A->v.predict_ask = 0;
        snprintf(A->status, sizeof A->status, "prediction mode %s", A->v.predict ? "on" : "off");
        A->v.status = A->status;
        break;
    case SDLK_z: A->v.x0 = A->v.x1 = 0; break;   /* whole run */
    case SDLK_F11:
    case SDLK_f: toggle_fullscreen(A); break;
    case SDLK_o: picker_open(A); break;
    case SDLK_F1: A->v.help = !A->v.help; break;
    case SDLK_SLASH: if (shift) A->v.help = !A->v.help; break;
    case SDLK_s: if (ctrl) app_screenshot(A); break;
    case SDLK_0: if (ctrl) set_scale(A, 0); break;
    case SDLK_EQUALS:
    case SDLK_PLUS:
    case SDLK_KP_PLUS: ctrl ? set_scale(A, 1.15f) : set_speed(A, 1.5); break;
    case SDLK_MINUS:
    case SDLK_KP_MINUS: ctrl ? set_scale(A, 1 / 1.15f) : set_speed(A, 1 / 1.5); break;
    default: return 0;
    }
    return 1;
}

static void app_key(cs_app *A, const SDL_KeyboardEvent *e)
{
    SDL_Keycode k = e->keysym.sym;
    int shift = (e->keysym.mod & KMOD_SHIFT) != 0;
    int ctrl = (e->keysym.mod & (KMOD_CTRL | KMOD_GUI)) != 0;
    A->dirty = 1;
    if (A->v.picker) {
        picker_key(A, k);
        return;
    }
    if (k == SDLK_ESCAPE && A->v.help) {
        A->v.help = 0;
        return;
    }
    if (k == SDLK_ESCAPE || k == SDLK_q) {
        A->quit = 1;
        return;
    }
    if (!nav_key(A, k, shift))
        view_key(A, k, shift, ctrl);
}

/* ---- mouse ---------------------------------------------------------------------- */

/* Window coordinates -> drawable pixels (HiDPI). */
static void to_pixels(cs_app *A, int *x, int *y)
{
    int ww, wh, pw, ph;
    SDL_GetWindowSize(A->win, &ww, &wh);
    SDL_GetRendererOutputSize(A->ren, &pw, &ph);
    if (ww > 0 && wh > 0) {
        *x = *x * pw / ww;
        *y = *y * ph / wh;
    }
}

/* Axis value at pixel x of the lanes. */
static double axis_at(cs_app *A, int x)
{
    double x0, x1;
    cs_view_range(&A->v, &x0, &x1);
    cs_rect r = A->L.tl_lanes;
    double u = r.w > 0 ? (double)(x - r.x) / r.w : 0;
    return x0 + (u < 0 ? 0 : u > 1 ? 1 : u) * (x1 - x0);
}

static void seek_to_pixel(cs_app *A, int x)
{
    double a = axis_at(A, x);
    const cs_model *M = &A->doc.M;
    app_go(A, cs_view_axis(&A->v) == CS_AXIS_TIME ? cs_model_frame_at_time(M, a)
                                         : cs_model_frame_at_col(M, a));
}

/* The whole run's extent on the current axis. */
static double axis_end(const cs_app *A)
{
    const cs_model *M = &A->doc.M;
    double e = cs_view_axis(&A->v) == CS_AXIS_TIME ? M->t_end : M->col_end;
    return e > 0 ? e : 1;
}

/* Set the visible range to [a, b] kept inside the run. */
static void set_range(cs_app *A, double a, double b)
{
    double end = axis_end(A), w = b - a;
    if (w >= end || w <= 0) {
        A->v.x0 = A->v.x1 = 0;
        return;
    }
    if (a < 0)
        a = 0, b = w;
    if (b > end)
        b = end, a = end - w;
    A->v.x0 = a;
    A->v.x1 = b;
}

/* Wheel: over the lanes zoom around the pointer, over the names (or with
 * Shift) scroll the lanes. */
static void app_wheel(cs_app *A, int dy, int mx, int my)
{
    const cs_layout *L = &A->L;
    int over_names = cs_rect_has(L->tl_names, mx, my) || cs_rect_has(L->tl_scroll, mx, my);
    if (over_names || (SDL_GetModState() & KMOD_SHIFT)) {
        int vis = cs_layout_visible_lanes(L);
        int top = A->v.lane_top - dy * 3, max = (int)A->doc.M.nlanes - vis;
        A->v.lane_top = top > max ? (max > 0 ? max : 0) : top < 0 ? 0 : top;
    } else if (cs_rect_has(L->tl_lanes, mx, my) || cs_rect_has(L->tl_axis, mx, my)) {
        double x0, x1, c = axis_at(A, mx);
        cs_view_range(&A->v, &x0, &x1);
        double k = dy > 0 ? 0.8 : 1.25;
        double min_w = cs_view_axis(&A->v) == CS_AXIS_TIME ? 1e-4 : 2;
        if ((x1 - x0) * k < min_w)
            k = min_w / (x1 - x0);
        set_range(A, c - (c - x0) * k, c + (x1 - c) * k);
    }
    A->dirty = 1;
}

static void app_button(cs_app *A, const SDL_MouseButtonEvent *e)
{
    int x = e->x, y = e->y;
    to_pixels(A, &x, &y);
    const cs_layout *L = &A->L;
    int shift = (SDL_GetModState() & KMOD_SHIFT) != 0;
    if (e->button == SDL_BUTTON_RIGHT || (shift && e->button == SDL_BUTTON_LEFT)) {
        A->panning = 1;
        A->pan_x = x;
        cs_view_range(&A->v, &A->pan_x0, &A->pan_x1);
    } else if (e->button == SDL_BUTTON_LEFT && cs_rect_has(L->tl_names, x, y)) {
        int lane = cs_view_lane_at(&A->v, L, y);
        if (lane == 0)
            A->v.selected = -1;
        else if (lane >= 2)
            A->v.selected = A->v.selected == lane - 2 ? CS_SEL_FOLLOW : lane - 2;
        else if (lane == 1)
            A->v.selected = CS_SEL_FOLLOW;
    } else if (e->button == SDL_BUTTON_LEFT &&
               (cs_rect_has(L->tl_lanes, x, y) || cs_rect_has(L->tl_axis, x, y))) {
        A->dragging = 1;
        seek_to_pixel(A, x);
    }
    A->dirty = 1;
}

static void app_motion(cs_app *A, const SDL_MouseMotionEvent *e)
{
    int x = e->x, y = e->y;
    to_pixels(A, &x, &y);
    if (A->dragging) {
        seek_to_pixel(A, x);
    } else if (A->panning && A->L.tl_lanes.w > 0) {
        double d = (double)(x - A->pan_x) / A->L.tl_lanes.w * (A->pan_x1 - A->pan_x0);
        set_range(A, A->pan_x0 - d, A->pan_x1 - d);
        A->dirty = 1;
    }
}

/* ---- the loop ------------------------------------------------------------------- */

static void app_event(cs_app *A, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT: A->quit = 1; break;
    case SDL_KEYDOWN: app_key(A, &e->key); break;
    case SDL_MOUSEBUTTONDOWN: app_button(A, &e->button); break;
    case SDL_MOUSEBUTTONUP: A->dragging = A->panning = 0; break;
    case SDL_MOUSEMOTION: app_motion(A, &e->motion); break;
    case SDL_MOUSEWHEEL: {
        int x, y;
        SDL_GetMouseState(&x, &y);
        to_pixels(A, &x, &y);
        app_wheel(A, e->wheel.y, x, y);
        break;
    }
    case SDL_DROPFILE:
        app_load(A, e->drop.file, 0);
        SDL_free(e->drop.file);
        break;
    case SDL_WINDOWEVENT: A->dirty = 1; break;
    default: break;
    }
}

/* Advance the play clock and the animation by the time since the last
 * tick. Playback moves speed frames a second, several per tick when fast. */
static void app_tick(cs_app *A)
{
    Uint64 now = SDL_GetPerformanceCounter();
    double ms = A->last_tick ? (double)(now - A->last_tick) * 1000.0 / SDL_GetPerformanceFrequency() : 0;
    A->last_tick = now;
    if (A->anim_ms < ANIM_MS) {
        A->anim_ms += ms;
        A->dirty = 1;
    }
    if (!A->v.playing || !A->doc.loaded)
        return;
    A->play_acc += ms / 1000.0 * A->v.speed;
    if (A->play_acc >= 1) {
        uint32_t n = (uint32_t)A->play_acc;
        A->play_acc -= n;
        if (app_frame(A) + 1 >= app_nframes(A)) {
            A->v.playing = 0;  /* the header says so */
            A->dirty = 1;
        } else
            app_step(A, (int)(n > 1000000 ? 1000000 : n));
    }
}

static void app_draw(cs_app *A)
{
    double a = A->anim_ms / ANIM_MS;
    /* fast playback shows each frame settled */
    A->v.anim = (A->v.playing && A->v.speed > 8) || a >= 1 ? 1.0f : (float)a;
    cs_draw(A->ren, A->tx, &A->v, &A->L);
    SDL_RenderPresent(A->ren);
    A->dirty = 0;
}

/* Create the window on the chosen display, and its renderer and fonts. */
static int app_open(cs_app *A)
{
    const cs_app_options *o = A->o;
    int nd = SDL_GetNumVideoDisplays(), disp = o->display < nd ? o->display : 0;
    if (o->display >= nd && nd > 0)
        fprintf(stderr, "coroscope: --display %d: there %s %d display%s (0 to %d); opening on 0\n",
                o->display, nd == 1 ? "is" : "are", nd, nd == 1 ? "" : "s", nd - 1);
    int w = o->width > 0 ? o->width : 1400, h = o->height > 0 ? o->height : 900;
    Uint32 fl = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    int x = SDL_WINDOWPOS_CENTERED_DISPLAY(disp), y = x, full = o->present || o->fullscreen;
    SDL_Rect b;
    if (full && SDL_GetDisplayBounds(disp, &b) == 0) {  /* born covering the display */
        x = b.x, y = b.y, w = b.w, h = b.h;
        fl |= SDL_WINDOW_BORDERLESS;
    }
    A->win = SDL_CreateWindow("coroscope", x, y, w, h, fl);
    if (!A->win)
        return -1;
    if (full)
        set_fullscreen(A->win, 1);
    SDL_SetWindowMinimumSize(A->win, 640, 480);
    A->ren = SDL_CreateRenderer(A->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (!A->ren)
        A->ren = SDL_CreateRenderer(A->win, -1, SDL_RENDERER_SOFTWARE);
    if (!A->ren)
        return -1;
    A->tx = cs_text_new(A->ren, o->assets);
    return A->tx ? 0 : -1;
}

static void app_close(cs_app *A)
{
    cs_doc_free(&A->doc);
    cs_doc_index_free(A->ptitles, A->pfiles, A->npick);
    free(A->pitems);
    if (A->tx)
        cs_text_free(A->tx);
    if (A->ren)
        SDL_DestroyRenderer(A->ren);
    if (A->win)
        SDL_DestroyWindow(A->win);
}

/* The first scenario to show: the one asked for, else the picker's first. */
static void app_first(cs_app *A)
{
    const char *path = A->o->scenario;
    if (!path) {
        picker_open(A);
        path = A->npick ? A->pfiles[0] : NULL;
        A->v.picker = NULL;
    }
    if (path && app_load(A, path, A->o->frame > 0 ? (uint32_t)A->o->frame : 0) == 0) {
        uint32_t n = A->doc.M.nframes;
        if (A->o->frame != (long)UINT32_MAX && A->o->frame >= (long)n && n)
            fprintf(stderr, "coroscope: --frame %ld: the run has %u frames (0 to %u); "
                            "showing the last\n", A->o->frame, n, n - 1);
        return;
    }
    if (!path)
        picker_open(A);
}

int cs_app_run(const cs_app_options *o)
{
    cs_app *A = calloc(1, sizeof *A);
    if (!A)
        return 2;
    A->o = o;
    cs_view_init(&A->v);
    A->v.present = o->present;
    A->v.scale = o->scale;
    A->v.theme = o->theme >= 0 ? o->theme : o->present ? CS_THEME_CONTRAST : CS_THEME_LIGHT;
    int rc = 0;
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0 || app_open(A) != 0) {
        fprintf(stderr, "coroscope: cannot open a window: %s\n", SDL_GetError());
        rc = 2;
    } else {
        app_first(A);
        while (!A->quit) {
            SDL_Event e;
            int busy = A->dirty || A->v.playing || A->anim_ms < ANIM_MS;
            if (SDL_WaitEventTimeout(&e, busy ? 1 : WATCH_MS / 2))
                do
                    app_event(A, &e);
                while (!A->quit && SDL_PollEvent(&e));
            app_watch(A);
            app_tick(A);
            if (A->dirty)
                app_draw(A);
        }
    }
    app_close(A);
    free(A);
    SDL_Quit();
    return rc;
}
