/*
 * play.h -- playback's rules (no SDL): what Space does at the end of the
 * run.
 */
#ifndef UI_PLAY_H
#define UI_PLAY_H

#include <stddef.h>
#include <stdint.h>

/* Space: pause when *playing, else play. Returns the frame to play from:
 * frame, or 0 when it is the last of nframes (playing from the end
 * replays the run, as media players do). */
uint32_t cs_play_toggle(int *playing, uint32_t frame, uint32_t nframes);

#endif
