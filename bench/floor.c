/* bench/floor.c: the least work a faithful round of the blog's program has to do, in plain C.

   usage: floor INPUT [ROUNDS|part2] [--time]

   It reads the grid as aoc23 does ('#' an elf, '.' ground, "\n" or "\r\n" ending a line),
   puts every elf, in reading order, into a table laid out as Zig 0.11.0's
   std.AutoHashMap(Point2D, void) lays out its slots: one metadata byte a slot (0x00 free,
   0x80 | the top 7 bits of the key's hash when used), one key a slot (x then y, each a
   little-endian i32), capacity the power of two Zig picks for that many keys, slot =
   Wyhash(seed 0, the 8 key bytes) & (capacity - 1), linear probing. Each round then:

   1. the Day 23 rules for every elf at once, on rows of 64-bit words (a bit a tile);
   2. a fresh table of the same capacity, every elf put into it at the tile it ends the
      round on, the elves taken in the OLD table's slot order (as the blog's keyIterator
      loop takes them), each hashed anew with Wyhash.

   There is no allocator and no memuse line: it prints `part1: N` after round 10 and, with
   part2, `part2: N` after the first round in which no elf moved (the answer lines of
   `aoc23 solve`), then `checksum: <16 hex digits>` of the final table: FNV-1a 64 over the
   slots in order, each slot giving its metadata byte and, when used, its key's 8 bytes.
   ROUNDS defaults to 10. --time adds a last line `seconds: S rounds: R elves: E`, S the
   time the rounds took (the reading, the parse and the first table left out).
   bench/floor_check.py computes the same checksum from aoc23's table and from the real Zig
   program's buffer dump. */

#define _POSIX_C_SOURCE 199309L
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef uint64_t u64;
__extension__ typedef unsigned __int128 u128; /* GCC and Clang: the 64x64->128 multiply */

/* ---- Zig 0.11.0 std.hash.Wyhash of an 8-byte key, seed 0 ------------------------------ */

static const u64 SECRET0 = 0xa0761d6478bd642fULL;
static const u64 SECRET1 = 0xe7037ed1a0b428dbULL;

static u64 mix(u64 a, u64 b) {
    u128 product = (u128)a * b;
    return (u64)product ^ (u64)(product >> 64);
}

/* Wyhash of le32(x) ++ le32(y): the short-input words are read at 0 and 4 both ways. */
static u64 hash_point(int32_t x, int32_t y) {
    u64 low = (uint32_t)x, high = (uint32_t)y;
    u64 state = mix(SECRET0, SECRET1); /* seed 0: 0 ^ mix(0 ^ secret[0], secret[1]) */
    u128 product =
        (u128)(((low << 32) | high) ^ SECRET1) * (((high << 32) | low) ^ state);
    return mix((u64)product ^ SECRET0 ^ 8, (u64)(product >> 64) ^ SECRET1);
}

/* ---- the table ------------------------------------------------------------------------- */

typedef struct {
    u64 capacity;
    uint8_t *metadata;
    int32_t *keys; /* x, y for each slot */
} Table;

/* Zig's capacityForSize: room for size keys under 80% load, a power of two, at least 8. */
static u64 capacity_for(u64 size) {
    u64 wanted = size * 100 / 80 + 1, capacity = 1;
    while (capacity < wanted) capacity <<= 1;
    return capacity < 8 ? 8 : capacity;
}

static void table_init(Table *table, u64 capacity) {
    table->capacity = capacity;
    table->metadata = calloc(capacity, 1);
    table->keys = malloc(capacity * 2 * sizeof(int32_t));
    if (!table->metadata || !table->keys) {
        fputs("floor: out of memory\n", stderr);
        exit(1);
    }
}

/* putAssumeCapacity of a key known to be absent (no two elves share a tile). */
static void table_put(Table *table, int32_t x, int32_t y) {
    u64 hash = hash_point(x, y), mask = table->capacity - 1, slot = hash & mask;
    while (table->metadata[slot]) slot = (slot + 1) & mask;
    table->metadata[slot] = (uint8_t)(0x80 | hash >> 57);
    table->keys[2 * slot] = x;
    table->keys[2 * slot + 1] = y;
}

