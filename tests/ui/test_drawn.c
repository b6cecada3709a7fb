/*
 * test_drawn.c -- where the drawing puts its text, measured on rendered
 * frames: every string drawn is recorded (cs_text_record) with the box it
 * covers, and each test checks a rule a reader relies on (a label stays
 * inside its segment, a badge never covers a frame's text, a lane keeps
 * its task's name, ...). The scenarios are in tests/ui/scenes/.
 */
#include <stdlib.h>

#include "doc.h"
#include "fallback.h"
#include "render.h"
#include "theme.h"
#include "test.h"

#define MAXRECS 8192

/* One frame drawn, with the strings it drew. */
typedef struct drawn {
    cs_doc d;
    cs_render *R;
    cs_view v;
    const cs_layout *L;
    cs_text_rec *recs;
    int n;
} drawn;

/* Load scene (a file of tests/ui/scenes, or a path from the scenarios
 * folder when it starts with "../") and draw frame f (UINT32_MAX: the
 * last) at w x h; 0, or -1 with the reason on stderr. */
static int drawn_open(drawn *D, const char *scene, uint32_t f, int w, int h)
{
    char path[1024], err[4096];
    if (!strncmp(scene, "../", 3))
        snprintf(path, sizeof path, "%s/%s", COROSCOPE_SCENARIOS, scene + 3);
    else
        snprintf(path, sizeof path, "%s/%s", COROSCOPE_UI_SCENES, scene);
    memset(D, 0, sizeof *D);
    if (cs_doc_load(&D->d, path, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    D->R = cs_render_new(w, h, COROSCOPE_ASSETS, err, sizeof err);
    D->recs = calloc(MAXRECS, sizeof *D->recs);
    if (!D->R || !D->recs) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    cs_view_init(&D->v);
    D->v.M = &D->d.M;
    D->v.title = D->d.sc->title;
    D->v.file = scene;
    D->v.anim = 0.5f;  /* as coroscope render draws stills */
    cs_model_seek(&D->d.M, f < D->d.M.nframes ? f : D->d.M.nframes - 1);
    cs_view_follow(&D->v, w, h);  /* as coroscope render does */
    D->L = cs_render_layout(D->R);
    return 0;
}

/* Draw D's view again (after a change of it), recording its strings.
 * With COROSCOPE_DRAWN_DIR set, the frame is also saved there as
 * drawn-NAME.png, to look at. */
static void drawn_draw_as(drawn *D, const char *name)
{
    int pitch;
    cs_text_record(cs_render_text(D->R), D->recs, MAXRECS, &D->n);
    cs_render_pixels(D->R, &D->v, &pitch);
    cs_text_record(cs_render_text(D->R), NULL, 0, NULL);
    if (D->n > MAXRECS)
        D->n = MAXRECS;
    const char *dir = getenv("COROSCOPE_DRAWN_DIR");
    if (dir && name) {
        char path[1024], err[512];
        snprintf(path, sizeof path, "%s/drawn-%s.png", dir, name);
        if (cs_render_png(D->R, &D->v, path, err, sizeof err) != 0)
            fprintf(stderr, "%s\n", err);
    }
}

static void drawn_draw(drawn *D)
{
    drawn_draw_as(D, NULL);
}

static void drawn_close(drawn *D)
{
    cs_render_free(D->R);
    free(D->recs);
    cs_doc_free(&D->d);
}

/* Do a and b overlap (both drawn, w > 0)? */
static int recs_overlap(const cs_text_rec *a, const cs_text_rec *b)
{
    return a->w > 0 && b->w > 0 && a->x < b->x + b->w && b->x < a->x + a->w &&
           a->y < b->y + b->h && b->y < a->y + a->h;
}

/* Is rec's box inside r? */
static int rec_inside(const cs_text_rec *rec, cs_rect r)
{
    return rec->x >= r.x && rec->y >= r.y && rec->x + rec->w <= r.x + r.w &&
           rec->y + rec->h <= r.y + r.h;
}

/* The first string drawn inside r that starts with prefix, or NULL. */
static const cs_text_rec *find_rec(const drawn *D, cs_rect r, const char *prefix)
{
    for (int i = 0; i < D->n; i++)
        if (D->recs[i].w > 0 && rec_inside(&D->recs[i], r) &&
            !strncmp(D->recs[i].s, prefix, strlen(prefix)))
            return &D->recs[i];
    return NULL;
}

/* Two strings drawn over each other inside r, among those drawn from
 * the from-th on: 0 when none, else -1 (printed). */
static int overlaps_from(const drawn *D, cs_rect r, int from)
{
    for (int i = from; i < D->n; i++) {
        if (!rec_inside(&D->recs[i], r))
            continue;
        for (int j = i + 1; j < D->n; j++)
            if (rec_inside(&D->recs[j], r) && recs_overlap(&D->recs[i], &D->recs[j])) {
                fprintf(stderr, "'%s' (%d,%d %dx%d) and '%s' (%d,%d %dx%d) overlap\n",
                        D->recs[i].s, D->recs[i].x, D->recs[i].y, D->recs[i].w, D->recs[i].h,
                        D->recs[j].s, D->recs[j].x, D->recs[j].y, D->recs[j].w, D->recs[j].h);
                return -1;
            }
    }
    return 0;
}

static int overlaps_in(const drawn *D, cs_rect r)
{
    return overlaps_from(D, r, 0);
}

/* Pixel x of virtual time t on D's time axis (the whole run shown). */
static double time_px(const drawn *D, double t)
{
    double x0, x1;
    cs_view_range(&D->v, &x0, &x1);
    return D->L->tl_lanes.x + (t - x0) / (x1 - x0) * D->L->tl_lanes.w;
}

/* Every label drawn on the lanes of D (time axis, lanes from the first)
 * starts in a segment of its lane and ends inside it (before its late
 * part): none runs into the next one. Returns the number checked, -1 on
 * a violation (printed). */
static int labels_in_segments(const drawn *D)
{
    const cs_layout *L = D->L;
    const cs_model *M = &D->d.M;
    int checked = 0;
    for (int i = 0; i < D->n; i++) {
        const cs_text_rec *r = &D->recs[i];
        if (r->w == 0 || !rec_inside(r, L->tl_lanes) || !strcmp(r->s, "new task"))
            continue;
        uint32_t lane = (uint32_t)((r->y + r->h / 2 - L->tl_lanes.y) / L->lane_h + D->v.lane_top);
        if (lane >= M->nlanes)
            continue;
        const cs_lane *ln = &M->lanes[lane];
        int ok = 0;
        for (uint32_t k = 0; k < ln->nseg && !ok; k++) {
            const cs_seg *s = &ln->segs[k];
            double a = time_px(D, s->t0), b = time_px(D, s->t1);
            int late = s->st == CS_ST_SLEEPING && s->late_e < s->e1;
            double end = late && !strncmp(r->s, "sleep", 5) ? time_px(D, s->when) : b;
            if (late && !strncmp(r->s, "late", 4))
                a = time_px(D, s->when);
            ok = r->x >= a - 1 && r->x < b && r->x + r->w <= end + 1;
        }
        if (!ok) {
            fprintf(stderr, "lane %u: label '%s' at x %d..%d is not inside one segment\n", lane,
                    r->s, r->x, r->x + r->w);
            return -1;
        }
        checked++;
    }
    return checked;
}

/* Overdue timers: Task-3's 0.1 s sleep is followed by its late part;
 * its label is cut to its own segment, not drawn under "late 0.4 s". */
TEST_IMPL(drawn_labels_stay_in_segments)
{
    static const struct { const char *scene; uint32_t frame; int w, h; } cases[] = {
        {"17-block-overdue-timers.json", 100, 1920, 1080},
        {"17-block-overdue-timers.json", 100, 1280, 720},
        {"../04-famine.json", UINT32_MAX, 1280, 720},
        {"../13-queue-window.json", UINT32_MAX, 1920, 1080},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        drawn D;
        ASSERT_EQ_INT(0, drawn_open(&D, cases[c].scene, cases[c].frame, cases[c].w, cases[c].h));
        drawn_draw(&D);
        int n = labels_in_segments(&D);
        if (n < 0)
            TEST_FAIL_("%s frame %u at %dx%d: a label leaves its segment", cases[c].scene,
                       cases[c].frame, cases[c].w, cases[c].h);
        ASSERT(n >= 3);
        drawn_close(&D);
    }
    return 0;
}

/* Each task lane's name drawn in D starts with the task's name, whole
 * ("Task-7") or short ("T-7"), followed by a space or its end; the
 * number of task lanes checked, or -1 (printed). */
static int lanes_keep_task_names(const drawn *D)
{
    const cs_layout *L = D->L;
    const cs_model *M = &D->d.M;
    int checked = 0;
    for (int i = 0; i < D->n; i++) {
        const cs_text_rec *r = &D->recs[i];
        if (r->w == 0 || !rec_inside(r, L->tl_names))
            continue;
        int lane = (r->y + r->h / 2 - L->tl_lanes.y) / L->lane_h + D->v.lane_top;
        if (lane < 2 || (uint32_t)lane >= M->nlanes)
            continue;
        const char *name = M->tasks[lane - 2].name;
        char brief[64];
        snprintf(brief, sizeof brief, "T-%s", strncmp(name, "Task-", 5) ? "" : name + 5);
        size_t k = strlen(name), b = strlen(brief);
        int whole = !strncmp(r->s, name, k) && (r->s[k] == ' ' || !r->s[k]);
        int shortened = b > 2 && !strncmp(r->s, brief, b) && (r->s[b] == ' ' || !r->s[b]);
        if (!whole && !shortened) {
            fprintf(stderr, "lane %d of %s is labelled '%s'\n", lane, name, r->s);
            return -1;
        }
        checked++;
    }
    return checked;
}

/* The shutdown tasks' lanes keep "Task-6"/"T-6" when their long
 * function names do not fit: the function name is cut instead. */
TEST_IMPL(drawn_lanes_keep_task_names)
{
    static const struct { const char *scene; uint32_t frame; int w, h, present; } cases[] = {
        {"../11-cancel.json", 120, 1920, 1080, 1},
        {"17-block-overdue-timers.json", 100, 1400, 900, 0},
        {"17-block-overdue-timers.json", 100, 800, 600, 0},
        {"../08-fork.json", 50, 320, 240, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        drawn D;
        ASSERT_EQ_INT(0, drawn_open(&D, cases[c].scene, cases[c].frame, cases[c].w, cases[c].h));
        D.v.present = cases[c].present;
        drawn_draw(&D);
        int n = lanes_keep_task_names(&D);
        if (n < 0)
            TEST_FAIL_("%s at %dx%d: a lane lost its task's name", cases[c].scene, cases[c].w,
                       cases[c].h);
        ASSERT(n >= 2);  /* at 320x240: T-1 and T-2 */
        drawn_close(&D);
    }
    return 0;
}

/* In every frame of these runs no string of the stack panel is drawn
 * over another: the badges ("yield ...", "returns ...", an exception)
 * sit beside the frame text, never on it. */
TEST_IMPL(drawn_stack_badges_clear_of_text)
{
    static const struct { const char *scene; int w, h; } cases[] = {
        {"15-deep-stack.json", 1280, 720},
        {"17-block-overdue-timers.json", 1920, 1080},
        {"../06-stack-w1-w4.json", 1280, 720},
        {"../08-fork.json", 1024, 768},
        {"../10-task-outcomes.json", 1280, 720},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        drawn D;
        ASSERT_EQ_INT(0, drawn_open(&D, cases[c].scene, 0, cases[c].w, cases[c].h));
        for (uint32_t f = 0; f < D.d.M.nframes; f++) {
            cs_model_seek(&D.d.M, f);
            drawn_draw(&D);
            if (overlaps_in(&D, D.L->stack) != 0)
                TEST_FAIL_("%s frame %u at %dx%d: text drawn over text in the stack",
                           cases[c].scene, f, cases[c].w, cases[c].h);
        }
        drawn_close(&D);
    }
    return 0;
}

/* The yield of a 13-frame recursion sits on the yielding frame
 * (Future.__await__, the innermost); when hog() returns, its badge is on
 * the fading hog() box and no "no frame" sentence contradicts it. */
TEST_IMPL(drawn_stack_badge_beside_its_frame)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "15-deep-stack.json", 67, 1920, 1080));
    drawn_draw(&D);
    const cs_text_rec *y = find_rec(&D, D.L->stack, "yield <Future");
    const cs_text_rec *fut = find_rec(&D, D.L->stack, "Future.__await__");
    ASSERT(y && fut);
    ASSERT(y->y < fut->y + fut->h && fut->y < y->y + y->h);
    ASSERT(y->x > fut->x + fut->w);
    drawn_close(&D);
    ASSERT_EQ_INT(0, drawn_open(&D, "17-block-overdue-timers.json", 100, 1920, 1080));
    drawn_draw(&D);
    const cs_text_rec *ret = find_rec(&D, D.L->stack, "returns None");
    const cs_text_rec *hog = find_rec(&D, D.L->stack, "hog()");
    ASSERT(ret && hog);
    ASSERT(ret->y < hog->y + hog->h && hog->y < ret->y + ret->h);
    ASSERT(find_rec(&D, D.L->stack, "no frame") == NULL);
    drawn_close(&D);
    return 0;
}

