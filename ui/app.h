/*
 * app.h -- the coroscope window: one scenario replayed frame by frame,
 * with the keyboard and mouse controls, the picker, file watching and
 * prediction mode. All of its state lives in one cs_app (app.c).
 */
#ifndef UI_APP_H
#define UI_APP_H

typedef struct cs_app_options {
    const char *scenario;      /* file to open, NULL: the first of the index */
    const char *assets;        /* fonts folder */
    const char *scenarios;     /* folder with index.json, for the picker */
    int present;               /* classroom mode: fullscreen, large, contrast */
    int theme;                 /* cs_theme_id, -1: the mode's default */
    float scale;               /* UI scale, <= 0 automatic */
    int display;               /* display index for the window */
    int width, height;         /* window size, 0: default */
    int fullscreen;
    long frame;                /* frame to start at (clamped) */
} cs_app_options;

/* Open the window and run until the user quits. Returns the process exit
 * status: 0, or 2 when the window or fonts cannot be had (printed). */
int cs_app_run(const cs_app_options *o);

#endif
