/*
 * predict.h -- prediction mode's rule (no SDL): moving forward stops at the
 * next print with the print hidden behind "What is printed next?", and the
 * next forward move while it is hidden only reveals it.
 */
#ifndef UI_PREDICT_H
#define UI_PREDICT_H

#include "model.h"

/* A move from frame cur towards frame want (clamped to the trace) with
 * *ask saying whether the print at cur is hidden. Returns the frame to go
 * to and updates *ask. Backward moves, and every move with prediction
 * off (on = 0), go where asked and hide nothing. */
uint32_t cs_predict_move(const cs_model *M, int on, uint32_t cur, uint32_t want, int *ask);

#endif