/* At the smallest size the stack still shows the running task's
 * innermost frame (c2() at 12), not a false "no frame". */
TEST_IMPL(drawn_stack_small_shows_innermost)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "../08-fork.json", 50, 320, 240));
    drawn_draw(&D);
    ASSERT(find_rec(&D, D.L->stack, "c2()") != NULL);
    ASSERT(find_rec(&D, D.L->stack, "no frame") == NULL);
    drawn_close(&D);
    return 0;
}

/* The help at the window's default size and smaller: the key rows are
 * whole sentences, the legend explains the late part and the "new task"
 * chip; the title row's legend keeps all its states at 1400x900. */
TEST_IMPL(drawn_help_and_legend)
{
    static const int sizes[][2] = {{1400, 900}, {1280, 720}, {1920, 1080}};
    for (size_t c = 0; c < sizeof sizes / sizeof sizes[0]; c++) {
        drawn D;
        char name[32];
        ASSERT_EQ_INT(0, drawn_open(&D, "17-block-overdue-timers.json", 100, sizes[c][0],
                                    sizes[c][1]));
        snprintf(name, sizeof name, "legend-%d", sizes[c][0]);
        drawn_draw_as(&D, name);
        cs_rect title = {D.L->timeline.x, D.L->timeline.y, D.L->timeline.w,
                         D.L->tl_axis.y - D.L->timeline.y};
        static const char *const states[] = {"running", "ready", "sleeping", "waiting",
                                             "time.sleep", "done", "failed", "cancelled",
                                             "loop", "idle"};
        for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
            if (!find_rec(&D, title, states[i]))
                TEST_FAIL_("%dx%d: the title row's legend lacks '%s'", sizes[c][0], sizes[c][1],
                           states[i]);
        ASSERT_EQ_INT(0, overlaps_in(&D, title));
        D.v.help = 1;
        snprintf(name, sizeof name, "help-%d", sizes[c][0]);
        drawn_draw_as(&D, name);
        cs_rect all = {0, 0, sizes[c][0], sizes[c][1]};
        const cs_text_rec *tab = find_rec(&D, all, "select a task");
        ASSERT(tab != NULL);
        ASSERT_EQ_STR("select a task (again: follow the running one)", tab->s);
        ASSERT(find_rec(&D, all, "late: ") != NULL);
        ASSERT(find_rec(&D, all, "play / pause (at the end: replay)") != NULL);
        ASSERT(find_rec(&D, all, "new task: ") != NULL);
        const cs_text_rec *head = find_rec(&D, all, "Keys and mouse");
        ASSERT(head != NULL);
        ASSERT_EQ_INT(0, overlaps_from(&D, all, (int)(head - D.recs)));
        drawn_close(&D);
    }
    return 0;
}

