/* aoc23._bitboard: the day 23 rules on rows of 64-bit words, compiled.

   Grid(width, height, cells) is the compiled engine behind aoc23.bitboard.Board, the twin of
   bitboard.BigIntGrid (the reference, which the tests hold it to). Cells are numbered as in
   aoc23.grid.Window: row by row from 1, so cell c is row (c - 1) / width, column
   (c - 1) % width. Column j of a row is bit j % 64 of the row's word j / 64.

   A guard word, always 0, comes before each row (so it also follows the row before), and a
   guard row above and below the grid, so the rules read neighbours without a bounds check.
   A round is played only when no elf stands on the outermost rows and columns (step refuses
   otherwise: the caller widens the grid first), so no elf ever lands outside the window, and
   the bits past the width stay 0.

   Methods: cells() lists the elves' cells in cell order; rim() says on which sides an elf
   stands on the outermost tiles (1 top, 2 bottom, 4 left, 8 right, or-ed); widened(top,
   bottom, left, right) is a new grid with that many empty rows and columns added on each
   side; step(round_index) plays a round and returns (moved, codes), codes[c] being 0 when
   the elf on cell c stayed (or there is none), else 1, 2, 3 or 4 for north, south, west and
   east; codes has one byte per cell plus codes[0], which is 1 as in the reference. Bad input
   raises; nothing is read or written out of bounds. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t Word;

#define WORD_BITS 64
#define MAX_SIDE ((Py_ssize_t)1 << 20)

enum { NORTH, SOUTH, WEST, EAST, SIDES };
enum { RIM_TOP = 1, RIM_BOTTOM = 2, RIM_LEFT = 4, RIM_RIGHT = 8 };

typedef struct {
    PyObject_HEAD
    Py_ssize_t width, height;
    Py_ssize_t words;  /* per row, guards left out */
    Py_ssize_t stride; /* words + 1 */
    Word *elves;       /* a plane of plane_size() words */
    Word *go[SIDES];   /* the elves that go each way this round: a plane for each side */
} Grid;

/* ---- bits ------------------------------------------------------------------------------- */

static inline int lowest_bit(Word bits) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(bits);
#else
    int index = 0;
    while (!(bits & 1)) {
        bits >>= 1;
        index++;
    }
    return index;
#endif
}

static inline Py_ssize_t bit_count(Word bits) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_popcountll(bits);
#else
    Py_ssize_t count = 0;
    for (; bits; bits &= bits - 1) count++;
    return count;
#endif
}

/* A row seen one tile over: bit j holds the tile at column j - 1, or j + 1. */
static inline Word from_west(const Word *row, Py_ssize_t w) {
    return row[w] << 1 | row[w - 1] >> (WORD_BITS - 1);
}

static inline Word from_east(const Word *row, Py_ssize_t w) {
    return row[w] >> 1 | row[w + 1] << (WORD_BITS - 1);
}

/* ---- the grid --------------------------------------------------------------------------- */

/* Word 0 of a row of a plane. Rows -1 and height are guards, and so is word -1 of each row,
   which is also word `words` of the row before. */
static inline Word *row_of(const Grid *grid, Word *plane, Py_ssize_t row) {
    return plane + (row + 1) * grid->stride + 1;
}

static Py_ssize_t cell_count(const Grid *grid) { return grid->width * grid->height; }

static Py_ssize_t words_for(Py_ssize_t width) { return (width + WORD_BITS - 1) / WORD_BITS; }

/* The words of a plane: the rows and a guard row above and below them, and one word more
   for a round's last look one word past the guard row below. */
static size_t plane_size(const Grid *grid) {
    return (size_t)(grid->height + 2) * (size_t)grid->stride + 1;
}

/* Whether a grid of this size can be counted in a Py_ssize_t: its cells plus one (the codes)
   and the bytes of its planes. */
static int size_fits(Py_ssize_t width, Py_ssize_t height) {
    const Py_ssize_t plane_rows = PY_SSIZE_T_MAX / (Py_ssize_t)((1 + SIDES) * sizeof(Word));
    return width >= 1 && height >= 1 && width <= MAX_SIDE && height <= MAX_SIDE &&
           height <= (PY_SSIZE_T_MAX - 1) / width &&
           height + 3 <= plane_rows / (words_for(width) + 1);
}

