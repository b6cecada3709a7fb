/*
 * play.c -- playback's rules; see play.h.
 */
#include "play.h"

uint32_t cs_play_toggle(int *playing, uint32_t frame, uint32_t nframes)
{
    if (*playing) {
        *playing = 0;
        return frame;
    }
    *playing = 1;
    return nframes > 0 && frame + 1 >= nframes ? 0 : frame;
}
