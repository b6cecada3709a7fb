/*
 * arena.c -- see arena.h.
 */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sim_arena_chunk {
    sim_arena_chunk *next;
    size_t size;
    /* data follows, aligned to 16 */
};

#define ARENA_CHUNK 65536u
#define ARENA_HDR ((sizeof(sim_arena_chunk) + 15u) & ~(size_t)15u)

void sim_arena_init(sim_arena *A)
{
    A->head = NULL;
    A->cur = A->end = NULL;
    A->total = 0;
}

void sim_arena_free(sim_arena *A)
{
    sim_arena_chunk *c = A->head;
    while (c) {
        sim_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    sim_arena_init(A);
}

/* Slow path: start a new chunk big enough for n bytes. An oversized
 * request gets a chunk of its own, linked behind the current one so the
 * free space of the current chunk is not lost. */
static void *arena_grow(sim_arena *A, size_t n)
{
    size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
    sim_arena_chunk *c = malloc(ARENA_HDR + size);
    if (!c) {
        fprintf(stderr, "coroscope: out of memory (%zu bytes)\n", ARENA_HDR + size);
        abort();
    }
    c->size = size;
    A->total += ARENA_HDR + size;
    char *data = (char *)c + ARENA_HDR;
    if (size != ARENA_CHUNK && A->head) {
        c->next = A->head->next;
        A->head->next = c;
        return data;
    }
    c->next = A->head;
    A->head = c;
    A->cur = data + n;
    A->end = data + size;
    return data;
}

void *sim_arena_alloc(sim_arena *A, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    if (n == 0)
        n = 16;
    if ((size_t)(A->end - A->cur) >= n && A->cur) {
        void *p = A->cur;
        A->cur += n;
        return p;
    }
    return arena_grow(A, n);
}

void *sim_arena_zalloc(sim_arena *A, size_t n)
{
    void *p = sim_arena_alloc(A, n);
    memset(p, 0, n);
    return p;
}

char *sim_arena_strndup(sim_arena *A, const char *s, size_t len)
{
    char *p = sim_arena_alloc(A, len + 1);
    memcpy(p, s, len);
    p[len] = 0;
    return p;
}

char *sim_arena_strdup(sim_arena *A, const char *s)
{
    return sim_arena_strndup(A, s, strlen(s));
}