static Grid *grid_alloc(PyTypeObject *type, Py_ssize_t width, Py_ssize_t height) {
    if (!size_fits(width, height)) {
        PyErr_Format(PyExc_ValueError, "a grid is 1 to %zd tiles wide and high, not %zd x %zd",
                     MAX_SIDE, width, height);
        return NULL;
    }
    Grid *grid = (Grid *)type->tp_alloc(type, 0);
    if (grid == NULL) return NULL;
    grid->width = width;
    grid->height = height;
    grid->words = words_for(width);
    grid->stride = grid->words + 1;
    int failed = (grid->elves = PyMem_Calloc(plane_size(grid), sizeof(Word))) == NULL;
    for (int side = 0; side < SIDES; side++)
        failed |= (grid->go[side] = PyMem_Calloc(plane_size(grid), sizeof(Word))) == NULL;
    if (failed) {
        Py_DECREF(grid);
        return (Grid *)PyErr_NoMemory();
    }
    return grid;
}

static void grid_dealloc(Grid *grid) {
    PyMem_Free(grid->elves);
    for (int side = 0; side < SIDES; side++) PyMem_Free(grid->go[side]);
    Py_TYPE(grid)->tp_free((PyObject *)grid);
}

static void put_elf(Grid *grid, Py_ssize_t row, Py_ssize_t column) {
    row_of(grid, grid->elves, row)[column / WORD_BITS] |= (Word)1 << (column % WORD_BITS);
}

/* Puts an elf on each cell of the iterable; 0, or -1 with an exception set. */
static int put_cells(Grid *grid, PyObject *cells) {
    PyObject *items = PyObject_GetIter(cells);
    if (items == NULL) return -1;
    PyObject *item;
    while ((item = PyIter_Next(items)) != NULL) {
        Py_ssize_t cell = PyLong_AsSsize_t(item);
        Py_DECREF(item);
        if (cell == -1 && PyErr_Occurred()) break;
        if (cell < 1 || cell > cell_count(grid)) {
            PyErr_Format(PyExc_IndexError, "cell %zd is not in 1..%zd", cell, cell_count(grid));
            break;
        }
        put_elf(grid, (cell - 1) / grid->width, (cell - 1) % grid->width);
    }
    Py_DECREF(items);
    return PyErr_Occurred() ? -1 : 0;
}

