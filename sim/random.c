/*
 * random.c -- CPython's random module, the part `drive` needs:
 * random.seed(int) (init_by_array over the 32-bit words of abs(seed)),
 * random.seed(str) (the text and its SHA-512 as one big int), random.seed
 * of a float (its hash) and
 * random.choice (via _randbelow with getrandbits). MT19937 as in
 * Modules/_randommodule.c, so the same seed makes the same choices.
 */
#include "runtime.h"
#include "bigint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* random_seed() of an unsigned 64-bit number: init_by_array over its
 * 32-bit words, least significant first (one word for 0). */
static void mt_seed_u64(sim_mt *m, uint64_t a)
{
    uint32_t key[2] = {(uint32_t)a, (uint32_t)(a >> 32)};
    mt_init_by_array(m, key, key[1] ? 2 : 1);
}

void sim_mt_seed(sim_mt *m, int64_t seed)
{
    mt_seed_u64(m, seed < 0 ? (uint64_t)0 - (uint64_t)seed : (uint64_t)seed);
}

/* ---- SHA-512 (FIPS 180-4), for random.seed(str) ------------------------ */

static const uint64_t sha_k[80] = {
    0x428a2f98d728ae22u, 0x7137449123ef65cdu, 0xb5c0fbcfec4d3b2fu, 0xe9b5dba58189dbbcu,
    0x3956c25bf348b538u, 0x59f111f1b605d019u, 0x923f82a4af194f9bu, 0xab1c5ed5da6d8118u,
    0xd807aa98a3030242u, 0x12835b0145706fbeu, 0x243185be4ee4b28cu, 0x550c7dc3d5ffb4e2u,
    0x72be5d74f27b896fu, 0x80deb1fe3b1696b1u, 0x9bdc06a725c71235u, 0xc19bf174cf692694u,
    0xe49b69c19ef14ad2u, 0xefbe4786384f25e3u, 0x0fc19dc68b8cd5b5u, 0x240ca1cc77ac9c65u,
    0x2de92c6f592b0275u, 0x4a7484aa6ea6e483u, 0x5cb0a9dcbd41fbd4u, 0x76f988da831153b5u,
    0x983e5152ee66dfabu, 0xa831c66d2db43210u, 0xb00327c898fb213fu, 0xbf597fc7beef0ee4u,
    0xc6e00bf33da88fc2u, 0xd5a79147930aa725u, 0x06ca6351e003826fu, 0x142929670a0e6e70u,
    0x27b70a8546d22ffcu, 0x2e1b21385c26c926u, 0x4d2c6dfc5ac42aedu, 0x53380d139d95b3dfu,
    0x650a73548baf63deu, 0x766a0abb3c77b2a8u, 0x81c2c92e47edaee6u, 0x92722c851482353bu,
    0xa2bfe8a14cf10364u, 0xa81a664bbc423001u, 0xc24b8b70d0f89791u, 0xc76c51a30654be30u,
    0xd192e819d6ef5218u, 0xd69906245565a910u, 0xf40e35855771202au, 0x106aa07032bbd1b8u,
    0x19a4c116b8d2d0c8u, 0x1e376c085141ab53u, 0x2748774cdf8eeb99u, 0x34b0bcb5e19b48a8u,
    0x391c0cb3c5c95a63u, 0x4ed8aa4ae3418acbu, 0x5b9cca4f7763e373u, 0x682e6ff3d6b2b8a3u,
    0x748f82ee5defb2fcu, 0x78a5636f43172f60u, 0x84c87814a1f0ab72u, 0x8cc702081a6439ecu,
    0x90befffa23631e28u, 0xa4506cebde82bde9u, 0xbef9a3f7b2c67915u, 0xc67178f2e372532bu,
    0xca273eceea26619cu, 0xd186b8c721c0c207u, 0xeada7dd6cde0eb1eu, 0xf57d4f7fee6ed178u,
    0x06f067aa72176fbau, 0x0a637dc5a2c898a6u, 0x113f9804bef90daeu, 0x1b710b35131c471bu,
    0x28db77f523047d84u, 0x32caab7b40c72493u, 0x3c9ebe0a15c9bebcu, 0x431d67c49c100d4cu,
    0x4cc5d4becb3e42b6u, 0x597f299cfc657e2au, 0x5fcb6fab3ad6faecu, 0x6c44198c4a475817u};

static uint64_t rotr(uint64_t x, int n)
{
    return (x >> n) | (x << (64 - n));
}

