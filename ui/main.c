/*
 * main.c -- the coroscope program: the window, or headless rendering.
 *
 *   coroscope [options] [SCENARIO.json]          the window
 *   coroscope render SCENARIO.json (--frame N | --all) --out PATH [options]
 *
 * Exit status: 0 success, 2 invalid input or usage (as corosim).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include <SDL.h>

#include "app.h"
#include "doc.h"
#include "render.h"
#include "theme.h"

static const char usage[] =
    "usage: coroscope [options] [SCENARIO.json]\n"
    "       coroscope render SCENARIO.json --frame N|last --out FILE.png [options]\n"
    "       coroscope render SCENARIO.json --all --out DIR/ [--every K] [options]\n"
    "       coroscope --help | --version\n"
    "\n"
    "The window replays a scenario's run frame by frame (one frame per trace event).\n"
    "Without SCENARIO it opens the first scenario of the library; O opens the picker,\n"
    "? lists every key. The file is watched and reloaded when it changes.\n"
    "\n"
    "options:\n"
    "  --present          classroom mode: fullscreen, large type, high contrast\n"
    "  --theme NAME       light, dark or contrast\n"
    "  --scale X          UI scale (1 = 100%), default automatic\n"
    "  --display N        the display to open on (0 first)\n"
    "  --size WxH         window size, or the size of rendered frames (default 1920x1080)\n"
    "  --fullscreen       fullscreen without the classroom layout\n"
    "  --frame N          frame to start at (render: the frame to draw; 'last' the end)\n"
    "  --axis time|steps  the timeline's x axis (render)\n"
    "render writes PNG files, with no display needed: --frame one frame to FILE.png,\n"
    "--all every frame (or every K-th, and always the last) to DIR/frame-NNNNNN.png.\n"
    "\n"
    "exit status: 0 success, 2 invalid input or usage\n";

typedef struct opts {
    cs_app_options app;
    const char *frame;        /* as given */
    const char *out;
    int all, every, axis, rw, rh;
} opts;

static int fail_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "coroscope: %s%s%s\n%s", msg, arg ? ": " : "", arg ? arg : "", usage);
    return 2;
}

/* "1920x1080" -> w, h. */
static int parse_size(const char *s, int *w, int *h)
{
    char tail;
    return sscanf(s, "%dx%d%c", w, h, &tail) == 2 && *w >= 320 && *h >= 240 &&
                   *w <= 8192 && *h <= 8192 ? 0 : -1;
}

static int parse_int(const char *s, long lo, long hi, long *v)
{
    char *end;
    errno = 0;
    *v = strtol(s, &end, 10);
    return *s && !*end && !errno && *v >= lo && *v <= hi ? 0 : -1;
}

/* One option with its value; returns the number of argv items used (1 or
 * 2), 0 when arg is not an option of ours, -1 on a bad value (printed). */
static int parse_opt(opts *o, int argc, char **argv, int i)
{
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    long n;
    if (!strcmp(a, "--present")) return o->app.present = 1, 1;
    if (!strcmp(a, "--fullscreen")) return o->app.fullscreen = 1, 1;
    if (!strcmp(a, "--all")) return o->all = 1, 1;
    static const char *valued[] = {"--theme", "--scale", "--display", "--size", "--frame",
                                   "--out", "--every", "--axis", NULL};
    int k = 0;
    while (valued[k] && strcmp(a, valued[k]))
        k++;
    if (!valued[k])
        return 0;
    if (!val || (val[0] == '-' && val[1] == '-'))  /* "--frame --out x": the value forgotten */
        return fail_usage("missing value after", a), -1;
    int bad = 0;
    switch (k) {
    case 0: bad = (o->app.theme = cs_theme_by_name(val)) < 0; break;
    case 1: bad = sscanf(val, "%f", &o->app.scale) != 1 || o->app.scale < 0.25f || o->app.scale > 8; break;
    case 2: bad = parse_int(val, 0, 63, &n); o->app.display = (int)n; break;
    case 3: bad = parse_size(val, &o->rw, &o->rh); break;
    case 4: o->frame = val; break;
    case 5: o->out = val; break;
    case 6: bad = parse_int(val, 1, 1L << 30, &n); o->every = (int)n; break;
    case 7: bad = strcmp(val, "time") && strcmp(val, "steps");
            o->axis = !strcmp(val, "steps") ? CS_AXIS_STEPS : CS_AXIS_TIME; break;
    }
    static const char *right[] = {"light, dark or contrast", "a number from 0.25 to 8",
                                  "a display number from 0", "WxH, from 320x240 to 8192x8192",
                                  "", "", "a whole number from 1", "time or steps"};
    if (bad) {
        fprintf(stderr, "coroscope: %s %s: bad value; give %s (see --help)\n", a, val, right[k]);
        return -1;
    }
    return 2;
}

