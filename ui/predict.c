/*
 * predict.c -- prediction mode: the classroom version of "what does this
 * program print, and when?". See predict.h for the rule.
 *
 * The scan for the next print is linear in the frames skipped; a jump to
 * the end of a 4-million-event run scans them once (a few milliseconds).
 */
#include "predict.h"

/* First print frame in (from, to], or UINT32_MAX. */
static uint32_t next_print(const cs_model *M, uint32_t from, uint32_t to)
{
    sim_trace_cursor C;
    sim_trace_cursor_init(&C, M->trace);
    for (uint32_t f = from + 1; f <= to && f < M->nframes; f++)
        if (sim_trace_at(&C, f)->kind == SIM_EV_PRINT)
            return f;
    return UINT32_MAX;
}

uint32_t cs_predict_move(const cs_model *M, int on, uint32_t cur, uint32_t want, int *ask)
{
    if (M->nframes == 0) {
        *ask = 0;
        return 0;
    }
    if (want >= M->nframes)
        want = M->nframes - 1;
    if (!on || want <= cur) {
        *ask = 0;
        return want;
    }
    if (*ask) {  /* the hidden print is revealed; nothing moves */
        *ask = 0;
        return cur;
    }
    uint32_t p = next_print(M, cur, want);
    *ask = p != UINT32_MAX;
    return *ask ? p : want;
}