/* One 128-byte block into the state h[8]. */
static void sha512_block(uint64_t h[8], const unsigned char *p)
{
    uint64_t w[80], v[8];
    for (int i = 0; i < 16; i++) {
        w[i] = 0;
        for (int j = 0; j < 8; j++)
            w[i] = (w[i] << 8) | p[8 * i + j];
    }
    for (int i = 16; i < 80; i++) {
        uint64_t s0 = rotr(w[i - 15], 1) ^ rotr(w[i - 15], 8) ^ (w[i - 15] >> 7);
        uint64_t s1 = rotr(w[i - 2], 19) ^ rotr(w[i - 2], 61) ^ (w[i - 2] >> 6);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(v, h, sizeof v);
    for (int i = 0; i < 80; i++) {
        uint64_t t1 = v[7] + (rotr(v[4], 14) ^ rotr(v[4], 18) ^ rotr(v[4], 41)) +
                      ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha_k[i] + w[i];
        uint64_t t2 = (rotr(v[0], 28) ^ rotr(v[0], 34) ^ rotr(v[0], 39)) +
                      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof *v);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        h[i] += v[i];
}

/* SHA-512 of data[0..n) into out[64]. */
static void sha512(const unsigned char *data, size_t n, unsigned char out[64])
{
    uint64_t h[8] = {0x6a09e667f3bcc908u, 0xbb67ae8584caa73bu, 0x3c6ef372fe94f82bu,
                     0xa54ff53a5f1d36f1u, 0x510e527fade682d1u, 0x9b05688c2b3e6c1fu,
                     0x1f83d9abfb41bd6bu, 0x5be0cd19137e2179u};
    size_t i = 0;
    for (; i + 128 <= n; i += 128)
        sha512_block(h, data + i);
    unsigned char last[256] = {0};
    size_t rest = n - i, len = rest + 17 <= 128 ? 128 : 256;
    memcpy(last, data + i, rest);
    last[rest] = 0x80;
    for (int j = 0; j < 8; j++)               /* bit length, below 2**64 */
        last[len - 1 - j] = (unsigned char)(((uint64_t)n << 3) >> (8 * j));
    for (size_t j = 0; j < len; j += 128)
        sha512_block(h, last + j);
    for (int j = 0; j < 64; j++)
        out[j] = (unsigned char)(h[j / 8] >> (56 - 8 * (j % 8)));
}

/* random.seed(str), version 2: the int whose big-endian bytes are the UTF-8
 * text followed by its SHA-512 digest, given to init_by_array as 32-bit
 * words, least significant first. */
static void mt_seed_str(sim_mt *m, const sim_str *s)
{
    size_t n = (size_t)s->len + 64;
    unsigned char *b = malloc(n + 4);
    uint32_t *key = malloc((n / 4 + 2) * sizeof *key);
    if (!b || !key)
        abort();
    memcpy(b, s->data, s->len);
    sha512((const unsigned char *)s->data, s->len, b + s->len);
    size_t lead = 0;                           /* leading zero bytes add nothing */
    while (lead < n && b[lead] == 0)
        lead++;
    int words = 0;
    for (size_t end = n; end > lead; words++) {
        uint32_t w = 0;
        for (int k = 0; k < 4 && end > lead; k++)
            w |= (uint32_t)b[--end] << (8 * k);
        key[words] = w;
    }
    if (words == 0)
        key[words++] = 0;
    mt_init_by_array(m, key, words);
    free(b);
    free(key);
}

/* hash(float) as CPython 3.11's _Py_HashDouble computes it (finite v). */
static int64_t float_hash(double v)
{
    const uint64_t mod = ((uint64_t)1 << 61) - 1;
    if (isinf(v))
        return v > 0 ? 314159 : -314159;
    int e;
    double m = frexp(v, &e);
    int sign = 1;
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    uint64_t x = 0;
    while (m) {
        x = ((x << 28) & mod) | x >> (61 - 28);
        m *= 268435456.0;
        e -= 28;
        uint64_t y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= mod)
            x -= mod;
    }
    e = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61);
    x = ((x << e) & mod) | x >> (61 - e);
    x = sign < 0 ? (uint64_t)0 - x : x;
    if (x == (uint64_t)-1)
        x = (uint64_t)-2;
    return (int64_t)x;
}

int sim_mt_seed_value(sim_mt *m, sim_value v)
{
    switch (v.type) {
    case SIM_INT: sim_mt_seed(m, v.u.i); return 0;
    case SIM_BOOL: sim_mt_seed(m, v.u.b); return 0;
    case SIM_STR: mt_seed_str(m, v.u.s); return 0;
    case SIM_BIG: {                            /* init_by_array over the words of abs() */
        int n = sim_bigint_nwords(v);
        uint32_t *key = malloc((size_t)n * sizeof *key);
        if (!key)
            abort();
        mt_init_by_array(m, key, sim_bigint_abs_words(v, key, n));
        free(key);
        return 0;
    }
    case SIM_FLOAT:
        if (isnan(v.u.f))
            return -1;                         /* hashed by identity in CPython */
        mt_seed_u64(m, (uint64_t)float_hash(v.u.f));
        return 0;
    default: return -1;
    }
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