static PyObject *grid_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    Py_ssize_t width, height;
    PyObject *cells;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0) {
        PyErr_SetString(PyExc_TypeError, "Grid() takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "nnO:Grid", &width, &height, &cells)) return NULL;
    Grid *grid = grid_alloc(type, width, height);
    if (grid == NULL) return NULL;
    if (put_cells(grid, cells) < 0) {
        Py_DECREF(grid);
        return NULL;
    }
    return (PyObject *)grid;
}

/* ---- reading it ------------------------------------------------------------------------- */

static PyObject *grid_cells(Grid *grid, PyObject *Py_UNUSED(ignored)) {
    Py_ssize_t count = 0;
    for (Py_ssize_t row = 0; row < grid->height; row++) {
        const Word *words = row_of(grid, grid->elves, row);
        for (Py_ssize_t w = 0; w < grid->words; w++) count += bit_count(words[w]);
    }
    PyObject *cells = PyList_New(count);
    if (cells == NULL) return NULL;
    Py_ssize_t taken = 0;
    for (Py_ssize_t row = 0; row < grid->height; row++) {
        const Word *words = row_of(grid, grid->elves, row);
        for (Py_ssize_t w = 0; w < grid->words; w++) {
            Py_ssize_t first = 1 + row * grid->width + w * WORD_BITS;
            for (Word bits = words[w]; bits; bits &= bits - 1) {
                PyObject *cell = PyLong_FromSsize_t(first + lowest_bit(bits));
                if (cell == NULL) {
                    Py_DECREF(cells);
                    return NULL;
                }
                PyList_SET_ITEM(cells, taken++, cell);
            }
        }
    }
    return cells;
}

static int rim_of(const Grid *grid) {
    const Word *top = row_of(grid, grid->elves, 0);
    const Word *bottom = row_of(grid, grid->elves, grid->height - 1);
    Word top_row = 0, bottom_row = 0, left_words = 0, right_words = 0;
    for (Py_ssize_t w = 0; w < grid->words; w++) {
        top_row |= top[w];
        bottom_row |= bottom[w];
    }
    const Py_ssize_t right = (grid->width - 1) / WORD_BITS;
    for (const Word *row = top; row <= bottom; row += grid->stride) {
        left_words |= row[0];
        right_words |= row[right];
    }
    return (top_row ? RIM_TOP : 0) | (bottom_row ? RIM_BOTTOM : 0) |
           (left_words & 1 ? RIM_LEFT : 0) |
           (right_words >> (grid->width - 1) % WORD_BITS & 1 ? RIM_RIGHT : 0);
}

static PyObject *grid_rim(Grid *grid, PyObject *Py_UNUSED(ignored)) {
    return PyLong_FromLong(rim_of(grid));
}

static PyObject *grid_widened(Grid *grid, PyObject *args) {
    Py_ssize_t top, bottom, left, right;
    if (!PyArg_ParseTuple(args, "nnnn:widened", &top, &bottom, &left, &right)) return NULL;
    Py_ssize_t margins[] = {top, bottom, left, right};
    for (int side = 0; side < SIDES; side++) {
        if (margins[side] < 0 || margins[side] > MAX_SIDE) {
            PyErr_Format(PyExc_ValueError, "a grid is widened by 0 to %zd tiles on a side",
                         MAX_SIDE);
            return NULL;
        }
    }
    Grid *wider = grid_alloc(Py_TYPE(grid), grid->width + left + right,
                             grid->height + top + bottom);
    if (wider == NULL) return NULL;
    for (Py_ssize_t row = 0; row < grid->height; row++) {
        const Word *words = row_of(grid, grid->elves, row);
        for (Py_ssize_t w = 0; w < grid->words; w++)
            for (Word bits = words[w]; bits; bits &= bits - 1)
                put_elf(wider, row + top, w * WORD_BITS + lowest_bit(bits) + left);
    }
    return (PyObject *)wider;
}

/* ---- a round ---------------------------------------------------------------------------- */

/* The tiles of a row next to or on each tile of word `here`: west, here and east are three
   words of the row in order. */
static inline Word three_wide(Word west, Word here, Word east) {
    return here | here << 1 | west >> (WORD_BITS - 1) | here >> 1 | east << (WORD_BITS - 1);
}

/* The elves of `undecided` take the first side not blocked, the sides tried in the order
   given: blocked0 and goes0 are the side tried first, blocked3 and goes3 the last. */
static inline void take_first_free(Word undecided, Word blocked0, Word blocked1, Word blocked2,
                                   Word blocked3, Word *goes0, Word *goes1, Word *goes2,
                                   Word *goes3) {
    *goes0 = undecided & ~blocked0;
    undecided &= blocked0;
    *goes1 = undecided & ~blocked1;
    undecided &= blocked1;
    *goes2 = undecided & ~blocked2;
    undecided &= blocked2;
    *goes3 = undecided & ~blocked3;
}

/* Where each elf of `elves` proposes to go in round `first` (mod 4); the elves that see no
   other elf, or are blocked on every side, go nowhere. */
static inline void choose(Word elves, const Word blocked[SIDES], int first, Word goes[SIDES]) {
    const Word *b = blocked;
    Word *g = goes;
    Word undecided = elves & (b[NORTH] | b[SOUTH] | b[WEST] | b[EAST]);
    switch (first) {
    case NORTH:
        take_first_free(undecided, b[NORTH], b[SOUTH], b[WEST], b[EAST], &g[NORTH], &g[SOUTH],
                        &g[WEST], &g[EAST]);
        break;
    case SOUTH:
        take_first_free(undecided, b[SOUTH], b[WEST], b[EAST], b[NORTH], &g[SOUTH], &g[WEST],
                        &g[EAST], &g[NORTH]);
        break;
    case WEST:
        take_first_free(undecided, b[WEST], b[EAST], b[NORTH], b[SOUTH], &g[WEST], &g[EAST],
                        &g[NORTH], &g[SOUTH]);
        break;
    default:
        take_first_free(undecided, b[EAST], b[NORTH], b[SOUTH], b[WEST], &g[EAST], &g[NORTH],
                        &g[SOUTH], &g[WEST]);
        break;
    }
}

/* A round's view of a grid: the planes from row 0's guard word on, and the sizes. Copied
   out of the grid, they are plainly not changed by the stores into the planes (a Word may
   alias a Py_ssize_t), so the compiler keeps them in registers. Rows follow each other in a
   plane, a guard word between them, so most of a round runs along a plane as along one long
   row: no elf stands next to a guard word (the rim is empty), so it stays 0. */
typedef struct {
    Py_ssize_t width, height, words, stride, length; /* length: height * stride */
    Word *elves, *go[SIDES];
} Planes;

static Planes planes_of(Grid *grid) {
    Planes planes = {grid->width, grid->height,         grid->words,
                     grid->stride, grid->height * grid->stride, row_of(grid, grid->elves, 0) - 1,
                     {NULL}};
    for (int side = 0; side < SIDES; side++)
        planes.go[side] = row_of(grid, grid->go[side], 0) - 1;
    return planes;
}

/* Fills go[] with where each elf proposes to go. The three words around word i of the rows
   above, here and below slide along in the variables named 0, 1 and 2. */
static void propose(const Planes *planes, int first) {
    const Py_ssize_t stride = planes->stride;
    const Word *here = planes->elves, *above = here - stride, *below = here + stride;
    Word *north = planes->go[NORTH], *south = planes->go[SOUTH];
    Word *west = planes->go[WEST], *east = planes->go[EAST];
    Word above0 = 0, here0 = 0, below0 = 0;
    Word above1 = above[0], here1 = here[0], below1 = below[0];
    for (Py_ssize_t i = 0; i < planes->length; i++) {
        Word above2 = above[i + 1], here2 = here[i + 1], below2 = below[i + 1];
        Word goes[SIDES] = {0, 0, 0, 0};
        if (here1) {
            Word column0 = above0 | here0 | below0, column1 = above1 | here1 | below1;
            Word column2 = above2 | here2 | below2;
            Word blocked[SIDES];
            blocked[NORTH] = three_wide(above0, above1, above2);
            blocked[SOUTH] = three_wide(below0, below1, below2);
            blocked[WEST] = column1 << 1 | column0 >> (WORD_BITS - 1);
            blocked[EAST] = column1 >> 1 | column2 << (WORD_BITS - 1);
            choose(here1, blocked, first, goes);
        }
        north[i] = goes[NORTH];
        south[i] = goes[SOUTH];
        west[i] = goes[WEST];
        east[i] = goes[EAST];
        above0 = above1, here0 = here1, below0 = below1;
        above1 = above2, here1 = here2, below1 = below2;
    }
}

/* Two elves can only propose the same tile from opposite sides of it: both stay. A clash on
   a tile is between the elves going north from the row below and south from the row above,
   or between those going west and east on its row. */
static void settle_clashes(const Planes *planes) {
    const Py_ssize_t stride = planes->stride;
    Word *north = planes->go[NORTH] + stride, *south = planes->go[SOUTH] - stride;
    Word *west = planes->go[WEST], *east = planes->go[EAST];
    for (Py_ssize_t i = 0; i < planes->length; i++) {
        Word clash = north[i] & south[i];
        north[i] &= ~clash;
        south[i] &= ~clash;
        clash = from_east(west, i) & from_west(east, i);
        if (!clash) continue;
        /* A clash on column j: the west mover stands on j + 1, the east mover on j - 1. */
        west[i] &= ~(clash << 1);
        west[i + 1] &= ~(clash >> (WORD_BITS - 1));
        east[i] &= ~(clash >> 1);
        east[i - 1] &= ~(clash << (WORD_BITS - 1));
    }
}

/* Writes the code of each elf of `leaving` at its tile from `first`. The codes are spelt in
   three bit planes: north 1, south 2, west 3 (1 | 2), east 4. */
static inline void write_codes(unsigned char *first, Word leaving, Word ones, Word twos,
                               Word fours) {
    for (; leaving; leaving &= leaving - 1) {
        int at = lowest_bit(leaving);
        Word code = (ones >> at & 1) | (twos >> at & 1) << 1 | (fours >> at & 1) << 2;
        first[at] = (unsigned char)code;
    }
}

/* Moves the elves as go[] says and writes each mover's code from `codes`, the code of cell 1;
   whether any elf moved. Row by row, to know where the codes go. */
static int move(const Planes *planes, unsigned char *codes) {
    const Py_ssize_t stride = planes->stride, words = planes->words;
    Word *here = planes->elves + 1;
    const Word *north = planes->go[NORTH] + 1, *south = planes->go[SOUTH] + 1;
    const Word *west = planes->go[WEST] + 1, *east = planes->go[EAST] + 1;
    Word moved = 0;
    for (Py_ssize_t start = 0; start < planes->length; start += stride) {
        for (Py_ssize_t i = start; i < start + words; i++) {
            Word leaving = north[i] | south[i] | west[i] | east[i];
            Word arriving = north[i + stride] | south[i - stride] | from_east(west, i) |
                            from_west(east, i);
            here[i] = (here[i] & ~leaving) | arriving;
            moved |= leaving;
            if (leaving)
                write_codes(codes + (i - start) * WORD_BITS, leaving, north[i] | west[i],
                            south[i] | west[i], east[i]);
        }
        codes += planes->width;
    }
    return moved != 0;
}

/* Plays a round from side `first` (the round's index mod 4), writing one code per cell from
   codes[1] on; whether any elf moved. */
static int play_round(Grid *grid, int first, unsigned char *codes) {
    memset(codes, 0, (size_t)cell_count(grid) + 1);
    codes[0] = 1; /* what the reference's cell 0 holds: the sentinel digit of its hex string */
    Planes planes = planes_of(grid);
    propose(&planes, first);
    settle_clashes(&planes);
    return move(&planes, codes + 1);
}

static PyObject *grid_step(Grid *grid, PyObject *round_index) {
    /* The low bits of a two's complement int: round_index % 4 for any int, negative too. */
    unsigned long long round = PyLong_AsUnsignedLongLongMask(round_index);
    if (round == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    if (rim_of(grid)) {
        PyErr_SetString(PyExc_ValueError, "an elf stands on the rim: widen the grid first");
        return NULL;
    }
    PyObject *codes = PyBytes_FromStringAndSize(NULL, cell_count(grid) + 1);
    PyObject *result = PyTuple_New(2);
    if (codes == NULL || result == NULL) {
        Py_XDECREF(codes);
        Py_XDECREF(result);
        return NULL;
    }
    int moved = play_round(grid, (int)(round % SIDES), (unsigned char *)PyBytes_AS_STRING(codes));
    PyTuple_SET_ITEM(result, 0, PyBool_FromLong(moved));
    PyTuple_SET_ITEM(result, 1, codes);
    return result;
}

/* ---- the module ------------------------------------------------------------------------- */

static PyMethodDef grid_methods[] = {
    {"cells", (PyCFunction)grid_cells, METH_NOARGS, "The elves' cells, in cell order."},
    {"rim", (PyCFunction)grid_rim, METH_NOARGS,
     "The sides with an elf on the outermost tiles: 1 top, 2 bottom, 4 left, 8 right."},
    {"widened", (PyCFunction)grid_widened, METH_VARARGS,
     "widened(top, bottom, left, right): the same elves with empty tiles added around."},
    {"step", (PyCFunction)grid_step, METH_O,
     "step(round_index): play a round; (moved, codes) as bitboard.BigIntGrid.step."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject GridType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aoc23._bitboard.Grid",
    .tp_doc = "Grid(width, height, cells): the day 23 rules on rows of 64-bit words.",
    .tp_basicsize = sizeof(Grid),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = grid_new,
    .tp_dealloc = (destructor)grid_dealloc,
    .tp_methods = grid_methods,
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "aoc23._bitboard",
    .m_doc = "The day 23 rules on rows of 64-bit words, compiled.",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__bitboard(void) {
    if (PyType_Ready(&GridType) < 0) return NULL;
    PyObject *created = PyModule_Create(&module);
    if (created == NULL) return NULL;
    if (PyModule_AddObjectRef(created, "Grid", (PyObject *)&GridType) < 0) {
        Py_DECREF(created);
        return NULL;
    }
    return created;
}