static u64 table_checksum(const Table *table) {
    u64 h = 0xcbf29ce484222325ULL;
    for (u64 slot = 0; slot < table->capacity; slot++) {
        uint8_t bytes[9];
        size_t count = 1;
        bytes[0] = table->metadata[slot];
        if (bytes[0] & 0x80) {
            for (int field = 0; field < 2; field++) {
                uint32_t value = (uint32_t)table->keys[2 * slot + field];
                for (int i = 0; i < 4; i++) bytes[count++] = (uint8_t)(value >> 8 * i);
            }
        }
        for (size_t i = 0; i < count; i++) h = (h ^ bytes[i]) * 0x100000001b3ULL;
    }
    return h;
}

/* ---- the board: rows of 64-bit words around the elves ---------------------------------- */

/* Tile (x, y) is bit (x - left) % 64 of word (x - left) / 64 of row y - top. Every row has
   a zero word on each side and there is a zero row above and below, so the rules never
   look outside the arrays; a round is played only when no elf stands on the outermost
   tiles (otherwise the board grows first), so no elf can leave it. */
typedef struct {
    int64_t left, top;
    long words, rows;      /* inside the guards */
    long stride;           /* words + 2 */
    u64 *grid, *go[4];     /* (rows + 2) * stride words each: elves, and who goes N S W E */
} Board;

#define AT(board, array, row, word) ((array)[((row) + 1) * (board)->stride + (word) + 1])

static void board_alloc(Board *board) {
    size_t count = (size_t)(board->rows + 2) * board->stride;
    board->grid = calloc(count, sizeof(u64));
    for (int d = 0; d < 4; d++) board->go[d] = calloc(count, sizeof(u64));
    if (!board->grid || !board->go[0] || !board->go[1] || !board->go[2] || !board->go[3]) {
        fputs("floor: out of memory\n", stderr);
        exit(1);
    }
}

static void board_free(Board *board) {
    free(board->grid);
    for (int d = 0; d < 4; d++) free(board->go[d]);
}

static void board_set(Board *board, int32_t x, int32_t y) {
    int64_t column = x - board->left, row = y - board->top;
    AT(board, board->grid, row, column >> 6) |= 1ULL << (column & 63);
}

/* The smallest rectangle holding every key of table. */
typedef struct {
    int64_t min_x, max_x, min_y, max_y;
} Bounds;

static Bounds table_bounds(const Table *table) {
    Bounds b = {INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN};
    for (u64 slot = 0; slot < table->capacity; slot++) {
        if (!table->metadata[slot]) continue;
        int64_t x = table->keys[2 * slot], y = table->keys[2 * slot + 1];
        if (x < b.min_x) b.min_x = x;
        if (x > b.max_x) b.max_x = x;
        if (y < b.min_y) b.min_y = y;
        if (y > b.max_y) b.max_y = y;
    }
    return b;
}

/* A board over the elves of table, margin tiles (at least) free on every side. */
static void board_around(Board *board, const Table *table, long margin) {
    Bounds b = table_bounds(table);
    board->left = b.min_x - margin;
    board->top = b.min_y - margin;
    board->words = (long)((b.max_x + margin - board->left) / 64 + 1);
    board->rows = (long)(b.max_y + margin - board->top + 1);
    board->stride = board->words + 2;
    board_alloc(board);
    for (u64 slot = 0; slot < table->capacity; slot++)
        if (table->metadata[slot]) board_set(board, table->keys[2 * slot], table->keys[2 * slot + 1]);
}

/* Whether an elf stands on the first or last row or column of the board. */
static int board_on_rim(const Board *board) {
    for (long w = 0; w < board->words; w++)
        if (AT(board, board->grid, 0, w) | AT(board, board->grid, board->rows - 1, w)) return 1;
    for (long r = 0; r < board->rows; r++)
        if ((AT(board, board->grid, r, 0) & 1) | (AT(board, board->grid, r, board->words - 1) >> 63))
            return 1;
    return 0;
}

/* The row's tiles seen from one tile east (bit i holds tile i + 1) and one tile west. */
static inline u64 from_east(const u64 *row, long w) { return row[w] >> 1 | row[w + 1] << 63; }
static inline u64 from_west(const u64 *row, long w) { return row[w] << 1 | row[w - 1] >> 63; }

enum { NORTH, SOUTH, WEST, EAST };