/* The fonts: $COROSCOPE_ASSETS, the source tree's assets, or beside the
 * program (../assets, ../../assets). */
static const char *find_assets(char *buf, size_t n)
{
    const char *env = getenv("COROSCOPE_ASSETS");
    if (env && *env)
        return env;
    struct stat st;
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/DejaVuSans.ttf", COROSCOPE_ASSETS);
    if (stat(probe, &st) == 0)
        return COROSCOPE_ASSETS;
    char *base = SDL_GetBasePath();
    const char *rel[] = {"../assets", "../../assets"};
    for (int i = 0; base && i < 2; i++) {
        snprintf(buf, n, "%s%s", base, rel[i]);
        snprintf(probe, sizeof probe, "%s/DejaVuSans.ttf", buf);
        if (stat(probe, &st) == 0) {
            SDL_free(base);
            return buf;
        }
    }
    SDL_free(base);
    return COROSCOPE_ASSETS;
}

/* The frame --frame names in a trace of n frames: a number or "last". */
static int pick_frame(const char *s, uint32_t n, uint32_t *f)
{
    long v;
    if (!s || !strcmp(s, "last")) {
        *f = n ? n - 1 : 0;
        return 0;
    }
    if (parse_int(s, 0, (long)UINT32_MAX, &v) != 0 || (n && (uint32_t)v >= n)) {
        fprintf(stderr, "coroscope: --frame %s: the run has %u frames (0 to %u, or 'last')\n",
                s, n, n ? n - 1 : 0);
        return -1;
    }
    *f = (uint32_t)v;
    return 0;
}

/* frame-NNNNNN.png (six digits or more), as render_all names frames. */
static int is_frame_file(const char *n)
{
    if (strncmp(n, "frame-", 6) != 0)
        return 0;
    size_t digits = strspn(n + 6, "0123456789");
    return digits >= 6 && strcmp(n + 6 + digits, ".png") == 0;
}

/* Remove the frame-NNNNNN.png files an earlier render left in dir, so that
 * dir/frame-*.png is this run's frames only. Other files stay. */
static int clear_old_frames(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    int removed = 0;
    char path[4096];
    for (struct dirent *de; (de = readdir(dp));) {
        if (!is_frame_file(de->d_name))
            continue;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) < sizeof path &&
            remove(path) == 0)
            removed++;
    }
    closedir(dp);
    return removed;
}

/* Render frames 0, K, 2K, ... and the last of the doc, w x h, into dir/ as
 * frame-NNNNNN.png, numbered wide enough that names sort in frame order.
 * Refuses to write more than 20,000 files (--every K thins them). */
static int render_all(cs_render *R, cs_view *v, cs_doc *d, const char *dir, int every,
                      int w, int h)
{
    uint32_t n = d->M.nframes, step = every > 0 ? (uint32_t)every : 1, count = 0;
    if (n / step > 20000) {
        fprintf(stderr, "coroscope: %s has %u frames: --all would write %u PNG files; "
                "take every K-th with --every K (e.g. --every %u for about 1,000)\n",
                d->path, n, n / step, n / 1000 ? n / 1000 : 1);
        return 2;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "coroscope: cannot create %s: %s\n", dir, strerror(errno));
        return 2;
    }
    int old = clear_old_frames(dir);
    if (old)
        printf("removed %d frames of an earlier render from %s\n", old, dir);
    int width = snprintf(NULL, 0, "%u", n ? n - 1 : 0);
    width = width < 6 ? 6 : width > 10 ? 10 : width;
    size_t len = strlen(dir);
    const char *sep = len && dir[len - 1] == '/' ? "" : "/";
    char path[4096], err[512];
    for (uint32_t f = 0; f < n; f = f + step < n ? f + step : n - 1) {
        cs_model_seek(&d->M, f);
        cs_view_follow(v, w, h);
        int k = snprintf(path, sizeof path, "%s%sframe-%0*u.png", dir, sep, width, f);
        if (k < 0 || (size_t)k >= sizeof path) {
            fprintf(stderr, "coroscope: the folder name %s is too long\n", dir);
            return 2;
        }
        if (cs_render_png(R, v, path, err, sizeof err) != 0) {
            fprintf(stderr, "coroscope: %s\n", err);
            return 2;
        }
        count++;
        if (f == n - 1)
            break;
    }
    printf("rendered %u frames of %s into %s\n", count, d->path, dir);
    return 0;
}

