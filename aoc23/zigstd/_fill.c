/* aoc23.zigstd._fill: the hash map's bulk work, compiled, on flat arrays.

   filled(args, echo=None) leaves the same slots as hash_map._fill_in_python; the Python
   function is the reference and the tests hold the two to the same result. Here the slots are
   int32 arrays (array('i')) and the hashes a uint64 array (array('Q')), so a round's fill
   touches no Python object per key.

   args is (source_slots, codes, offsets, slots, homes, hashes, hash_key). Each nonzero key of
   source_slots, in order, moves by offsets[codes[key]] and lands in the first free slot of
   slots from hashes[key] & (len(slots) - 1) on, wrapping at the end. A hash of 0 means "not
   known yet": hash_key(key) gives it (the Python fill reads homes instead, and ignores
   hashes). Every key taken is also stored in echo (when given) at its slot.

   hash_window(hashes, left, top, width) writes into hashes[1:] the Wyhash of the points that
   a window's cells name: key k is the point (left + (k - 1) % width, top + (k - 1) / width).

   renamed_cells(names, inside, width, shift, per_row) renames in place each name of a window's
   cell (1 to inside) as the cell it is of a wider window: c + shift + (c - 1) / width *
   per_row. It leaves 0 and every other name alone, and returns the list of their places.

   cell_span(names, inside, width) gives (first_row, last_row, first_column, last_column) of the
   nonzero names, each a window's cell (1 to inside), rows and columns counted from the window's
   corner; None when there is no name, or one that is not such a cell.

   All four are optional: without a C compiler the package runs the Python ones. Bad input raises;
   nothing here reads or writes out of bounds. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MAX_CODES 256

__extension__ typedef unsigned __int128 u128;

static const uint64_t SECRET0 = 0xA0761D6478BD642FULL;
static const uint64_t SECRET1 = 0xE7037ED1A0B428DBULL;

static uint64_t folded_product(uint64_t a, uint64_t b) {
    u128 product = (u128)a * b;
    return (uint64_t)product ^ (uint64_t)(product >> 64);
}

/* Zig 0.11.0's Wyhash with seed 0 of the 8 bytes le32(x) ++ le32(y). */
static uint64_t hash_point(uint32_t x, uint32_t y) {
    uint64_t low = x, high = y;
    uint64_t state = folded_product(SECRET0, SECRET1);
    u128 product = (u128)(((low << 32) | high) ^ SECRET1) * (((high << 32) | low) ^ state);
    uint64_t a = (uint64_t)product, b = (uint64_t)(product >> 64);
    return folded_product(a ^ SECRET0 ^ 8, b ^ SECRET1);
}

/* A buffer held for the length of a call, seen as items of one format. */
typedef struct {
    Py_buffer view;
    Py_ssize_t count;
    int held;
} Items;

static void release(Items *items) {
    if (items->held) PyBuffer_Release(&items->view);
    items->held = 0;
}

/* Holds object's buffer as items of format; -1 with an exception set, and nothing held,
   when it has none of that format. */
static int hold(Items *items, PyObject *object, const char *format, int writable, const char *name) {
    items->held = 0;
    int flags = PyBUF_FORMAT | PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(object, &items->view, flags) < 0) return -1;
    items->held = 1;
    if (items->view.format == NULL || strcmp(items->view.format, format) != 0) {
        PyErr_Format(PyExc_TypeError, "%s must be an array of format '%s'", name, format);
        release(items);
        return -1;
    }
    items->count = items->view.len / items->view.itemsize;
    return 0;
}

typedef struct {
    Items source, slots, echo, hashes;
    const unsigned char *codes;
    Py_ssize_t code_count;
    Py_ssize_t shift[MAX_CODES];
    /* shift[code]: how far an elf with that code moves, or one of the two marks below; every
       code has an entry, so a move is one look-up and one range test. */
    Py_ssize_t mask;
    PyObject *hash_key;
} Fill;