/* The rules of round `round` (0-based): fills board->go[] (clashes taken out) and moves the
   elves on board->grid. Returns whether any elf moved. */
static int board_step(Board *board, long round) {
    u64 **go = board->go;
    for (long r = 0; r < board->rows; r++) {
        const u64 *above = &AT(board, board->grid, r - 1, 0);
        const u64 *here = &AT(board, board->grid, r, 0);
        const u64 *below = &AT(board, board->grid, r + 1, 0);
        for (long w = 0; w < board->words; w++) {
            u64 elves = here[w];
            if (!elves) {
                for (int d = 0; d < 4; d++) AT(board, go[d], r, w) = 0;
                continue;
            }
            u64 blocked[4], column[3];
            blocked[NORTH] = above[w] | from_east(above, w) | from_west(above, w);
            blocked[SOUTH] = below[w] | from_east(below, w) | from_west(below, w);
            for (int i = 0; i < 3; i++) {
                long at = w - 1 + i;
                column[i] = above[at] | here[at] | below[at];
            }
            /* column[] holds words w-1, w, w+1: shift across them. */
            blocked[WEST] = column[1] << 1 | column[0] >> 63;
            blocked[EAST] = column[1] >> 1 | column[2] << 63;
            u64 undecided = elves & (blocked[0] | blocked[1] | blocked[2] | blocked[3]);
            u64 wants[4];
            for (int turn = 0; turn < 4; turn++) {
                int side = (int)((round + turn) % 4);
                u64 still = undecided & blocked[side];
                wants[side] = undecided & ~still;
                undecided = still;
            }
            for (int d = 0; d < 4; d++) AT(board, go[d], r, w) = wants[d];
        }
    }
    /* Two elves can only aim at the same tile from opposite sides of it. */
    for (long r = 0; r < board->rows; r++) {
        u64 *north = &AT(board, go[NORTH], r + 1, 0), *south = &AT(board, go[SOUTH], r - 1, 0);
        u64 *west = &AT(board, go[WEST], r, 0), *east = &AT(board, go[EAST], r, 0);
        for (long w = 0; w < board->words; w++) {
            u64 clash = north[w] & south[w]; /* both aim at row r */
            north[w] &= ~clash;
            south[w] &= ~clash;
        }
        for (long w = 0; w < board->words; w++) {
            /* West movers land one tile west, east movers one tile east. */
            u64 clash = from_east(west, w) & from_west(east, w);
            if (!clash) continue;
            /* clash at tile t: the west mover is at t + 1, the east mover at t - 1. */
            west[w] &= ~(clash << 1);
            west[w + 1] &= ~(clash >> 63);
            east[w] &= ~(clash >> 1);
            east[w - 1] &= ~(clash << 63);
        }
    }
    u64 any = 0;
    for (long r = 0; r < board->rows; r++) {
        u64 *here = &AT(board, board->grid, r, 0);
        const u64 *north = &AT(board, go[NORTH], r, 0), *south = &AT(board, go[SOUTH], r, 0);
        const u64 *west = &AT(board, go[WEST], r, 0), *east = &AT(board, go[EAST], r, 0);
        const u64 *from_below = &AT(board, go[NORTH], r + 1, 0);
        const u64 *from_above = &AT(board, go[SOUTH], r - 1, 0);
        for (long w = 0; w < board->words; w++) {
            u64 leaving = north[w] | south[w] | west[w] | east[w];
            any |= leaving;
            here[w] = (here[w] & ~leaving) | from_below[w] | from_above[w] | from_east(west, w) |
                      from_west(east, w);
        }
    }
    return any != 0;
}

/* ---- the program ----------------------------------------------------------------------- */

static char *read_all(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (!file) {
        perror(path);
        exit(1);
    }
    size_t capacity = 1 << 16, used = 0;
    char *text = malloc(capacity);
    size_t got;
    while (text && (got = fread(text + used, 1, capacity - used, file)) > 0) {
        used += got;
        if (used == capacity) text = realloc(text, capacity *= 2);
    }
    if (!text || ferror(file)) {
        fprintf(stderr, "floor: cannot read %s\n", path);
        exit(1);
    }
    fclose(file);
    *length = used;
    return text;
}