static int cmd_render(opts *o, const char *scenario)
{
    if (!o->out)
        return fail_usage("render needs --out", NULL);
    if (o->all && o->frame)
        return fail_usage("give only one of --frame N and --all", NULL);
    if (!o->all && !o->frame)
        return fail_usage("render needs one of --frame N and --all", NULL);
    cs_doc d;
    static char err[1 << 16];
    if (cs_doc_load(&d, scenario, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    char abuf[4096];
    int w = o->rw ? o->rw : 1920, h = o->rh ? o->rh : 1080;
    cs_render *R = cs_render_new(w, h, find_assets(abuf, sizeof abuf), err, sizeof err);
    int rc = 2;
    cs_view v;
    cs_view_init(&v);
    v.M = &d.M;
    v.title = d.sc->title ? d.sc->title : d.sc->name;
    v.file = d.path;
    v.present = o->app.present;
    v.scale = o->app.scale;
    v.axis = o->axis;
    v.anim = 0.5f;  /* a still shows a travelling value half-way */
    v.theme = o->app.theme >= 0 ? o->app.theme : o->app.present ? CS_THEME_CONTRAST : CS_THEME_LIGHT;
    uint32_t f;
    if (!R)
        fprintf(stderr, "coroscope: %s\n", err);
    else if (o->all)
        rc = render_all(R, &v, &d, o->out, o->every, w, h);
    else if (pick_frame(o->frame, d.M.nframes, &f) == 0) {
        cs_model_seek(&d.M, f);
        cs_view_follow(&v, w, h);
        rc = cs_render_png(R, &v, o->out, err, sizeof err) == 0 ? 0 : 2;
        if (rc)
            fprintf(stderr, "coroscope: %s\n", err);
    }
    cs_render_free(R);
    cs_doc_free(&d);
    return rc;
}

/* No display to open a window on (no X11 or Wayland display named, no
 * SDL video driver chosen): 1 with the reason and the way out printed.
 * SDL would otherwise pick its offscreen driver and run with no window. */
static int no_display(void)
{
    const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY"),
               *drv = getenv("SDL_VIDEODRIVER");
    if ((x && *x) || (wl && *wl) || (drv && *drv))
        return 0;
    fprintf(stderr, "coroscope: no display (DISPLAY and WAYLAND_DISPLAY are not set): "
                    "run it in a desktop session, or draw PNG files with "
                    "'coroscope render SCENARIO.json --frame N --out FILE.png'\n");
    return 1;
}

/* The window: the scenario is validated first (loaded, not run: the window
 * runs it once), so a bad file fails with its diagnostics before any window
 * opens. --frame last is the largest frame, which loading clamps. */
static int cmd_window(opts *o, const char *scenario)
{
    long f = 0;
    if (o->frame && strcmp(o->frame, "last") && parse_int(o->frame, 0, 1L << 31, &f)) {
        fprintf(stderr, "coroscope: --frame %s: bad value; give a frame number or 'last'\n",
                o->frame);
        return 2;
    }
    o->app.frame = o->frame && !strcmp(o->frame, "last") ? (long)UINT32_MAX : f;
    if (scenario) {
        sim_diags dg = {0};
        sim_scenario *sc = sim_scenario_load_file(scenario, &dg);
        for (int i = 0; i < dg.n; i++)
            fprintf(stderr, "%s\n", dg.msg[i]);
        sim_diags_free(&dg);
        if (!sc)
            return 2;
        sim_scenario_free(sc);
    }
    if (no_display())
        return 2;
    char abuf[4096];
    o->app.scenario = scenario;
    o->app.assets = find_assets(abuf, sizeof abuf);
    o->app.scenarios = COROSCOPE_SCENARIOS;
    o->app.width = o->rw;
    o->app.height = o->rh;
    return cs_app_run(&o->app);
}

int main(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    o.app.theme = -1;
    int i = 1, render = 0;
    const char *scenario = NULL;
    if (argc > 1 && !strcmp(argv[1], "render"))
        render = 1, i = 2;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return fputs(usage, stdout), 0;
        if (!strcmp(argv[i], "--version"))
            return printf("coroscope %s\n", SIM_VERSION), 0;
        int k = parse_opt(&o, argc, argv, i);
        if (k < 0)
            return 2;
        if (k > 0) {
            i += k - 1;
            continue;
        }
        if (argv[i][0] == '-' || scenario)
            return fail_usage(scenario ? "more than one scenario" : "unknown option", argv[i]);
        scenario = argv[i];
    }
    if (render && !scenario)
        return fail_usage("render needs a scenario", NULL);
    return render ? cmd_render(&o, scenario) : cmd_window(&o, scenario);
}