/* Marks in Fill.shift, far enough below zero that any key plus one is out of range. */
#define NO_OFFSET (PY_SSIZE_T_MIN / 2)   /* a code past the offsets given */
#define FAR_OFFSET (PY_SSIZE_T_MIN / 4)  /* an offset no key can move by and stay a key */

static void release_all(Fill *fill) {
    release(&fill->source);
    release(&fill->slots);
    release(&fill->echo);
    release(&fill->hashes);
}

static int read_offsets(Fill *fill, PyObject *offsets) {
    PyObject *items = PySequence_Fast(offsets, "offsets must be a sequence");
    if (items == NULL) return -1;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(items);
    if (count > MAX_CODES) {
        Py_DECREF(items);
        PyErr_SetString(PyExc_ValueError, "more than 256 offsets");
        return -1;
    }
    for (Py_ssize_t code = 0; code < MAX_CODES; code++) fill->shift[code] = NO_OFFSET;
    for (Py_ssize_t code = 0; code < count; code++) {
        Py_ssize_t offset = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(items, code));
        if (offset == -1 && PyErr_Occurred()) {
            Py_DECREF(items);
            return -1;
        }
        int reachable = offset >= -(Py_ssize_t)INT32_MAX && offset <= (Py_ssize_t)INT32_MAX;
        fill->shift[code] = reachable ? offset : FAR_OFFSET;
    }
    Py_DECREF(items);
    return 0;
}

static int parse(Fill *fill, PyObject *args, PyObject *echo) {
    PyObject *source, *codes, *offsets, *slots, *homes, *hashes;
    if (!PyArg_ParseTuple(args, "OO!OOOOO;args must be (source_slots, codes, offsets, slots, "
                                "homes, hashes, hash_key)",
                          &source, &PyBytes_Type, &codes, &offsets, &slots, &homes, &hashes,
                          &fill->hash_key))
        return -1;
    if (hold(&fill->source, source, "i", 0, "source_slots") < 0 ||
        hold(&fill->slots, slots, "i", 1, "slots") < 0 ||
        hold(&fill->hashes, hashes, "Q", 0, "hashes") < 0)
        return -1;
    Py_ssize_t capacity = fill->slots.count;
    if (capacity == 0 || (capacity & (capacity - 1)) != 0) {
        PyErr_SetString(PyExc_ValueError, "the number of slots must be a power of two");
        return -1;
    }
    fill->mask = capacity - 1;
    fill->codes = (const unsigned char *)PyBytes_AS_STRING(codes);
    fill->code_count = PyBytes_GET_SIZE(codes);
    if (echo != Py_None) {
        if (hold(&fill->echo, echo, "i", 1, "echo") < 0) return -1;
        if (fill->echo.count < capacity) {
            PyErr_SetString(PyExc_ValueError, "echo must be at least as long as slots");
            return -1;
        }
    }
    return read_offsets(fill, offsets);
}

static int out_of_range(const char *what) {
    PyErr_Format(PyExc_IndexError, "%s out of range", what);
    return -1;
}

/* The hash of a key that has none known yet, asked of hash_key; -1 with an exception set. */
static int ask_hash(const Fill *fill, Py_ssize_t key, uint64_t *hash) {
    PyObject *asked = PyObject_CallFunction(fill->hash_key, "n", key);
    if (asked == NULL) return -1;
    *hash = PyLong_AsUnsignedLongLongMask(asked);
    Py_DECREF(asked);
    return *hash == (unsigned long long)-1 && PyErr_Occurred() ? -1 : 0;
}

/* A bit per slot of the four from at on, set for each free one. (One 16-byte load would
   be fewer instructions, but it waits for the 4-byte stores just made to those slots.) */
static unsigned free_of_four(const int32_t *at) {
    return (unsigned)(at[0] == 0) | (unsigned)(at[1] == 0) << 1 | (unsigned)(at[2] == 0) << 2 |
           (unsigned)(at[3] == 0) << 3;
}

