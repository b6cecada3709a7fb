/*
 * random.c -- CPython's random module, the part `drive` needs:
 * random.seed(int) (init_by_array over the 32-bit words of abs(seed)) and
 * random.choice (via _randbelow with getrandbits). MT19937 as in
 * Modules/_randommodule.c, so the same seed makes the same choices.
 */
#include "runtime.h"

static void mt_init_genrand(sim_mt *m, uint32_t s)
{
    m->mt[0] = s;
    for (int i = 1; i < 624; i++)
        m->mt[i] = 1812433253u * (m->mt[i - 1] ^ (m->mt[i - 1] >> 30)) + (uint32_t)i;
    m->mti = 624;
}

/* init_by_array(key[0..n)): CPython's seeding of the 624-word state. */
static void mt_init_by_array(sim_mt *m, const uint32_t *key, int n)
{
    mt_init_genrand(m, 19650218u);
    int i = 1, j = 0;
    for (int k = 624 > n ? 624 : n; k; k--) {
        m->mt[i] = (m->mt[i] ^ ((m->mt[i - 1] ^ (m->mt[i - 1] >> 30)) * 1664525u))
                   + key[j] + (uint32_t)j;
        i++, j++;
        if (i >= 624) { m->mt[0] = m->mt[623]; i = 1; }
        if (j >= n) j = 0;
    }
    for (int k = 623; k; k--) {
        m->mt[i] = (m->mt[i] ^ ((m->mt[i - 1] ^ (m->mt[i - 1] >> 30)) * 1566083941u))
                   - (uint32_t)i;
        i++;
        if (i >= 624) { m->mt[0] = m->mt[623]; i = 1; }
    }
    m->mt[0] = 0x80000000u;
}

static uint32_t mt_genrand(sim_mt *m)
{
    static const uint32_t mag01[2] = {0u, 0x9908b0dfu};
    uint32_t y;
    if (m->mti >= 624) {
        int k;
        for (k = 0; k < 624 - 397; k++) {
            y = (m->mt[k] & 0x80000000u) | (m->mt[k + 1] & 0x7fffffffu);
            m->mt[k] = m->mt[k + 397] ^ (y >> 1) ^ mag01[y & 1u];
        }
        for (; k < 623; k++) {
            y = (m->mt[k] & 0x80000000u) | (m->mt[k + 1] & 0x7fffffffu);
            m->mt[k] = m->mt[k + (397 - 624)] ^ (y >> 1) ^ mag01[y & 1u];
        }
        y = (m->mt[623] & 0x80000000u) | (m->mt[0] & 0x7fffffffu);
        m->mt[623] = m->mt[396] ^ (y >> 1) ^ mag01[y & 1u];
        m->mti = 0;
    }
    y = m->mt[m->mti++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= (y >> 18);
    return y;
}

void sim_mt_seed(sim_mt *m, int64_t seed)
{
    uint64_t a = seed < 0 ? (uint64_t)0 - (uint64_t)seed : (uint64_t)seed;
    uint32_t key[2] = {(uint32_t)a, (uint32_t)(a >> 32)};
    mt_init_by_array(m, key, key[1] ? 2 : 1);
}

/* _randbelow_with_getrandbits(n): k = n.bit_length(), draw k bits until
 * the draw is below n. n >= 1. */
uint32_t sim_mt_randbelow(sim_mt *m, uint32_t n)
{
    int k = 0;
    while (k < 32 && (n >> k))
        k++;
    uint32_t r = mt_genrand(m) >> (32 - k);
    while (r >= n)
        r = mt_genrand(m) >> (32 - k);
    return r;
}