/* Does s end with an ellipsis (a line cut)? */
static int ends_cut(const char *s)
{
    size_t n = strlen(s);
    return n >= 3 && !strcmp(s + n - 3, "\xE2\x80\xA6");
}

/* The console shows a print of four lines whole, and a 300-character
 * print in as many rows as it takes, when the panel has room: no line is
 * cut; a carriage return is drawn as the two characters of its escape. */
TEST_IMPL(drawn_console_whole_prints)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "36-multiline-print.json", UINT32_MAX, 1920, 1080));
    drawn_draw_as(&D, "console-36");
    ASSERT(find_rec(&D, D.L->console, "        line four") != NULL);
    int cr = 0;
    for (int i = 0; i < D.n; i++) {
        const cs_text_rec *r = &D.recs[i];
        if (r->w && rec_inside(r, D.L->console) && strstr(r->s, "done\r!"))
            cr = 1;
        if (r->w && rec_inside(r, D.L->console) && ends_cut(r->s))
            TEST_FAIL_("console line cut: '%s'", r->s);
    }
    ASSERT(cr);
    cs_font *mono = cs_font_get(cs_render_text(D.R), CS_MONO, 16);
    ASSERT_EQ_INT(cs_text_width(mono, "done\\r!", -1), cs_text_width(mono, "done\r!", -1));
    ASSERT_EQ_INT(cs_text_width(mono, "\\x1b", -1), cs_text_width(mono, "\x1b", -1));
    drawn_close(&D);

    ASSERT_EQ_INT(0, drawn_open(&D, "13-unicode-prints.json", UINT32_MAX, 1920, 1080));
    drawn_draw_as(&D, "console-13");
    int xs = 0, rows = 0;
    for (int i = 0; i < D.n; i++) {
        const cs_text_rec *r = &D.recs[i];
        if (!r->w || !rec_inside(r, D.L->console))
            continue;
        if (ends_cut(r->s))
            TEST_FAIL_("console line cut: '%s'", r->s);
        if (r->s[0] == 'x' || !strncmp(r->s, "=x", 2)) {
            xs += (int)strspn(r->s + (r->s[0] == '='), "x");
            rows++;
        }
    }
    ASSERT(rows >= 4);
    ASSERT(xs >= 300);  /* one print of 300 shown whole at least */
    drawn_close(&D);
    return 0;
}