/* FIRST_FREE[m], m a bit per slot (1: free) of four in a row: the first free one, or 4. */
static const unsigned char FIRST_FREE[16] = {4, 0, 1, 0, 2, 0, 1, 0, 3, 0, 1, 0, 2, 0, 1, 0};

/* The first free slot from home on, wrapping; -1 with an exception set if there is none.
   The first four slots are looked at together, without a branch per slot: a branch that
   goes one way or the other at random costs more than the three extra loads. */
static Py_ssize_t free_slot_from(const int32_t *slots, Py_ssize_t mask, Py_ssize_t home) {
    if (home + 4 <= mask + 1) {
        unsigned first = FIRST_FREE[free_of_four(slots + home)];
        if (first < 4) return home + first;
    }
    for (Py_ssize_t step = 0; step <= mask; step++) {
        Py_ssize_t slot = (home + step) & mask;
        if (slots[slot] == 0) return slot;
    }
    PyErr_SetString(PyExc_ValueError, "no free slot left");
    return -1;
}

/* Moves each of the count keys and puts it in the first free slot from its home; 0, or -1
   with an exception set. Every buffer is held for the call, so the pointers stay good even
   when hash_key runs Python. */
static int place_all(const Fill *fill, const int32_t *keys, Py_ssize_t count) {
    const unsigned char *codes = fill->codes;
    const uint64_t *hashes = fill->hashes.view.buf;
    int32_t *slots = fill->slots.view.buf;
    int32_t *echo = fill->echo.held ? fill->echo.view.buf : NULL;
    const Py_ssize_t mask = fill->mask, code_count = fill->code_count;
    const Py_ssize_t hash_count = fill->hashes.count;
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t key = keys[i];
        if (key < 0 || key >= code_count) return out_of_range("key of codes");
        unsigned char code = codes[key];
        if (code) { /* a branch: while the CPU guesses it, the loads after it need not wait
                       for this one (a branchless move measured up to 1.3x slower) */
            Py_ssize_t shift = fill->shift[code];
            key += shift;
            if (key <= 0 || key > INT32_MAX)
                return out_of_range(shift == NO_OFFSET ? "code of offsets" : "moved key");
        }
        if (key >= hash_count) return out_of_range("key of hashes");
        uint64_t hash = hashes[key];
        if (hash == 0 && ask_hash(fill, key, &hash) < 0) return -1;
        Py_ssize_t slot = free_slot_from(slots, mask, (Py_ssize_t)(hash & (uint64_t)mask));
        if (slot < 0) return -1;
        slots[slot] = (int32_t)key;
        if (echo != NULL) echo[slot] = (int32_t)key;
    }
    return 0;
}

static PyObject *filled(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "filled(args, echo=None)");
        return NULL;
    }
    Fill fill;
    memset(&fill, 0, sizeof fill);
    PyObject *result = NULL;
    if (parse(&fill, args[0], nargs == 2 ? args[1] : Py_None) == 0) {
        const int32_t *source = fill.source.view.buf;
        size_t room = (size_t)(fill.source.count ? fill.source.count : 1);
        int32_t *keys = PyMem_Malloc(room * sizeof *keys); /* the source's keys, gathered */
        if (keys == NULL) {
            PyErr_NoMemory();
        } else {
            Py_ssize_t count = 0;
            for (Py_ssize_t i = 0; i < fill.source.count; i++) {
                keys[count] = source[i];
                count += source[i] != 0;
            }
            if (place_all(&fill, keys, count) == 0) result = Py_NewRef(PyTuple_GET_ITEM(args[0], 3));
            PyMem_Free(keys);
        }
    }
    release_all(&fill);
    return result;
}

