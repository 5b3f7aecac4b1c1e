/* aoc23.zigstd._fill: the hash map's bulk fill, compiled.

   filled(args, echo=None) takes and returns what hash_map._fill_in_python does and leaves the
   same slots behind; the Python function is the reference and the tests hold the two to the
   same result. It is optional: without a C compiler the package runs the Python one.

   args is (source_slots, codes, offsets, slots, homes, hash_key). Each nonzero key of
   source_slots, in order, moves by offsets[codes[key]], and lands in the first free slot of
   slots from homes[key] on, wrapping at the end; a negative home means "not known yet" and
   hash_key(key) & (len(slots) - 1) is used instead (the Python one asks only for a key that
   moved: a key of source_slots has been hashed before). Every key taken is also stored in echo
   (when given) at its slot. Bad input raises; it never reads or writes out of bounds. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define MAX_CODES 256

/* Free slots hold the int 0, which CPython keeps as one shared object: checking for that
   object first spares a call for most slots. */
static PyObject *zero;

typedef struct {
    PyObject *source;
    const unsigned char *codes;
    Py_ssize_t code_count;
    Py_ssize_t offsets[MAX_CODES];
    Py_ssize_t offset_count;
    PyObject *slots;
    Py_ssize_t mask;
    PyObject *homes;
    PyObject *hash_key;
    PyObject *echo;
} Fill;

static int read_offsets(Fill *fill, PyObject *offsets) {
    PyObject *items = PySequence_Fast(offsets, "offsets must be a sequence");
    if (items == NULL) return -1;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(items);
    if (count > MAX_CODES) {
        Py_DECREF(items);
        PyErr_SetString(PyExc_ValueError, "more than 256 offsets");
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        fill->offsets[i] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(items, i));
        if (fill->offsets[i] == -1 && PyErr_Occurred()) {
            Py_DECREF(items);
            return -1;
        }
    }
    fill->offset_count = count;
    Py_DECREF(items);
    return 0;
}

static int parse(Fill *fill, PyObject *args, PyObject *echo) {
    PyObject *codes, *offsets;
    if (!PyArg_ParseTuple(args, "O!O!OO!O!O;args must be (source_slots, codes, offsets, slots, "
                                "homes, hash_key)",
                          &PyList_Type, &fill->source, &PyBytes_Type, &codes, &offsets,
                          &PyList_Type, &fill->slots, &PyList_Type, &fill->homes,
                          &fill->hash_key))
        return -1;
    Py_ssize_t capacity = PyList_GET_SIZE(fill->slots);
    if (capacity == 0 || (capacity & (capacity - 1)) != 0) {
        PyErr_SetString(PyExc_ValueError, "the number of slots must be a power of two");
        return -1;
    }
    fill->mask = capacity - 1;
    fill->codes = (const unsigned char *)PyBytes_AS_STRING(codes);
    fill->code_count = PyBytes_GET_SIZE(codes);
    if (echo == Py_None) {
        echo = fill->slots;
    } else if (!PyList_Check(echo) || PyList_GET_SIZE(echo) < capacity) {
        PyErr_SetString(PyExc_ValueError, "echo must be a list at least as long as slots");
        return -1;
    }
    fill->echo = echo;
    return read_offsets(fill, offsets);
}

static int out_of_range(const char *what) {
    PyErr_Format(PyExc_IndexError, "%s out of range", what);
    return -1;
}

/* The slot a key's probe starts at, or -1 with an exception set. */
static Py_ssize_t home_of(Fill *fill, Py_ssize_t key, PyObject *key_object) {
    if (key < 0 || key >= PyList_GET_SIZE(fill->homes)) return out_of_range("key of homes");
    Py_ssize_t home = PyLong_AsSsize_t(PyList_GET_ITEM(fill->homes, key));
    if (home == -1 && PyErr_Occurred()) return -1;
    if (home >= 0) {
        if (home > fill->mask) return out_of_range("home slot");
        return home;
    }
    PyObject *hash = PyObject_CallOneArg(fill->hash_key, key_object);
    if (hash == NULL) return -1;
    unsigned long long bits = PyLong_AsUnsignedLongLongMask(hash);
    Py_DECREF(hash);
    if (bits == (unsigned long long)-1 && PyErr_Occurred()) return -1;
    return (Py_ssize_t)(bits & (unsigned long long)fill->mask);
}