/* A combining mark takes no cell of its own: "e" + U+0301 is as wide as
 * "e", in every face; the zero-width joiner and variation selectors too. */
TEST_IMPL(drawn_combining_marks)
{
    char err[512];
    cs_render *R = cs_render_new(320, 240, COROSCOPE_ASSETS, err, sizeof err);
    ASSERT(R != NULL);
    for (int face = 0; face < CS_NFACES; face++) {
        cs_font *f = cs_font_get(cs_render_text(R), (cs_face)face, 18);
        ASSERT_EQ_INT(cs_text_width(f, "e", -1), cs_text_width(f, "e\xCC\x81", -1));
        ASSERT_EQ_INT(cs_text_width(f, "Zoe", -1), cs_text_width(f, "Zoe\xCC\x88", -1));
        ASSERT_EQ_INT(cs_text_width(f, "ab", -1), cs_text_width(f, "a\xE2\x80\x8D" "\xEF\xB8\x8F" "b", -1));
    }
    cs_render_free(R);
    return 0;
}

/* The fallback lookup goes through the fonts installed (fontconfig
 * always has one for 'A') and finds none for a private-use codepoint no
 * font has; without fontconfig at build time it finds nothing. */
TEST_IMPL(drawn_fallback_lookup)
{
    cs_fallback *fb = cs_fallback_new();
    ASSERT(fb != NULL);
    char path[1024] = "";
    int index = -1;
#ifdef COROSCOPE_FONTCONFIG
    ASSERT_EQ_INT(0, cs_fallback_find(fb, 'A', path, sizeof path, &index));
    ASSERT(path[0] == '/' && index >= 0);
#endif
    ASSERT_EQ_INT(-1, cs_fallback_find(fb, 0x10FFFD, path, sizeof path, &index));
    cs_fallback_free(fb);
    return 0;
}

/* A run that does not complete ends with a reason, in the console's
 * last line and the last frame's narration, never a dangling colon:
 * the interrupt names Ctrl-C, a limit says what reached it. */
TEST_IMPL(drawn_end_says_why)
{
    static const struct { const char *scene, *want; } cases[] = {
        {"68-ruc-forever.json", "KeyboardInterrupt (Ctrl-C)"},
        {"28-max-steps.json", "max_steps: more than 1000 statements ran"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        drawn D;
        ASSERT_EQ_INT(0, drawn_open(&D, cases[c].scene, UINT32_MAX, 1280, 720));
        cs_model *M = &D.d.M;
        ASSERT(M->nout > 0);
        const char *last = cs_model_out_text(M, &M->out[M->nout - 1]);
        if (!strstr(last, cases[c].want) || strstr(last, ":  --"))
            TEST_FAIL_("%s: console ends with '%s'", cases[c].scene, last);
        char buf[512];
        cs_narrate(M, M->nframes - 1, buf, sizeof buf);
        if (!strstr(buf, cases[c].want) || buf[strlen(buf) - 1] == ':')
            TEST_FAIL_("%s: the last narration is '%s'", cases[c].scene, buf);
        drawn_close(&D);
    }
    return 0;
}

/* At a large UI scale the loop panel has room for few rows: it lists
 * the first timer rather than "... and 3 more" with none shown. */
TEST_IMPL(drawn_loop_lists_an_entry)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "../11-cancel.json", 120, 1920, 1080));
    D.v.scale = 2.5f;
    drawn_draw_as(&D, "loop-scale25");
    ASSERT(D.d.M.st.ntimers >= 2);
    const cs_text_rec *more = find_rec(&D, D.L->loop, "\xE2\x80\xA6 and");
    const cs_text_rec *timer = find_rec(&D, D.L->loop, "t=");
    ASSERT(timer != NULL);
    ASSERT(!more || more->y > timer->y);
    drawn_close(&D);
    return 0;
}

