/*
 * arena.h -- bump allocator for everything that lives as long as a scenario
 * or a run: AST nodes, strings, lists, exceptions.
 *
 * Nothing allocated from an arena is freed on its own; sim_arena_free()
 * releases every chunk at once. Cost: one pointer bump per allocation, a
 * malloc per 64 KiB chunk (or per oversized request).
 */
#ifndef SIM_ARENA_H
#define SIM_ARENA_H

#include <stddef.h>

typedef struct sim_arena_chunk sim_arena_chunk;

typedef struct sim_arena {
    sim_arena_chunk *head;   /* newest chunk, owns its successors */
    char *cur, *end;         /* free space in head */
    size_t total;            /* bytes requested from malloc so far */
} sim_arena;

/* Initialise an empty arena (no allocation happens until the first use). */
void sim_arena_init(sim_arena *A);
/* Release every chunk; the arena is empty and reusable afterwards. */
void sim_arena_free(sim_arena *A);
/* n bytes, 16-byte aligned, uninitialised; aborts the process on OOM. */
void *sim_arena_alloc(sim_arena *A, size_t n);
/* n zeroed bytes. */
void *sim_arena_zalloc(sim_arena *A, size_t n);
/* A NUL-terminated copy of s[0..len). */
char *sim_arena_strndup(sim_arena *A, const char *s, size_t len);
char *sim_arena_strdup(sim_arena *A, const char *s);

#endif