static PyObject *hash_window(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *hashes;
    int left, top, width;
    if (!PyArg_ParseTuple(args, "Oiii:hash_window", &hashes, &left, &top, &width)) return NULL;
    if (width <= 0) {
        PyErr_SetString(PyExc_ValueError, "width must be positive");
        return NULL;
    }
    Items items;
    if (hold(&items, hashes, "Q", 1, "hashes") < 0) return NULL;
    uint64_t *out = items.view.buf;
    for (Py_ssize_t key = 1; key < items.count; key++) {
        Py_ssize_t cell = key - 1;
        out[key] = hash_point((uint32_t)(left + cell % width), (uint32_t)(top + cell / width));
    }
    release(&items);
    Py_RETURN_NONE;
}

static PyObject *renamed_cells(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *names;
    Py_ssize_t inside, width, shift, per_row;
    if (!PyArg_ParseTuple(args, "Onnnn:renamed_cells", &names, &inside, &width, &shift, &per_row))
        return NULL;
    if (width <= 0 || inside < 0) {
        PyErr_SetString(PyExc_ValueError, "width must be positive and inside not negative");
        return NULL;
    }
    Items items;
    if (hold(&items, names, "i", 1, "names") < 0) return NULL;
    PyObject *others = PyList_New(0);
    int32_t *name = items.view.buf;
    for (Py_ssize_t at = 0; others != NULL && at < items.count; at++) {
        Py_ssize_t cell = name[at];
        if (cell >= 1 && cell <= inside) {
            Py_ssize_t wider = cell + shift + (cell - 1) / width * per_row;
            if (wider < 1 || wider > INT32_MAX) {
                Py_CLEAR(others);
                out_of_range("renamed cell");
            } else {
                name[at] = (int32_t)wider;
            }
        } else if (cell != 0) {
            PyObject *place = PyLong_FromSsize_t(at);
            if (place == NULL || PyList_Append(others, place) < 0) Py_CLEAR(others);
            Py_XDECREF(place);
        }
    }
    release(&items);
    return others;
}

static PyObject *cell_span(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *names;
    Py_ssize_t inside, width;
    if (!PyArg_ParseTuple(args, "Onn:cell_span", &names, &inside, &width)) return NULL;
    if (width <= 0) {
        PyErr_SetString(PyExc_ValueError, "width must be positive");
        return NULL;
    }
    Items items;
    if (hold(&items, names, "i", 0, "names") < 0) return NULL;
    const int32_t *name = items.view.buf;
    Py_ssize_t first = PY_SSIZE_T_MAX, last = 0, left = width, right = -1;
    for (Py_ssize_t at = 0; at < items.count; at++) {
        Py_ssize_t cell = name[at];
        if (cell == 0) continue;
        if (cell < 1 || cell > inside) {
            last = 0;
            break;
        }
        Py_ssize_t column = (cell - 1) % width;
        if (cell < first) first = cell;
        if (cell > last) last = cell;
        if (column < left) left = column;
        if (column > right) right = column;
    }
    release(&items);
    if (last == 0) Py_RETURN_NONE;
    return Py_BuildValue("nnnn", (first - 1) / width, (last - 1) / width, left, right);
}

static PyMethodDef methods[] = {
    {"filled", (PyCFunction)(void (*)(void))filled, METH_FASTCALL,
     "filled(args, echo=None): hash_map._fill_in_python, compiled, on flat arrays."},
    {"renamed_cells", renamed_cells, METH_VARARGS,
     "renamed_cells(names, inside, width, shift, per_row): window cells renamed in place for a "
     "wider window; the places of the other names."},
    {"cell_span", cell_span, METH_VARARGS,
     "cell_span(names, inside, width): (first_row, last_row, first_column, last_column) of a "
     "window's cells, or None."},
    {"hash_window", hash_window, METH_VARARGS,
     "hash_window(hashes, left, top, width): the Wyhash of each cell's point into hashes[1:]."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "aoc23.zigstd._fill",
    .m_doc = "The hash map's bulk work, compiled, on flat arrays.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__fill(void) { return PyModule_Create(&module); }