/* Pixels of row y of D's last frame between x0 and x1 within 12 of
 * colour c in every channel. */
static int count_colour(const uint32_t *px, int pitch, int y, int x0, int x1, cs_rgba c)
{
    const uint32_t *row = (const uint32_t *)((const char *)px + (size_t)y * pitch);
    int n = 0;
    for (int x = x0; x < x1; x++) {
        int r = (int)(row[x] >> 16 & 255), g = (int)(row[x] >> 8 & 255), b = (int)(row[x] & 255);
        n += abs(r - c.r) <= 12 && abs(g - c.g) <= 12 && abs(b - c.b) <= 12;
    }
    return n;
}

/* 100,000 jobs over 2,000 s: main and the reporter run hundreds of
 * steps per pixel, each taking no virtual time; their lanes read as
 * waiting with steps, not as running from end to end. */
TEST_IMPL(drawn_dense_lanes_not_running)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "../19-window-100k.json", UINT32_MAX, 1280, 720));
    D.v.lane_top = 0;
    D.v.selected = -1;
    int pitch;
    const uint32_t *px = cs_render_pixels(D.R, &D.v, &pitch);
    const cs_theme *th = cs_theme_get(CS_THEME_LIGHT);
    const cs_layout *L = D.L;
    for (int lane = 2; lane < 4; lane++) {  /* Task-1 main, Task-2 reporter */
        int y = L->tl_lanes.y + lane * L->lane_h + L->lane_h / 2 - 1;
        int x0 = L->tl_lanes.x + 4, x1 = L->tl_lanes.x + L->tl_lanes.w * 9 / 10;
        int run = count_colour(px, pitch, y, x0, x1, th->st[CS_ST_RUNNING]);
        int wait = count_colour(px, pitch, y, x0, x1, th->st[CS_ST_WAITING]);
        if (run * 2 > x1 - x0 || wait * 4 < x1 - x0)
            TEST_FAIL_("lane %d: %d running and %d waiting pixels of %d", lane, run, wait, x1 - x0);
    }
    drawn_close(&D);
    return 0;
}

/* "Task exception was never retrieved" names the exception, as
 * CPython's log line does. */
TEST_IMPL(drawn_never_retrieved_names_exception)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "53-nested-failures.json", UINT32_MAX, 1280, 720));
    cs_model *M = &D.d.M;
    int found = 0;
    for (uint32_t i = 0; i < M->nout; i++)
        found |= strstr(cs_model_out_text(M, &M->out[i]),
                        "never retrieved: Task-2 (ArithmeticError: first orphan)") != NULL;
    ASSERT(found);
    drawn_close(&D);
    return 0;
}

/* Task-1 sleeps on loop 1, which is left behind: while loop 2 runs, its
 * panel lists no timer of its own and says loop 1 holds one. */
TEST_IMPL(drawn_loop_own_timers)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "18-several-loops.json", 75, 1920, 1080));
    drawn_draw(&D);
    ASSERT_EQ_INT(2, D.d.M.st.loop);
    ASSERT(find_rec(&D, D.L->loop, "t=5") == NULL);
    ASSERT(find_rec(&D, D.L->loop, "1 timer of loop 1 (not running)") != NULL);
    drawn_close(&D);
    return 0;
}

/* The exception of a 13-frame recursion climbs: leaving a frame it
 * "moves up" to the caller (drawn above), and arriving there it is said
 * to arrive, not to be raised anew. */
TEST_IMPL(drawn_exception_climbs)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "15-deep-stack.json", 0, 1280, 720));
    cs_model *M = &D.d.M;
    int left = 0, arrived = 0;
    for (uint32_t f = 1; f < M->nframes; f++) {
        sim_event e = cs_model_event(M, f), p = cs_model_event(M, f - 1);
        char buf[512];
        cs_model_seek(M, f);
        cs_narrate(M, f, buf, sizeof buf);
        if (e.kind == SIM_EV_FRAME_POP && e.a && e.c > 0) {
            if (!strstr(buf, "moves up to its caller"))
                TEST_FAIL_("frame %u: '%s'", f, buf);
            left++;
        }
        if (e.kind == SIM_EV_RAISE && p.kind == SIM_EV_FRAME_POP && p.a) {
            if (!strstr(buf, "ValueError: hit bottom arrives in "))
                TEST_FAIL_("frame %u: '%s'", f, buf);
            arrived++;
        }
    }
    ASSERT(left >= 12 && arrived >= 12);
    drawn_close(&D);
    return 0;
}

/* The fork's second run waits forever and is interrupted at t=6: the
 * mark is on main's lane there (over the cursor, which stands there at
 * the last frame), in the warning colour; before the first print the
 * console shows the scenario's description, and the loop panel says no
 * loop runs yet. */
