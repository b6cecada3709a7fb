/*
 * model_impl.h -- shared between the model's source files; not for the
 * renderer.
 */
#ifndef UI_MODEL_IMPL_H
#define UI_MODEL_IMPL_H

#include "model.h"

/* Grow *p to hold need items of elem bytes (capacity *cap); aborts on OOM. */
void cs_grow(void **p, uint32_t *cap, uint32_t need, size_t elem);

/* The dynamic state (model_state.c). */
int cs_state_init(cs_model *M, cs_state *st);
void cs_state_reset(cs_state *st);
void cs_state_free(cs_state *st);
void cs_state_apply(cs_model *M, cs_state *st, const sim_event *e);

cs_checkpoint *cs_checkpoint_save(const cs_state *st);
void cs_checkpoint_load(const cs_checkpoint *c, cs_state *st);
void cs_checkpoint_free(cs_checkpoint *c);
size_t cs_checkpoint_size(const cs_checkpoint *c);

/* "completed", "uncaught", "interrupted", "limit". */
const char *cs_end_name(int status);

/* Why a run that did not complete ended, for people, into buf (n bytes):
 * the uncaught exception, "KeyboardInterrupt (Ctrl-C)", or the limit
 * with what reached it ("max_steps: more than 1000 statements ran").
 * status and error are the end event's a and b. */
void cs_end_reason(const cs_model *M, int status, int32_t error, char *buf, size_t n);

/* The static pass (model_build.c): lanes, tasks, console, columns,
 * checkpoints. Returns 0 or -1. */
int cs_model_build(cs_model *M);

#endif
