/*
 * bigint.c -- Python's ints past 64 bits (see bigint.h).
 *
 * Magnitudes are arrays of 32-bit limbs, least significant first. The
 * algorithms are the schoolbook ones: scenarios compute with numbers of a
 * few hundred digits at most, where they are fast enough. Results live in
 * the run's arena; so do the temporaries of a division.
 */
#include "bigint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int fail(sim_arena *A, sim_exc **exc, int type, const char *msg)
{
    *exc = sim_exc_new(A, type, msg);
    return -1;
}

static void *scratch(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

/* A read-only view of an int: sign (+1/-1) and magnitude d[0..n), n = 0
 * for zero. small holds the limbs of a SIM_INT or SIM_BOOL. */
typedef struct big {
    int sign;
    uint32_t n;
    const uint32_t *d;
    uint32_t small[2];
} big;

static void view(sim_value v, big *b)
{
    if (v.type == SIM_BIG) {
        b->sign = v.u.big->sign;
        b->n = v.u.big->n;
        b->d = v.u.big->d;
        return;
    }
    int64_t x = v.type == SIM_BOOL ? (v.u.b != 0) : v.u.i;
    uint64_t m = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
    b->sign = x < 0 ? -1 : 1;
    b->small[0] = (uint32_t)m;
    b->small[1] = (uint32_t)(m >> 32);
    b->n = m >> 32 ? 2 : m ? 1 : 0;
    b->d = b->small;
}

int sim_bigint_is_int(sim_value v)
{
    return v.type == SIM_INT || v.type == SIM_BOOL || v.type == SIM_BIG;
}

/* sign * d[0..n) as a value: a SIM_INT when it fits, else a new bigint. */
static sim_value make(sim_arena *A, int sign, const uint32_t *d, uint32_t n)
{
    while (n && !d[n - 1])
        n--;
    if (n <= 2) {
        uint64_t m = n == 0 ? 0 : n == 1 ? d[0] : ((uint64_t)d[1] << 32 | d[0]);
        if (sign > 0 && m <= (uint64_t)INT64_MAX)
            return sim_int((int64_t)m);
        if (sign < 0 && m <= (uint64_t)1 << 63)
            return sim_int(m == (uint64_t)1 << 63 ? INT64_MIN : -(int64_t)m);
    }
    sim_bigint *r = sim_arena_alloc(A, sizeof *r + n * sizeof *r->d);
    r->sign = sign;
    r->n = n;
    memcpy(r->d, d, n * sizeof *d);
    sim_value v = {.type = SIM_BIG, .u.big = r};
    return v;
}

static uint32_t *limbs(sim_arena *A, uint32_t n)
{
    uint32_t *d = sim_arena_alloc(A, (n ? n : 1) * sizeof *d);
    memset(d, 0, (n ? n : 1) * sizeof *d);
    return d;
}

/* ---- magnitudes ---------------------------------------------------------- */

static int mag_cmp(const uint32_t *a, uint32_t an, const uint32_t *b, uint32_t bn)
{
    if (an != bn)
        return an < bn ? -1 : 1;
    for (uint32_t i = an; i-- > 0;)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* r[0..max(an,bn)+1) = a + b */
static uint32_t mag_add(uint32_t *r, const uint32_t *a, uint32_t an, const uint32_t *b,
                        uint32_t bn)
{
    uint32_t n = an > bn ? an : bn;
    uint64_t carry = 0;
    for (uint32_t i = 0; i < n; i++) {
        carry += (uint64_t)(i < an ? a[i] : 0) + (i < bn ? b[i] : 0);
        r[i] = (uint32_t)carry;
        carry >>= 32;
    }
    r[n] = (uint32_t)carry;
    return n + 1;
}

/* r[0..an) = a - b, for a >= b */
static uint32_t mag_sub(uint32_t *r, const uint32_t *a, uint32_t an, const uint32_t *b,
                        uint32_t bn)
{
    int64_t borrow = 0;
    for (uint32_t i = 0; i < an; i++) {
        int64_t x = (int64_t)a[i] - (i < bn ? b[i] : 0) - borrow;
        borrow = x < 0;
        r[i] = (uint32_t)(x + (borrow ? (int64_t)1 << 32 : 0));
    }
    return an;
}

/* r[0..an+bn) = a * b (r zeroed) */
static void mag_mul(uint32_t *r, const uint32_t *a, uint32_t an, const uint32_t *b,
                    uint32_t bn)
{
    for (uint32_t i = 0; i < an; i++) {
        uint64_t carry = 0;
        for (uint32_t j = 0; j < bn; j++) {
            carry += (uint64_t)a[i] * b[j] + r[i + j];
            r[i + j] = (uint32_t)carry;
            carry >>= 32;
        }
        r[i + bn] = (uint32_t)carry;
    }
}

static uint64_t bitlen(const uint32_t *d, uint32_t n)
{
    while (n && !d[n - 1])
        n--;
    if (!n)
        return 0;
    uint64_t top = d[n - 1];
    int k = 0;
    while (top >> k)
        k++;
    return (uint64_t)(n - 1) * 32 + (uint64_t)k;
}

static int bit(const uint32_t *d, uint32_t n, uint64_t i)
{
    return i / 32 < n && (d[i / 32] >> (i % 32) & 1);
}

/* q = a // b, r = a % b for magnitudes, b != 0: binary long division.
 * q holds an limbs, r bn + 1 limbs; the lengths come back in *qn, *rn. */
static void mag_divmod(sim_arena *A, const uint32_t *a, uint32_t an, const uint32_t *b,
                       uint32_t bn, uint32_t **q, uint32_t **r, uint32_t *qn, uint32_t *rn)
{
    uint32_t *qq = limbs(A, an), *rr = limbs(A, bn + 1);
    uint32_t rl = 0;
    for (uint64_t i = bitlen(a, an); i-- > 0;) {
        uint32_t carry = bit(a, an, i);        /* rr = rr * 2 + bit */
        for (uint32_t k = 0; k < rl; k++) {
            uint32_t top = rr[k] >> 31;
            rr[k] = rr[k] << 1 | carry;
            carry = top;
        }
        if (carry)
            rr[rl++] = carry;
        if (mag_cmp(rr, rl, b, bn) >= 0) {
            mag_sub(rr, rr, rl, b, bn);
            while (rl && !rr[rl - 1])
                rl--;
            qq[i / 32] |= (uint32_t)1 << (i % 32);
        }
    }
    *q = qq;
    *r = rr;
    *qn = an;
    *rn = rl;
}

/* d[0..n) = d / m in place; returns the remainder. */
static uint32_t mag_divsmall(uint32_t *d, uint32_t n, uint32_t m)
{
    uint64_t rem = 0;
    for (uint32_t i = n; i-- > 0;) {
        uint64_t cur = rem << 32 | d[i];
        d[i] = (uint32_t)(cur / m);
        rem = cur % m;
    }
    return (uint32_t)rem;
}

/* ---- arithmetic ------------------------------------------------------------ */

static sim_value add(sim_arena *A, const big *x, int ysign, const big *y)
{
    uint32_t n = (x->n > y->n ? x->n : y->n) + 1;
    uint32_t *r = limbs(A, n);
    if (x->sign == ysign || !y->n) {
        mag_add(r, x->d, x->n, y->d, y->n);
        return make(A, x->n ? x->sign : ysign, r, n);
    }
    if (mag_cmp(x->d, x->n, y->d, y->n) >= 0) {
        mag_sub(r, x->d, x->n, y->d, y->n);
        return make(A, x->sign, r, x->n);
    }
    mag_sub(r, y->d, y->n, x->d, x->n);
    return make(A, ysign, r, y->n);
}

static sim_value mul(sim_arena *A, const big *x, const big *y)
{
    uint32_t *r = limbs(A, x->n + y->n);
    mag_mul(r, x->d, x->n, y->d, y->n);
    return make(A, x->sign * y->sign, r, x->n + y->n);
}

/* Floor division and modulo: the quotient rounds toward minus infinity and
 * the remainder takes the divisor's sign. */
static void floor_divmod(sim_arena *A, const big *x, const big *y, sim_value *q,
                         sim_value *r)
{
    uint32_t *qd, *rd, qn, rn;
    mag_divmod(A, x->d, x->n, y->d, y->n, &qd, &rd, &qn, &rn);
    if (x->sign == y->sign || rn == 0) {
        *q = make(A, x->sign * y->sign, qd, qn);
        *r = make(A, y->sign, rd, rn);
        return;
    }
    uint32_t one = 1, *q1 = limbs(A, qn + 1), *r1 = limbs(A, y->n);
    mag_add(q1, qd, qn, &one, 1);
    mag_sub(r1, y->d, y->n, rd, rn);
    *q = make(A, -1, q1, qn + 1);
    *r = make(A, y->sign, r1, y->n);
}

/* x / y correctly rounded: a quotient of 55 or 56 bits, rounded half to
 * even to 53 with the remainder as a sticky bit. */
static int true_divide(sim_arena *A, const big *x, const big *y, sim_value *out,
                       sim_exc **exc)
{
    int neg = x->sign != y->sign;
    if (!x->n) {
        *out = sim_float(neg ? -0.0 : 0.0);
        return 0;
    }
    int64_t shift = (int64_t)bitlen(y->d, y->n) - (int64_t)bitlen(x->d, x->n) + 55;
    uint64_t s = (uint64_t)(shift > 0 ? shift : -shift);
    const big *wide = shift > 0 ? x : y;
    uint32_t wn = wide->n + (uint32_t)(s / 32) + 1, *w = limbs(A, wn);
    for (uint32_t i = 0; i < wide->n; i++) {     /* w = wide << s */
        uint64_t v = (uint64_t)wide->d[i] << (s % 32);
        w[i + s / 32] |= (uint32_t)v;
        w[i + s / 32 + 1] |= (uint32_t)(v >> 32);
    }
    const uint32_t *num = shift > 0 ? w : x->d, *den = shift > 0 ? y->d : w;
    uint32_t nn = shift > 0 ? wn : x->n, dn = shift > 0 ? y->n : wn;
    while (dn && !den[dn - 1])
        dn--;
    uint32_t *qd, *rd, qn, rn;
    mag_divmod(A, num, nn, den, dn, &qd, &rd, &qn, &rn);
    uint64_t q = qd[0] | (qn > 1 ? (uint64_t)qd[1] << 32 : 0);
    int extra = q >> 55 ? 3 : 2;                /* bits below the 53 kept */
    uint64_t low = q & ((1u << extra) - 1), half = (uint64_t)1 << (extra - 1);
    uint64_t m = q >> extra;
    if (low > half || (low == half && (rn || (m & 1))))
        m++;
    double d = ldexp((double)m, (int)(extra - shift));
    if (isinf(d))
        return fail(A, exc, SIM_EXC_OVERFLOWERROR,
                    "integer division result too large for a float");
    *out = sim_float(neg ? -d : d);
    return 0;
}

int sim_bigint_binop(sim_arena *A, int op, sim_value a, sim_value b, sim_value *out,
                     sim_exc **exc)
{
    big x, y;
    view(a, &x);
    view(b, &y);
    if ((op == '/' || op == 'f' || op == '%') && !y.n)
        return fail(A, exc, SIM_EXC_ZERODIVISIONERROR,
                    op == '/' ? "division by zero"
                    : op == '%' ? "integer modulo by zero"
                                : "integer division or modulo by zero");
    sim_value q, r;
    switch (op) {
    case '+': *out = add(A, &x, y.sign, &y); return 0;
    case '-': *out = add(A, &x, -y.sign, &y); return 0;
    case '*': *out = mul(A, &x, &y); return 0;
    case '/': return true_divide(A, &x, &y, out, exc);
    default:
        floor_divmod(A, &x, &y, &q, &r);
        *out = op == 'f' ? q : r;
        return 0;
    }
}

sim_value sim_bigint_neg(sim_arena *A, sim_value a)
{
    big x;
    view(a, &x);
    return make(A, -x.sign, x.d, x.n);
}

int sim_bigint_cmp(sim_value a, sim_value b)
{
    big x, y;
    view(a, &x);
    view(b, &y);
    int sx = x.n ? x.sign : 0, sy = y.n ? y.sign : 0;
    if (sx != sy)
        return sx < sy ? -1 : 1;
    return sx * mag_cmp(x.d, x.n, y.d, y.n);
}

/* ---- floats ------------------------------------------------------------------ */

int sim_bigint_cmp_double(sim_value a, double d)
{
    big x;
    view(a, &x);
    if (isnan(d))
        return 2;
    if (isinf(d))
        return d > 0 ? -1 : 1;
    int sx = x.n ? x.sign : 0;
    if (fabs(d) < 9007199254740992.0 && x.n <= 2 && !(x.n == 2 && x.d[1] >> 21)) {
        double xd = (double)((uint64_t)(x.n > 1 ? x.d[1] : 0) << 32 | (x.n ? x.d[0] : 0));
        xd = sx < 0 ? -xd : xd;                 /* exact below 2**53 */
        return xd < d ? -1 : xd > d;
    }
    if (fabs(d) < 9007199254740992.0)
        return sx;                              /* |a| >= 2**53 > |d| */
    int e;
    double m = frexp(fabs(d), &e);              /* |d| = mant * 2**(e - 53), integral */
    uint64_t mant = (uint64_t)ldexp(m, 53);
    uint32_t n = (uint32_t)(e / 32) + 2, w[40] = {0};
    for (int i = 0; i < 64; i++)
        if (mant >> i & 1) {
            int p = i + e - 53;
            w[p / 32] |= (uint32_t)1 << (p % 32);
        }
    n = n > 40 ? 40 : n;
    while (n && !w[n - 1])
        n--;
    int sd = d < 0 ? -1 : 1;
    if (sx != sd)
        return sx < sd ? -1 : 1;
    return sx * mag_cmp(x.d, x.n, w, n);
}

int sim_bigint_to_double(sim_arena *A, sim_value a, double *out, sim_exc **exc)
{
    big x;
    view(a, &x);
    uint64_t len = bitlen(x.d, x.n);
    if (len <= 64) {                                /* C rounds a uint64 correctly */
        *out = (double)((uint64_t)(x.n > 1 ? x.d[1] : 0) << 32 | (x.n ? x.d[0] : 0));
        *out = x.sign < 0 ? -*out : *out;
        return 0;
    }
    uint64_t shift = len - 55, m = 0;               /* the top 55 bits */
    for (uint64_t i = 0; i < 55; i++)
        m |= (uint64_t)bit(x.d, x.n, shift + i) << i;
    int sticky = 0;
    for (uint64_t i = 0; i < shift && !sticky; i++)
        sticky = bit(x.d, x.n, i);
    uint64_t low = m & 3, kept = m >> 2;
    if (low > 2 || (low == 2 && (sticky || (kept & 1))))
        kept++;
    double d = shift + 2 > 2000 ? INFINITY : ldexp((double)kept, (int)(shift + 2));
    if (isinf(d))
        return fail(A, exc, SIM_EXC_OVERFLOWERROR, "int too large to convert to float");
    *out = x.sign < 0 ? -d : d;
    return 0;
}

/* ---- text and words -------------------------------------------------------- */

void sim_bigint_digits(sim_buf *b, sim_value a, int base, int upper)
{
    big x;
    view(a, &x);
    if (x.n && x.sign < 0)
        sim_buf_putc(b, '-');
    if (!x.n) {
        sim_buf_putc(b, '0');
        return;
    }
    uint32_t chunk = base == 10 ? 1000000000u : base == 16 ? 1u << 28 : 1u << 27;
    int width = base == 10 ? 9 : base == 16 ? 7 : 9;
    uint32_t *d = scratch(x.n * sizeof *d), n = x.n;
    memcpy(d, x.d, n * sizeof *d);
    size_t cap = (size_t)n * 32 / (base == 16 ? 4 : 3) + 16, len = 0;
    char *s = scratch(cap);
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (n) {
        uint32_t r = mag_divsmall(d, n, chunk);
        while (n && !d[n - 1])
            n--;
        for (int k = 0; k < width && (n || r); k++) {
            s[len++] = digits[r % (uint32_t)base];
            r /= (uint32_t)base;
        }
    }
    while (len--)
        sim_buf_putc(b, s[len]);
    free(d);
    free(s);
}

sim_value sim_bigint_parse(sim_arena *A, const char *digits, size_t n)
{
    uint32_t cap = (uint32_t)(n / 9 + 2), *d = limbs(A, cap), len = 0;
    for (size_t i = 0; i < n;) {
        uint32_t chunk = 0, mult = 1;
        for (int k = 0; k < 9 && i < n; k++, i++) {
            chunk = chunk * 10 + (uint32_t)(digits[i] - '0');
            mult *= 10;
        }
        uint64_t carry = chunk;                  /* d = d * mult + chunk */
        for (uint32_t k = 0; k < len; k++) {
            carry += (uint64_t)d[k] * mult;
            d[k] = (uint32_t)carry;
            carry >>= 32;
        }
        if (carry)
            d[len++] = (uint32_t)carry;
    }
    return make(A, 1, d, len);
}

int sim_bigint_nwords(sim_value a)
{
    big x;
    view(a, &x);
    return x.n ? (int)x.n : 1;
}

int sim_bigint_abs_words(sim_value a, uint32_t *w, int cap)
{
    big x;
    view(a, &x);
    int n = x.n ? (int)x.n : 1;
    for (int i = 0; i < n && i < cap; i++)
        w[i] = x.n ? x.d[i] : 0;
    return n < cap ? n : cap;
}