TEST_IMPL(drawn_interrupt_mark_and_description)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "../08-fork.json", UINT32_MAX, 1280, 720));
    cs_model *M = &D.d.M;
    const cs_outline *irq = NULL;
    for (uint32_t i = 0; i < M->nout; i++)
        if (M->out[i].kind == CS_OUT_INTERRUPT)
            irq = &M->out[i];
    ASSERT(irq != NULL);
    D.v.lane_top = 0;
    int pitch;
    const uint32_t *px = cs_render_pixels(D.R, &D.v, &pitch);
    int x = (int)time_px(&D, irq->t), y = D.L->tl_lanes.y + D.L->lane_h / 2;
    const cs_theme *th = cs_theme_get(CS_THEME_LIGHT);
    ASSERT(count_colour(px, pitch, y, x - 4, x + 5, th->warn) >= 2);
    cs_model_seek(M, 0);
    drawn_draw(&D);
    ASSERT(find_rec(&D, D.L->console, "c1 sleeps 1 s, then adds c2") != NULL);
    ASSERT(find_rec(&D, D.L->loop, "no loop running") != NULL);  /* made, not running yet */
    drawn_close(&D);
    return 0;
}

/* Task-1's o.cancel() cancels Task-2, which cancels Task-3: while
 * following, the stack and the listing stay with Task-1, the task that
 * runs, through every frame of the statement. */
TEST_IMPL(drawn_follow_stays_with_running)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "08-cancel-chain.json", 0, 1280, 720));
    cs_model *M = &D.d.M;
    int32_t t1 = -1;
    for (uint32_t i = 0; i < M->ntasks; i++)
        if (!strcmp(M->tasks[i].name, "Task-1"))
            t1 = (int32_t)i;
    int cancels = 0;
    for (uint32_t f = 0; f < M->nframes; f++) {
        sim_event e = cs_model_event(M, f);
        if (e.kind != SIM_EV_CANCEL)
            continue;
        cs_model_seek(M, f);
        if (M->st.running != t1)
            continue;
        ASSERT_EQ_INT(t1, cs_view_focus(&D.v));
        drawn_draw(&D);
        ASSERT(find_rec(&D, D.L->source, "Task-1 at line") != NULL);
        cancels++;
    }
    ASSERT(cancels >= 2);
    drawn_close(&D);
    return 0;
}

/* Three queues share the panel: one of maxsize 500 holding 3 items, one
 * of 1, one of 7 full. Each shows its first item's value and who put it,
 * and says the rest in words, instead of cells without values. */
TEST_IMPL(drawn_queue_items_shown)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "75-huge-maxsize.json", UINT32_MAX, 1920, 1080));
    drawn_draw(&D);
    const cs_layout *L = D.L;
    ASSERT(L->queues.w > 0);
    ASSERT(find_rec(&D, L->queues, "['item', 0]") != NULL);
    ASSERT(find_rec(&D, L->queues, "+ 2 more items, 497 free slots") != NULL);
    ASSERT(find_rec(&D, L->queues, "'the only one'") != NULL);
    ASSERT(find_rec(&D, L->queues, "+ 6 more items, 0 free slots") != NULL);
    ASSERT_EQ_INT(0, overlaps_in(&D, L->queues));
    drawn_close(&D);
    return 0;
}

/* Draw frame f of D's doc again. */
static void drawn_seek(drawn *D, uint32_t f)
{
    cs_model_seek(&D->d.M, f);
    drawn_draw(D);
}

/* A timer keeps its own sleep's label until it fires or is dropped:
 * napper's sleep(1) cancelled at t=0.5 (its timer stays until the task
 * runs again) is not the handler's sleep(0.5), also due at t=1.0; and
 * in asyncio.run's teardown the cancelled tasks' timers still say
 * asyncio.sleep(0.75), not just "timer". */
TEST_IMPL(drawn_timer_keeps_its_sleep)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "82-timer-label-after-cancel.json", 0, 1920, 1080));
    cs_model *M = &D.d.M;
    uint32_t cancel = 0, dropped = 0;
    while (cancel < M->nframes && cs_model_event(M, cancel).kind != SIM_EV_CANCEL)
        cancel++;
    dropped = cancel;
    while (dropped < M->nframes && cs_model_event(M, dropped).kind != SIM_EV_TIMER_CANCEL)
        dropped++;
    int seen = 0;
    for (uint32_t f = cancel; f < dropped; f++, seen++) {
        drawn_seek(&D, f);
        if (!find_rec(&D, D.L->loop, "t=1.0  Task-1  asyncio.sleep(1)") ||
            find_rec(&D, D.L->loop, "t=1.0  Task-1  asyncio.sleep(0.5)"))
            TEST_FAIL_("frame %u: napper's timer not labelled sleep(1)", f);
    }
    ASSERT(seen >= 3);
    drawn_close(&D);
    ASSERT_EQ_INT(0, drawn_open(&D, "83-run-teardown.json", 155, 1920, 1080));
    drawn_draw(&D);
    ASSERT(find_rec(&D, D.L->loop, "t=2.25  Task-2  asyncio.sleep(0.75)") != NULL);
    ASSERT(find_rec(&D, D.L->loop, "t=2.25  Task-3  asyncio.sleep(0.75)") != NULL);
    ASSERT(find_rec(&D, D.L->loop, "t=2.25  Task-2  timer") == NULL);
    drawn_close(&D);
    return 0;
}

/* Pixels of D's last frame inside r within 12 of colour c. */
static int count_in(const uint32_t *px, int pitch, cs_rect r, cs_rgba c)
{
    int n = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        n += count_colour(px, pitch, y, r.x, r.x + r.w, c);
    return n;
}

