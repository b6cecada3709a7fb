/*
 * bigint.h -- Python's ints past 64 bits.
 *
 * An int that fits int64_t is a SIM_INT; any other is a SIM_BIG pointing to
 * a sim_bigint (sign and magnitude in 32-bit limbs, least significant
 * first, no leading zero limb) in the run's arena, immutable once built.
 * Every function below takes ints of either kind (and bools as 0 and 1) and
 * returns results normalized back to SIM_INT when they fit. Functions that
 * can fail as Python fails return -1 and store the exception in *exc.
 */
#ifndef SIM_BIGINT_H
#define SIM_BIGINT_H

#include <stdint.h>

#include "value.h"

struct sim_bigint {
    int32_t sign;          /* +1 or -1 */
    uint32_t n;            /* limbs, >= 2 (a SIM_BIG never fits int64) */
    uint32_t d[];
};

/* 1 for SIM_INT, SIM_BOOL and SIM_BIG. */
int sim_bigint_is_int(sim_value v);
/* a op b for ints, op one of + - * / f(loor) %; the result is an int, or
 * a float for '/'. ZeroDivisionError and OverflowError as CPython's. */
int sim_bigint_binop(sim_arena *A, int op, sim_value a, sim_value b, sim_value *out,
                     sim_exc **exc);
/* -a for an int. */
sim_value sim_bigint_neg(sim_arena *A, sim_value a);
/* Sign of a - b for ints. */
int sim_bigint_cmp(sim_value a, sim_value b);
/* Sign of a - d for an int a and a float d, exactly; 2 when d is nan. */
int sim_bigint_cmp_double(sim_value a, double d);
/* float(a), correctly rounded; -1 (OverflowError "int too large to convert
 * to float") when it is too large. */
int sim_bigint_to_double(sim_arena *A, sim_value a, double *out, sim_exc **exc);
/* Appends the digits of a in base 10, 16 or 8 ('-' first when negative). */
void sim_bigint_digits(sim_buf *b, sim_value a, int base, int upper);
/* The int written in decimal by digits[0..n) (digits only). */
sim_value sim_bigint_parse(sim_arena *A, const char *digits, size_t n);
/* The 32-bit words of |a|, least significant first, into w (cap words);
 * returns how many (at least 1). */
int sim_bigint_abs_words(sim_value a, uint32_t *w, int cap);
/* How many 32-bit words |a| takes (at least 1). */
int sim_bigint_nwords(sim_value a);

#endif
