/*
 * play.h -- playback's rules (no SDL): what Space does at the end of the
 * run, the speed's steps and how the speed is written.
 */
#ifndef UI_PLAY_H
#define UI_PLAY_H

#include <stddef.h>
#include <stdint.h>

#define CS_SPEED_DEFAULT 4.0     /* frames per second of a scenario opened */
#define CS_SPEED_MIN 0.25
#define CS_SPEED_MAX 100000.0

/* Space: pause when *playing, else play. Returns the frame to play from:
 * frame, or 0 when it is the last of nframes (playing from the end
 * replays the run, as media players do). */
uint32_t cs_play_toggle(int *playing, uint32_t frame, uint32_t nframes);

/* speed * factor kept in [CS_SPEED_MIN, CS_SPEED_MAX]. */
double cs_speed_scale(double speed, double factor);

/* The speed for people, one rounded figure: "0.25", "6.4", "91",
 * "13,300" (two significant digits below 10, whole numbers up to 1000,
 * three significant digits past that, thousands separated by commas). */
void cs_speed_text(double speed, char *buf, size_t n);

#endif