/* Prediction mode hides everything after the frame, also what happens
 * at the same virtual time: Task-3 reckless raises and is done a few
 * events after it was queued, at the same t, yet no frame before its
 * task_done shows a failure cross on its lane. */
TEST_IMPL(drawn_predict_hides_same_time)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "../10-task-outcomes.json", 0, 1280, 720));
    cs_model *M = &D.d.M;
    const cs_theme *th = cs_theme_get(CS_THEME_LIGHT);
    D.v.predict = 1;
    D.v.lane_top = 0;
    D.v.selected = -1;
    int failed = 0, checked = 0;
    for (uint32_t f = 0; f < M->nframes; f++) {
        cs_model_seek(M, f);
        int pitch;
        const uint32_t *px = cs_render_pixels(D.R, &D.v, &pitch);
        const cs_layout *L = cs_render_layout(D.R);
        for (uint32_t i = 0; i < M->ntasks; i++) {
            int lane = (int)i + 2;
            if (lane >= cs_layout_visible_lanes(L))
                continue;
            cs_rect row = {L->tl_lanes.x, L->tl_lanes.y + lane * L->lane_h, L->tl_lanes.w,
                           L->lane_h};
            int red = count_in(px, pitch, row, th->error);
            int dead = M->tasks[i].died <= f && M->tasks[i].final == SIM_TASK_FAILED;
            failed += dead && red > 0;
            checked += !dead;
            if (!dead && red > 0)
                TEST_FAIL_("frame %u: %s's lane shows %d failure pixels before it fails", f,
                           M->tasks[i].name, red);
        }
    }
    ASSERT(failed > 0 && checked > 100);  /* and the cross is drawn once it failed */
    drawn_close(&D);
    return 0;
}

/* Tab selects main, Task-1, Task-2 in a run of 200 tasks scrolled to its
 * end: the lane list scrolls with the selection, so the lane of the task
 * whose stack is shown is drawn, and highlighted. */
TEST_IMPL(drawn_tab_scrolls_to_selected)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "84-two-hundred-tasks.json", UINT32_MAX, 1280, 720));
    cs_model *M = &D.d.M;
    cs_model_seek(M, M->nframes - 201);
    cs_view_follow(&D.v, 1280, 720);
    ASSERT(D.v.lane_top > 10);
    static const char *const want[] = {"main", "Task-1", "Task-2"};
    for (int i = 0; i < 3; i++) {
        cs_view_select(&D.v, 1, 1280, 720);
        drawn_draw(&D);
        char title[32];
        snprintf(title, sizeof title, "Stack of %s", want[i]);
        ASSERT(find_rec(&D, D.L->stack, title) != NULL);
        if (!find_rec(&D, D.L->tl_names, want[i]))
            TEST_FAIL_("Tab %d: %s selected, its lane not drawn (lanes from %d)", i + 1, want[i],
                       D.v.lane_top);
    }
    for (int i = 0; i < 3; i++)  /* back to following: the running task's lane */
        cs_view_select(&D.v, -1, 1280, 720);
    ASSERT_EQ_INT(CS_SEL_FOLLOW, D.v.selected);
    drawn_close(&D);
    return 0;
}

/* The timeline's title hint names the key that switches the axis (A),
 * on both axes. */
TEST_IMPL(drawn_axis_hint_names_key)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "../10-task-outcomes.json", 40, 1920, 1080));
    static const struct { int axis; const char *hint; } cases[] = {
        {CS_AXIS_TIME, "virtual time   A: steps"},
        {CS_AXIS_STEPS, "loop iterations and steps   A: time"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        D.v.axis = cases[c].axis;
        drawn_draw(&D);
        cs_rect title = {D.L->timeline.x, D.L->timeline.y, D.L->timeline.w,
                         D.L->tl_axis.y - D.L->timeline.y};
        if (!find_rec(&D, title, cases[c].hint))
            TEST_FAIL_("no title hint '%s'", cases[c].hint);
    }
    drawn_close(&D);
    return 0;
}

/* Playing fast, the header says the speed once, rounded ("13,300
 * frames/s", no exponent) even with the "speed" status of the + key;
 * opening another scenario starts at the default speed. */
TEST_IMPL(drawn_speed_once_and_reset)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "../10-task-outcomes.json", 40, 1920, 1080));
    D.v.playing = 1;
    D.v.speed = 13301.5;
    D.v.status = "speed 13,300 frames/s";
    drawn_draw(&D);
    int said = 0;
    for (int i = 0; i < D.n; i++) {
        const cs_text_rec *r = &D.recs[i];
        if (!rec_inside(r, D.L->header) || !r->w)
            continue;
        if (strstr(r->s, "e+"))
            TEST_FAIL_("header '%s'", r->s);
        for (const char *p = r->s; (p = strstr(p, "13,300")); p++)
            said++;
    }
    ASSERT_EQ_INT(1, said);
    ASSERT(find_rec(&D, D.L->header, "\xE2\x96\xB6 playing 13,300 frames/s") != NULL);
    cs_view_open(&D.v, &D.d.M, 1);  /* the same file reloaded: kept */
    ASSERT_NEAR(13301.5, D.v.speed, 0);
    cs_view_open(&D.v, &D.d.M, 0);  /* another scenario */
    ASSERT_NEAR(4, D.v.speed, 0);
    ASSERT(D.v.status == NULL);
    drawn_close(&D);
    return 0;
}