/* 1 if the slot holds a key, 0 if it is free, -1 on error. */
static int taken(Fill *fill, Py_ssize_t slot) {
    if (slot >= PyList_GET_SIZE(fill->slots)) return out_of_range("slot");
    PyObject *item = PyList_GET_ITEM(fill->slots, slot);
    return item == zero ? 0 : PyObject_IsTrue(item);
}

/* The first free slot from home on, wrapping; -1 with an exception set if there is none. */
static Py_ssize_t free_slot_from(Fill *fill, Py_ssize_t home) {
    for (Py_ssize_t step = 0; step <= fill->mask; step++) {
        Py_ssize_t slot = (home + step) & fill->mask;
        int full = taken(fill, slot);
        if (full < 0) return -1;
        if (!full) return slot;
    }
    PyErr_SetString(PyExc_ValueError, "no free slot left");
    return -1;
}

static int store(PyObject *list, Py_ssize_t slot, PyObject *key_object) {
    if (slot >= PyList_GET_SIZE(list)) return out_of_range("slot");
    PyObject *old = PyList_GET_ITEM(list, slot);
    Py_INCREF(key_object);
    PyList_SET_ITEM(list, slot, key_object);
    Py_XDECREF(old);
    return 0;
}

/* Moves and places one key of the source; 0, or -1 with an exception set. */
static int place(Fill *fill, PyObject *source_key, Py_ssize_t key) {
    if (key < 0 || key >= fill->code_count) return out_of_range("key of codes");
    unsigned char code = fill->codes[key];
    PyObject *key_object;
    if (code) {
        if (code >= fill->offset_count) return out_of_range("code of offsets");
        Py_ssize_t offset = fill->offsets[code];
        if (offset > 0 && key > PY_SSIZE_T_MAX - offset) return out_of_range("moved key");
        key += offset;
        key_object = PyLong_FromSsize_t(key);
        if (key_object == NULL) return -1;
    } else {
        key_object = Py_NewRef(source_key);
    }
    Py_ssize_t slot = home_of(fill, key, key_object);
    if (slot >= 0) slot = free_slot_from(fill, slot);
    int result = -1;
    if (slot >= 0 && store(fill->slots, slot, key_object) == 0)
        result = fill->echo == fill->slots ? 0 : store(fill->echo, slot, key_object);
    Py_DECREF(key_object);
    return result;
}

static PyObject *filled(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "filled(args, echo=None)");
        return NULL;
    }
    Fill fill;
    if (parse(&fill, args[0], nargs == 2 ? args[1] : Py_None) < 0) return NULL;
    /* The hash callback may change the lists, so every length is read again as it is used. */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(fill.source); i++) {
        PyObject *source_key = PyList_GET_ITEM(fill.source, i);
        if (source_key == zero) continue;
        Py_ssize_t key = PyLong_AsSsize_t(source_key);
        if (key == -1 && PyErr_Occurred()) return NULL;
        if (key == 0) continue;
        Py_INCREF(source_key);
        int failed = place(&fill, source_key, key);
        Py_DECREF(source_key);
        if (failed) return NULL;
    }
    return Py_NewRef(fill.slots);
}

static PyMethodDef methods[] = {
    {"filled", (PyCFunction)(void (*)(void))filled, METH_FASTCALL,
     "filled(args, echo=None): hash_map._fill_in_python, compiled."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "aoc23.zigstd._fill",
    .m_doc = "The hash map's bulk fill, compiled.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__fill(void) {
    zero = PyLong_FromLong(0);
    if (zero == NULL) return NULL;
    return PyModule_Create(&module);
}