/* The elves in reading order, as x, y pairs; exits on a byte that is not '#', '.' or a line end. */
static int32_t *parse(const char *text, size_t length, u64 *count) {
    u64 elves = 0;
    for (size_t i = 0; i < length; i++) elves += text[i] == '#';
    int32_t *points = malloc((elves ? elves : 1) * 2 * sizeof(int32_t));
    if (!points) exit(1);
    int32_t x = 0, y = 0;
    u64 n = 0;
    for (size_t i = 0; i < length; i++) {
        char c = text[i];
        if (c == '\n') {
            x = 0;
            y++;
            continue;
        }
        if (c == '\r' && (i + 1 == length || text[i + 1] == '\n')) continue;
        if (c == '#') {
            points[2 * n] = x;
            points[2 * n + 1] = y;
            n++;
        } else if (c != '.') {
            fprintf(stderr, "floor: unexpected byte 0x%02x at line %d, column %d\n",
                    (unsigned char)c, y + 1, x + 1);
            exit(2);
        }
        x++;
    }
    if (!n) {
        fputs("floor: no elves: the input has no '#'\n", stderr);
        exit(2);
    }
    *count = n;
    return points;
}

static int64_t empty_ground(const Table *table, u64 elves) {
    Bounds b = table_bounds(table);
    return (b.max_x - b.min_x + 1) * (b.max_y - b.min_y + 1) - (int64_t)elves;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 4) {
        fputs("usage: floor INPUT [ROUNDS|part2] [--time]\n", stderr);
        return 2;
    }
    int until_settled = 0, timed = 0;
    long rounds = 10;
    for (int i = 2; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--time") == 0) {
            timed = 1;
        } else if (strcmp(argv[i], "part2") == 0) {
            until_settled = 1;
            rounds = -1;
        } else if ((rounds = strtol(argv[i], &end, 10)) < 0 || *end || end == argv[i]) {
            fprintf(stderr, "floor: not a number of rounds: %s\n", argv[i]);
            return 2;
        }
    }
    size_t length;
    char *text = read_all(argv[1], &length);
    u64 elves;
    int32_t *points = parse(text, length, &elves);
    free(text);

    Table cells, next;
    table_init(&cells, capacity_for(elves));
    table_init(&next, cells.capacity);
    for (u64 i = 0; i < elves; i++) table_put(&cells, points[2 * i], points[2 * i + 1]);
    free(points);
    Board board;
    board_around(&board, &cells, 8);

    double started = now();
    long round = 0;
    for (; rounds < 0 || round < rounds; round++) {
        if (board_on_rim(&board)) {
            long margin = 8 + (board.rows > board.words * 64 ? board.rows : board.words * 64) / 8;
            board_free(&board);
            board_around(&board, &cells, margin);
        }
        int moved = board_step(&board, round);
        /* The new table: every elf at its end-of-round tile, in the old table's slot order. */
        memset(next.metadata, 0, next.capacity);
        for (u64 slot = 0; slot < cells.capacity; slot++) {
            if (!cells.metadata[slot]) continue;
            int32_t x = cells.keys[2 * slot], y = cells.keys[2 * slot + 1];
            int64_t column = x - board.left, row = y - board.top;
            long w = (long)(column >> 6);
            u64 bit = 1ULL << (column & 63);
            if (AT(&board, board.go[NORTH], row, w) & bit) y--;
            else if (AT(&board, board.go[SOUTH], row, w) & bit) y++;
            else if (AT(&board, board.go[WEST], row, w) & bit) x--;
            else if (AT(&board, board.go[EAST], row, w) & bit) x++;
            table_put(&next, x, y);
        }
        Table old = cells;
        cells = next;
        next = old;
        if (round + 1 == 10) printf("part1: %" PRId64 "\n", empty_ground(&cells, elves));
        if (until_settled && !moved) {
            printf("part2: %ld\n", round + 1);
            round++;
            break;
        }
    }
    double seconds = now() - started;
    printf("checksum: %016" PRIx64 "\n", table_checksum(&cells));
    if (timed) printf("seconds: %.9f rounds: %ld elves: %" PRIu64 "\n", seconds, round, elves);
    board_free(&board);
    free(cells.metadata);
    free(cells.keys);
    free(next.metadata);
    free(next.keys);
    return 0;
}