/* The banner of an invalid file shows each error on a line of its own
 * (never a newline drawn as "\n"); past four lines it says how many more
 * there are. */
TEST_IMPL(drawn_banner_one_line_per_error)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "../10-task-outcomes.json", 40, 1400, 900));
    D.v.banner = "w.json:1:1: error: missing required key 'main'\n"
                 "w.json:33:3: error: unknown key 'mian' (did you mean 'main'?)\n";
    drawn_draw_as(&D, "banner-2");
    const cs_text_rec *a = find_rec(&D, D.L->banner, "w.json:1:1");
    const cs_text_rec *b = find_rec(&D, D.L->banner, "w.json:33:3");
    ASSERT(a && b);
    ASSERT_EQ_STR("w.json:1:1: error: missing required key 'main'", a->s);
    ASSERT_EQ_STR("w.json:33:3: error: unknown key 'mian' (did you mean 'main'?)", b->s);
    ASSERT(b->y >= a->y + a->h - 2);
    ASSERT_EQ_INT(0, overlaps_in(&D, D.L->banner));
    D.v.banner = "e1\ne2\ne3\ne4\ne5\ne6";
    drawn_draw_as(&D, "banner-6");
    ASSERT(find_rec(&D, D.L->banner, "e3") != NULL);
    ASSERT(find_rec(&D, D.L->banner, "e4") == NULL);
    ASSERT(find_rec(&D, D.L->banner, "\xE2\x80\xA6 and 3 more errors") != NULL);
    ASSERT_EQ_INT(0, overlaps_in(&D, D.L->banner));
    drawn_close(&D);
    return 0;
}

/* An unbounded queue holding nothing reads as empty: its row says
 * "empty" with no slot number before it ("1 empty" read as one item). */
TEST_IMPL(drawn_unbounded_empty_queue)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "68-ruc-forever.json", 0, 1920, 1080));
    cs_model *M = &D.d.M;
    ASSERT(M->nqueues == 1 && M->queue_max[0] <= 0);
    int seen = 0;
    for (uint32_t f = 0; f < M->nframes && !seen; f++) {
        cs_model_seek(M, f);
        if (M->st.nqueues != 1 || M->st.queues[0].n != 0)
            continue;
        drawn_draw(&D);
        const cs_text_rec *e = find_rec(&D, D.L->queues, "empty");
        if (!e)
            continue;
        for (int i = 0; i < D.n; i++)
            if (D.recs[i].w && rec_inside(&D.recs[i], D.L->queues) &&
                !strcmp(D.recs[i].s, "1") && D.recs[i].y == e->y)
                TEST_FAIL_("frame %u: the empty queue's row is numbered", f);
        seen = 1;
    }
    ASSERT(seen);
    drawn_close(&D);
    return 0;
}

/* A coroutine name far too long for the names column is cut, not the
 * task's name: the lane reads "Task-1 très_long…" beside "Task-2",
 * never "T-1 ..." (read as another task). */
TEST_IMPL(drawn_long_name_keeps_task_whole)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "85-long-coroutine-name.json", UINT32_MAX, 1400, 900));
    D.v.lane_top = 0;
    drawn_draw_as(&D, "long-name");
    ASSERT(lanes_keep_task_names(&D) >= 1);
    const cs_text_rec *r = find_rec(&D, D.L->tl_names, "Task-1 tr");
    ASSERT(r != NULL);
    ASSERT(ends_cut(r->s));
    ASSERT(find_rec(&D, D.L->tl_names, "T-1") == NULL);
    drawn_close(&D);
    return 0;
}

/* The Source panel's badge of a task at a line takes the colour its lane
 * has at that frame: Task-1 sleeping at `await asyncio.sleep(0.5)` is
 * sleeping blue, not waiting pink. */
TEST_IMPL(drawn_source_badge_state_colour)
{
    drawn D;
    ASSERT_EQ_INT(0, drawn_open(&D, "../03-pieces.json", 30, 1920, 1080));
    drawn_draw(&D);
    const cs_theme *th = cs_theme_get(CS_THEME_LIGHT);
    const cs_text_rec *b = find_rec(&D, D.L->source, "Task-1");
    ASSERT(b != NULL);
    int pitch;
    const uint32_t *px = cs_render_pixels(D.R, &D.v, &pitch);
    cs_rect chip = {b->x - 4, b->y, b->w + 8, b->h};
    int sleeping = count_in(px, pitch, chip, th->st[CS_ST_SLEEPING]);
    int waiting = count_in(px, pitch, chip, th->st[CS_ST_WAITING]);
    if (sleeping <= waiting || sleeping < 20)
        TEST_FAIL_("Task-1's badge: %d sleeping and %d waiting pixels", sleeping, waiting);
    drawn_close(&D);
    return 0;
}

/* In every theme the interrupt mark (warn) differs from the playhead
 * (accent): the mark of a run_forever's Ctrl-C stands at the last frame's
 * playhead, and in the contrast theme of --present both were yellow. */
TEST_IMPL(drawn_interrupt_mark_not_playhead_colour)
{
    for (int i = 0; i < CS_NTHEMES; i++) {
        const cs_theme *th = cs_theme_get(i);
        int d = abs(th->warn.r - th->accent.r) + abs(th->warn.g - th->accent.g) +
                abs(th->warn.b - th->accent.b);
        if (d < 96)
            TEST_FAIL_("theme %s: warn and accent differ by %d", th->name, d);
    }
    return 0;
}
