/*
 * test_render.c -- frames of bundled scenarios rendered headless and
 * compared with the reference PNGs in tests/ui/ref/.
 *
 * A pixel differs when one of its channels is off by more than 40; a frame
 * passes with at most 0.1% of its pixels differing (anti-aliasing noise).
 * On a mismatch the frame drawn is left beside the test binary as
 * render-actual-NAME.png to compare by eye. After a deliberate change of
 * the drawing, regenerate every reference with
 *
 *     COROSCOPE_UPDATE_REFS=1 build/ui/coroscope_ui_tests render
 *
 * and look at each new PNG before committing it.
 */
#include <stdlib.h>

#include <SDL_image.h>

#include "doc.h"
#include "render.h"
#include "test.h"

typedef struct shot {
    const char *name;          /* reference file: ref/NAME.png */
    const char *file;          /* bundled scenario */
    int w, h, theme, present, axis;
    uint32_t (*frame)(cs_model *M);  /* which frame to draw */
} shot;

static uint32_t first_kind(cs_model *M, int kind, uint32_t from)
{
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, M->trace);
    while (from < M->nframes && sim_trace_at(&C, from)->kind != kind)
        from++;
    return from < M->nframes ? from : M->nframes - 1;
}

/* The first yield: it travels up through every frame of the stack. */
static uint32_t at_first_yield(cs_model *M)
{
    return first_kind(M, SIM_EV_YIELD, 0);
}

/* The fork: the second task is created. */
static uint32_t at_second_task(cs_model *M)
{
    return first_kind(M, SIM_EV_TASK_NEW, first_kind(M, SIM_EV_TASK_NEW, 0) + 1);
}

/* The middle of the first time.sleep. */
static uint32_t at_first_block(cs_model *M)
{
    return first_kind(M, SIM_EV_BLOCK, 0);
}

/* The window full with someone waiting to put. */
static uint32_t at_full_window(cs_model *M)
{
    for (uint32_t f = 0; f < M->nframes; f++) {
        cs_model_seek(M, f);
        const cs_qstate *q = &M->st.queues[0];
        if (q->n == (uint32_t)M->queue_max[0] && q->nputters > 0)
            return f;
    }
    return 0;
}

static const shot shots[] = {
    {"stack-w1-w4", "06-stack-w1-w4.json", 1280, 720, CS_THEME_LIGHT, 0, CS_AXIS_TIME, at_first_yield},
    {"fork", "08-fork.json", 1280, 720, CS_THEME_LIGHT, 0, CS_AXIS_TIME, at_second_task},
    {"famine", "04-famine.json", 1280, 720, CS_THEME_DARK, 0, CS_AXIS_TIME, at_first_block},
    {"queue-window", "13-queue-window.json", 1280, 720, CS_THEME_LIGHT, 0, CS_AXIS_STEPS, at_full_window},
    {"queue-window-present", "13-queue-window.json", 1024, 768, CS_THEME_CONTRAST, 1, CS_AXIS_TIME, at_full_window},
};

/* Count the pixels of a (ARGB8888, pitch bytes a row) that differ from
 * the reference surface ref. */
static long count_diff(const uint32_t *a, int pitch, SDL_Surface *ref)
{
    long bad = 0;
    for (int y = 0; y < ref->h; y++) {
        const uint32_t *pa = (const uint32_t *)((const char *)a + (size_t)y * pitch);
        const uint32_t *pb = (const uint32_t *)((const char *)ref->pixels + (size_t)y * ref->pitch);
        for (int x = 0; x < ref->w; x++)
            for (int sh = 0; sh < 24; sh += 8) {
                int ca = (int)(pa[x] >> sh & 255), cb = (int)(pb[x] >> sh & 255);
                if (abs(ca - cb) > 40) {
                    bad++;
                    break;
                }
            }
    }
    return bad;
}

/* Render one shot into R's view and compare (or update) its reference. */
static int check_shot(const shot *s)
{
    char path[1024], err[4096];
    cs_doc d;
    snprintf(path, sizeof path, "%s/%s", COROSCOPE_SCENARIOS, s->file);
    if (cs_doc_load(&d, path, err, sizeof err) != 0)
        TEST_FAIL_("%s", err);
    cs_render *R = cs_render_new(s->w, s->h, COROSCOPE_ASSETS, err, sizeof err);
    if (!R)
        TEST_FAIL_("%s", err);
    cs_view v;
    cs_view_init(&v);
    v.M = &d.M;
    v.title = d.sc->title;
    v.file = s->file;
    v.theme = s->theme;
    v.present = s->present;
    v.axis = s->axis;
    v.anim = 0.5f;  /* as coroscope render draws stills */
    cs_model_seek(&d.M, s->frame(&d.M));
    snprintf(path, sizeof path, "%s/%s.png", COROSCOPE_UI_REFS, s->name);
    int rc = 0;
    if (getenv("COROSCOPE_UPDATE_REFS")) {
        rc = cs_render_png(R, &v, path, err, sizeof err);
        printf("wrote %s\n", path);
    } else {
        int pitch;
        const uint32_t *px = cs_render_pixels(R, &v, &pitch);
        SDL_Surface *raw = IMG_Load(path);
        SDL_Surface *ref = raw ? SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
        long bad = ref && ref->w == s->w && ref->h == s->h ? count_diff(px, pitch, ref) : -1;
        if (bad < 0 || bad > (long)s->w * s->h / 1000) {
            char actual[256];
            snprintf(actual, sizeof actual, "render-actual-%s.png", s->name);
            cs_render_png(R, &v, actual, err, sizeof err);
            fprintf(stderr, "%s: %s (frame drawn: %s; COROSCOPE_UPDATE_REFS=1 regenerates)\n",
                    path, bad < 0 ? "missing or of another size" : "differs", actual);
            if (bad > 0)
                fprintf(stderr, "%ld of %d pixels differ\n", bad, s->w * s->h);
            rc = -1;
        }
        SDL_FreeSurface(ref);
        SDL_FreeSurface(raw);
    }
    cs_render_free(R);
    cs_doc_free(&d);
    return rc;
}

TEST_IMPL(render_reference_frames)
{
    int failed = 0;
    for (size_t i = 0; i < sizeof shots / sizeof shots[0]; i++)
        if (check_shot(&shots[i]) != 0)
            failed++;
    ASSERT_EQ_INT(0, failed);
    return 0;
}

/* A frame written to a folder that does not exist fails with a message
 * and leaves nothing behind. */
TEST_IMPL(render_bad_path)
{
    char err[512] = "";
    cs_render *R = cs_render_new(640, 480, COROSCOPE_ASSETS, err, sizeof err);
    ASSERT(R != NULL);
    cs_view v;
    cs_view_init(&v);
    ASSERT_EQ_INT(-1, cs_render_png(R, &v, "no-such-dir/x/frame.png", err, sizeof err));
    ASSERT(strstr(err, "no-such-dir/x/frame.png") != NULL);
    cs_render_free(R);
    return 0;
}

/* Missing fonts are an error with the reason, not a crash. */
TEST_IMPL(render_missing_fonts)
{
    char err[512] = "";
    cs_render *R = cs_render_new(640, 480, "no-such-assets", err, sizeof err);
    ASSERT(R == NULL);
    ASSERT(err[0] != 0);
    return 0;
}
